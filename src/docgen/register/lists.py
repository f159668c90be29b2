"""Read-only lists for the web pages: a page of cases or messages, searched, filtered and sorted in SQL,
and the rows and counts of each role's work lists.

The `cases` table (one row per case, kept up to date by the drafter) answers the case list, never an
assessment of every case: a list of 10,000 cases costs one indexed query and one count.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

PAGE_SIZE = 50
CASE_SORTS = {  # column → ORDER BY; "urgentie" is the default: overdue first, then the next deadline
    "urgentie": "overdue_now DESC, next_due IS NULL, next_due, v_nummer",
    "v_nummer": "v_nummer",
    "naam": "naam, v_nummer",
    "toestand": "state, v_nummer",
    "uiterlijk": "next_due IS NULL, next_due, v_nummer",
}
DEADLINE_FILTERS = ("verlopen", "week", "later", "geen")
MESSAGE_STATUSES = {"open": ("triage", "quarantined"), "triage": ("triage",), "quarantaine": ("quarantined",),
                    "verwerkt": ("classified",)}


@dataclass(frozen=True)
class Page:
    rows: list
    total: int
    number: int        # 1-based
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first(self) -> int:
        return (self.number - 1) * self.size + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.total, self.number * self.size)


def fold(text: str | None) -> str:
    """Lower case without accents: `Zoë` is found by `zoe`."""
    if not text or text.isascii():
        return (text or "").lower()
    plain = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in plain if not unicodedata.combining(ch)).lower()


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def end_of_week(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=6 - today.weekday())


class Lists:
    def __init__(self, store):
        self.db = store.db
        if self.db.dialect == "sqlite":  # PostgreSQL has lower(); SQLite's only folds ASCII
            self.db.conn.create_function("fold", 1, fold, deterministic=True)

    def _folded(self, column: str) -> str:
        """`column` matches a folded LIKE pattern: accents ignored on SQLite (a Python function: for short
        columns such as a name), case ignored on both."""
        return f"fold({column}) LIKE ? ESCAPE '\\'" if self.db.dialect == "sqlite" else \
            f"lower({column}) LIKE ? ESCAPE '\\'"

    def _ci(self, column: str) -> str:
        """`column` matches a LIKE pattern ignoring case (SQLite's LIKE ignores ASCII case by itself)."""
        return f"{column} {'LIKE' if self.db.dialect == 'sqlite' else 'ILIKE'} ? ESCAPE '\\'"

    def _page(self, select: str, where: list[str], params: list, order: str, number: int, size: int) -> Page:
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        total = self.db.scalar(f"SELECT COUNT(*) FROM ({select}{clause}) counted", params) or 0
        pages = max(1, -(-total // size))
        number = min(max(1, number), pages)
        rows = self.db.all(f"{select}{clause} ORDER BY {order} LIMIT ? OFFSET ?",
                           [*params, size, (number - 1) * size])
        return Page([dict(r) for r in rows], total, number, size)

    # -- cases --------------------------------------------------------------------------------

    def cases(self, today: dt.date, q: str = "", state: str = "", step: str = "", deadline: str = "",
              waiting: bool = False, sort: str = "urgentie", descending: bool = False, number: int = 1,
              size: int = PAGE_SIZE) -> Page:
        """A page of cases. `q` finds a V-nummer (typed with spaces or dots too), a name or a parketnummer."""
        day = today.isoformat()
        select = ("SELECT v_nummer, state, naam, geboortedatum, parketnummer, next_due, next_label, waiting, attention,"
                  " CASE WHEN overdue = 1 OR next_due < ? THEN 1 ELSE 0 END AS overdue_now FROM cases")
        params: list = [day]
        where: list[str] = []
        text = q.strip()
        if text:
            options = [self._folded("naam"), "parketnummer LIKE ? ESCAPE '\\'"]
            params += [_like(fold(text)), _like(text)]
            digits = "".join(ch for ch in text if ch.isdigit())
            if len(digits) >= 3 and all(ch.isdigit() or ch in " .-" for ch in text):
                options.append("v_nummer LIKE ?")
                params.append(_like(digits))
            where.append("(" + " OR ".join(options) + ")")
        if state:
            where.append("state = ?")
            params.append(state)
        if step:
            where.append("next_label = ?")
            params.append(step)
        if deadline == "verlopen":
            where.append("overdue_now = 1")
        elif deadline == "week":
            where.append("next_due >= ? AND next_due <= ?")
            params += [day, end_of_week(today).isoformat()]
        elif deadline == "later":
            where.append("next_due > ?")
            params.append(end_of_week(today).isoformat())
        elif deadline == "geen":
            where.append("next_due IS NULL")
        if waiting:
            where.append("waiting = 1")
        order = CASE_SORTS.get(sort, CASE_SORTS["urgentie"])
        if descending and sort in CASE_SORTS and sort != "urgentie":
            order = ", ".join(f"{part} DESC" for part in order.split(", "))
        return self._page(f"SELECT * FROM ({select}) c", where, params, order, number, size)

    def case_choices(self) -> tuple[list[str], list[str]]:
        """The states and next steps that occur, for the filters."""
        states = [r["state"] for r in self.db.all("SELECT DISTINCT state FROM cases WHERE state <> '' ORDER BY state")]
        steps = [r["next_label"] for r in self.db.all("SELECT DISTINCT next_label FROM cases WHERE next_label <> ''"
                                                        " ORDER BY next_label")]
        return states, steps

    def find_cases(self, q: str, limit: int = 10) -> list[dict]:
        """Cases a monitor may attach a message to, by V-nummer, name or parketnummer."""
        if not q.strip():
            return []
        return self.cases(dt.date.min, q=q, sort="naam", size=limit).rows

    def names(self, v_nummers: list[str]) -> dict[str, dict]:
        """The listing rows of these cases (name, date of birth, state), for a message's proposed cases."""
        if not v_nummers:
            return {}
        rows = self.db.all(f"SELECT v_nummer, naam, geboortedatum, state FROM cases WHERE v_nummer IN"
                           f" ({','.join('?' * len(v_nummers))})", list(v_nummers))
        return {r["v_nummer"]: dict(r) for r in rows}

    def deadlines_this_week(self, today: dt.date, number: int = 1, size: int = PAGE_SIZE) -> Page:
        """Open targets due by Sunday, the overdue ones first."""
        select = ("SELECT v_nummer, state, naam, next_due, next_label, waiting, CASE WHEN overdue = 1 OR next_due < ?"
                  " THEN 1 ELSE 0 END AS overdue_now FROM cases")
        return self._page(f"SELECT * FROM ({select}) c", ["next_due <= ?"], [today.isoformat(),
                          end_of_week(today).isoformat()], "next_due, v_nummer", number, size)

    # -- messages -----------------------------------------------------------------------------

    def messages(self, q: str = "", status: str = "", mtype: str = "", number: int = 1,
                 size: int = PAGE_SIZE) -> Page:
        """A page of the inbox, newest first. `q` finds a V-nummer, a name, a parketnummer, a sender or a subject."""
        select = ("SELECT id, name, status, type, v_nummers, fields, reasons, triage_reasons, arrived, received,"
                  " sender, sender_name, subject, resolved_by, resolved_at FROM messages")
        where: list[str] = []
        params: list = []
        text = q.strip()
        if text:
            digits = "".join(ch for ch in text if ch.isdigit())
            needle = digits if len(digits) == 10 and all(ch.isdigit() or ch in " .-" for ch in text) else text
            options = [self._ci(c) for c in ("sender", "sender_name", "subject", "fields")]
            params += [_like(needle)] * 4
            options.append("v_nummers LIKE ? ESCAPE '\\'")
            params.append(_like(needle))
            where.append("(" + " OR ".join(options) + ")")
        if status in MESSAGE_STATUSES:
            statuses = MESSAGE_STATUSES[status]
            where.append(f"status IN ({','.join('?' * len(statuses))})")
            params += list(statuses)
        if mtype:
            where.append("COALESCE(type, 'overig') = ?")
            params.append(mtype)
        return self._page(select, where, params, "id DESC", number, size)

    def open_messages(self) -> int:
        return self.db.scalar("SELECT COUNT(*) FROM messages WHERE status IN ('triage', 'quarantined')") or 0

    def message_heads(self, ids: list[int]) -> dict[int, dict]:
        """Sender and subject of the messages behind a case's events."""
        ids = [i for i in ids if i is not None]
        if not ids:
            return {}
        rows = self.db.all(f"SELECT id, sender, sender_name, subject, arrived FROM messages WHERE id IN"
                           f" ({','.join('?' * len(ids))})", ids)
        return {r["id"]: dict(r) for r in rows}

    def next_open_message(self, after: int) -> int | None:
        row = self.db.one("SELECT id FROM messages WHERE status IN ('triage', 'quarantined') AND id <> ?"
                          " ORDER BY id LIMIT 1", (after,))
        return row["id"] if row else None

    # -- letters: the behandelaar's and the contactpersoon's work -----------------------------

    _LETTERS = ("SELECT l.id AS letter_id, l.v_nummer, l.kind, l.sequence, l.state, l.reason, l.updated_at, c.naam,"
                " v.id AS version_id, v.number, v.status, v.docx_sha256, v.approved_by, v.approved_at, v.created_by,"
                " v.created_at, v.open_points, v.origin FROM letters l JOIN versions v ON v.letter_id = l.id AND v.number ="
                " (SELECT MAX(number) FROM versions WHERE letter_id = l.id) LEFT JOIN cases c ON c.v_nummer = l.v_nummer")
    _LAST_HAND = ("(SELECT a.actor FROM audit a WHERE a.letter_id = l.id AND a.actor <> 'docgen'"
                  " ORDER BY a.id DESC LIMIT 1)")

    def my_concepts(self, user: str | None, number: int = 1, size: int = PAGE_SIZE) -> Page:
        """Concepts waiting for approval that this behandelaar worked on last, or that nobody has touched yet
        (None: every concept)."""
        where, params = ["l.state = 'concept'"], []
        if user is not None:
            where.append(f"COALESCE({self._LAST_HAND}, ?) = ?")
            params += [user, user]
        return self._page(self._LETTERS, where, params, "c.next_due IS NULL, c.next_due, l.id", number, size)

    def to_cosign(self, user: str | None, number: int = 1, size: int = PAGE_SIZE) -> Page:
        """Approved latest versions that someone else approved: what this contactpersoon may make final."""
        where, params = ["v.status = 'goedgekeurd'"], []
        if user is not None:
            where.append("v.approved_by <> ?")
            params.append(user)
        return self._page(self._LETTERS, where, params, "v.approved_at, l.id", number, size)

    def outdated(self, number: int = 1, size: int = PAGE_SIZE) -> Page:
        """Final letters the case now contradicts: someone must decide what follows."""
        return self._page(self._LETTERS, ["l.state = 'achterhaald'"], [], "l.updated_at, l.id", number, size)

    def counts(self, role: str, user: str, today: dt.date) -> dict[str, int]:
        """The numbers in the header: only the lists of this role (admin: all of them)."""
        everyone = role == "admin"
        out: dict[str, int] = {}
        if role in ("monitor", "admin"):
            out["triage"] = self.open_messages()
        if role in ("behandelaar", "admin"):  # counted without the joins the lists show
            mine = "" if everyone else f" AND COALESCE({self._LAST_HAND}, ?) = ?"
            out["concepten"] = self.db.scalar("SELECT COUNT(*) FROM letters l WHERE l.state = 'concept'" + mine,
                                              () if everyone else (user, user)) or 0
            out["termijnen"] = self.db.scalar("SELECT COUNT(*) FROM cases WHERE next_due <= ?",
                                              (end_of_week(today).isoformat(),)) or 0
            out["achterhaald"] = self.db.scalar("SELECT COUNT(*) FROM letters WHERE state = 'achterhaald'") or 0
        if role in ("contactpersoon", "admin"):  # only a letter's latest version can be goedgekeurd
            out["medeondertekenen"] = self.db.scalar(
                "SELECT COUNT(*) FROM versions WHERE status = 'goedgekeurd'" + ("" if everyone else
                                                                               " AND approved_by <> ?"),
                () if everyone else (user,)) or 0
        return out
