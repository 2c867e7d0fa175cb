"""Methodology and sources appendix of the handout: how every number was produced, and from what.

The text lives in ``templates/report/methodology.html.j2``; this module only gathers the
figures that make it specific to this engagement (number of statements and respondents, the
bootstrap settings, the agreed follow-up SLA, the reference ranges the funnel was compared with).
"""

from __future__ import annotations

from typing import Any

from helpers.report.section import Section, render_template
from helpers.analysis.survey import MIN_FOR_NOISE

TITLE = "Methodology and sources"
ANCHOR = "methodology"

#: Stage bands of the 20-100 index (Kotler, Rackham and Krishnaswamy, HBR 2006).
STAGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("Undefined", 20, 39), ("Defined", 40, 59), ("Aligned", 60, 79), ("Integrated", 80, 100))

#: Funnel stages as the handout uses them, with the team that owns each.
FUNNEL_DEFINITIONS: tuple[tuple[str, str, str], ...] = (
    ("Inquiry", "marketing", "any lead that entered the CRM: a form, an event scan, a list upload"),
    ("Marketing-qualified lead (MQL)", "marketing",
     "a lead marketing judges ready for sales, by the agreed fit and interest rules"),
    ("Sales-accepted lead (SAL)", "sales",
     "an MQL that sales has looked at and agreed to work; this step is the hand-off"),
    ("Sales-qualified lead (SQL)", "sales", "a lead sales has spoken to and confirmed has a need, budget and timing"),
    ("Opportunity", "sales", "a deal with a value and a close date in the pipeline"),
    ("Closed won / lost", "sales", "the outcome of the opportunity"),
)


def _plain_source(source: Any) -> str:
    """The reference ranges' source without the trailing "secondary figures" the paragraph already says."""
    text = str(source or "vendor-quoted ranges").strip()
    for tail in (", secondary figures", "; secondary figures", " secondary figures"):
        if text.endswith(tail):
            text = text[: -len(tail)]
    return text


def methodology(results: dict[str, Any]) -> Section:
    """The methodology and sources appendix.

    Parameters
    ----------
    results : dict
        The engagement's results (:func:`helpers.results.compute`).

    Returns
    -------
    Section
        Always present: it explains the method even when some data is still missing.
    """
    boot = results.get("bootstrap") or {}
    funnel = results.get("funnel") or {}
    respondents = results.get("respondents") or {}
    sla = funnel.get("sla") or {}
    html = render_template(
        "methodology.html.j2",
        statements=len(results.get("statements") or []),
        dimensions=len(results.get("dimensions") or {}),
        respondents_used=respondents.get("used"),
        respondents_excluded=len(respondents.get("excluded") or []),
        resamples=boot.get("resamples", 2000),
        confidence=boot.get("confidence", 0.95),
        bands=STAGE_BANDS,
        funnel_stages=FUNNEL_DEFINITIONS,
        has_funnel=bool(funnel),
        sla_hours=sla.get("response_hours", 24),
        sla_attempts=sla.get("attempts", 5),
        sla_days=sla.get("attempt_days", 14),
        benchmarks=funnel.get("benchmarks") or [],
        benchmark_source=_plain_source(funnel.get("benchmark_source")),
        min_n=MIN_FOR_NOISE,
    )
    return Section(TITLE, ANCHOR, [html])
