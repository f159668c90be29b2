"""Message + rules → Classification: the type, the V-nummer(s), the fields, and whether a human must look."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from docgen.classify import extract
from docgen.classify.patterns import PatternTimeout
from docgen.classify.rules import Chain, RoleCondition, View, load_chain
from docgen.classify.senders import SenderBook, judge_sender, load_senders, trusted_for
from docgen.errors import RuleError
from docgen.model import CASE_TYPES, Classification, Message


@dataclass(frozen=True)
class RuleSet:
    chain: Chain
    senders: SenderBook
    extractors: extract.Extractors


def load_rules(folder: Path) -> RuleSet:
    if not folder.is_dir():
        raise RuleError(str(folder), None, "rules folder not found")
    senders = load_senders(folder / "senders.yaml")
    chain = load_chain(folder / "chain")
    for rule in chain.rules:
        for role in _roles_named(rule.when):
            if role not in senders.roles:
                raise RuleError(rule.path, rule.line, f"rule {rule.name}: unknown sender_role {role!r}; "
                                f"known: {sorted(senders.roles)}")
    return RuleSet(chain, senders, extract.load_extractors(folder / "extractors.yaml"))


def _roles_named(condition) -> set[str]:
    if isinstance(condition, RoleCondition):
        return set(condition.roles)
    found: set[str] = set()
    for child in getattr(condition, "parts", ()) or ((condition.part,) if hasattr(condition, "part") else ()):
        found |= _roles_named(child)
    return found


def scopes(msg: Message) -> dict[str, str]:
    forwarded = "\n\n".join(f"{m.subject}\n{m.body}\n{_attachment_text(m)}" for m in _all_forwarded(msg))
    texts = {
        "subject": msg.subject,
        "body": msg.body,
        "forwarded": forwarded,
        "attachments": _attachment_text(msg),
        "attachment_name": "\n".join(a.name for a in msg.attachments),
        "quoted": msg.quoted,
        "sender": msg.sender,
        "sender_name": msg.sender_name,
    }
    texts["content"] = "\n\n".join(texts[k] for k in ("subject", "body", "forwarded", "attachments"))
    return texts


def _all_forwarded(msg: Message):
    for inner in msg.forwarded:
        yield inner
        yield from _all_forwarded(inner)


def _attachment_text(msg: Message) -> str:
    return "\n\n".join(a.text for a in msg.attachments if a.text)


def find_v_nummers(rules: RuleSet, texts: dict[str, str]) -> list[str]:
    ex = rules.extractors
    found = extract.v_nummers(ex, {k: texts[k] for k in ("subject", "body", "forwarded", "attachments")})
    if not found:  # reply history only names the case when nothing newer does
        found = extract.v_nummers(ex, {"quoted": texts["quoted"]})
    return found


def classify(msg: Message, rules: RuleSet, explain: bool = False) -> Classification:
    texts = scopes(msg)
    sender = judge_sender(rules.senders, msg)
    v_nummers = find_v_nummers(rules, texts)
    view = View(
        texts=texts,
        headers={k.lower(): v for k, v in msg.headers},
        attachment_types=tuple(a.content_type for a in msg.attachments),
        roles=sender.roles,
        has_v_nummer=bool(v_nummers),
        explain=explain,
    )
    votes: list[tuple[str, str]] = []  # (type, rule name)
    dismissed: set[str] = set()
    reasons: list[str] = []
    trace: list[str] = []
    triage: list[str] = []
    for rule in rules.chain.rules:
        try:
            hit, why = rule.when.check(view)
        except PatternTimeout as exc:
            trace.append(f"rule {rule.name}: cut off ({exc})")
            triage.append(f"rule {rule.name} took too long and was cut off")
            continue
        if explain:
            trace.append(f"rule {rule.name}: {'HIT' if hit else 'miss'} — {why}")
        if not hit:
            continue
        reasons.append(f"rule {rule.name}: {why}")
        votes.append((rule.type, rule.name))
        dismissed.update(rule.overrides)
        if rule.triage:
            triage.append(rule.triage)
        if rule.stop:
            break
    standing = [(t, name) for t, name in votes if t not in dismissed]
    mtype = standing[0][0] if standing else "overig"
    kinds = {t for t, _ in standing}
    if len(kinds) > 1:
        triage.append("rules disagree: " + ", ".join(f"{t} ({n})" for t, n in standing))
    if not standing:
        reasons.append("no rule recognised a case message: overig")

    if sender.impostor:
        triage.append(f"untrusted sender: {sender.impostor}")
    if mtype in CASE_TYPES:
        if not trusted_for(rules.senders, sender, mtype):
            if not sender.impostor:
                triage.append(f"sender {msg.sender_domain or '(none)'} is not trusted to send a {mtype}")
        if not v_nummers:
            triage.append(f"no V-nummer found in this {mtype}")
        elif len(v_nummers) > 1:
            triage.append(f"several V-nummers that do not agree: {', '.join(v_nummers)}")
    fields = extract_fields(rules, mtype, texts, msg.date)
    return Classification(
        type=mtype, v_nummers=tuple(v_nummers), triage=bool(triage), fields=fields,
        reasons=tuple(reasons), triage_reasons=tuple(dict.fromkeys(triage)), trace=tuple(trace),
    )


def extract_fields(rules: RuleSet, mtype: str, texts: dict[str, str], received: dt.datetime | None) -> dict[str, str]:
    ex = rules.extractors
    own = "\n\n".join(texts[k] for k in ("body", "forwarded", "attachments"))
    specs = ex.fields.get(mtype, {})
    fields: dict[str, str] = {}
    if "soort" in specs:
        soort = _soort(specs["soort"], texts["subject"], own)
        if soort:
            fields["soort"] = soort
    if "datum" in specs:
        day = extract.date_near(ex, own, specs["datum"]["near"]) or extract.date_near(ex, texts["subject"], specs["datum"]["near"])
        if day is None and mtype == "beklag":
            found = extract.dates_in(ex, texts["body"])
            day = found[0][1] if found else None
        if day is None and received:
            day = received.date()
        if day:
            fields["datum"] = day.isoformat()
    elif mtype in ("zienswijze", "uitstelverzoek") and received:
        fields["datum"] = received.date().isoformat()
    if mtype in ("sepot", "beklag"):
        number = extract.parketnummer(ex, texts["content"]) or extract.parketnummer(ex, texts["attachment_name"])
        if number:
            fields["parketnummer"] = number
    if "weken" in specs:
        found = extract.weeks(specs["weken"]["pattern"], texts["subject"] + "\n" + texts["body"])
        if found:
            fields["weken"] = found
    person = ex.fields.get("person", {})
    if mtype in CASE_TYPES and person:
        fields.update(_person(ex, person, texts))
    return fields


def _soort(spec: dict, subject: str, text: str) -> str | None:
    if "label" in spec:
        labelled = extract.labelled_value(spec["label"], text)
        if labelled:
            for value, pattern in spec["values"].items():
                if pattern.search(labelled):
                    return value
    for source in (subject, text):
        for value, pattern in spec["values"].items():
            if pattern.search(source):
                return value
    return spec.get("default")


def _person(ex: extract.Extractors, spec: dict, texts: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    text = "\n\n".join(texts[k] for k in ("body", "forwarded", "attachments"))
    if "naam" in spec:
        name = extract.labelled_value(spec["naam"]["label"], text)
        if not name and ex.name_before_v:
            match = ex.name_before_v.search(text) or ex.name_before_v.search(texts["subject"])
            name = " ".join(match.group("naam").split()) if match else None
        if name:
            out["naam"] = name
    if "geboortedatum" in spec:
        value = extract.labelled_value(spec["geboortedatum"]["label"], text)
        found = extract.dates_in(ex, value or "")
        if found:
            out["geboortedatum"] = found[0][1].isoformat()
    return out
