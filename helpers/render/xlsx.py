"""The results workbook ``OUT/<slug>.xlsx``: the client's numbers in a spreadsheet, one sheet per section.

Built with openpyxl from :func:`helpers.results.client_view` only, so the same groups are
suppressed as in the handout (a team below the minimum reporting group has no column and no
value anywhere), quotes and the consultant's working data never appear, and every number is
the one in ``<slug>.json``. Cells hold values, never formulas: a text that starts like a
formula (``=``, ``+`` ...) is stored as text. Every header carries its unit. The "Read me" sheet
says what each sheet shows and which part of ``<slug>.json`` each number comes from.
"""

from __future__ import annotations

import io
from typing import Any, cast

from helpers.formatting import days_phrase, hours_phrase, long_date
from helpers.results import Results
from helpers.textsafe import office_text
from helpers.vocabulary import SURVEY_TEAMS

#: Sheet name -> (what it shows, where in ``<slug>.json`` the numbers come from).
SHEETS: dict[str, tuple[str, str]] = {
    "Teams": ("The alignment index (20-100) per team and overall, with its 95% interval and the number "
              "of people whose answers it uses.", "index, interval, teams.<team>.index / interval / n"),
    "Dimensions": ("Each of the eight dimensions: the index overall and per team, the gap between the teams "
                   "with its 95% interval, and whether the gap is larger than noise.",
                   "dimensions.<id>, teams.<team>.dimension_n"),
    "Statements": ("Every statement of the survey: the mean answer (1-5, on the scored scale, so a reversed "
                   "statement is already turned round), per team, and how many chose each answer.",
                   "statements[]"),
    "Funnel": ("Each step of the funnel: the leads old enough to judge, how many reached the next stage, "
               "the conversion rate with its 95% interval, and the typical time in the stage.",
               "funnel.conversions[], funnel.spans[]"),
    "Speed to lead": ("How fast leads handed to sales were first contacted, against the follow-up rule, "
                      "with 95% intervals.", "funnel.speed_to_lead, funnel.sla"),
    "Plan": ("The 90-day plan: each action with its owner, status, success measure and today's value.",
             "plan.plays[]"),
}


def _cell(ws: Any, row: int, col: int, value: Any) -> None:
    """Write one value; text is always stored as text (never read as a formula)."""
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"


def _table(ws: Any, headers: list[str], rows: list[list[Any]], start: int = 1) -> int:
    """Write a header row (bold, frozen) and the rows below it; returns the next free row."""
    from openpyxl.styles import Font

    for col, header in enumerate(headers, start=1):
        _cell(ws, start, col, header)
        ws.cell(row=start, column=col).font = Font(bold=True)
    for r, row in enumerate(rows, start=start + 1):
        for col, value in enumerate(row, start=1):
            _cell(ws, r, col, value)
    for col, header in enumerate(headers, start=1):
        width = max([len(header)] + [len(str(row[col - 1])) for row in rows if row[col - 1] is not None])
        ws.column_dimensions[ws.cell(row=start, column=col).column_letter].width = min(max(10, width + 2), 70)
    if start == 1:
        ws.freeze_panes = "A2"
    return start + len(rows) + 2


def _pct(value: float | None) -> float | None:
    """A share (0-1) as a percentage (0-100), one decimal; None stays None."""
    return None if value is None else round(100 * float(value), 1)


def shown_teams(results: Results) -> list[str]:
    """The survey teams a client may see (present and not below the minimum reporting group)."""
    return [t for t in SURVEY_TEAMS if t in results["teams"] and not results["teams"][t]["suppressed"]]


def hidden_teams(results: Results) -> list[str]:
    """The survey teams that answered but are below the minimum reporting group."""
    return [t for t in SURVEY_TEAMS if t in results["teams"] and results["teams"][t]["suppressed"]]


def _readme(ws: Any, results: Results) -> None:
    min_group = results["method"]["min_group"]
    lines: list[list[Any]] = [
        [f"Results workbook: {results['client']}"],
        [f"Assessment of {long_date(results['date']) or results['date']}"],
        [f"Confidential: prepared for {results['client']} only."],
        [],
        ["Every number here is the one in the handout and in its results file (<slug>.json); the "
         "column on the right names the part of that file it comes from. Cells hold values, not formulas."],
        [f"Groups with fewer than {min_group} answers are not shown, to protect anonymity, exactly as "
         "in the handout. Intervals are 95% intervals."],
    ]
    hidden = hidden_teams(results)
    if hidden:
        lines.append([f"Not shown: {', '.join(hidden)} (fewer than {min_group} answers)."])
    lines.append([])
    start = len(lines) + 1
    for r, line in enumerate(lines, start=1):
        for c, value in enumerate(line, start=1):
            _cell(ws, r, c, value)
    rows = [[name, what, source] for name, (what, source) in SHEETS.items()]
    _table(ws, ["Sheet", "What it shows", "Source in <slug>.json"], rows, start=start)
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 90
    ws.column_dimensions["C"].width = 50


def _teams(ws: Any, results: Results) -> None:
    low, high = results["interval"] or [None, None]
    rows: list[list[Any]] = [["Overall", results["respondents"]["used"] if results["index"] is not None else None,
                              results["index"], low, high, results["stage"], None, None]]
    min_group = results["method"]["min_group"]
    for team in SURVEY_TEAMS:
        score = results["teams"].get(team)
        if score is None:
            continue
        if score["suppressed"]:
            rows.append([team.capitalize(), None, None, None, None, None, None,
                         f"not shown: fewer than {min_group} answers"])
            continue
        t_low, t_high = score["interval"] or [None, None]
        rows.append([team.capitalize(), score["n"], score["index"], t_low, t_high, None,
                     _pct(score["response_rate"]), None])
    _table(ws, ["Group", "Respondents (n)", "Index (20-100)", "95% interval low (index)",
                "95% interval high (index)", "Stage", "Response rate (%)", "Note"], rows)


def _dimensions(ws: Any, results: Results) -> None:
    teams = shown_teams(results)
    headers = ["Dimension", "Index (20-100)", "95% interval low", "95% interval high"]
    headers += [f"{t.capitalize()} (index)" for t in teams] + [f"{t.capitalize()} answers (n)" for t in teams]
    both = len(teams) == 2 and results["comparison_possible"]
    if both:
        headers += ["Gap sales - marketing (points)", "Gap 95% interval low (points)",
                    "Gap 95% interval high (points)", "Gap verdict"]
    headers += ["Reliability (Cronbach's alpha)"]
    rows = []
    for dim_id, dim in results["dimensions"].items():
        low, high = dim["interval"] or [None, None]
        row: list[Any] = [dim["label"], dim["index"], low, high]
        row += [dim.get(t) for t in teams]
        row += [results["teams"][t]["dimension_n"].get(dim_id) for t in teams]
        if both:
            g_low, g_high = dim["gap_interval"] or [None, None]
            row += [dim["gap"], g_low, g_high, dim["verdict"] or "too few to tell"]
        row.append(dim["alpha"])
        rows.append(row)
    _table(ws, headers, rows)


def _statements(ws: Any, results: Results) -> None:
    teams = shown_teams(results)
    headers = ["Statement id", "Dimension", "Statement", "Answers (n)", "Mean (1-5, scored)"]
    headers += [f"{t.capitalize()} mean (1-5)" for t in teams]
    headers += [f"Answered {k} (count)" for k in range(1, 6)]
    rows = []
    min_group = results["method"]["min_group"]
    for s in results["statements"]:
        if s["suppressed"]:
            rows.append([s["id"], s["dimension"], s["text"], None, None] + [None] * len(teams)
                        + [f"not shown: fewer than {min_group} answers"] + [None] * 4)
            continue
        counts = s["counts"] or {}
        row: list[Any] = [s["id"], s["dimension"], s["text"], s["n"], s["mean"]]
        row += [s.get(t) for t in teams]
        row += [counts.get(str(k), counts.get(k)) for k in range(1, 6)]  # type: ignore[call-overload]
        rows.append(row)
    _table(ws, headers, rows)


def _funnel(ws: Any, results: Results) -> None:
    funnel = results["funnel"]
    if funnel is None:
        _cell(ws, 1, 1, "Funnel measures are not part of this report.")
        return
    rows = []
    for step in (*funnel["conversions"], *funnel["spans"]):
        rate = step["rate"]
        timing = step["time_in_stage"] or {}
        rows.append([step["label"], "next stage" if step["consecutive"] else "across stages", step["entered"],
                     step["too_recent"], step["count_from"], step["count_to"], _pct(rate["share"]),
                     _pct(rate["low"]), _pct(rate["high"]), timing.get("median_days"), timing.get("n_timed")])
    nxt = _table(ws, ["Step", "Kind", "Leads that entered (n)", "Too recent to judge (n)", "Judged (n)",
                      "Reached the later stage (n)", "Conversion rate (%)", "95% interval low (%)",
                      "95% interval high (%)", "Median time in stage (days)", "Leads timed (n)"], rows)
    period = funnel["period"]
    _cell(ws, nxt, 1, f"Leads created {period['start']} to {period['end']}; export time: "
                      f"{funnel['export_time']['text']}.")


def _speed(ws: Any, results: Results) -> None:
    funnel = results["funnel"]
    speed = funnel["speed_to_lead"] if funnel is not None else None
    if funnel is None or speed is None:
        _cell(ws, 1, 1, "Speed to lead is not part of this report (the export has no first-response date)."
              if funnel is not None else "Funnel measures are not part of this report.")
        return
    sla = funnel["sla"]
    unit = speed["unit"]
    word = ("working " if speed["clock"] == "business" else "") + unit  # as the handout says it
    wait = speed["wait"]
    rows: list[list[Any]] = [
        [f"Contacted within the {sla['status']} rule ({sla['rule_words']})", "%", _pct(speed["within_rule"]["share"]),
         _pct(speed["within_rule"]["low"]), _pct(speed["within_rule"]["high"]), speed["within_rule"]["n"]],
        ["Not contacted by the export date", "%", _pct(speed["not_contacted"]["share"]),
         _pct(speed["not_contacted"]["low"]), _pct(speed["not_contacted"]["high"]), speed["not_contacted"]["n"]],
        ["Median wait for a first response", word, wait["median"], wait["ci_low"], wait["ci_high"], wait["n"]],
    ]
    if speed["within_hour"] is not None:
        rows.insert(1, [f"Contacted within {hours_phrase(1.0, speed['clock'] == 'business')}", "%",
                        _pct(speed["within_hour"]["share"]),
                        _pct(speed["within_hour"]["low"]), _pct(speed["within_hour"]["high"]),
                        speed["within_hour"]["n"]])
    attempts = speed["attempts"]
    days = days_phrase(attempts["window_days"], speed["clock"] == "business")
    if attempts["measured"]:
        rows.append([f"{attempts['required']} attempts within {days} met", "%",
                     _pct(attempts["met"]["share"]) if attempts["met"] else None,
                     _pct(attempts["met"]["low"]) if attempts["met"] else None,
                     _pct(attempts["met"]["high"]) if attempts["met"] else None,
                     attempts["met"]["n"] if attempts["met"] else attempts["leads"]])
    else:
        rows.append([f"{attempts['required']} attempts within {days}",
                     "not measured", None, None, None, None])
    nxt = _table(ws, ["Measure", "Unit", "Value", "95% interval low", "95% interval high", "Leads (n)"], rows)
    notes = [f"Who: {speed['population_label']}; clock: {speed['clock_description']}; "
             f"rule status: {sla['status']}."]
    if not attempts["measured"]:
        notes.append(f"Attempts not measured: {attempts['reason']}.")
    elif attempts["too_recent"]:
        notes.append(f"Attempts: {attempts['too_recent']} more leads had their window still open at the export "
                     "and are not judged.")
    for i, note in enumerate(notes):
        _cell(ws, nxt + i, 1, note)


def _plan(ws: Any, results: Results) -> None:
    from helpers.report.plan import HORIZON_LABELS, STATUS_LABELS, context

    ctx = context(results["plan"], results)
    rows = []
    for group in ctx["groups"]:
        for row in group["rows"]:
            rows.append([HORIZON_LABELS.get(group["horizon"], ""), row["title"], row["action"], row["owner"],
                         row["status"] or STATUS_LABELS.get("proposed"), row["success"], row["today"], row["due"]])
    if not rows:
        _cell(ws, 1, 1, "No plan yet.")
        return
    _table(ws, ["When", "Action", "What to do", "Owner", "Status", "Success measure", "Today (value)",
                "Due (date)"], rows)


def results_workbook(results: Results) -> bytes:
    """The ``.xlsx`` file of the client's results.

    Parameters
    ----------
    results : Results
        The client's view of the results (:func:`helpers.results.client_view`); the caller passes
        that view, never the consultant's results.

    Returns
    -------
    bytes
        An Excel workbook: a "Read me" sheet and one sheet per section (:data:`SHEETS`).
    """
    from openpyxl import Workbook

    results = cast(Results, office_text(results))  # a control character typed by the client cannot break the file
    book = Workbook()
    readme = book.active
    readme.title = "Read me"
    _readme(readme, results)
    for name, build in (("Teams", _teams), ("Dimensions", _dimensions), ("Statements", _statements),
                        ("Funnel", _funnel), ("Speed to lead", _speed), ("Plan", _plan)):
        ws = book.create_sheet(name)
        if results["index"] is None and name in ("Teams", "Dimensions", "Statements"):
            _cell(ws, 1, 1, "The alignment survey is not part of this report."
                  if not results["suppressed"] else
                  f"Every team has fewer than {results['method']['min_group']} answers: not shown.")
            continue
        build(ws, results)
    book.properties.creator = "Common Ground"
    book.properties.title = f"Results: {results['client']}"
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
