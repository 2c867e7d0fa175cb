"""What notebook 04 (action plan) shows: the summary, the plan editor and progress, for one folder.

The folder is checked once, when the page is opened: a wrong path or an engagement with errors
gives one short message (shown by the first cell that displays something) and every other cell
shows nothing, so Run All never ends in a traceback and nothing is created.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

import ipywidgets as w

from helpers.forms.common import engagement_problem, wrong_engagement
from helpers.forms.plan import PlanForm, open_form
from helpers.results import Results


class PlanPage:
    """The results of one engagement and the views notebook 04 displays.

    Parameters
    ----------
    engagement : path-like
        The engagement folder.

    Attributes
    ----------
    results : Results or None
        None when the folder is wrong or has errors (``message`` says why).
    message : ipywidgets.HTML or None
        What is wrong, shown once.
    """

    def __init__(self, engagement: str | os.PathLike[str]) -> None:
        from helpers.engagement.load import load
        from helpers.results import compute

        self.folder = Path(engagement)
        self.results: Results | None = None
        self.meta: Any = None  # the engagement.yaml the results come from
        self.message: Any = wrong_engagement(engagement)
        self._shown = False
        if self.message is None:
            eng, problems = load(self.folder)
            if eng is None:
                items = "".join(f"<li>{html.escape(str(p))}</li>" for p in problems.errors)
                self.message = w.HTML(f"<b>The engagement at <code>{html.escape(str(engagement))}</code> cannot be "
                                      f"used yet; fix these first (nothing was changed):</b><ul>{items}</ul>")
                self.message.add_class("cg-engagement-problems")
            else:
                self.results, self.meta = compute(eng), eng.meta

    def _problem(self) -> Any:
        """The message the first time it is asked for, then nothing (it is not repeated in every cell)."""
        if self._shown:
            return None
        self._shown = True
        return self.message

    def summary(self) -> Any:
        """The handout's summary (stage, index and the three findings it opens with)."""
        if self.results is None:
            return self._problem()
        from helpers.report.summary import summary

        return summary(self.results)

    def form(self, preview: bool = True) -> PlanForm | Any:
        """The plan editor (``plan.yaml``)."""
        if self.results is None:
            return self._problem()
        return open_form(self.folder, self.results, preview=preview, meta=self.meta)

    def sla(self) -> Any:
        """The response-rule form (the ``sla:`` block of ``engagement.yaml``).

        Shown whenever the folder exists, even when the engagement has errors: a wrong rule is
        one of the things it fixes. A wrong folder gets the one message, not a second one.
        """
        if engagement_problem(self.folder) is not None:
            return self._problem()
        from helpers.forms.sla import open_form as sla_form

        return sla_form(self.folder)

    def progress(self) -> Any:
        """Progress since the previous wave (when ``engagement.yaml`` names one)."""
        if self.results is None:
            return self._problem()
        from helpers.report.progress import progress

        return progress(self.results)
