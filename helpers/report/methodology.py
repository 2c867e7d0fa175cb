"""Methodology and sources appendix of the handout: how every number was produced, and from what.

The text lives in ``templates/report/methodology.html.j2``; this module only gathers the
figures that make it specific to this engagement (number of statements and respondents, the
survey method's settings, the follow-up rule (agreed or only proposed), the reference ranges the funnel
was compared with).
"""

from __future__ import annotations

from helpers.formatting import days_phrase
from helpers.report.section import Section, render_template
from helpers.results import Results
from helpers.vocabulary import SLA_DEFAULTS

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


def _plain_source(source: str) -> str:
    """The reference ranges' source without the trailing "secondary figures" the paragraph already says."""
    text = (source or "vendor-quoted ranges").strip()
    for tail in (", secondary figures", "; secondary figures", " secondary figures"):
        if text.endswith(tail):
            text = text[: -len(tail)]
    return text


def methodology(results: Results) -> Section:
    """The methodology and sources appendix.

    Parameters
    ----------
    results : Results
        The engagement's results (:func:`helpers.results.compute`).

    Returns
    -------
    Section
        Always present: it explains the method even when some data is still missing.
    """
    method, funnel, respondents = results["method"], results["funnel"], results["respondents"]
    sla = funnel["sla"] if funnel is not None else None
    html = render_template(
        "methodology.html.j2",
        statements=len(results["statements"]),
        dimensions=len(results["dimensions"]),
        respondents_used=respondents["used"],
        respondents_excluded=len(respondents["excluded"]),
        method=method,
        confidence=method["confidence"],
        bands=STAGE_BANDS,
        funnel_stages=FUNNEL_DEFINITIONS,
        has_funnel=funnel is not None,
        # the rule's own status, words and clock; without funnel data the default terms, called a default
        sla_status=sla["status"] if sla is not None else None,
        sla_words=sla["rule_words"] if sla is not None else f"{SLA_DEFAULTS['response_hours']:g} hours",
        sla_clock=sla["clock"] if sla is not None else "calendar",
        sla_clock_description=sla["clock_description"] if sla is not None else "",
        sla_attempts=sla["attempts"] if sla is not None else SLA_DEFAULTS["attempts"],
        sla_days=days_phrase(sla["attempt_days"] if sla is not None else SLA_DEFAULTS["attempt_days"],
                             sla is not None and sla["clock"] == "business"),
        benchmarks=funnel["benchmarks"] if funnel is not None else [],
        benchmark_source=_plain_source(funnel["benchmark_source"] if funnel is not None else ""),
        min_n=method["min_per_side"],
        min_group=method["min_group"],
        invited_known=any(t["invited"] is not None for t in results["teams"].values()),
    )
    return Section(TITLE, ANCHOR, [html])
