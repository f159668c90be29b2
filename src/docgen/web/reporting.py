"""The pilot's report for management: lead time per step against its target (a chart with a legend and
values), messages per type, cases per state and one row per case; for a period, and as CSV to download.

The CSV is for Excel with Dutch settings: semicolons between fields (the comma is the decimal sign), UTF-8
with a byte-order mark, the same columns as `docgen report --csv`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading

from flask import g, render_template, request

from docgen.dates import parse_day
from docgen.register.drafts import Drafts
from docgen.register.lists import PAGE_SIZE, Page
from docgen.register.policy import load_policy
from docgen.register.report import lead_times, per_case, register_rows, state_counts
from docgen.web.auth import requires
from docgen.web.pages import clock, page_number, pages, settings

_ASSESSED: dict = {}  # one entry: (key, cases)
_LOCK = threading.Lock()
CSV_HEADER = ["tabel", "naam", "streeftermijn", "eenheid", "gemiddeld", "aantal", "binnen_streeftermijn", "pilot"]


def number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}".replace(".", ",")


def summary_rows(steps, types: dict[str, dict], states: dict[str, int]) -> list[list]:
    rows = [["doorlooptijd", s.name, s.target_text, s.unit, number(s.average), len(s.durations), s.within_target,
             s.pilot] for s in steps]
    rows += [["berichten", kind, "", "", "", c["totaal"], "", ""] for kind, c in sorted(types.items())]
    rows += [["zaken", state, "", "", "", count, "", ""] for state, count in sorted(states.items())]
    return rows


def csv_response(header: list[str], rows: list[list], name: str):
    from flask import current_app

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    response = current_app.response_class("\ufeff" + out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class Rows:
    """Every case's state and measured steps (register/report.register_rows: the listing rows the drafter
    keeps), and what the report derives from them; kept while the register stays as it is."""

    def __init__(self, rows: list):
        self.measured = [m for _, _, m in rows]
        self.states = dict(sorted(state_counts(rows).items()))
        self.per_case = per_case(rows)
        self._steps: dict = {}

    def steps(self, start: dt.date | None, end: dt.date | None) -> list:
        if (start, end) not in self._steps:
            if len(self._steps) > 16:
                self._steps.clear()
            self._steps[(start, end)] = lead_times(self.measured, start, end)
        return self._steps[(start, end)]


def assessed(store, now: dt.datetime, rules) -> Rows:
    """The report's rows, read again only when the register changed (an event; a reassessed case, whose
    listing row carries its steps; an approval or final letter, which are audited) or the hour turned."""
    marks = store.db.one("SELECT (SELECT COUNT(*) FROM events) AS n, (SELECT MAX(id) FROM events) AS e,"
                         " (SELECT MAX(id) FROM audit) AS a, (SELECT MAX(updated_at) FROM cases) AS c,"
                         " (SELECT COUNT(*) FROM cases WHERE dirty = 1) AS d")
    policy_file = rules / "procedure.yaml"
    key = (str(settings().database_url), tuple(marks[k] for k in ("n", "e", "a", "c", "d")), now.date(), now.hour,
           policy_file.stat().st_mtime if policy_file.exists() else None)
    with _LOCK:
        if _ASSESSED.get("key") == key:
            return _ASSESSED["found"]
    found = Rows(register_rows(store, Drafts(store), now, load_policy(rules)))
    with _LOCK:
        _ASSESSED.update(key=key, found=found)
    return found


def message_counts(store, start: dt.date | None, end: dt.date | None) -> dict[str, dict]:
    """register/report.type_counts, counted by the database (no message rows read): per type how many arrived
    in the period, and how many of them are in triage."""
    day = "substr(COALESCE(arrived, received), 1, 10)"
    where, params = [], []
    if start:
        where.append(f"{day} >= ?")
        params.append(start.isoformat())
    if end:
        where.append(f"{day} <= ?")
        params.append(end.isoformat())
    rows = store.db.all("SELECT CASE WHEN status = 'quarantined' THEN 'quarantaine' ELSE COALESCE(type, 'overig')"
                        " END AS kind, COUNT(*) AS totaal, SUM(CASE WHEN status = 'triage' THEN 1 ELSE 0 END) AS"
                        " triage FROM messages" + (" WHERE " + " AND ".join(where) if where else "") +
                        " GROUP BY 1", params)
    return {r["kind"]: {"totaal": int(r["totaal"]), "triage": int(r["triage"] or 0)} for r in rows}


def forget() -> None:
    with _LOCK:
        _ASSESSED.clear()


def _period() -> tuple[dt.date | None, dt.date | None, str]:
    """The period asked for; an unreadable day is said in Dutch and the report covers everything."""
    days, problems = [], []
    for key, word in (("from", "begindatum"), ("to", "einddatum")):
        value = request.args.get(key, "").strip()
        try:
            days.append(parse_day(value) if value else None)
        except ValueError as exc:
            days.append(None)
            problems.append(f"De {word}: {exc}.")
    start, end = days
    if start and end and start > end:
        problems.append("De begindatum ligt na de einddatum.")
        start = end = None
    return start, end, " ".join(problems)


def bars(steps) -> list[dict]:
    """The chart's rows: each step with a target and an average, scaled so the target sits halfway."""
    out = []
    for s in steps:
        if s.average is None or not s.target:
            continue
        ratio = s.average / s.target
        out.append({"name": s.name, "width": round(min(2.0, ratio) * 50, 1), "over": ratio > 1,
                    "value": f"{number(s.average)} {s.unit}", "target": s.target_text, "count": len(s.durations)})
    return out


@pages.route("/report")
@requires()
def report():
    start, end, problem = _period()
    found = assessed(g.store, clock().now(), settings().rules)
    if request.args.get("format") == "csv" and not problem:
        suffix = "".join(f"-{d.isoformat()}" for d in (start, end) if d)
        if request.args.get("tabel") == "per-zaak":
            header, rows = found.per_case
            return csv_response(header, rows, f"docgen-doorlooptijden-per-zaak{suffix}.csv")
        return csv_response(CSV_HEADER, summary_rows(found.steps(start, end), message_counts(g.store, start, end),
                                                     found.states), f"docgen-rapportage{suffix}.csv")
    steps = found.steps(start, end)
    header, rows = found.per_case
    pages_of = max(1, -(-len(rows) // PAGE_SIZE))
    current = min(page_number(), pages_of)
    table = Page(rows[(current - 1) * PAGE_SIZE:current * PAGE_SIZE], len(rows), current)
    period = {"from": request.args.get("from", ""), "to": request.args.get("to", "")}
    return render_template("report.html", steps=steps, bars=bars(steps), types=message_counts(g.store, start, end),
                           states=found.states, header=header, table=table, start=start, end=end, period=period,
                           problem=problem), 400 if problem else 200
