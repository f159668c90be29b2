"""The one way letters are drafted: reassess each case that changed, then render what it now needs.

`run`, `watch` and a monitor's triage decision on the web page all end here: intake and the web only
record what happened and mark the case; the drafter reassesses it against the whole case (register/
procedure), plans its letters (letters/plan), and renders every version that is new. A case is also
reassessed when time alone changes it (a term ends), through its `next_check` day.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

from docgen.clock import SYSTEM, Clock
from docgen.config import Settings
from docgen.dates import dutch_date
from docgen.errors import DocgenError
from docgen.letters.arguments import current_library, to_u
from docgen.letters.catalogue import by_name
from docgen.letters.facts import afzender
from docgen.letters.plan import plan
from docgen.letters.render import render_letter
from docgen.letters.unfinished import docx_unfinished
from docgen.model import Case
from docgen.outbox import version_paths, write_draft
from docgen.register.drafts import Claim, Drafts
from docgen.register.policy import Policy, load_policy
from docgen.register.procedure import assess
from docgen.register.report import measure
from docgen.register.store import LAWYER_KINDS, Store, person_key, sha256

log = logging.getLogger("docgen")
PLACEHOLDER_BEHANDELAAR = "[naam behandelaar]"


@dataclass(frozen=True)
class Drafted:
    v_nummer: str
    letter: str
    version: int
    docx: Path
    pdf: Path


class Drafter:
    def __init__(self, settings: Settings, store: Store, clock: Clock = SYSTEM, policy: Policy | None = None):
        self.settings = settings
        self.store = store
        self.drafts = Drafts(store)
        self.clock = clock
        self.policy = policy or load_policy(settings.rules)

    # -- the case ---------------------------------------------------------------------------

    def case(self, v_nummer: str) -> Case:
        """The case as of now, read-only (for `docgen case` and the case page). Which messages in triage
        may belong to it follows from the case itself (its keys), so it waits for them at once."""
        events, finals, now = self.store.events(v_nummer), self.drafts.finals(v_nummer), self.clock.now()
        bare = assess(v_nummer, events, finals, now, self.policy)
        waits = self.store.triage_waits(case_keys(bare, self.policy))
        return assess(v_nummer, events, finals, now, self.policy, waits) if waits else bare

    def reassess(self, v_nummer: str) -> list[int]:
        """Reassess one case and bring its letters in line, in one transaction; the versions to render."""
        db = self.store.db
        now = self.clock.now()
        with db.transaction():
            if db.dialect == "postgres":  # one reassessment of a case at a time, across watchers
                db.execute("SELECT v_nummer FROM cases WHERE v_nummer = ? FOR UPDATE", (v_nummer,))
            case = self.case(v_nummer)
            needs = plan(case, self.drafts.final_dates(v_nummer))
            to_render = self.drafts.sync(v_nummer, needs, why_not(case), now, lapse_reasons(case))
            self.store.save_case(summary(case, now), case_keys(case, self.policy))
        return to_render

    def reassess_marked(self, v_nummers: list[str]) -> None:
        """Inside intake's transaction: reassess the cases a message touched, each in a savepoint, so a case
        that cannot be reassessed stays marked for the drafter and never undoes the message's record."""
        for v_nummer in v_nummers:
            try:
                with self.store.db.savepoint("reassess"):
                    self.reassess(v_nummer)
            except Exception:  # the case stays marked; the drafter tries again and logs again
                log.error("reassess failed v_nummer=%s", v_nummer, exc_info=True)

    def work(self) -> list[Drafted]:
        """One pass: wake what time changed, reassess every marked case, render every pending version."""
        self.store.wake_due(self.clock.today())
        while True:
            dirty = self.store.dirty_cases()
            if not dirty:
                break
            for v_nummer in dirty:
                try:
                    self.reassess(v_nummer)
                except Exception:  # one case's failure never stops the others; it stays marked
                    log.error("reassess failed v_nummer=%s", v_nummer, exc_info=True)
                    self._set_aside(v_nummer)
        drafted: list[Drafted] = []
        for version_id in self.drafts.pending():
            result = self.render(version_id)
            if result is not None:
                drafted.append(result)
        return drafted

    def _set_aside(self, v_nummer: str) -> None:
        """A case that cannot be reassessed is looked at again tomorrow, not in a busy loop."""
        with self.store.db.transaction():
            self.store.db.execute("UPDATE cases SET dirty = 0, next_check = ? WHERE v_nummer = ?",
                                  ((self.clock.today() + dt.timedelta(days=1)).isoformat(), v_nummer))

    # -- rendering --------------------------------------------------------------------------

    def render(self, version_id: int) -> Drafted | None:
        claim = self.drafts.claim(version_id)
        if claim is None:
            return None  # rendered already, or another watcher renders it now
        try:
            return self._render(claim)
        except DocgenError as exc:
            log.error("draft failed v_nummer=%s letter=%s reason=%s", claim.letter.v_nummer, claim.letter.kind, exc)
        except Exception:  # the message is safely recorded; the draft is retried in the next pass
            log.error("draft failed v_nummer=%s letter=%s", claim.letter.v_nummer, claim.letter.kind, exc_info=True)
        self.drafts.release(claim)
        return None

    def _render(self, claim: Claim) -> Drafted | None:
        letter, version = claim.letter, claim.version
        kind = by_name(letter.kind)
        today = self.clock.today()
        context = render_context(version.facts, self.settings.templates, today)
        rendered = render_letter(self.settings.templates / f"{kind.template}.docx", context, kind.title)
        docx_rel, pdf_rel = version_paths(letter.v_nummer, letter.kind, letter.sequence, version.number)
        docx, pdf = self.settings.data / docx_rel, self.settings.data / pdf_rel
        write_draft(self.settings.outbox, docx, rendered.docx)
        write_draft(self.settings.outbox, pdf, rendered.pdf)
        open_points = docx_unfinished(rendered.docx)
        if not self.drafts.finish(claim, str(docx_rel), str(pdf_rel), sha256(rendered.docx), today, open_points):
            log.info("draft superseded while rendering v_nummer=%s letter=%s", letter.v_nummer, letter.kind)
            return None
        log.info("drafted v_nummer=%s letter=%s version=%d", letter.v_nummer, letter.kind, version.number)
        return Drafted(letter.v_nummer, letter.kind, version.number, docx, pdf)


def render_context(facts: dict, templates: Path, today: dt.date, behandelaar: dict | None = None) -> dict:
    """The facts of the case plus what belongs to the moment of writing: the date and who writes."""
    who = behandelaar or {}
    contact = ", ".join(x for x in (who.get("telefoon", ""), who.get("email", "")) if x)
    if facts.get("aan_persoon") and facts.get("motivering"):  # the blocks speak of betrokkene; she reads u
        library = current_library(templates)
        facts = {**facts, "motivering": [{**m, "tekst": to_u(library, m["tekst"])} for m in facts["motivering"]]}
    return {**facts, "datum": dutch_date(today), "behandelaar": who.get("naam") or PLACEHOLDER_BEHANDELAAR,
            "behandelaar_contact": contact, "afzender": afzender(templates)}


def lapse_reasons(case: Case) -> dict[str, str]:
    """Letters that lapse for a reason of their own, by slot: the case-wide reason would mislead."""
    return {f"besluit-uitstel:{u.event.id}": f"{u.overtaken}; de beschikking intrekking noemt het verzoek"
            for u in case.uitstel if u.overtaken}


def why_not(case: Case) -> str:
    """Why letters the case had are no longer needed, in the words of the case page."""
    if case.revived is not None:
        return f"beklag gegrond verklaard op {dutch_date(case.revived.day)}: het recht op de vergunning herleeft"
    if case.one_day:
        return "vergunning voor één dag: het sepot was al bekend bij de beslissing; geen intrekking"
    if case.granted_elsewhere:
        return "de vergunning is buiten docgen verleend en het voornemen buiten docgen uitgereikt"
    if case.voornemen_elsewhere and case.sepot is not None:
        return (f"het voornemen is op {dutch_date(case.uitreiking.day)} uitgereikt zonder dat dit concept definitief "
                "was: het is buiten docgen verzonden")
    if case.waits:
        return "; ".join(case.waits)
    if case.attention:
        return "; ".join(case.attention)
    return "niet meer nodig volgens de zaak"


def summary(case: Case, now: dt.datetime) -> dict:
    """The case's row in the listing: what a list of 10,000 cases filters and sorts on."""
    today = now.date()
    nxt = case.next_deadline()
    overdue = any(d.status(now) == "verlopen" for d in case.deadlines if d.kind == "streef")
    checks = [d.due + dt.timedelta(days=1) for d in case.deadlines if d.due >= today and (d.open or d.kind == "termijn")]
    checks += list(case.counts_from)  # a message dated after today counts from its day: look again then
    parket = next((e.fields["parketnummer"] for e in reversed(case.events) if e.fields.get("parketnummer")), "")
    return {"v_nummer": case.v_nummer, "state": str(case.state), "naam": case.person.get("naam", ""),
            "geboortedatum": case.person.get("geboortedatum", ""), "parketnummer": parket,
            "next_due": nxt.due.isoformat() if nxt else None, "next_label": nxt.label if nxt else "",
            "overdue": overdue, "waiting": bool(case.waits), "attention": bool(case.attention or case.oddities),
            "next_check": min(checks).isoformat() if checks else None, "steps": measure(case)}


def case_keys(case: Case, policy: Policy) -> list[tuple[str, str]]:
    """What a message without V-nummer may share with this case, as far as the policy matches on it."""
    keys = []
    person = person_key(case.person.get("naam"), case.person.get("geboortedatum"))
    if person and policy.match_name_and_birth_date:
        keys.append(("persoon", person))
    for event in case.events:
        if event.fields.get("parketnummer") and policy.match_parketnummer:
            keys.append(("parketnummer", event.fields["parketnummer"]))
        if event.kind in LAWYER_KINDS and event.fields.get("afzender_adres") and policy.match_lawyer_address:
            keys.append(("afzender", event.fields["afzender_adres"].lower()))
    return list(dict.fromkeys(keys))
