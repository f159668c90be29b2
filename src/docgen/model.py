"""The plain data that travels between the stages: source → parse → classify → register → draft."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

# The pilot's case messages: each starts or moves a step of the procedure.
CASE_TYPES = ("m55", "sepot", "uitreiking", "zienswijze", "uitstelverzoek", "beklag")
# The other chain mail of a case (DOMAIN.md): follow-up procedures and facts that change the case.
FOLLOW_UP_TYPES = (
    "voortgezet_verblijf",    # aanvraag (or its announcement) voortgezet verblijf, B9/12
    "bezwaar",                # bezwaarschrift against a beschikking
    "beroep",                 # beroep at the rechtbank
    "dossier_om",             # police: the dossier went to the OM
    "inschrijving_gemeente",  # gemeente: A-nummer / inschrijving in the BRP
    "stand_van_zaken",        # a question about the state of a case or follow-up procedure
    "vertrek",                # departure with unknown destination
    "afzien_aangifte",        # the person gives up the aangifte / medewerking
)
EVENT_TYPES = CASE_TYPES + FOLLOW_UP_TYPES  # every type that becomes an event on its case
TYPES = EVENT_TYPES + ("overig",)


@dataclass(frozen=True)
class RawMessage:
    """Bytes of one message as a source found it; `key` identifies it within its source."""

    source: str
    key: str
    name: str
    data: bytes
    arrived: dt.datetime | None = None  # when the source received it (IMAP INTERNALDATE, the file's mtime)


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    text: str
    method: str  # how the text was obtained: pdf-text, ocr, docx, plain, none


@dataclass(frozen=True)
class Message:
    """A parsed message. `body` is the sender's own new text; `quoted` is reply history."""

    message_id: str
    sender: str  # address, lower case
    sender_name: str
    subject: str
    date: dt.datetime | None
    body: str
    quoted: str = ""
    attachments: tuple[Attachment, ...] = ()
    forwarded: tuple[Message, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def sender_domain(self) -> str:
        return self.sender.rpartition("@")[2]

    def header(self, name: str) -> str:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), "")


@dataclass(frozen=True)
class Classification:
    """What a message is, and the words that explain why."""

    type: str
    v_nummers: tuple[str, ...]
    triage: bool
    fields: dict[str, str] = field(default_factory=dict)
    reasons: tuple[str, ...] = ()  # rule hits, in order, in words
    triage_reasons: tuple[str, ...] = ()
    trace: tuple[str, ...] = ()  # every rule evaluated, hit or miss (for --explain)


# Events recorded by a person on the case page, not carried by mail: the IND's own decisions.
MANUAL_KINDS = ("besluit_verlening", "besluit_vv", "besluit_bezwaar",  # a grant made outside docgen; VV; bezwaar
                "sepot_bevestigd")  # the OM confirmed a sepot it had seemed to deny


@dataclass(frozen=True)
class Event:
    """One fact of a case. `date` is the legally relevant day stated in the message (the day of the
    sepot, the uitreiking, ...); `received` is when the IND received it. Either may be unknown."""

    id: int
    v_nummer: str
    kind: str
    date: dt.date | None
    received: dt.datetime | None
    message: int | None  # the register row of the message it came from
    fields: dict

    @property
    def day(self) -> dt.date | None:
        """The day that orders the case: the stated day, else the day it was received."""
        return self.date or (self.received.date() if self.received else None)

    @property
    def received_day(self) -> dt.date | None:
        return self.received.date() if self.received else self.date


class State(StrEnum):
    """Where a case stands in the B8/3 procedure, in the words the unit uses."""

    ONBEKEND = "onbekend"                          # no M55 in the register yet
    BEDENKTIJD = "bedenktijd"                      # M55 start bedenktijd
    BEDENKTIJD_GEEINDIGD = "bedenktijd geëindigd"  # departure, giving up, or another application
    AANVRAAG = "aanvraag"                          # M55 aangifte/medewerking: the permit is to be decided
    GEEN_AANVRAAG = "geen aanvraag"                # M55 during an asylum procedure: not taken as an application
    VERGUNNING = "vergunning"                      # the permit is granted (final)
    VERGUNNING_EEN_DAG = "vergunning voor één dag"  # the sepot was known at the grant: no revocation follows
    SEPOT = "sepot"                                # voornemen tot intrekking to be made
    VOORNEMEN = "voornemen"                        # voornemen final, waiting for the uitreiking
    ZIENSWIJZETERMIJN = "zienswijzetermijn"        # the term runs
    BESLUIT = "besluit intrekking"                 # the term has ended: the beschikking intrekking is due
    WACHT_VV = "wacht op voortgezet verblijf"      # revoked at the decision on that application
    INGETROKKEN = "ingetrokken"                    # the beschikking intrekking is final
    VERVOLGING_HEROPEND = "vervolging heropend"    # beklag gegrond: the right to the permit revives
    BEZWAAR = "bezwaar"                            # a bezwaarschrift is pending
    BEROEP = "beroep"                              # a beroep is pending
    VERTROKKEN = "vertrokken"                      # departure with unknown destination


@dataclass(frozen=True)
class Deadline:
    """A term that runs (`termijn`: the zienswijze term, the bedenktijd, the permit's validity) or a
    target for something the IND must do (`streef`: the 24-hour grant, the voornemen, ...)."""

    name: str
    label: str
    due: dt.date
    kind: str
    basis: str
    done_on: dt.date | None = None       # the day the step was done (its letter final, its event happened)
    due_at: dt.datetime | None = None    # targets counted in hours (the 24-hour grant)
    done_at: dt.datetime | None = None
    closed: bool = False                 # made moot by a later event

    @property
    def open(self) -> bool:
        return not self.closed and self.done_on is None and self.done_at is None

    def status(self, now: dt.datetime) -> str:
        """Dutch. A term: loopt, verstreken, beëindigd. A target: open, vandaag, verlopen, op tijd, te laat,
        vervallen. Only what is not done can be overdue."""
        if self.kind == "termijn":
            if self.closed:
                return "beëindigd"
            return "verstreken" if now.date() > self.due else "loopt"
        if not self.open:
            if self.done_at is not None and self.due_at is not None:
                return "op tijd" if self.done_at <= self.due_at else "te laat"
            if self.done_on is not None:
                return "op tijd" if self.done_on <= self.due else "te laat"
            return "vervallen"
        if self.due_at is not None and now.tzinfo is not None:
            if now > self.due_at:
                return "verlopen"
        elif now.date() > self.due:
            return "verlopen"
        return "vandaag" if now.date() == self.due else "open"


def slot(letter: str, trigger: int) -> str:
    """The key of one letter of a case: which letter, for which event. Versions of it share the key."""
    return f"{letter}:{trigger}"


@dataclass(frozen=True)
class Uitstel:
    """The decision on one uitstelverzoek, weighed by the unit's policy."""

    event: Event
    asked_weeks: int
    granted_weeks: int
    outcome: str                  # toegekend | gedeeltelijk toegekend | afgewezen
    reasons: tuple[str, ...]      # the reasons given that the policy accepts, in the letter's words
    why: str                      # Dutch: why not (fully) granted; '' when granted in full
    term_before: dt.date | None   # the end of the term when the request came in
    term_after: dt.date | None    # the end of the term after this decision
    overtaken: str = ""           # Dutch: why a separate besluit is no longer of use (the beschikking names it)


@dataclass(frozen=True)
class Case:
    """A case as its events make it: the procedure's state, its facts, deadlines and what waits.
    Pure data folded from the events (register/procedure/); letters are planned from it."""

    v_nummer: str
    state: State = State.ONBEKEND
    events: tuple[Event, ...] = ()
    person: dict = field(default_factory=dict)        # naam, geboortedatum, nationaliteit
    eenheid: str = ""                                 # the police unit of the M55
    gemachtigde: dict | None = None                   # naam, kantoor, adres, email of the lawyer who wrote
    bedenktijd: Event | None = None
    bedenktijd_end: dt.date | None = None
    bedenktijd_ended: tuple[dt.date, str] | None = None
    application: Event | None = None                  # the M55 taken as the application for the permit
    ground: str = ""                                  # aangifte | medewerking | getuige-aangever
    one_day: bool = False                             # the sepot was known when the permit was decided
    granted_elsewhere: bool = False                   # the permit was granted outside docgen (recorded, or implied)
    grant_decision: Event | None = None               # that grant, when a behandelaar recorded it
    sepot: Event | None = None
    uitreiking: Event | None = None
    term_end: dt.date | None = None                   # end of the zienswijze term (Atw applied)
    term_basis: str = ""
    uitstel: tuple[Uitstel, ...] = ()
    zienswijzen: tuple[Event, ...] = ()               # zienswijzen since the sepot, late ones included
    beklag: str = ""                                  # ingesteld | gegrond | ongegrond
    revived: Event | None = None                      # the gegrond beklag that revived the case
    sepot_doubt: Event | None = None                  # the OM wrote after the sepot that there is none (yet)
    counts_from: tuple[dt.date, ...] = ()             # days on which messages dated after today start to count
    vv: Event | None = None                           # application (or announcement) voortgezet verblijf
    vv_status: str = ""                               # aangekondigd | ingediend | besloten
    vv_decision: Event | None = None
    bezwaar: Event | None = None
    beroep: Event | None = None
    vertrek: Event | None = None
    a_nummer: str = ""
    gemeente: str = ""
    deadlines: tuple[Deadline, ...] = ()
    waits: tuple[str, ...] = ()                       # why the beschikking intrekking waits (Dutch)
    elapsed: str = ""                                 # time since the term ended, against the pilot's figure
    oddities: tuple[str, ...] = ()                    # what does not add up (Dutch)
    attention: tuple[str, ...] = ()                   # facts a machine must not decide (Dutch)
    finals: dict = field(default_factory=dict)        # slot → when that letter became final

    def final(self, letter: str, trigger: Event | None) -> dt.datetime | None:
        return self.finals.get(slot(letter, trigger.id)) if trigger else None

    @property
    def voornemen_elsewhere(self) -> bool:
        """The police handed out a voornemen docgen did not make final: it was made outside docgen."""
        return self.uitreiking is not None and not self.final("voornemen-intrekking", self.sepot)

    def next_deadline(self) -> Deadline | None:
        open_ = [d for d in self.deadlines if d.open and d.kind == "streef"]
        return min(open_, key=lambda d: d.due) if open_ else None
