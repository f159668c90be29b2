"""Every letter of the procedure: its template, its addressee, and for which events of a case it is needed.

`needs(case)` returns the events a letter is needed for, as the seeds run the procedure; the case's
waits (register/procedure) keep a letter from being needed while they hold. A letter's data model
(`variables`) is what its template may use; anything else fails `docgen templates check`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from docgen.model import Case, Event, State

UITSTEL = "besluit-uitstel"

COMMON = frozenset({"datum", "kenmerk", "v_nummer", "naam", "geboortedatum", "nationaliteit", "geadresseerde",
                    "aanhef", "afschrift", "behandelaar", "behandelaar_contact", "afzender", "melder"})
NESTED = {
    "motivering": frozenset({"titel", "tekst"}),
    "uitstel": frozenset({"datum", "tot", "besluit", "zienswijze"}),
    "zienswijzen": frozenset({"datum", "laat", "afzender", "u"}),
    "afzender": frozenset({"naam", "unit", "adres", "postcode_plaats", "telefoon", "email"}),
}
REMEDY = ("bezwaar", "vier weken", "69")
GROUNDS = ("B8/3", "3.48")


@dataclass(frozen=True)
class LetterKind:
    name: str          # unique; the file and slot name
    code: str          # in the IND's reference: B83/<V-nummer>/<code><n>
    template: str      # templates/<template>.docx
    title: str         # Dutch, for people
    needs: Callable[[Case], list[Event]]
    variables: frozenset[str]
    required: tuple[str, ...]           # phrases the rendered letter must contain (templates check)
    besluit: bool = False               # a beschikking (legal remedy) or not (kennisgeving, bevestiging)
    after: str = ""                     # drafted only once this letter (same trigger) is final
    forbidden: tuple[str, ...] = ()     # phrases it must never contain


def _bedenktijd(case: Case) -> list[Event]:
    """Not for a getuige-aangever or in detention without consent; and no confirmation of a bedenktijd that
    has already ended (by aangifte, departure, ...) before the confirmation was sent."""
    if case.bedenktijd is None or any("bedenktijd" in a for a in case.attention):
        return []
    if case.bedenktijd_ended and not case.final("bevestiging-bedenktijd", case.bedenktijd):
        return []
    return [case.bedenktijd]


def _grant(case: Case) -> list[Event]:
    if case.application is None or case.state == State.GEEN_AANVRAAG:
        return []
    if case.granted_elsewhere and not case.final("beschikking-verlening", case.application):
        return []  # granted outside docgen: a second grant is no use
    return [case.application]


def _voornemen(case: Case) -> list[Event]:
    if case.sepot is None or case.one_day or case.revived is not None:
        return []
    if case.voornemen_elsewhere:
        return []  # the police handed out a voornemen made outside docgen: this one would be a second
    if case.sepot_doubt is not None and not case.final("voornemen-intrekking", case.sepot):
        return []  # the OM wrote there is no sepot (yet): nothing rests on it until it is confirmed
    return [case.sepot]


def _uitstel(case: Case) -> list[Event]:
    """A besluit on each request, unless the zienswijze or the end of the term overtook it first."""
    return [u.event for u in case.uitstel if not case.revived and (not u.overtaken or case.final(UITSTEL, u.event))]


def _revocation(case: Case) -> list[Event]:
    """After the zienswijze term (or with the decision on voortgezet verblijf), when nothing waits."""
    if case.uitreiking is None or case.one_day or case.revived is not None or case.waits:
        return []
    if case.state in (State.BESLUIT, State.INGETROKKEN, State.BEZWAAR, State.BEROEP):
        return [case.uitreiking]
    return []


def _revived_grant(case: Case) -> list[Event]:
    """A gegrond beklag after the permit was revoked: the right to the permit revives (seed 004)."""
    if case.revived is None or case.application is None:
        return []
    revoked = [s for s in case.finals if s.startswith("beschikking-intrekking:")]
    return [case.revived] if revoked else []


def _withdrawn(case: Case) -> list[Event]:
    """A gegrond beklag before any revocation: the voornemen that was handed out is withdrawn."""
    handed_out = case.final("voornemen-intrekking", case.sepot) or case.uitreiking is not None
    if case.revived is None or case.sepot is None or not handed_out:
        return []
    if case.uitreiking is not None and case.final("beschikking-intrekking", case.uitreiking):
        return []
    return [case.revived]


def _kennisgeving(decision: str, partner: str, needs, after: str, variables: frozenset[str],
                  required: tuple[str, ...], forbidden: tuple[str, ...] = ()) -> LetterKind:
    code = ("KV" if decision == "verlening" else "KI") + partner[0].upper()
    return LetterKind(f"kennisgeving-{decision}-{partner}", code, "kennisgeving",
                      f"Kennisgeving {decision} aan {'het OM' if partner == 'om' else 'de ' + partner}",
                      needs, COMMON | variables, required, after=after,
                      forbidden=("bezwaar", "dit besluit", "deze beschikking") + forbidden)


NOTICE = frozenset({"besluit", "besluit_datum", "ingangsdatum", "einddatum", "een_dag", "ontvanger", "parketnummer",
                    "eenheid", "a_nummer", "verzoek", "grondslag"})
GRANT = frozenset({"ingangsdatum", "einddatum", "een_dag", "grondslag", "grond", "getuige", "m55_datum", "m55_ontvangen",
                   "sepot_datum", "parketnummer", "eenheid", "eu", "herleefd", "beklag_datum", "beklag_kenmerk"})

LETTERS: tuple[LetterKind, ...] = (
    LetterKind("bevestiging-bedenktijd", "BT", "bevestiging-bedenktijd", "Bevestiging bedenktijd", _bedenktijd,
               COMMON | {"bedenktijd_start", "bedenktijd_einde", "eenheid", "eu"}, ("8, onder k", "drie maanden", "B8/3")),
    LetterKind("beschikking-verlening", "VL", "beschikking-verlening", "Beschikking verlening verblijfsvergunning", _grant,
               COMMON | GRANT, GROUNDS + REMEDY + ("tijdelijke humanitaire gronden",), besluit=True),
    _kennisgeving("verlening", "politie", _grant, "beschikking-verlening", NOTICE, ("3.48",)),
    _kennisgeving("verlening", "om", _grant, "beschikking-verlening", NOTICE, ("3.48",)),
    LetterKind("voornemen-intrekking", "VN", "voornemen-intrekking", "Voornemen tot intrekking verblijfsvergunning",
               _voornemen, COMMON | {"parketnummer", "sepot_datum", "ingangsdatum", "einddatum", "eenheid", "getuige",
                                     "grondslag", "eu"},
               GROUNDS + ("4:8", "4:9", "twee weken", "B9/12", "3.51", "beklag", "paspoort", "leges",
                          "represailles", "beslissing op die aanvraag")),
    LetterKind("besluit-uitstel", "US", "besluit-uitstel", "Besluit op uitstelverzoek", _uitstel,
               COMMON | {"verzoek_datum", "weken", "toegekend_weken", "uitkomst", "redenen", "reden_afwijzing",
                         "oude_einddatum", "nieuwe_einddatum", "voornemen_elders"}, ("4:8",)),
    LetterKind("beschikking-intrekking", "IT", "beschikking-intrekking", "Beschikking intrekking verblijfsvergunning",
               _revocation,
               COMMON | {"parketnummer", "sepot_datum", "uitreiking_datum", "termijn_einde", "zienswijze",
                         "zienswijzen", "te_laat", "motivering", "open_punten", "ingangsdatum", "vv_status",
                         "vv_datum", "vv_besluit_datum", "medisch", "gezinsleven", "eenheid", "grondslag",
                         "vergunning_datum", "vergunning_van", "vergunning_tot", "beklag_datum", "uitstel",
                         "vergunning_kenmerk", "verlening_onbekend", "termijn_einde_oorspronkelijk", "vv_vragen",
                         "voornemen_elders", "aan_persoon", "wie", "Wie", "eu"},
               GROUNDS + REMEDY + ("artikel 19", "artikel 18", "3.6, vijfde lid", "6.1d", "64",
                                   "rechtmatig verblijf"), besluit=True),
    _kennisgeving("intrekking", "politie", _revocation, "beschikking-intrekking", NOTICE, ("ingetrokken",)),
    _kennisgeving("intrekking", "om", _revocation, "beschikking-intrekking", NOTICE, ("ingetrokken",)),
    _kennisgeving("intrekking", "gemeente", _revocation, "beschikking-intrekking", NOTICE, ("ingetrokken",),
                  forbidden=("slachtoffer", "mensenhandel", "B8/3", "sepot", "zienswijze")),
    LetterKind("beschikking-verlening-herleefd", "VH", "beschikking-verlening", "Beschikking verlening na gegrond beklag",
               _revived_grant, COMMON | GRANT, GROUNDS + REMEDY + ("gegrond",), besluit=True),
    LetterKind("mededeling-afzien-intrekking", "AI", "afzien-intrekking", "Mededeling: geen intrekking na gegrond beklag",
               _withdrawn, COMMON | {"beklag_datum", "beklag_kenmerk", "parketnummer", "uitreiking_datum",
                                     "sepot_datum", "vergunning_tot", "eenheid", "aan_persoon",
                                     "verlening_onbekend"}, ("gegrond", "12")),
)


def by_name(name: str) -> LetterKind:
    for letter in LETTERS:
        if letter.name == name:
            return letter
    raise KeyError(name)


def templates() -> dict[str, list[LetterKind]]:
    """Template name → the letters that use it."""
    out: dict[str, list[LetterKind]] = {}
    for letter in LETTERS:
        out.setdefault(letter.template, []).append(letter)
    return out
