"""Handout section "Executive summary": the stage, the index with its interval, three findings.

Built from the results dict only: the survey part (``index``, ``interval``, ``stage``,
``respondents``) and ``results["findings"]`` (from :func:`helpers.plan.key_findings`; computed
here when a results file predates it). Without survey answers and without findings the section
is one line saying what to collect.
"""

from __future__ import annotations

import re
from typing import Any

from helpers.report.section import Section, render_template

TITLE = "Executive summary"
ANCHOR = "summary"
MISSING = ("Nothing to summarise yet. Survey both teams (leaders and staff), interview people on both "
           "sides and export the funnel from the CRM; the summary then shows the stage and what matters most.")
#: One line per HBR stage, in our words.
STAGE_MEANING = {
    "Undefined": "Each team follows its own agenda; they meet mostly to settle disputes.",
    "Defined": "Rules and hand-off points keep the peace, and a shared vocabulary is starting.",
    "Aligned": "The teams plan and train together and the boundaries between them flex.",
    "Integrated": "Shared systems, metrics and rewards: the teams rise or fall together.",
}
NEXT_STEP = {
    "Undefined": "The next step is rules of engagement and clear hand-off points.",
    "Defined": "The next step is a joint meeting rhythm, joint assignments and a marketing liaison to sales.",
    "Aligned": "The next step, if the business needs it, is shared metrics, rewards and one revenue owner.",
    "Integrated": "The task now is to keep it as people and targets change.",
}


#: "6 pain point(s)" -> "6 pain points", "1 pain point(s)" -> "1 pain point" (a finding is read by the client).
_PLURAL = re.compile(r"\b(\d+(?:\.\d+)?)((?:\s+[A-Za-z-]+)+?)\(s\)")


def plain_words(text: str) -> str:
    """A finding as the client reads it: counted nouns take the right number instead of ``(s)``."""
    return _PLURAL.sub(lambda m: m.group(1) + m.group(2) + ("" if float(m.group(1)) == 1 else "s"), text)


def context(results: dict[str, Any]) -> dict[str, Any]:
    """Template context: stage, index, interval, respondents, findings and plan counts."""
    findings = results.get("findings")
    if findings is None:
        from helpers.analysis.findings import key_findings

        findings = key_findings(results)
    plays = ((results.get("plan") or {}).get("plays")) or []
    interval = results.get("interval") if isinstance(results.get("interval"), (list, tuple)) else None
    stage = results.get("stage")
    stage_name = stage if isinstance(stage, str) else ""  # the key of the stage's texts
    meaning = STAGE_MEANING.get(stage_name, "")
    handoff = ((results.get("dimensions") or {}).get("handoff") or {}).get("index")
    if stage in ("Defined", "Aligned", "Integrated") and isinstance(handoff, (int, float)) and handoff < 40:
        # the stage's generic description would contradict the data: say what the hand-off score shows
        meaning = (f"The overall score reaches {stage}, but the hand-off itself scores only {handoff:.1f}, "
                   "in the Undefined band: the rules and hand-off points of a Defined relationship are not in place yet.")
    return {
        "client": results.get("client") or "",
        "index": results.get("index"),
        "interval": interval if interval and len(interval) == 2 else None,
        "stage": stage,
        "stage_meaning": meaning,
        "next_step": NEXT_STEP.get(stage_name, ""),
        "respondents": (results.get("respondents") or {}).get("used"),
        "findings": [{**f, "text": plain_words(str(f["text"]))} for f in findings
                     if isinstance(f, dict) and f.get("text")],
        "plays": len(plays),
        "first": next((p for p in plays if p.get("horizon") == 30), None),
    }


def summary(results: dict[str, Any]) -> Section:
    """The "Executive summary" handout section.

    Parameters
    ----------
    results : dict
        The results dict.

    Returns
    -------
    Section
        Stage, index with interval and the three findings that matter most; one line saying
        what to collect when there is neither a survey nor a finding.
    """
    ctx = context(results)
    if ctx["index"] is None and not ctx["findings"]:
        return Section.missing(TITLE, ANCHOR, MISSING)
    return Section(TITLE, ANCHOR, [render_template("summary.html.j2", **ctx)])
