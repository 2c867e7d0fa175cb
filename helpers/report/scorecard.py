"""Handout section "Alignment scorecard": where the client stands and where the two teams differ.

Built from the survey part of the results only: overall index and stage, who answered (and of
how many invited), a dot plot of sales vs marketing per dimension against the stage bands, the dimension table with each
gap's verdict ("larger than noise", "within noise", "too few to tell"), leaders vs staff when
levels were given, where the client stands in each dimension (the instrument's stage anchors:
what this stage and the next look like), and the statements with the most disagreement (on the
scored scale, with the "don't know" answers counted). The stage is said to be on the HBR 2006
scale, with what that does and does not mean (the instrument's ``scale_note``). Groups below the
minimum reporting group are named with their size and not shown.
"""

from __future__ import annotations

from typing import Any

from helpers.analysis.stats import LARGER, TOO_FEW
from helpers.analysis.survey import (
    LOW_RESPONSE_RATE,
    SurveyResults,
    TeamScore,
    low_response,
    most_disagreement,
)
from helpers.analysis.survey_method import RELIABLE_ALPHA, reads_as_one
from helpers.charts.survey import dot_plot, gap_chart, levels_chart
from helpers.report.section import Section, render_template
from helpers.vocabulary import SURVEY_TEAMS

TITLE = "Alignment scorecard"
ANCHOR = "scorecard"
TEMPLATE = "scorecard.html.j2"
MISSING = ("No survey yet: ask both teams to rate the alignment statements (run `workbook survey` "
           "for a questionnaire and a CSV template) and put the answers in survey.csv.")


#: What the stage means when the survey was answered on version 1 of the instrument (it has no
#: ``scale_note`` of its own; version 1 covers sixteen of HBR's twenty themes).
SCALE_NOTE_V1 = ("The bands are those of the 2006 Harvard Business Review study by Kotler, Rackham and "
                 "Krishnaswamy. This survey used the first version of our statements, which puts most of that "
                 "study's themes in our own words but not all twenty of them, so the score is comparable in "
                 "spirit, not point for point. The stage is how your two teams describe their own working "
                 "relationship, not an audit; self-assessments tend to run high, so read it as the start of a "
                 "conversation and check it against the funnel data and the interviews.")


def scale_note(results: SurveyResults) -> str:
    """What "the stage on the HBR 2006 scale" does and does not mean, for this survey's instrument."""
    return results["instrument"]["scale_note"] or SCALE_NOTE_V1


def noise_label(verdict: str | None) -> str:
    """Plain words for a gap's verdict (None: the gap could not be tested)."""
    return verdict if verdict is not None else TOO_FEW


def suppressed_note(min_group: int) -> str:
    """The line shown instead of a group that is too small to be reported."""
    return f"fewer than {min_group} answers: not shown, to protect anonymity"


def response_line(team: TeamScore) -> str | None:
    """"14 of 32 invited (44%)", or None when the number invited is unknown."""
    if team["invited"] is None or team["response_rate"] is None:
        return None
    return f"{team['n']} of {team['invited']} invited ({100 * team['response_rate']:.0f}%)"


def _invited_total(teams: dict[str, TeamScore]) -> str | None:
    """The same line over every team that answered, when every one's invitation count is known."""
    known = [t for t in teams.values() if t["invited"] is not None and t["response_rate"] is not None]
    if len(known) < 2 or len(known) != len(teams):
        return None
    n, invited = sum(t["n"] for t in known), sum(int(t["invited"] or 0) for t in known)
    return f"{n} of {invited} invited ({100 * n / invited:.0f}%)"


def scorecard(results: SurveyResults) -> Section:
    """The scorecard section of the handout.

    Parameters
    ----------
    results : SurveyResults
        The results (:func:`helpers.results.compute`), or the survey part of them.

    Returns
    -------
    Section
        Missing (one line) when there is no usable survey; a short note when every team is
        below the minimum reporting group.
    """
    teams, levels, method = results["teams"], results["levels"], results["method"]
    min_group = method["min_group"]
    hidden_note = suppressed_note(min_group)
    if results["index"] is None and not results["suppressed"]:
        return Section.missing(TITLE, ANCHOR, MISSING)
    both = results["comparison_possible"]
    present = [t for t in SURVEY_TEAMS if t in teams and not teams[t]["suppressed"]]
    hidden = [t for t in SURVEY_TEAMS if t in teams and teams[t]["suppressed"]]
    dims = [{**d, "id": k, "noise": noise_label(d["verdict"])} for k, d in results["dimensions"].items()]
    ctx: dict[str, Any] = dict(
        r=results, teams=teams, present=present, hidden=hidden, both=both, dims=dims,
        gap_noise=noise_label(results["gap_verdict"]), min_n=method["min_per_side"], min_group=min_group,
        hidden_note=hidden_note, family=1 + len(dims), reliable_alpha=RELIABLE_ALPHA,
        flagged=[d for d in dims if d["verdict"] == LARGER and d["reliable"]],
        flagged_unreliable=[d for d in dims if d["verdict"] == LARGER and not d["reliable"]],
        unreliable=[d for d in dims if not reads_as_one(str(d["id"]), d, results.get("statements") or [])],
        responses={t: response_line(teams[t]) for t in teams}, invited_total=_invited_total(teams),
        low_rate=[t for t in teams if low_response(teams[t])], low_rate_limit=round(100 * LOW_RESPONSE_RATE),
        levels=levels, disagreement=most_disagreement(results, 5),
        missing_team=next((t for t in SURVEY_TEAMS if t not in teams), None),
        level_noise=noise_label(levels["verdict"] if levels is not None else None),
        scale_note=scale_note(results),
        anchored=[d for d in dims if d["stage_text"]],
        dont_know=any(s["dont_know"] for s in results["statements"]))
    parts: list[Any] = [render_template(TEMPLATE, part="summary", **ctx)]
    if results["index"] is None:  # every team below the minimum reporting group
        return Section(TITLE, ANCHOR, parts)
    parts += [dot_plot(results), render_template(TEMPLATE, part="dimensions", **ctx)]
    if ctx["anchored"]:
        parts.append(render_template(TEMPLATE, part="stages", **ctx))
    if both:
        parts.append(gap_chart(results))
    if levels is not None:
        parts.append(render_template(TEMPLATE, part="levels", **ctx))
        if not levels["suppressed"]:
            parts.append(levels_chart(results))
    if ctx["disagreement"]:
        parts.append(render_template(TEMPLATE, part="statements", **ctx))
    return Section(TITLE, ANCHOR, parts)
