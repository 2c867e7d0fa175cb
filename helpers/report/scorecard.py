"""Handout section "Alignment scorecard": where the client stands and where the two teams differ.

Built from the survey part of the results only: overall index and stage, a radar of sales vs
marketing per dimension, the dimension table with gaps flagged as larger than noise or not,
leaders vs staff when levels were given, and the statements with the most disagreement.
"""

from __future__ import annotations

from typing import Any

from helpers.charts.survey import gap_chart, levels_chart, radar
from helpers.report.section import Section, render_template
from helpers.analysis.survey import MIN_FOR_NOISE, most_disagreement

TITLE = "Alignment scorecard"
ANCHOR = "scorecard"
TEMPLATE = "scorecard.html.j2"
MISSING = ("No survey yet: ask both teams to rate the alignment statements (run `workbook survey` "
           "for a questionnaire and a CSV template) and put the answers in survey.csv.")


def noise_label(significant: bool | None) -> str:
    """Plain words for a significance flag."""
    if significant is None:
        return "too few respondents to tell"
    return "larger than noise" if significant else "within noise"


def scorecard(results: dict[str, Any]) -> Section:
    """The scorecard section of the handout.

    Parameters
    ----------
    results : dict
        The results dict (``helpers.results.compute``).

    Returns
    -------
    Section
        Missing (one line) when there is no usable survey.
    """
    if results.get("index") is None:
        return Section.missing(TITLE, ANCHOR, MISSING)
    teams = results.get("teams") or {}
    both = bool(results.get("comparison_possible"))
    present = [t for t in ("sales", "marketing") if t in teams]
    dims = [dict(d, id=k, noise=noise_label(d.get("significant")))
            for k, d in (results.get("dimensions") or {}).items()]
    ctx: dict[str, Any] = dict(
        r=results, teams=teams, present=present, both=both, dims=dims,
        gap_noise=noise_label(results.get("gap_significant")), min_n=MIN_FOR_NOISE,
        flagged=[d for d in dims if d.get("significant")],
        levels=results.get("levels"), disagreement=most_disagreement(results, 5),
        missing_team=next((t for t in ("sales", "marketing") if t not in teams), None),
        level_noise=noise_label((results.get("levels") or {}).get("gap_significant")))
    parts: list[Any] = [render_template(TEMPLATE, part="summary", **ctx),
                        radar(results),
                        render_template(TEMPLATE, part="dimensions", **ctx)]
    if both:
        parts.append(gap_chart(results))
    if ctx["levels"]:
        parts += [render_template(TEMPLATE, part="levels", **ctx), levels_chart(results)]
    if ctx["disagreement"]:
        parts.append(render_template(TEMPLATE, part="statements", **ctx))
    return Section(TITLE, ANCHOR, parts)
