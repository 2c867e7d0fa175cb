"""Handout section "Voice of the teams": what the interviews said, in the client's own words.

Built from ``results["discovery"]`` only (see :mod:`helpers.analysis.discovery` for its schema). That
dict already holds nothing but shared answers, so this section can only ever show quotes the
consultant marked ``share: true``; internal notes never reach it. A quote that reads as a fragment
without its question (short, or opening with a reply word such as "Not much") is shown under it.
"""

from __future__ import annotations

from typing import Any

from helpers.analysis.discovery import DiscoverySynthesis, Quote, needs_question
from helpers.report.section import Section, missing_message, render_template
from helpers.results import Results

TITLE = "Voice of the teams"
ANCHOR = "voice"
DEFAULT_MISSING = ("No interviews recorded yet. Interview people from both teams, including both "
                   "team leaders, to hear the pains, their costs and the needs in their own words.")
TEAM_HEADINGS = (("sales", "Voice of sales"), ("marketing", "Voice of marketing"),
                 ("executive", "Voice of leadership"), ("other", "Other voices"))
SPIN_LABELS = {"situation": "Situation", "problem": "Problem", "implication": "Implication",
               "need_payoff": "Need-payoff"}


def with_questions(quotes: list[Quote]) -> list[dict[str, Any]]:
    """The quotes, each with ``asked``: its question when the answer needs it to be understood, else None."""
    return [{**q, "asked": q["question"] if q.get("question") and needs_question(q["text"]) else None}
            for q in quotes]


def context(discovery: DiscoverySynthesis) -> dict[str, Any]:
    """The template context for ``results["discovery"]``: plain lists ready to print."""
    quotes = {team: with_questions(list(found)) for team, found in discovery["quotes"].items()}
    # an answer tagged implication or need is shown once, in its own list below the voices
    voices = [{"team": team, "heading": heading,
               "quotes": [q for q in quotes[team] if not {"implication", "need"} & set(q["tags"])]}
              for team, heading in TEAM_HEADINGS if quotes[team] or team in ("sales", "marketing")]
    labels = discovery["dimension_labels"]
    pain_rows = [{"label": labels.get(dim, dim), "sales": info["sales"], "marketing": info["marketing"],
                  "leadership": info["executive"] + info["other"], "interviews": info["interviews"]}
                 for dim, info in sorted(discovery["pain_dimensions"].items(),
                                         key=lambda kv: (-kv[1]["interviews"], -kv[1]["answers"]))]
    spin_rows = [{"label": labels.get(dim, dim), **{s: row[s] for s in SPIN_LABELS}, "total": row["total"]}
                 for dim, row in discovery["by_dimension"].items() if row["total"]]
    return {
        # pains are counted over the client's own people's interviews, a customer's not among them
        "n": discovery["interviews"], "team_n": discovery.get("team_interviews", discovery["interviews"]),
        "teams": discovery["teams"], "answered": discovery["answered"],
        "shared": discovery["shared"], "voices": voices, "pain_rows": pain_rows,
        "implications": with_questions(discovery["implications"]), "needs": with_questions(discovery["needs"]),
        "spin_labels": SPIN_LABELS, "spin_rows": spin_rows, "by_spin": discovery["by_spin"],
    }


def voice(results: Results) -> Section:
    """The "Voice of the teams" handout section.

    Parameters
    ----------
    results : Results
        Uses ``results["discovery"]``.

    Returns
    -------
    Section
        Shared quotes by team, the pains each team raised most, implications, needs, where the
        interviews went (dimension by SPIN type); or a
        one-line section saying what to collect when there are no interviews.
    """
    discovery = results["discovery"]
    if discovery is None:
        return Section.missing(TITLE, ANCHOR, missing_message(results, "discovery", DEFAULT_MISSING))
    html = render_template("voice.html.j2", **context(discovery))
    if not discovery["interviews"]:
        html = render_template("_missing.html.j2", message=missing_message(results, "discovery", DEFAULT_MISSING)) + html
    return Section(TITLE, ANCHOR, [html])
