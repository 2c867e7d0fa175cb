"""One results object per engagement: the handout and ``<slug>.json`` both come from it.

:func:`compute` runs every analysis the engagement's data supports and returns
:class:`Results`: a plain, JSON-serialisable dict typed section by section (schema in the
README, "Results JSON"; each section's ``TypedDict`` is declared in the analysis module that
builds it), so mypy checks every reader. Sections whose data is absent are ``None`` and named
in ``missing`` with what to collect. Nothing here reads files beyond loading an earlier wave,
plots or prints.
"""

from __future__ import annotations

import copy
import json
import math
import os
from pathlib import Path
from typing import Any, TypedDict, cast

import numpy as np
import pandas as pd

from helpers.analysis.discovery import DiscoverySynthesis, needs_question, synthesize
from helpers.analysis.findings import Finding, key_findings
from helpers.analysis.funnel import FunnelMetrics, metrics
from helpers.analysis.journey import JourneySummary, summarize
from helpers.analysis.checks import activities_after_export, quoted_numbers, unnamed_owners
from helpers.analysis.plan import PlanResult, build
from helpers.analysis.revenue import kpi_targets, with_client_targets
from helpers.analysis.survey import SurveyResults, empty_scores, score
from helpers.analysis.waves import Assessed, EarlierWave, Progress, carry_due_dates, compare, rejected_before, still_open
from helpers.content.instrument import StageAnchors, load_instrument, restricted, shared_statements
from helpers.engagement.load import Engagement, load
from helpers.fileio import atomic_write_json
from helpers.problems import EngagementInvalid

SCHEMA_VERSION = 1

#: One line per section saying what to collect when its data is absent (shown in the handout).
MISSING_MESSAGES: dict[str, str] = {
    "survey": ("No survey results yet. Ask the sales and marketing teams to rate the alignment "
               "statements (leaders and staff alike) to get the alignment index and the perception gaps."),
    "discovery": ("No interviews recorded yet. Interview people from both teams, including both team "
                  "leaders, to hear the pains, their costs and the needs in their own words."),
    "journey": ("No customer journey mapped yet. Map the journeys of new and existing customers with "
                "both teams: stages, owners, hand-offs and what is measured."),
    "funnel": ("No funnel data yet. Export the leads of the last two or three quarters from the CRM, "
               "with the date each stage was reached and the date of the first response."),
    "progress": ("This is the first assessment. The next wave, about 90 days from now, will show the "
                 "change in every dimension and which actions moved the numbers."),
}


class MissingSection(TypedDict):
    """A section whose data is absent, and the one line saying what to collect."""

    section: str
    message: str


class Results(SurveyResults):
    """Everything the handout and ``<slug>.json`` show: the engagement, each section, findings and plan.

    The survey part's keys sit at the top level (:class:`~helpers.analysis.survey.SurveyResults`).
    A section whose data is absent is None and named in ``missing``. A full ``Results`` is also
    an :class:`~helpers.analysis.waves.EarlierWave` (and so an ``Assessed`` and an ``Analysed``),
    which is what the analyses that read several sections take.
    """

    schema: int
    client: str
    consultant: str
    date: str
    industry: str
    slug: str
    discovery: DiscoverySynthesis | None
    journey: JourneySummary | None
    funnel: FunnelMetrics | None
    progress: Progress | None
    plan: PlanResult
    findings: list[Finding]
    missing: list[MissingSection]
    warnings: list[str]


def json_safe(value: Any) -> Any:
    """Convert numpy/pandas scalars, NaN, dates and paths into plain JSON values.

    Floats that are NaN or infinite become None; tuples become lists; dict keys become strings.
    """
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [json_safe(v) for v in value]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        return None if math.isnan(f) or math.isinf(f) else f
    if value is pd.NA or value is pd.NaT or value is None:
        return None
    if isinstance(value, (pd.Timestamp,)):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, Path):
        return value.name
    return value


def compute(engagement: Engagement, *, _seen: frozenset[Path] = frozenset()) -> Results:
    """Run every analysis the engagement's data supports.

    Parameters
    ----------
    engagement : Engagement
        A loaded, valid engagement (:func:`helpers.engagement.load`).

    Returns
    -------
    Results
        The results (JSON-serialisable). Top level: ``schema``, ``client``, ``consultant``,
        ``date``, ``industry``, ``slug``, the survey part (``index``, ``interval``, ``stage``,
        ``gap``, ``teams``, ``dimensions``, ``levels``, ``statements``, ``respondents``), then
        ``discovery``, ``journey``, ``funnel``, ``progress``, ``plan``, ``findings``,
        ``missing`` and ``warnings``.
    """
    meta = engagement.meta
    warnings = [str(p) for p in engagement.warnings]
    missing: list[MissingSection] = []

    min_group = meta.confidentiality.min_group
    survey = empty_scores(min_group)
    if engagement.survey is not None and len(engagement.survey):
        survey, found = score(engagement.survey, engagement.instrument,
                              invited=meta.survey.invited, min_group=min_group, anchors=_anchors(engagement))
        warnings.extend(str(p) for p in found)
    else:
        missing.append({"section": "survey", "message": MISSING_MESSAGES["survey"]})

    # With no interview but a stakeholder list, the synthesis still maps roles and red flags.
    discovery = synthesize(engagement.interviews, meta.stakeholders)
    if discovery is not None:
        warnings.extend(discovery["attribution_checks"])
    journey = summarize(engagement.journey) if engagement.journey is not None else None
    # measured on the engagement's own rule and clock; engagement.yaml has no export date, so the
    # export time is the latest date in the export (stated in funnel.export_time)
    funnel = (metrics(engagement.funnel, meta.sla_rule, currency=meta.currency, source_mapping=meta.lead_sources,
                      activities=engagement.activities)
              if engagement.funnel is not None and len(engagement.funnel) else None)
    if funnel is not None and journey is not None and funnel["calculator"] is not None:
        # the revenue goal's needs beside the monthly targets the client set itself in its journey map
        funnel = {**funnel, "calculator": with_client_targets(funnel["calculator"], kpi_targets(journey["kpis"]))}
    if discovery is not None and funnel is not None:
        warnings.extend(quoted_numbers(discovery, funnel))
    if funnel is not None:
        warnings.extend(activities_after_export(engagement.activities, funnel))
    for name, section in (("discovery", discovery), ("journey", journey), ("funnel", funnel)):
        if section is None:
            missing.append({"section": name, "message": MISSING_MESSAGES[name]})
    current: Assessed = {**survey, "date": meta.date.isoformat(), "slug": engagement.slug,
                         "discovery": discovery, "journey": journey, "funnel": funnel}

    progress: Progress | None = None
    if meta.previous is not None:
        progress, found_warnings = _progress(engagement, current, _seen | {engagement.path})
        warnings.extend(found_warnings)
    if progress is None:
        missing.append({"section": "progress", "message": MISSING_MESSAGES["progress"]})

    results: Results = {
        "schema": SCHEMA_VERSION, "client": meta.client, "consultant": meta.consultant,
        "date": meta.date.isoformat(), "industry": meta.industry, "slug": engagement.slug,
        **survey,
        "discovery": discovery, "journey": journey, "funnel": funnel, "progress": progress,
        "plan": build(current, engagement.plan, carried_over=still_open(progress),
                      rejected_before=rejected_before(progress), people=meta.stakeholders, sla=meta.sla_rule),
        "findings": key_findings(current),
        "missing": missing, "warnings": warnings,
    }
    warnings.extend(unnamed_owners(results["plan"]))
    carry_due_dates(results["plan"], progress)  # an action carried over keeps the due date agreed then
    # every value is already a plain JSON type; this only guards against a stray numpy scalar or NaN
    return cast(Results, json_safe(results))


def results_with(*, discovery: DiscoverySynthesis | None = None, journey: JourneySummary | None = None,
                 funnel: FunnelMetrics | None = None) -> Results:
    """Results holding only the given sections (no survey, plan, findings or missing-data lines).

    For the capture forms, which preview one handout section from the file being edited before
    the whole engagement can be computed.
    """
    return {"schema": SCHEMA_VERSION, "client": "", "consultant": "", "date": "", "industry": "", "slug": "",
            **empty_scores(), "discovery": discovery, "journey": journey, "funnel": funnel, "progress": None,
            "plan": {"plays": [], "rejected": [], "not_shown": [], "max_per_horizon": 3, "consultant": False,
                     "housekeeping": [], "stages": [],
                     "agreed": None},
            "findings": [], "missing": [], "warnings": []}


def _progress(engagement: Engagement, current: Assessed,
              seen: frozenset[Path]) -> tuple[Progress | None, list[str]]:
    """Compare with the previous wave (which may chain to earlier ones)."""
    previous_folder = engagement.meta.previous
    assert previous_folder is not None
    if previous_folder in seen:
        return None, [f"engagement.yaml: previous: the waves point at each other ({previous_folder.name}); "
                      "the chain of waves stops here"]
    earlier, problems = load(previous_folder)
    if earlier is None:
        first = problems.errors[0] if problems.errors else None
        return None, [f"engagement.yaml: previous wave '{previous_folder.name}' cannot be used ({first}); "
                      "fix that folder with `workbook check` to see progress"]
    previous_results = compute(earlier, _seen=seen)
    now, before = engagement.instrument, earlier.instrument
    if now.version == before.version or engagement.survey is None or earlier.survey is None:
        return compare(json_safe(current), previous_results, earlier.plan), []
    # surveyed on different instrument versions: both waves re-scored on the statements they share
    pairs = shared_statements(now, before)
    shared = restricted(now, [a for a, _ in pairs])
    then_survey = earlier.survey.rename(columns={b: a for a, b in pairs if a != b})
    then_survey.attrs = dict(earlier.survey.attrs)
    now_part, _ = score(engagement.survey, shared, invited=engagement.meta.survey.invited,
                        min_group=engagement.meta.confidentiality.min_group, anchors=_anchors(engagement))
    then_part, _ = score(then_survey, shared, invited=earlier.meta.survey.invited,
                         min_group=earlier.meta.confidentiality.min_group, anchors=_anchors(earlier))
    # one to three shared statements per dimension: no dimension is compared (nor counted in the Holm family)
    progress = compare(json_safe({**current, **now_part}), cast(EarlierWave, {**previous_results, **then_part}),
                       earlier.plan, compare_dimensions=False)
    progress["basis"] = {"versions": [before.version, now.version], "statements": len(pairs),
                         "dimensions_compared": False}
    return progress, [f"the previous wave was surveyed on instrument version {before.version}, this one on version "
                      f"{now.version}: progress compares the {len(pairs)} statements both ask, not the full scores"]


def _anchors(engagement: Engagement) -> dict[str, StageAnchors]:
    """The stage descriptions for the handout: the survey's instrument's, else the current instrument's.

    A wave surveyed on version 1 (no descriptions) borrows them: they describe the dimensions,
    not the statements.
    """
    return dict(engagement.instrument.stages or load_instrument().stages)


def to_json(results: Results) -> str:
    """The results as indented JSON text (UTF-8, stable key order).

    Results from :func:`compute` (and their :func:`client_view`) are plain JSON values already
    and are written as they are; anything JSON refuses (a NumPy number, a date, NaN) makes the
    whole value go through :func:`json_safe` first, as it always did (the walk is 5 ms a report).
    """
    try:
        return json.dumps(results, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    except (TypeError, ValueError):
        return json.dumps(json_safe(results), indent=2, ensure_ascii=False) + "\n"


def write_json(results: Results, path: str | os.PathLike[str]) -> Path:
    """Write the results to ``path`` atomically."""
    return atomic_write_json(path, json_safe(results))


def read_json(path: str | os.PathLike[str]) -> Results:
    """Read results written by :func:`write_json` (the same program wrote them, so the shape holds)."""
    return cast(Results, json.loads(Path(path).read_text(encoding="utf-8")))


#: What the client's document says where a section has no data (the consultant's document says
#: what to collect instead: :data:`MISSING_MESSAGES`).
CLIENT_MISSING: dict[str, str] = {
    "survey": "The alignment survey is not part of this report.",
    "discovery": "Interviews are not part of this report.",
    "journey": "The customer journey is not part of this report.",
    "funnel": "Funnel measures are not part of this report.",
    "progress": "This is the first assessment; the next one will show what moved.",
}


def client_view(results: Results) -> Results:
    """The results the client may see: the consultant's working data taken out.

    Left out: the stakeholder and buying-influence map (names, roles, red flags), the ids of
    respondents left out of the scores, how many leaders and how many staff each team has when
    that split is hidden for anonymity (a team's one leader would be named by it) and a pooled count
    of leaders or staff below the minimum reporting group, which interview guide a quote's question
    came from (and the question itself where the handout does not print it), the "don't know"
    answers per team (the handout gives their total), data-quality warnings, the leadership-climate reading, the
    customers' emotions per journey stage (the shared ones reach the client as quotes only), the
    consultant's housekeeping
    (what to collect next) and every "collect more data" message. Quotes already carry only
    what the interviewee agreed to (function, or job title with consent). The consultant's own
    document and ``<slug>.consultant.json`` keep everything.

    Parameters
    ----------
    results : Results
        As :func:`compute` returns them (not changed).

    Returns
    -------
    Results
        A copy, safe to leave the consultant's hands as ``<slug>.json`` and the handout.
    """
    view = copy.deepcopy(results)
    view["respondents"]["excluded"] = []
    view["warnings"] = []
    view["missing"] = [{"section": m["section"], "message": CLIENT_MISSING.get(m["section"], "")}
                       for m in view["missing"]]
    discovery = view["discovery"]
    if discovery is not None:
        discovery["stakeholders"] = []
        discovery["roles"] = {role: {"people": [], "interviewed": []} for role in discovery["roles"]}
        discovery["uncovered_roles"] = []
        discovery["economic_buyer_interviewed"] = None
        discovery["red_flags"] = []
        discovery["attribution_checks"] = []
        for quote in [q for qs in discovery["quotes"].values() for q in qs] + \
                discovery["implications"] + discovery["needs"]:
            quote["level"] = None  # the function is in ``speaker`` only when enough people share it
            quote["question_id"] = None  # its prefix names the guide: sl_ a sales leader's, sp_ a seller's
            if not needs_question(quote["text"]):  # the question only where the handout prints it
                quote["question"] = None
        discovery["climate"] = None  # the leadership climate is the consultant's reading, never the client's
        discovery["customer_emotions"] = []  # the consultant's check of the journey map against customers' words
    for statement in view["statements"]:
        statement["dont_know_by_team"] = {}  # the consultant's table; with n, it sizes a hidden group
    levels = view["levels"]
    if levels is not None and levels["suppressed"]:
        # a team's count of leaders (often one) says who answered; so does a pooled count under
        # the minimum reporting group ("leaders 3": all three of them)
        for cells in levels["teams"].values():
            for cell in cells.values():
                cell["n"] = None
                cell["suppressed"] = True  # "false" marked an empty group, which gives the other's size back
        pooled = (levels["leader"], levels["staff"])
        if any(p["n"] is not None and p["n"] < view["method"]["min_group"] for p in pooled):
            for p in pooled:  # both: the other one and the number of respondents would give it back
                p["n"] = None
    plan = cast(dict[str, Any], view["plan"])
    if "housekeeping" in plan:
        plan["housekeeping"] = []
    # plays left out for another stage or a target already met are the consultant's reasoning
    plan["not_shown"] = [h for h in plan["not_shown"] if h.get("held", "waiting") == "waiting"]
    return view


def load_results(engagement: str, results_json: str = "") -> Results:
    """The results the report displays.

    Parameters
    ----------
    engagement : str
        Path of the engagement folder.
    results_json : str
        Path of results precomputed by ``workbook render`` (so the handout and ``<slug>.json``
        come from the very same object); empty to compute them here.

    Raises
    ------
    helpers.problems.EngagementInvalid
        When the folder has errors (the message lists them all).
    """
    if results_json:
        return read_json(results_json)
    eng, problems = load(engagement)
    if eng is None:
        raise EngagementInvalid(str(engagement), problems)
    return compute(eng)
