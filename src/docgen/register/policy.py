"""The unit's procedure policy (inbox_rules/procedure.yaml): waits, terms and uitstel, as data."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from docgen.classify.patterns import compile_any
from docgen.errors import RuleError
from docgen.yamlfile import check_keys, load_yaml

FILE = "procedure.yaml"


@dataclass(frozen=True)
class Terms:
    zienswijze_days: int = 14
    bedenktijd_months: int = 3
    permit_months: int = 12
    grant_hours: int = 24
    voornemen_working_days: int = 1
    melding_gemeente_hours: int = 48
    voortgezet_verblijf_working_days: int = 35
    bezwaar_working_days: int = 50


REDENEN = {  # the defaults of inbox_rules/procedure.yaml, for a register without that file
    "tolk": "voor de voorbereiding van de zienswijze een tolk nodig is",
    "dossier": "het dossier nog niet (volledig) beschikbaar is",
    "medisch": "betrokkene vanwege de medische of psychische situatie meer tijd nodig heeft",
    "agenda": "de gemachtigde niet eerder in de gelegenheid is",
    "onbereikbaar": "betrokkene tijdelijk niet bereikbaar is",
    "stukken": "er nog stukken moeten worden verzameld",
}


@dataclass(frozen=True)
class Uitstel:
    zonder_reden_weken: int = 2
    met_reden_weken: int = 4
    redenen: dict[str, str] = field(default_factory=lambda: dict(REDENEN))  # key → how the letter names it
    herken: dict = field(default_factory=dict)                              # key → Pattern recognising it

    def reasons_in(self, text: str) -> list[str]:
        """The accepted reasons a request gives, by key, in the order of the policy."""
        return [key for key, pattern in self.herken.items() if pattern.search(text)]


@dataclass(frozen=True)
class Policy:
    wait_for_triage: bool = True
    wait_for_voortgezet_verblijf: bool = True
    match_name_and_birth_date: bool = True
    match_parketnummer: bool = True
    match_lawyer_address: bool = True
    terms: Terms = Terms()
    uitstel: Uitstel = Uitstel()
    pilot: dict[str, str] = field(default_factory=lambda: dict(PILOT))


PILOT = {  # seed 001, "Overzicht doorlooptijden"
    "intrekking_zonder_vv": "sepot → intrekking zonder aanvraag voortgezet verblijf: gemiddeld 10,6 weken "
                            "(streeftermijn van 4 weken losgelaten)",
    "indiening_vv": "sepot → indiening aanvraag voortgezet verblijf: gemiddeld 7,5 weken",
}
DEFAULT = Policy()


def load_policy(folder: Path) -> Policy:
    """The policy in `folder`/procedure.yaml; the seeds' defaults when the file is absent."""
    path = folder / FILE
    if not path.exists():
        return DEFAULT
    doc = load_yaml(path) or {}
    p = str(path)
    check_keys(doc, p, "procedure policy", {"waits", "matching", "terms", "pilot", "uitstel"}, ())
    waits = _section(doc, "waits", p, {"triage", "voortgezet_verblijf"}, bool)
    matching = _section(doc, "matching", p, {"name_and_birth_date", "parketnummer", "lawyer_address"}, bool)
    terms = _section(doc, "terms", p, set(Terms.__dataclass_fields__), int)
    pilot = _section(doc, "pilot", p, None, str)
    raw_uitstel = doc.get("uitstel") or {}
    check_keys(raw_uitstel, p, "uitstel", {"zonder_reden_weken", "met_reden_weken", "redenen"}, ())
    for key in ("zonder_reden_weken", "met_reden_weken"):
        if key in raw_uitstel and (not isinstance(raw_uitstel[key], int) or raw_uitstel[key] < 0):
            raise RuleError(p, getattr(raw_uitstel, "line", None), f"uitstel.{key} must be a whole number of weeks")
    redenen, herken = {}, {}
    raw_redenen = raw_uitstel.get("redenen") or {}
    if not isinstance(raw_redenen, dict):
        raise RuleError(p, getattr(raw_uitstel, "line", None), "uitstel.redenen maps a reason to herken and tekst")
    for key, spec in raw_redenen.items():
        line = getattr(spec, "line", None)
        check_keys(spec, p, f"uitstel.redenen.{key}", {"herken", "tekst"}, ("herken", "tekst"))
        redenen[key] = " ".join(str(spec["tekst"]).split())
        herken[key] = compile_any(spec["herken"], p, line)
    uitstel = Uitstel(raw_uitstel.get("zonder_reden_weken", 2), raw_uitstel.get("met_reden_weken", 4), redenen, herken)
    if uitstel.met_reden_weken < uitstel.zonder_reden_weken:
        raise RuleError(p, getattr(raw_uitstel, "line", None), "uitstel.met_reden_weken is less than zonder_reden_weken")
    return Policy(
        wait_for_triage=waits.get("triage", True),
        wait_for_voortgezet_verblijf=waits.get("voortgezet_verblijf", True),
        match_name_and_birth_date=matching.get("name_and_birth_date", True),
        match_parketnummer=matching.get("parketnummer", True),
        match_lawyer_address=matching.get("lawyer_address", True),
        terms=Terms(**terms), uitstel=uitstel, pilot={**PILOT, **pilot},
    )


def _section(doc: dict, name: str, path: str, allowed: set[str] | None, kind: type) -> dict:
    raw = doc.get(name) or {}
    line = getattr(raw, "line", None)
    if not isinstance(raw, dict):
        raise RuleError(path, line, f"{name}: expected a mapping")
    for key, value in raw.items():
        if allowed is not None and key not in allowed:
            raise RuleError(path, line, f"{name}: unknown key {key!r}; allowed: {sorted(allowed)}")
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise RuleError(path, line, f"{name}.{key} must be {'true or false' if kind is bool else kind.__name__}")
    return dict(raw)
