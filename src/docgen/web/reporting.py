"""The pilot's report for management: lead time per step against its target (a chart with a legend and
values), messages per type, cases per state and one row per case; for a period, and as CSV to download.

The CSV is for Excel with Dutch settings: semicolons between fields (the comma is the decimal sign), UTF-8
with a byte-order mark, the same columns as `docgen report --csv`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from flask import g, render_template, request

from docgen.dates import parse_day
from docgen.register.drafts import Drafts
from docgen.register.lists import PAGE_SIZE, Page
from docgen.register.policy import load_policy
from docgen.register.report import lead_times, load_cases, per_case, state_counts, type_counts
from docgen.web.auth import requires
from docgen.web.pages import clock, page_number, pages, settings

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
    cases = load_cases(g.store, Drafts(g.store), clock().now(), load_policy(settings().rules))
    if request.args.get("format") == "csv" and not problem:
        suffix = "".join(f"-{d.isoformat()}" for d in (start, end) if d)
        if request.args.get("tabel") == "per-zaak":
            header, rows = per_case(cases)
            return csv_response(header, rows, f"docgen-doorlooptijden-per-zaak{suffix}.csv")
        steps = lead_times(cases, start, end)
        types = {k: dict(v) for k, v in type_counts(g.store.messages(), start, end).items()}
        return csv_response(CSV_HEADER, summary_rows(steps, types, state_counts(cases)),
                            f"docgen-rapportage{suffix}.csv")
    steps = lead_times(cases, start, end)
    types = {k: {"totaal": v["totaal"], "triage": v["triage"]}
             for k, v in type_counts(g.store.messages(), start, end).items()}
    header, rows = per_case(cases)
    pages_of = max(1, -(-len(rows) // PAGE_SIZE))
    current = min(page_number(), pages_of)
    table = Page(rows[(current - 1) * PAGE_SIZE:current * PAGE_SIZE], len(rows), current)
    period = {"from": request.args.get("from", ""), "to": request.args.get("to", "")}
    return render_template("report.html", steps=steps, bars=bars(steps), types=types,
                           states=dict(sorted(state_counts(cases).items())), header=header, table=table,
                           start=start, end=end, period=period, problem=problem), 400 if problem else 200
