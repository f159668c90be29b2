"""Who sent a message: partner roles by domain, claims by name, look-alikes and impostors, trust."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import regex

from docgen.classify.patterns import Pattern, compile_any
from docgen.errors import RuleError
from docgen.model import CASE_TYPES, Message
from docgen.yamlfile import load_yaml

LAWYER = "advocaat"
_DOMAIN_PARTS = regex.compile(r"[.\-_]")
_ADDRESS = regex.compile(r"(?<![\w.+'-])[\w.+'-]++[ \t]*+(?:@|\(at\)|\[at\])[ \t]*+[\w-]++(?:\.[\w-]++)++")
ANYONE = "anyone"


@dataclass(frozen=True)
class SenderBook:
    partners: dict[str, tuple[str, ...]]
    claims: dict[str, Pattern]
    lawyer: Pattern
    lookalike_words: frozenset[str]
    freemail: frozenset[str]
    trust: dict[str, frozenset[str]]

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(self.partners) | {LAWYER}


@dataclass(frozen=True)
class Sender:
    """The verdict on a message's sender. `roles` are verified by domain or claimed by name."""

    verified: frozenset[str]
    roles: frozenset[str]
    impostor: str  # reason, or '' when the sender is who it says it is


def load_senders(path: Path) -> SenderBook:
    doc = load_yaml(path)
    p = str(path)
    if not isinstance(doc, dict):
        raise RuleError(p, None, "expected a mapping")
    for key in ("partners", "claims", "lawyer", "lookalike_words", "freemail", "trust"):
        if key not in doc:
            raise RuleError(p, getattr(doc, "line", None), f"missing {key!r}")
    partners = {role: tuple(d.lower() for d in domains) for role, domains in doc["partners"].items()}
    claims = {role: compile_any(v, p, doc["claims"].line) for role, v in doc["claims"].items()}
    unknown = set(claims) - set(partners)
    if unknown:
        raise RuleError(p, doc["claims"].line, f"claims for roles that are not partners: {sorted(unknown)}")
    trust: dict[str, frozenset[str]] = {}
    for mtype, who in doc["trust"].items():
        if mtype not in CASE_TYPES:
            raise RuleError(p, doc["trust"].line, f"trust for unknown type {mtype!r}")
        bad = set(who) - set(partners) - {ANYONE, LAWYER}
        if bad:
            raise RuleError(p, doc["trust"].line, f"trust for {mtype}: unknown senders {sorted(bad)}")
        trust[mtype] = frozenset(who)
    missing = set(CASE_TYPES) - set(trust)
    if missing:
        raise RuleError(p, doc["trust"].line, f"trust does not say who may send {sorted(missing)}")
    return SenderBook(
        partners=partners, claims=claims, lawyer=compile_any(doc["lawyer"], p, None),
        lookalike_words=frozenset(w.lower() for w in doc["lookalike_words"]),
        freemail=frozenset(d.lower() for d in doc["freemail"]), trust=trust,
    )


def partner_of(book: SenderBook, domain: str) -> str | None:
    for role, domains in book.partners.items():
        if any(domain == d or domain.endswith("." + d) for d in domains):
            return role
    return None


def judge_sender(book: SenderBook, msg: Message) -> Sender:
    domain = msg.sender_domain
    partner = partner_of(book, domain)
    verified = {partner} if partner else set()
    claimed = {role for role, pattern in book.claims.items() if pattern.search(msg.sender_name)}
    signature = _signature(msg.body)
    roles = verified | claimed
    if not partner and (book.lawyer.search(msg.sender_name) or book.lawyer.search(signature)):
        roles.add(LAWYER)
    if partner:  # a partner forwarding a partner's message vouches for it
        for inner in msg.forwarded:
            inner_partner = partner_of(book, inner.sender_domain)
            if inner_partner:
                verified.add(inner_partner)
                roles.add(inner_partner)
    impostor = _name_shows_other_address(msg)
    if not partner and not impostor:
        if _looks_alike(book, domain):
            impostor = f"look-alike of a partner's domain: {domain}"
        elif claimed:
            impostor = f"claims to be {'/'.join(sorted(claimed))} but writes from {domain}"
        elif domain in book.freemail:
            signs = {role for role, pattern in book.claims.items() if pattern.search(signature)}
            if signs:
                impostor = f"free-mail address signing as {'/'.join(sorted(signs))}"
    return Sender(frozenset(verified), frozenset(roles), impostor)


def _name_shows_other_address(msg: Message) -> str:
    """A display name that shows an address other than the real one is a phishing sign."""
    for shown in _ADDRESS.findall((msg.sender_name or "")[:1000]):  # linear: starts only where a word starts
        shown = regex.sub(r"[ \t]*(?:@|\(at\)|\[at\])[ \t]*", "@", shown).lower()
        if shown != msg.sender:
            return f"display name shows address {shown} but the mail comes from {msg.sender or '(no address)'}"
    return ""


def trusted_for(book: SenderBook, sender: Sender, mtype: str) -> bool:
    allowed = book.trust.get(mtype, frozenset())
    if sender.impostor:
        return False
    return ANYONE in allowed or bool(allowed & sender.verified) or (LAWYER in allowed and LAWYER in sender.roles)


def _looks_alike(book: SenderBook, domain: str) -> bool:
    for token in _DOMAIN_PARTS.split(domain):
        for word in book.lookalike_words:
            if token == word or (len(word) >= 5 and token.startswith(word)):
                return True
    return False


def _signature(body: str) -> str:
    lines = [line.strip() for line in body.split("\n") if line.strip()]
    return "\n".join(line for line in lines[-6:] if len(line) <= 60)
