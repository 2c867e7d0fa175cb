"""One results object per engagement: the handout and ``<slug>.json`` both come from it.

:func:`compute` runs every analysis the engagement's data supports and returns a plain,
JSON-serialisable dict (schema in the README, "Results JSON"). Sections whose data is absent
are ``None`` and named in ``missing`` with what to collect. Nothing here reads files beyond
loading an earlier wave, plots or prints.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers.analysis.discovery import synthesize
from helpers.analysis.findings import key_findings
from helpers.analysis.funnel import metrics
from helpers.analysis.journey import summarize
from helpers.analysis.plan import build
from helpers.analysis.survey import empty_scores, score
from helpers.analysis.waves import compare
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


def compute(engagement: Engagement, *, _seen: frozenset[Path] = frozenset()) -> dict[str, Any]:
    """Run every analysis the engagement's data supports.

    Parameters
    ----------
    engagement : Engagement
        A loaded, valid engagement (:func:`helpers.engagement.load`).

    Returns
    -------
    dict
        The results (JSON-serialisable). Top level: ``client``, ``consultant``, ``date``,
        ``industry``, ``slug``, the survey part (``index``, ``interval``, ``stage``, ``gap``,
        ``teams``, ``dimensions``, ``levels``, ``statements``, ``respondents``), then
        ``discovery``, ``journey``, ``funnel``, ``progress``, ``plan``, ``findings``,
        ``missing`` and ``warnings``.
    """
    meta = engagement.meta
    results: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "client": meta.client,
        "consultant": meta.consultant,
        "date": meta.date.isoformat(),
        "industry": meta.industry,
        "slug": engagement.slug,
    }
    warnings = [str(p) for p in engagement.warnings]
    missing: list[dict[str, str]] = []

    results.update(empty_scores())
    if engagement.survey is not None and len(engagement.survey):
        part, found = score(engagement.survey, engagement.instrument)
        results.update(part)
        warnings.extend(str(p) for p in found)
    else:
        missing.append({"section": "survey", "message": MISSING_MESSAGES["survey"]})

    # With no interview but a stakeholder list, the synthesis still maps roles and red flags.
    results["discovery"] = synthesize(engagement.interviews, meta.stakeholders)
    results["journey"] = summarize(engagement.journey) if engagement.journey is not None else None
    results["funnel"] = (metrics(engagement.funnel, meta.sla)
                         if engagement.funnel is not None and len(engagement.funnel) else None)
    for name in ("discovery", "journey", "funnel"):
        if results[name] is None:
            missing.append({"section": name, "message": MISSING_MESSAGES[name]})

    results["progress"] = None
    if meta.previous is not None:
        results["progress"], found_warnings = _progress(engagement, results, _seen | {engagement.path})
        warnings.extend(found_warnings)
    if results["progress"] is None:
        missing.append({"section": "progress", "message": MISSING_MESSAGES["progress"]})

    results["plan"] = build(results, engagement.plan)
    results["findings"] = key_findings(results)
    results["missing"] = missing
    results["warnings"] = warnings
    return json_safe(results)


def _progress(engagement: Engagement, current: dict[str, Any],
              seen: frozenset[Path]) -> tuple[dict[str, Any] | None, list[str]]:
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
    return compare(json_safe(current), previous_results, earlier.plan), []


def to_json(results: dict[str, Any]) -> str:
    """The results as indented JSON text (UTF-8, stable key order)."""
    return json.dumps(json_safe(results), indent=2, ensure_ascii=False) + "\n"


def write_json(results: dict[str, Any], path: str | os.PathLike[str]) -> Path:
    """Write the results to ``path`` atomically."""
    return atomic_write_json(path, json_safe(results))


def read_json(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read results written by :func:`write_json`."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def load_results(engagement: str, results_json: str = "") -> dict[str, Any]:
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
