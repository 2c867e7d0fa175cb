"""The scorecard explorer behind ``notebooks/03_alignment_scorecard.ipynb``.

Reads one engagement's survey (read-only: nothing here writes to the folder), scores it and
offers team and level filters that recompute the charts for the chosen respondents.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd
from IPython.display import Image, Markdown, display

from helpers.analysis.survey import (
    SurveyResults,
    filter_survey,
    most_disagreement,
    score,
)
from helpers.charts import survey as survey_charts
from helpers.content.instrument import load_instrument
from helpers.engagement.survey import read_survey
from helpers.forms.common import engagement_problem_text
from helpers.problems import Problem
from helpers.report.scorecard import scorecard
from helpers.report.section import Section, figure_png

TEAM_CHOICES = [("Both teams", ""), ("Sales", "sales"), ("Marketing", "marketing")]
LEVEL_CHOICES = [("All levels", ""), ("Leaders", "leader"), ("Staff", "staff")]


def _show(fig: Any) -> None:
    display(Image(data=figure_png(fig, dpi=110), format="png"))


class ScorecardExplorer:
    """Survey answers of one engagement, scored, with filters for exploring them.

    Parameters
    ----------
    engagement : str or Path
        The engagement folder.
    seed : int
        Seed of the permutation tests when they draw random splits (same seed, same numbers).
    """

    def __init__(self, engagement: str | Path, seed: int = 0) -> None:
        self.folder = Path(engagement)
        self.seed = seed
        self.instrument = load_instrument()
        self.answers, self.problems = read_survey(self.folder, self.instrument)
        self.results: SurveyResults | None = None
        self.warnings: list[Problem] = []
        if self.answers is not None:
            self.results, self.warnings = score(self.answers, self.instrument, seed=seed)

    def status(self) -> str:
        """What was read, and every problem or warning, one per line."""
        if not self.folder.is_dir():
            return engagement_problem_text(self.folder)
        lines = [("error: " if p.is_error else "warning: ") + str(p) for p in [*self.problems, *self.warnings]]
        if self.answers is None and not self.problems:
            lines.append(f"No survey in {self.folder.name} yet: run `workbook survey {self.folder}` "
                         "for a template and a questionnaire.")
        elif self.answers is not None:
            layout = str(self.answers.attrs.get("format", "canonical")).replace("_", " ")
            lines.insert(0, f"{len(self.answers)} responses read from {self.answers.attrs.get('source', 'survey')} "
                            f"({layout} layout)")
        return "\n".join(lines)

    def scorecard(self) -> Section | Markdown:
        """The handout's scorecard section for this survey."""
        return scorecard(self.results) if self.results is not None else Markdown("No scores: see the status above.")

    def _explore(self, team: str, level: str) -> None:
        assert self.answers is not None
        subset = filter_survey(self.answers, team or None, level or None)
        if subset.empty:
            print("No respondent matches this filter.")
            return
        part, _ = score(subset, self.instrument, seed=self.seed)
        if part["suppressed"]:
            print(f"{part['respondents']['used']} respondents in this selection: fewer than "
                  f"{part['method']['min_group']} in each team, not shown, to protect anonymity.")
            return
        if part["index"] is None:
            print("No respondent in this selection answered half of the statements.")
            return
        print(f"{part['respondents']['used']} respondents, index {part['index']}, stage {part['stage']}")
        for chart in (survey_charts.dot_plot, survey_charts.gap_chart, survey_charts.distribution_chart):
            _show(chart(part))

    def filters(self) -> widgets.Widget | Markdown:
        """Team and level drop-downs; the dot plot, gap and distribution charts redraw on change."""
        if self.answers is None:
            return Markdown("No survey answers to explore.")
        team = widgets.Dropdown(options=TEAM_CHOICES, description="Team")
        level = widgets.Dropdown(options=LEVEL_CHOICES, description="Level")
        out = widgets.interactive_output(self._explore, {"team": team, "level": level})
        return widgets.VBox([widgets.HBox([team, level]), out])

    def disagreement(self, n: int = 8) -> pd.DataFrame | Markdown:
        """The ``n`` statements that split the teams most (or, with one team, spread most)."""
        if self.results is None:
            return Markdown("No survey answers.")
        top = pd.DataFrame(most_disagreement(self.results, n=n))
        return top[["id", "text", "reverse", "n", "sales", "marketing", "gap", "sd"]].set_index("id")

    def levels(self) -> Image | Markdown:
        """Leaders vs staff chart, when the survey recorded a level."""
        if self.results is None:
            return Markdown("No survey answers.")
        if not self.results["levels"]:
            return Markdown("The survey has no level column (leader or staff).")
        return Image(data=figure_png(survey_charts.levels_chart(self.results), dpi=110), format="png")
