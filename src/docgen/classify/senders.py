"""Who sent a message: partner roles by domain, claims by name, look-alikes and impostors, trust.

Trust follows the seeds: the KMar acts as police (B8/3.1 gives KMar Schiphol the police's powers
for an M55), gemeenten send the inschrijving, the person herself may write a zienswijze. Each
mailbox can add partner domains and trust of its own (`mailboxes:` in senders.yaml, keyed by the
source name the pipeline passes as `mailbox=`).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field, replace
from pathlib import Path

import regex

from docgen.classify.patterns import Pattern, compile_any, compile_pattern
from docgen.errors import RuleError
from docgen.model import CASE_TYPES, EVENT_TYPES, Message
from docgen.yamlfile import check_keys, load_yaml

LAWYER = "advocaat"
_ADDRESS = regex.compile(r"(?<![\w.+'-])[\w.+'-]++[ \t]*+(?:@|\(at\)|\[at\])[ \t]*+[\w-]++(?:\.[\w-]++)++")
ANYONE = "anyone"
_DOMAIN_PARTS = regex.compile(r"[.\-_]")
_CLOSING = compile_pattern(r"(met\s+(vriendelijke|hartelijke|collegiale)\s+groet(en)?|hoogachtend|(vriendelijke\s+)?groet(en)?|"
                           r"mvg|gr\.?|(kind\s+)?regards)\b", "senders.py", None)
_GREETING = compile_pattern(r"(geachte|beste|hallo|hoi|goede(morgen|middag|navond)|dear|l\.?s\.?)\b", "senders.py", None)
_KEYS = {"partners", "claims", "lawyer", "lookalike_words", "freemail", "trust", "acts_as", "internal", "mailboxes"}
_MAILBOX_KEYS = {"partners", "trust"}


@dataclass(frozen=True)
class SenderBook:
    partners: dict[str, tuple[str, ...]]  # role → domains (subdomains included; '*' as in gemeente-*.nl)
    claims: dict[str, Pattern]
    lawyer: Pattern
    lookalike_words: dict[str, tuple[str, ...]]  # partner role → words that imitate it in a domain
    freemail: frozenset[str]
    trust: dict[str, frozenset[str]]
    acts_as: dict[str, str]  # role → the role whose powers it has (kmar → politie)
    internal: frozenset[str]  # roles whose forwards are judged by the forwarded original (ind)
    mailboxes: tuple[tuple[str, dict], ...] = ()  # source name → extra partners and trust
    _views: dict = field(default_factory=dict, compare=False, repr=False)  # merged books per mailbox

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(self.partners) | {LAWYER}

    def for_mailbox(self, name: str | None) -> SenderBook:
        """This book with what the mailbox adds; the book itself for a mailbox without settings."""
        extra = dict(self.mailboxes).get(name) if name else None
        if not extra:
            return self
        if name not in self._views:
            self._views[name] = _merged(self, extra)
        return self._views[name]


def _merged(book: SenderBook, extra: dict) -> SenderBook:
    partners = dict(book.partners)
    for role, domains in extra.get("partners", {}).items():
        partners[role] = partners.get(role, ()) + tuple(domains)
    trust = dict(book.trust)
    for mtype, who in extra.get("trust", {}).items():
        trust[mtype] = trust.get(mtype, frozenset()) | frozenset(who)
    return replace(book, partners=partners, trust=trust, mailboxes=(), _views={})


@dataclass(frozen=True)
class Sender:
    """The verdict on a message's sender. `roles` are verified by domain or claimed by name."""

    verified: frozenset[str]
    roles: frozenset[str]
    impostor: str  # reason in Dutch, or '' when the sender is who it says it is


def load_senders(path: Path) -> SenderBook:
    doc = load_yaml(path)
    p = str(path)
    if not isinstance(doc, dict):
        raise RuleError(p, None, "expected a mapping")
    check_keys(doc, p, "senders.yaml", _KEYS, ("partners", "claims", "lawyer", "lookalike_words", "freemail", "trust"))
    partners = {role: tuple(d.lower() for d in domains) for role, domains in doc["partners"].items()}
    claims = {role: compile_any(v, p, doc["claims"].line) for role, v in doc["claims"].items()}
    unknown = set(claims) - set(partners)
    if unknown:
        raise RuleError(p, doc["claims"].line, f"claims for roles that are not partners: {sorted(unknown)}")
    trust = _trust(doc["trust"], partners, p)
    missing = set(CASE_TYPES) - set(trust)
    if missing:
        raise RuleError(p, doc["trust"].line, f"trust does not say who may send {sorted(missing)}")
    acts_as = dict(doc.get("acts_as") or {})
    internal = frozenset(doc.get("internal") or ())
    for role in set(acts_as) | set(acts_as.values()) | internal:
        if role not in partners:
            raise RuleError(p, getattr(doc, "line", None), f"acts_as/internal name a role that is not a partner: {role!r}")
    mailboxes = []
    for name, raw in (doc.get("mailboxes") or {}).items():
        check_keys(raw, p, f"mailbox {name!r}", _MAILBOX_KEYS, ())
        extra_partners = {role: tuple(d.lower() for d in domains) for role, domains in (raw.get("partners") or {}).items()}
        known = set(partners) | set(extra_partners)
        mailboxes.append((str(name), {"partners": extra_partners, "trust": _trust(raw.get("trust") or {}, known, p)}))
    return SenderBook(
        partners=partners, claims=claims, lawyer=compile_any(doc["lawyer"], p, None),
        lookalike_words=_lookalikes(doc["lookalike_words"], partners, p),
        freemail=frozenset(d.lower() for d in doc["freemail"]), trust=trust, acts_as=acts_as, internal=internal,
        mailboxes=tuple(mailboxes),
    )


def _lookalikes(raw, partners, path: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict) or set(raw) - set(partners):
        raise RuleError(path, getattr(raw, "line", None), "lookalike_words maps partner roles to lists of words")
    return {role: tuple(str(w).lower() for w in words) for role, words in raw.items()}


def _trust(raw: dict, partners, path: str) -> dict[str, frozenset[str]]:
    trust: dict[str, frozenset[str]] = {}
    for mtype, who in raw.items():
        if mtype not in EVENT_TYPES:
            raise RuleError(path, getattr(raw, "line", None), f"trust for unknown type {mtype!r}")
        bad = set(who) - set(partners) - {ANYONE, LAWYER}
        if bad:
            raise RuleError(path, getattr(raw, "line", None), f"trust for {mtype}: unknown senders {sorted(bad)}")
        trust[mtype] = frozenset(who)
    return trust


def partner_of(book: SenderBook, domain: str) -> str | None:
    for role, domains in book.partners.items():
        for d in domains:
            if domain == d or domain.endswith("." + d) or ("*" in d and fnmatch.fnmatchcase(domain, d)):
                return role
    return None


def judge_sender(book: SenderBook, msg: Message) -> Sender:
    domain = msg.sender_domain
    partner = partner_of(book, domain)
    verified = {partner} if partner else set()
    claimed = {role for role, pattern in book.claims.items() if pattern.search(msg.sender_name)}
    signature = _signature(msg.body) if not partner else ""  # a partner's domain says who it is
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
    if not partner:
        imitated = _looks_alike(book, domain)
        if imitated:
            impostor = impostor or f"lijkt op het domein van een ketenpartner: {domain}"
            roles.add(imitated)
        elif claimed:
            impostor = impostor or f"noemt zich {'/'.join(sorted(claimed))} maar schrijft vanaf {domain}"
        elif domain in book.freemail:
            signs = {role for role, pattern in book.claims.items() if pattern.search(signature)}
            if signs:
                impostor = impostor or f"gratis e-mailadres dat ondertekent als {'/'.join(sorted(signs))}"
                roles |= signs
    for role, powers in book.acts_as.items():  # the KMar has the police's powers
        if role in verified:
            verified.add(powers)
        if role in roles:
            roles.add(powers)
    return Sender(frozenset(verified), frozenset(roles), impostor)


def _name_shows_other_address(msg: Message) -> str:
    """A display name that shows an address other than the real one is a phishing sign."""
    for shown in _ADDRESS.findall((msg.sender_name or "")[:1000]):  # linear: starts only where a word starts
        shown = regex.sub(r"[ \t]*(?:@|\(at\)|\[at\])[ \t]*", "@", shown).lower()
        if shown != msg.sender:
            return f"de naam van de afzender toont het adres {shown}, maar de mail komt van {msg.sender or '(geen adres)'}"
    return ""


def trusted_for(book: SenderBook, sender: Sender, mtype: str) -> bool:
    allowed = book.trust.get(mtype, frozenset({ANYONE}))
    if sender.impostor:
        return False
    return ANYONE in allowed or bool(allowed & sender.verified) or (LAWYER in allowed and LAWYER in sender.roles)


def _looks_alike(book: SenderBook, domain: str) -> str | None:
    """The partner role a domain imitates, if any."""
    for token in _DOMAIN_PARTS.split(domain):
        for role, words in book.lookalike_words.items():
            if any(token == word or (len(word) >= 5 and token.startswith(word)) for word in words):
                return role
    return None


def _signature(body: str) -> str:
    """The lines under the closing words ("Met vriendelijke groet,"), or else the last few lines
    that are no salutation ("Geachte IND," opens a letter; it signs nothing)."""
    lines = [line.strip() for line in body.split("\n") if line.strip()]
    closing = next((i for i in range(len(lines) - 1, -1, -1) if _CLOSING.match(lines[i])), None)
    if closing is not None:
        rest = _CLOSING.match(lines[closing])
        signed = [lines[closing][rest.end():].strip(" ,")] + lines[closing + 1:closing + 7]
    else:
        signed = [line for line in lines[-3:] if not _GREETING.match(line)]
    return "\n".join(line for line in signed if line and len(line) <= 60)
