"""Handout sections: each turns the results into HTML fragments and figures.

The report notebook calls one function per section, in order (:data:`SECTIONS`). Every
function takes the results only and returns a :class:`~helpers.report.section.Section`; shared
helpers (template rendering, figures) live in :mod:`helpers.report.section`. This module only
re-exports, so that the notebook reads ``report.summary(R)``.
"""

from __future__ import annotations

# The section functions are bound eagerly: a lazy look-up would be shadowed by the submodule of
# the same name (``helpers.report.funnel``) as soon as anything imported it.
from helpers.report.consultant import consultant
from helpers.report.funnel import funnel
from helpers.report.journey import journey
from helpers.report.methodology import methodology
from helpers.report.plan import plan
from helpers.report.progress import progress
from helpers.report.scorecard import scorecard
from helpers.report.summary import summary
from helpers.report.voice import voice
from helpers.results import client_view, load_results

#: Handout sections in order; each is ``helpers.report.<name>(results) -> Section``.
SECTIONS: tuple[str, ...] = ("summary", "scorecard", "voice", "journey", "funnel", "plan", "progress", "methodology")

__all__ = ["SECTIONS", "client_view", "consultant", "funnel", "journey", "load_results", "methodology", "plan", "progress", "scorecard",
           "summary", "voice"]
