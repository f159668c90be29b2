"""The pages speak Dutch: labels for the register's codes, and Dutch for the explanations that intake,
the rules and the template check write in English for the logs.

The English sentences have a small, fixed shape (classify/engine.py, classify/rules.py, classify/senders.py,
parse/mime.py, letters/check.py); each shape has its Dutch here. A sentence with no known shape is shown as
it is, rather than guessed at.
"""

from __future__ import annotations

import re

from docgen.dates import AMSTERDAM, dutch_date

TYPE_WORDS = {
    "m55": "M55", "sepot": "sepot", "uitreiking": "uitreiking", "zienswijze": "zienswijze",
    "uitstelverzoek": "uitstelverzoek", "beklag": "beklag", "voortgezet_verblijf": "voortgezet verblijf",
    "bezwaar": "bezwaar", "beroep": "beroep", "dossier_om": "dossier naar het OM",
    "inschrijving_gemeente": "inschrijving gemeente", "stand_van_zaken": "vraag naar de stand van zaken",
    "vertrek": "vertrek met onbekende bestemming", "afzien_aangifte": "afzien van aangifte",
    "overig": "overig", "besluit_verlening": "beschikking verlening (buiten docgen)", "besluit_vv": "besluit voortgezet verblijf", "besluit_bezwaar": "besluit op bezwaar", "sepot_bevestigd": "sepot bevestigd door het OM",
    "quarantaine": "quarantaine",
}
STATUS_WORDS = {"classified": "verwerkt", "triage": "triage", "quarantined": "quarantaine"}
ROLE_WORDS = {"monitor": "mailboxmonitor", "behandelaar": "behandelaar", "contactpersoon": "contactpersoon",
              "template-maintainer": "sjabloonbeheerder", "manager": "manager", "admin": "beheerder"}
ORIGIN_WORDS = {"gemaakt": "gemaakt door docgen", "correctie": "correctie", "goedkeuring": "opnieuw opgemaakt bij goedkeuring"}
FIELD_WORDS = {"soort": "soort", "datum": "datum", "naam": "naam", "geboortedatum": "geboortedatum",
               "nationaliteit": "nationaliteit", "parketnummer": "parketnummer", "weken": "weken uitstel",
               "afzender": "afzender", "afzender_adres": "adres afzender", "redenen": "redenen",
               "voortgezet_verblijf": "voortgezet verblijf", "uitkomst": "uitkomst", "argumenten": "argumenten",
               "open_punten": "open punten"}

_SCOPES = {
    "the subject": "het onderwerp", "the new text": "de nieuwe tekst", "a forwarded message": "een doorgestuurd bericht",
    "an attachment's text": "de tekst van een bijlage", "an attachment's name": "de naam van een bijlage",
    "the quoted history": "de geciteerde voorgeschiedenis",
    "the message (subject, text, forwards, attachments)": "het bericht (onderwerp, tekst, doorgestuurd, bijlagen)",
    "the sender's address": "het adres van de afzender", "the sender's name": "de naam van de afzender",
}
_SCOPE = "|".join(re.escape(s) for s in sorted(_SCOPES, key=len, reverse=True))


def _scope(match: re.Match) -> str:
    return _SCOPES[match.group(1)]


# (English shape, Dutch), tried in order on each part of an explanation.
_PARTS: tuple[tuple[re.Pattern, object], ...] = tuple((re.compile(p), d) for p, d in (
    (rf"^({_SCOPE}) contains (.*)$", lambda m: f"{_scope(m)} bevat {m.group(2)}"),
    (rf"^({_SCOPE}) has none of (.*)$", lambda m: f"{_scope(m)} bevat geen van {m.group(2)}"),
    (r"^header (\S+) is (.*)$", r"kopregel \1 is \2"),
    (r"^no header (.*) as expected$", r"geen kopregel \1 zoals verwacht"),
    (r"^has an attachment of type (.*)$", r"heeft een bijlage van het type \1"),
    (r"^no attachment of that type$", "geen bijlage van dat type"),
    (r"^the sender is not (.*)$", r"de afzender is geen \1"),
    (r"^the sender is (.*)$", r"de afzender is \1"),
    (r"^a V-nummer was found$", "er is een V-nummer gevonden"),
    (r"^('.+?') does not count: (.*)$", r"\1 telt niet: \2"),
    (r"^(.*) in the subject or a file name does not count: the text says (.*)$",
     r"\1 in het onderwerp of een bestandsnaam telt niet: de tekst zegt \2"),
    (r"^no V-nummer was found$", "er is geen V-nummer gevonden"),
))
_WHOLE: tuple[tuple[re.Pattern, object], ...] = tuple((re.compile(p), d) for p, d in (
    # intake's verdicts (classify/engine.py, classify/senders.py)
    (r"^no rule recognised a case message: overig$", "geen regel herkende een zaakbericht: overig"),
    (r"^internal forward from (\S+): judged by the original from (\S+)$",
     r"interne doorzending door \1: beoordeeld op het oorspronkelijke bericht van \2"),
    (r"^rule (\S+) took too long and was cut off$", r"regel \1 duurde te lang en is afgebroken"),
    (r"^rules disagree: (.*)$", r"de regels spreken elkaar tegen: \1"),
    (r"^untrusted sender: (.*)$", lambda m: "onbetrouwbare afzender: " + dutch(m.group(1))),
    (r"^look-alike of a partner's domain: (.*)$", r"lijkt op het domein van een ketenpartner: \1"),
    (r"^claims to be (\S+) but writes from (.*)$", r"doet zich voor als \1 maar schrijft vanaf \2"),
    (r"^free-mail address signing as (.*)$", r"gratis e-mailadres dat ondertekent als \1"),
    (r"^sender (\S+) is not trusted to send a (\S+)$",
     lambda m: f"afzender {m.group(1)} wordt niet vertrouwd voor een {TYPE_WORDS.get(m.group(2), m.group(2))}"),
    (r"^no V-nummer found in this (\S+)$",
     lambda m: f"geen V-nummer gevonden in deze {TYPE_WORDS.get(m.group(1), m.group(1))}"),
    (r"^several V-nummers that do not agree: (.*)$", r"meerdere V-nummers die elkaar tegenspreken: \1"),
    (r"^looks like phishing: asks to log in or validate through a link$",
     "lijkt op phishing: vraagt om via een link in te loggen of iets te bevestigen"),
    (r"^quarantined: (.*)$", lambda m: "in quarantaine: " + dutch(m.group(1))),
    # quarantine (parse/mime.py, parse/docx.py, pipeline.py)
    (r"^attachment name contains control or text-direction characters$",
     "de naam van een bijlage bevat stuur- of schrijfrichtingstekens (een vermomde bestandsnaam)"),
    (r"^attachment name contains a path \(possible path traversal\)$",
     "de naam van een bijlage bevat een pad (mogelijk een poging buiten de map te schrijven)"),
    (r"^attachment is an executable file$", "een bijlage is een uitvoerbaar bestand"),
    (r"^message is (\d+) bytes, more than (\d+)$", r"het bericht is \1 bytes, meer dan \2"),
    (r"^message has (\d+) parts, more than (\d+)$", r"het bericht heeft \1 delen, meer dan \2"),
    (r"^forwarded messages nested deeper than (\d+)$", r"doorgestuurde berichten dieper genest dan \1"),
    (r"^malformed header block: a header line without a colon$",
     "onleesbare kopregels: een kopregel zonder dubbelepunt"),
    (r"^DOCX unpacks to (\d+) bytes, more than the limit (\d+)$", r"een DOCX pakt uit tot \1 bytes, meer dan \2"),
    (r"^could not be parsed \((.*)\)$", r"kon niet worden gelezen (\1)"),
    (r"^attachment (.*) could not be read: (.*)$", r"bijlage \1 kon niet worden gelezen (\2)"),
    # the register's record of a monitor's decision
    (r"^(triage|quarantined) → (\S+)(.*)$",
     lambda m: f"{STATUS_WORDS[m.group(1)]} → {TYPE_WORDS.get(m.group(2), m.group(2))}{m.group(3)}"),
    # the template check (letters/check.py)
    (r"^the template is missing$", "het sjabloon ontbreekt"),
    (r"^template syntax error: (.*)$", r"fout in de sjabloonopmaak: \1"),
    (r"^unknown variable '(.*)'$", r"onbekende variabele '\1'"),
    (r"^unknown field '(.*)' of (.*)$", r"onbekend veld '\1' van \2"),
    (r"^cannot be rendered for (\S+): (.*)$", r"kan niet worden opgemaakt voor \1: \2"),
    (r"^the letter (\S+) does not show (.*)$", r"de brief \1 toont \2 niet"),
    (r"^the letter (\S+) lacks (.*)$", r"in de brief \1 ontbreekt \2"),
    (r"^correct the file as the message says$", "verbeter het bestand zoals de melding zegt"),
    (r"^add (\S+) \(letters (.*) use it\)$", r"voeg \1 toe (de brieven \2 gebruiken het)"),
    (r"^use one of: (.*); or remove it$", r"gebruik een van: \1; of haal het weg"),
    (r"^use one of: (.*)$", r"gebruik een van: \1"),
    (r"^see the message$", "zie de melding"),
    (r"^every letter carries date, reference, V-nummer, name and date of birth: add (.*)$",
     r"elke brief draagt datum, kenmerk, V-nummer, naam en geboortedatum: voeg \1 toe"),
))


def _apply(patterns, text: str) -> str | None:
    for pattern, dutch_form in patterns:
        match = pattern.match(text)
        if match:
            return dutch_form(match) if callable(dutch_form) else match.expand(dutch_form)
    return None


def _why(text: str) -> str:
    """One rule's explanation: parts joined by '; ', each maybe behind 'not: ' or 'as required, '."""
    out = []
    for part in text.split("; "):
        prefix = ""
        while True:
            if part.startswith("not: "):
                prefix, part = prefix + "niet: ", part[5:]
            elif part.startswith("as required, "):
                prefix, part = prefix + "zoals vereist: ", part[13:]
            else:
                break
        if not part:
            continue  # a condition that held without words (explanations are kept short at intake)
        alternatives = part.split(" and ")
        done = [_apply(_PARTS, alt) for alt in alternatives]
        out.append(prefix + (" en ".join(d or a for d, a in zip(done, alternatives, strict=True))))
    return "; ".join(out)


def dutch(text: str | None) -> str:
    """An explanation, reason or problem in Dutch (unchanged when its shape is unknown)."""
    if not text:
        return ""
    rule = re.match(r"^rule (\S+): (HIT|miss|cut off) — (.*)$", text) or re.match(r"^rule (\S+): ()(.*)$", text)
    if rule:
        verdict = {"HIT": "raak — ", "miss": "mis — ", "cut off": "afgebroken — "}.get(rule.group(2), "")
        return f"regel {rule.group(1)}: {verdict}{_why(rule.group(3))}"
    return _apply(_WHOLE, text) or _apply(_PARTS, text) or text


def type_word(value: str | None) -> str:
    return TYPE_WORDS.get(value or "", value or "onbekend")


def letter_title(kind: str) -> str:
    from docgen.letters.catalogue import by_name

    try:
        return by_name(kind).title
    except (KeyError, ValueError, LookupError):
        return kind.replace("-", " ")


def nl_datetime(value: str | None) -> str:
    """`17 april 2026 om 12:00` (Amsterdam time) from a register timestamp."""
    if not value:
        return ""
    import datetime as dt

    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is not None:
        moment = moment.astimezone(AMSTERDAM)
    return f"{dutch_date(moment.date())} om {moment:%H:%M}"


FILTERS = {"dutch": dutch, "type_word": type_word, "letter_title": letter_title, "nl_datetime": nl_datetime,
           "status_word": lambda s: STATUS_WORDS.get(s, s), "role_word": lambda r: ROLE_WORDS.get(r, r),
           "field_word": lambda f: FIELD_WORDS.get(f, f.replace("_", " ")),
           "origin_word": lambda o: ORIGIN_WORDS.get(o, o)}
