"""Message + rules → Classification: the type, the V-nummer(s), the fields, and whether a human must look.

Every pattern runs under the pattern time limit and one budget per message; a cut-off never
escapes `classify`: the message goes to triage with the reason.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

from docgen.classify import extract
from docgen.classify.conditions import TITLES, Evidence, RoleCondition, Trial, View, Words
from docgen.classify.context import Context, Qualifier, load_context
from docgen.classify.fields import FieldReader, Texts
from docgen.classify.patterns import PatternTimeout, check_budget, message_budget
from docgen.classify.rules import Chain, load_chain
from docgen.classify.senders import SenderBook, judge_sender, load_senders, partner_of, trusted_for
from docgen.errors import RuleError
from docgen.model import CASE_TYPES, EVENT_TYPES, FOLLOW_UP_TYPES, Classification, Message

log = logging.getLogger(__name__)
CONTENT = ("subject", "body", "forwarded", "attachments")
_SCOPE_NL = {"subject": "het onderwerp", "body": "de tekst", "forwarded": "het doorgestuurde bericht",
             "attachments": "de bijlage", "attachment_name": "de naam van de bijlage"}
_LINKS = ("naam", "geboortedatum", "parketnummer")  # what lets a human find the case without V-nummer
_DATE_CONTEXT = ("mislukt",)  # a date next to a failed attempt is not the date of the event


@dataclass(frozen=True)
class RuleSet:
    chain: Chain
    senders: SenderBook
    extractors: extract.Extractors
    context: Context


def load_rules(folder: Path) -> RuleSet:
    if not folder.is_dir():
        raise RuleError(str(folder), None, "rules folder not found")
    senders = load_senders(folder / "senders.yaml")
    chain = load_chain(folder / "chain")
    context = load_context(folder / "context.yaml")
    for rule in chain.rules:
        for role in _roles_named(rule.when):
            if role not in senders.roles:
                raise RuleError(rule.path, rule.line, f"rule {rule.name}: unknown sender_role {role!r}; "
                                f"known: {sorted(senders.roles)}")
        unknown = set(rule.context) - set(context.categories)
        if unknown:
            raise RuleError(rule.path, rule.line, f"rule {rule.name}: unknown context {sorted(unknown)}; "
                            f"known: {sorted(context.categories)}")
    return RuleSet(chain, senders, extract.load_extractors(folder / "extractors.yaml"), context)


def _roles_named(condition) -> set[str]:
    if isinstance(condition, RoleCondition):
        return set(condition.roles)
    found: set[str] = set()
    for child in getattr(condition, "parts", ()) or ((condition.part,) if hasattr(condition, "part") else ()):
        found |= _roles_named(child)
    return found


def scopes(msg: Message) -> tuple[dict[str, str], tuple[tuple[str, int, int], ...]]:
    """The texts rules look at, and where each part lies inside 'content'."""
    forwarded = "\n\n".join(f"{m.subject}\n{m.body}\n{_attachment_text(m)}" for m in _all_forwarded(msg))
    texts = {
        "subject": msg.subject, "body": msg.body, "forwarded": forwarded, "attachments": _attachment_text(msg),
        "attachment_name": "\n".join(a.name.replace("_", " ") for a in msg.attachments), "quoted": msg.quoted,
        "sender": msg.sender, "sender_name": msg.sender_name,
    }
    segments, parts, at = [], [], 0
    for name in CONTENT:
        segments.append((name, at, at + len(texts[name])))
        parts.append(texts[name])
        at += len(texts[name]) + 2
    texts["content"] = "\n\n".join(parts)
    return texts, tuple(segments)


def _all_forwarded(msg: Message):
    for inner in msg.forwarded:
        yield inner
        yield from _all_forwarded(inner)


def _attachment_text(msg: Message) -> str:
    return "\n\n".join(a.text for a in msg.attachments if a.text)


def original_of(msg: Message, book: SenderBook) -> Message:
    """A colleague's internal forward is judged by the message it forwards."""
    if msg.forwarded and partner_of(book, msg.sender_domain) in book.internal and msg.forwarded[0].sender:
        return msg.forwarded[0]
    return msg


def find_v_nummers(rules: RuleSet, texts: dict[str, str], note: str = "") -> list[str]:
    ex = rules.extractors
    found = extract.v_nummers(ex, {k: texts[k] for k in (*CONTENT, "attachment_name")} | {"note": note})
    if not found:  # reply history only names the case when nothing newer does
        found = extract.v_nummers(ex, {"quoted": texts["quoted"]})
    return found


def classify(msg: Message, rules: RuleSet, explain: bool = False, mailbox: str | None = None) -> Classification:
    """What a message is. `mailbox` is the source name (RawMessage.source): it selects the partners
    and trust that mailbox adds in senders.yaml."""
    with message_budget():
        try:
            return _classify(msg, rules, explain, mailbox)
        except PatternTimeout as exc:  # stages catch their own; this is the last line of defence
            log.warning("classification cut off message=%s", msg.message_id or "-")
            return Classification(type="overig", v_nummers=(), triage=True, reasons=(f"cut off: {exc}",),
                                  triage_reasons=(f"het lezen van dit bericht duurde te lang en is afgebroken ({exc.source[:60]})",))


def _classify(msg: Message, rules: RuleSet, explain: bool, mailbox: str | None) -> Classification:
    book = rules.senders.for_mailbox(mailbox)
    original = original_of(msg, book)
    sender = judge_sender(book, original)
    texts, segments = scopes(original)
    received = msg.date.date() if msg.date else None
    triage: list[str] = []
    reasons: list[str] = []
    if original is not msg:
        reasons.append(f"internal forward from {msg.sender}: judged by the original from {original.sender or '(unknown)'}")
    try:
        v_nummers = find_v_nummers(rules, texts, f"{msg.subject}\n{msg.body}" if original is not msg else "")
    except PatternTimeout as exc:
        v_nummers = []
        triage.append(f"het zoeken naar het V-nummer duurde te lang en is afgebroken ({exc.source[:60]})")
    qualifier = Qualifier(rules.context, received, lambda text: extract.dates_in(rules.extractors, text, received, births=False))
    view = View(texts=texts, headers={k.lower(): v for k, v in original.headers},
                attachment_types=tuple(a.content_type for a in original.attachments), roles=sender.roles,
                has_v_nummer=bool(v_nummers), explain=explain, segments=segments, qualify=qualifier.cancelling_cue,
                words=Words())
    verdict = _run_chain(rules.chain, view, reasons, triage)
    mtype, rule = verdict.type, verdict.rule
    fields: dict = {}
    try:
        check_budget("fields")
        dated = tuple(c for c in rule.context if c in _DATE_CONTEXT) if rule else ()
        counts = (lambda text, start, end: qualifier.cancelling_cue(text, start, end, dated) is None) if dated else None
        reader = FieldReader(rules.extractors, _field_texts(texts, original, sender, received), counts,
                             qualifier.cancelling_cue)
        fields = reader.read(mtype, tuple(v_nummers))
    except PatternTimeout as exc:
        triage.append(f"het lezen van de gegevens duurde te lang en is afgebroken ({exc.source[:60]})")
    trusted = mtype not in EVENT_TYPES or trusted_for(book, sender, mtype)
    if not trusted and not sender.impostor and not v_nummers and not any(fields.get(k) for k in _LINKS):
        # An outsider that writes about sepots or M55s in general (a newsletter, an article) names no case.
        reasons.append(f"{mtype} words from {original.sender_domain or '(no sender)'}, which sends no {mtype}, "
                       "about no case (no V-nummer, nobody named): overig")
        mtype, fields, trusted = "overig", {}, True
    if sender.impostor:
        triage.append(f"afzender niet te vertrouwen: {sender.impostor}")
    elif not trusted:
        triage.append(f"afzender {original.sender_domain or '(geen)'} mag geen {mtype} sturen")
    _check_case(mtype, v_nummers, fields, triage, reasons)
    return Classification(
        type=mtype, v_nummers=tuple(v_nummers), triage=bool(triage), fields=fields,
        reasons=tuple(reasons), triage_reasons=tuple(dict.fromkeys(triage)),
        trace=tuple(reasons[:1] if original is not msg else ()) + tuple(verdict.trace),
    )


@dataclass(frozen=True)
class Verdict:
    type: str
    rule: object  # the rule whose vote decided, or None
    trace: list[str]


def _run_chain(chain: Chain, view: View, reasons: list[str], triage: list[str]) -> Verdict:
    votes: list[tuple[str, object, str]] = []  # (type, rule, doubt)
    dismissed: set[str] = set()
    trace: list[str] = []
    for rule in chain.rules:
        trial = Trial(rule.context) if rule.context else None
        try:
            check_budget(f"rule {rule.name}")
            hit, why = rule.when.check(view, trial)
        except PatternTimeout as exc:
            trace.append(f"rule {rule.name}: cut off ({exc})")
            triage.append(f"regel {rule.name} liep te lang en is afgebroken" if not exc.budget else
                          f"het lezen van dit bericht duurde te lang; afgebroken bij regel {rule.name}")
            if exc.budget:
                break
            continue
        doubt = ""
        if trial is not None:
            hit, why, doubt = _weigh(hit, why, trial)
        if view.explain or (trial is not None and not hit and any(e.cue for e in trial.evidence)):
            trace.append(f"rule {rule.name}: {'HIT' if hit else 'miss'} — {why}")
        if not hit:
            continue
        reasons.append(f"rule {rule.name}: {why}")
        votes.append((rule.type, rule, doubt))
        dismissed.update(rule.overrides)
        if rule.triage:
            triage.append(rule.triage)
        if rule.stop:
            break
    standing = [v for v in votes if v[0] not in dismissed and not v[1].fallback]
    if not any(t != "overig" for t, _, _ in standing):
        standing += [v for v in votes if v[0] not in dismissed and v[1].fallback]
    if not standing:
        reasons.append("no rule recognised a case message: overig")
        return Verdict("overig", None, trace)
    kinds = {t for t, _, _ in standing}
    if len(kinds) > 1:
        triage.append("regels spreken elkaar tegen: " + ", ".join(f"{t} ({r.name})" for t, r, _ in standing))
    mtype, rule, _ = standing[0]
    triage.extend(doubt for t, _, doubt in standing if doubt and t == mtype)
    return Verdict(mtype, rule, trace)


def _weigh(hit: bool, why: str, trial: Trial) -> tuple[bool, str, str]:
    """The sender's own words outweigh a subject or file name; when they contradict a document, a human decides."""
    counted = [e for e in trial.evidence if e.cue is None]
    own_cancelled = [e for e in trial.evidence if e.cue is not None and e.scope == "body"]
    if not hit or not own_cancelled or any(e.scope == "body" for e in counted):
        return hit, why, ""
    first = own_cancelled[0]
    documents = [e for e in counted if e.scope not in TITLES]
    if documents:
        return True, why, (f"twijfel: {documents[0].words!r} staat in {_SCOPE_NL.get(documents[0].scope, documents[0].scope)}, "
                           f"maar de tekst zegt bij {first.words!r}: {first.cue.text!r} ({first.cue.reason})")
    titles = ", ".join(repr(e.words) for e in counted)
    return False, f"{titles} in the subject or a file name does not count: the text says {_cue_words(first)}", ""


def _cue_words(evidence: Evidence) -> str:
    return f"{evidence.words!r} with {evidence.cue}"


def _field_texts(texts: dict[str, str], msg: Message, sender, received: dt.date | None) -> Texts:
    own = "\n\n".join(t for t in (texts["body"], texts["forwarded"], texts["attachments"]) if t)
    return Texts(own=own, body=texts["body"], subject=texts["subject"], content=texts["content"],
                 attachment_name=texts["attachment_name"], attachments=texts["attachments"], sender=msg.sender,
                 sender_name=msg.sender_name, roles=sender.verified, received=received)


def _check_case(mtype: str, v_nummers: list[str], fields: dict, triage: list[str], reasons: list[str]) -> None:
    """A case message needs exactly one V-nummer; a follow-up without one needs a human to link it."""
    if len(v_nummers) > 1 and mtype in EVENT_TYPES and mtype != "stand_van_zaken":
        triage.append(f"meerdere V-nummers die niet overeenkomen: {', '.join(v_nummers)}")
    if v_nummers:
        return
    if mtype in CASE_TYPES:
        triage.append(f"geen V-nummer gevonden in deze {mtype}")
    elif mtype in FOLLOW_UP_TYPES and mtype != "stand_van_zaken":
        named = [f"{key} {fields[key]}" for key in _LINKS if fields.get(key)]
        if named:
            triage.append(f"geen V-nummer in deze {mtype}: koppel het bericht aan een zaak ({', '.join(named)})")
        else:
            reasons.append(f"no V-nummer and no name in this {mtype}: nothing to link it to a case by")
