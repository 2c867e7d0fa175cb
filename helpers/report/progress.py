"""Handout section "Progress since the last wave": before and after, and whether the plan worked.

Built from ``results["progress"]`` only (:func:`helpers.waves.compare`): the index and stage
then and now, each dimension before and after (chart and table), the plays of the previous plan
with whether they were done and whether their success measure moved, and, from the third wave
on, the history chart.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from helpers.analysis.findings import format_value, signal_format
from helpers.analysis.waves import NOT_COMPARABLE, NOT_DONE, Progress
from helpers.formatting import long_date
from helpers.report.section import Section, missing_message, render_template
from helpers.results import Results
from helpers.vocabulary import PLAY_OWNER_LABELS

TITLE = "Progress since the last wave"
ANCHOR = "progress"
MISSING = ("This is the first assessment. Repeat the survey and the funnel export in about 90 days, "
           "with `previous` in engagement.yaml pointing at this folder, to see what changed.")
STATUS_LABELS = {"done": "Done", "accepted": "Not done yet", "added": "Not done yet", "proposed": "Not recorded"}
VERDICT_LABELS = {"target met": "Target met", "improved": "Moved the right way", "worsened": "Moved the wrong way",
                  "unchanged": "No change", "now measured": "Measured for the first time", "not measured": "Not measured",
                  NOT_DONE: "Measure moved, action not done",
                  NOT_COMPARABLE: "Not comparable: the survey asked different statements"}


def _shown(value: float | None, signal: str | None) -> str | None:
    """A measure's value for display, written as the plan writes it (38%, 30.5 hours, 61.2, 1)."""
    if value is None:
        return None
    return format_value(value, signal_format(signal)) if signal else f"{float(value):.1f}"


def context(progress: Progress, owners: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Template context for ``results["progress"]``.

    ``owners`` maps play ids to the owner named in this wave's plan (the client's people), used
    before the role's generic label.
    """
    named = owners or {}
    plays = [{"title": p["title"] or p["id"],
              "owner": named.get(p["id"]) or PLAY_OWNER_LABELS.get(p["owner"] or "", p["owner"] or ""),
              "status": STATUS_LABELS.get(p["status"], ""), "done": p["done"],
              "measure": p["measure"], "before": _shown(p["before"], p["signal"]),
              "after": _shown(p["after"], p["signal"]), "verdict": VERDICT_LABELS.get(p["verdict"], ""),
              "good": p["verdict"] in ("target met", "improved"), "bad": p["verdict"] == "worsened"}
             for p in progress["plays"]]
    return {"p": progress, "previous_date": long_date(progress["previous"]["date"]),
            "index": progress["index"], "stage": progress["stage"],
            "dimensions": [d for d in progress["dimensions"] if d["before"] is not None or d["after"] is not None],
            "plays": plays, "done": progress["done"], "planned": progress["planned"],
            # no plan.yaml in the previous wave: nobody recorded what was done, so don't say "0 were done"
            "unrecorded": bool(plays) and all(p["status"] == "proposed" for p in progress["plays"]),
            "improved": progress["improved"], "waves": len(progress["history"]),
            "moved_not_done": sum(p["verdict"] == NOT_DONE for p in progress["plays"]),
            "not_comparable": sum(p["verdict"] == NOT_COMPARABLE for p in progress["plays"]),
            # waves surveyed on different instrument versions: compared on the shared statements only
            "basis": progress.get("basis")}


def progress(results: Results) -> Section:
    """The "Progress since the last wave" handout section.

    Parameters
    ----------
    results : Results
        Uses ``results["progress"]``.

    Returns
    -------
    Section
        Before-and-after summary, chart and tables; one line when there is no previous wave.
    """
    prog = results["progress"]
    if prog is None:
        return Section.missing(TITLE, ANCHOR, missing_message(results, "progress", MISSING))
    from helpers.charts.plan import before_after, wave_history

    plan = results.get("plan")   # a results dict built for this section alone may have no plan
    ctx = context(prog, {p["id"]: p["owner_name"] for p in (plan["plays"] if plan else []) if p.get("owner_name")})
    parts: list[Any] = [render_template("progress.html.j2", part="summary", **ctx)]
    if ctx["dimensions"]:
        parts.append(before_after(results))
    if ctx["waves"] >= 3:
        parts.append(wave_history(results))
    parts.append(render_template("progress.html.j2", part="tables", **ctx))
    return Section(TITLE, ANCHOR, parts)
