"""Handout section "Progress since the last wave": before and after, and whether the plan worked.

Built from ``results["progress"]`` only (:func:`helpers.waves.compare`): the index and stage
then and now, each dimension before and after (chart and table), the plays of the previous plan
with whether they were done and whether their success measure moved, and, from the third wave
on, the history chart.
"""

from __future__ import annotations

from typing import Any

from helpers.analysis.findings import format_value, signal_format
from helpers.formatting import long_date
from helpers.report.section import Section, missing_message, render_template
from helpers.vocabulary import PLAY_OWNER_LABELS

TITLE = "Progress since the last wave"
ANCHOR = "progress"
MISSING = ("This is the first assessment. Repeat the survey and the funnel export in about 90 days, "
           "with `previous` in engagement.yaml pointing at this folder, to see what changed.")
STATUS_LABELS = {"done": "Done", "accepted": "Not done yet", "added": "Not done yet", "proposed": "Not recorded"}
VERDICT_LABELS = {"target met": "Target met", "improved": "Moved the right way", "worsened": "Moved the wrong way",
                  "unchanged": "No change", "now measured": "Measured for the first time", "not measured": "Not measured"}


def _shown(value: Any, signal: str | None) -> Any:
    """A measure's value for display, written as the plan writes it (38%, 30.5 hours, 61.2, 1)."""
    if value is None:
        return None
    if isinstance(value, list):
        return str(len(value))
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return str(value)
    return format_value(value, signal_format(signal)) if signal else f"{float(value):.1f}"


def context(progress: dict[str, Any]) -> dict[str, Any]:
    """Template context for a ``results["progress"]`` dict."""
    plays = [{"title": p.get("title") or p.get("id"), "owner": PLAY_OWNER_LABELS.get(p.get("owner"), p.get("owner") or ""),
              "status": STATUS_LABELS.get(p.get("status"), ""), "done": bool(p.get("done")),
              "measure": p.get("measure") or "", "before": _shown(p.get("before"), p.get("signal")),
              "after": _shown(p.get("after"), p.get("signal")), "verdict": VERDICT_LABELS.get(p.get("verdict"), ""),
              "good": p.get("verdict") in ("target met", "improved"), "bad": p.get("verdict") == "worsened"}
             for p in progress.get("plays") or []]
    empty = {"before": None, "after": None, "change": None}
    return {"p": progress, "previous_date": long_date((progress.get("previous") or {}).get("date")),
            "index": {**empty, **(progress.get("index") or {})},
            "stage": {"before": None, "after": None, "moved": None, **(progress.get("stage") or {})},
            "dimensions": [d for d in progress.get("dimensions") or [] if d.get("before") is not None or d.get("after") is not None],
            "plays": plays, "done": progress.get("done", 0), "planned": progress.get("planned", 0),
            # no plan.yaml in the previous wave: nobody recorded what was done, so don't say "0 were done"
            "unrecorded": bool(plays) and all(p.get("status") == "proposed" for p in progress.get("plays") or []),
            "improved": progress.get("improved", 0), "waves": len(progress.get("history") or [])}


def progress(results: dict[str, Any]) -> Section:
    """The "Progress since the last wave" handout section.

    Parameters
    ----------
    results : dict
        The results dict; uses ``results["progress"]``.

    Returns
    -------
    Section
        Before-and-after summary, chart and tables; one line when there is no previous wave.
    """
    prog = results.get("progress")
    if not isinstance(prog, dict) or not prog:
        return Section.missing(TITLE, ANCHOR, missing_message(results, "progress", MISSING))
    from helpers.charts.plan import before_after, wave_history

    ctx = context(prog)
    parts: list[Any] = [render_template("progress.html.j2", part="summary", **ctx)]
    if ctx["dimensions"]:
        parts.append(before_after(results))
    if ctx["waves"] >= 3:
        parts.append(wave_history(results))
    parts.append(render_template("progress.html.j2", part="tables", **ctx))
    return Section(TITLE, ANCHOR, parts)
