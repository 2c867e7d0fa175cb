"""Load an engagement folder: every reader in turn, every problem at once.

An engagement folder is the only store of a client's data (see the README's "Engagement
folder" section). :func:`load` asks one reader per file (``engagement.yaml``, the survey export,
``interviews/``, ``journey.yaml``, the funnel export, the activity export, ``plan.yaml``) and puts the results into an
immutable :class:`Engagement`, so a consultant can fix a folder in one pass. This module imports
readers only; analyses take an :class:`Engagement` and never read files themselves.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers.content.instrument import Instrument, earlier_instrument, load_instrument
from helpers.engagement.activities import read_activities
from helpers.engagement.funnel import read_funnel
from helpers.engagement.interviews import Interview, read_interviews
from helpers.engagement.journey import Journey, read_journey
from helpers.engagement.folders import find_engagements, is_engagement  # noqa: F401  (also imported from here)
from helpers.engagement.meta import EngagementMeta, read_meta
from helpers.engagement.plan import PlanFile, read_plan
from helpers.engagement.survey import read_survey
from helpers.formatting import slugify
from helpers.problems import Problem, Problems


@dataclass(frozen=True)
class Engagement:
    """Everything known about one client engagement, loaded and validated."""

    path: Path
    slug: str
    meta: EngagementMeta
    instrument: Instrument
    survey: pd.DataFrame | None = None
    interviews: list[Interview] = field(default_factory=list)
    journey: Journey | None = None
    funnel: pd.DataFrame | None = None
    activities: pd.DataFrame | None = None
    plan: PlanFile | None = None
    warnings: tuple[Problem, ...] = ()


def load(path: str | Path) -> tuple[Engagement | None, Problems]:
    """Load and validate an engagement folder.

    Parameters
    ----------
    path : str or Path
        The engagement folder.

    Returns
    -------
    (engagement, problems)
        ``engagement`` is None when any problem is an error; ``problems`` lists every error
        and warning found in every file, not just the first.
    """
    folder = Path(path).expanduser().resolve()
    if not folder.is_dir():
        return None, Problems([Problem(str(path), "is not a folder",
                                       "give the path of an engagement folder (it holds engagement.yaml)")])
    problems = Problems()
    meta, found = read_meta(folder)
    problems.extend(found)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="funnel") as pool:
        # The funnel export (up to millions of rows) is read on its own thread while the other
        # files are read here: pyarrow parses it without holding the GIL. Problems keep their order.
        funnel_read = pool.submit(read_funnel, folder, meta.crm if meta else None, meta.columns if meta else {})
        instrument = load_instrument()
        survey_frame, survey_problems = read_survey(folder, instrument)
        if survey_frame is not None and survey_frame.attrs.get("instrument_version", instrument.version) != instrument.version:
            instrument = earlier_instrument(instrument) or instrument  # a wave surveyed on version 1: scored as asked
        interviews, interview_problems = read_interviews(folder)
        journey_model, journey_problems = read_journey(folder)
        plan_file, plan_problems = read_plan(folder)
        funnel_frame, funnel_problems = funnel_read.result()
    for found in (survey_problems, interview_problems, journey_problems, funnel_problems):
        problems.extend(found)
    activities, found = read_activities(folder, meta.activities if meta else None,
                                        funnel_frame["lead_id"] if funnel_frame is not None else None)
    problems.extend(found)
    problems.extend(plan_problems)
    if meta is None or not problems.ok:
        return None, problems
    engagement = Engagement(path=folder, slug=slugify(folder.name, "engagement"), meta=meta, instrument=instrument,
                            survey=survey_frame, interviews=list(interviews), journey=journey_model,
                            funnel=funnel_frame, activities=activities, plan=plan_file, warnings=tuple(problems.warnings))
    return engagement, problems
