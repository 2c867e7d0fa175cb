"""The scorecard explorer behind ``notebooks/03_alignment_scorecard.ipynb``.

Reads one engagement's survey (read-only: nothing here writes to the folder), scores it and
offers team and level filters that recompute the charts for the chosen respondents.
"""

from __future__ import annotations

import html
import shlex
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML, Image, Markdown, display

from helpers.analysis.survey import (
    SurveyResults,
    filter_survey,
    most_disagreement,
    score,
)
from helpers.charts import survey as survey_charts
from helpers.content.instrument import load_instrument
from helpers.engagement.survey import SURVEY_FILES, read_survey
from helpers.formatting import format_number, format_signed
from helpers.forms.common import engagement_problem_text
from helpers.problems import Problem
from helpers.report.scorecard import noise_label, scorecard
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
            lines.append(self.next_step())
        elif self.answers is not None:
            layout = str(self.answers.attrs.get("format", "canonical")).replace("_", " ")
            lines.insert(0, f"{len(self.answers)} responses read from {self.answers.attrs.get('source', 'survey')} "
                            f"({layout} layout)")
        return "\n".join(lines)

    def next_step(self) -> str:
        """What to do when there are no answers to score yet, for the state the folder is in.

        No ``engagement.yaml``: create the engagement (``workbook new``, which writes the survey
        template too). No survey file: write the template and questionnaire (``workbook survey``)
        or save the survey tool's export in the folder. Only the empty template: fill it in or
        replace it with the export. Commands name the folder by its full path, so they work from
        any terminal.
        """
        where = shlex.quote(str(self.folder.resolve()))
        if not (self.folder / "engagement.yaml").is_file():
            return (f"{self.folder} is not an engagement yet (no engagement.yaml). Create it with "
                    f"`workbook new {where} --client 'Client name'`: that also writes survey.csv, the survey "
                    "template. Then put one row per respondent in it (or save your survey tool's export there "
                    "as survey.csv or survey.xlsx) and run this notebook again.")
        present = [name for name in SURVEY_FILES if (self.folder / name).is_file()]
        if present:
            return (f"{present[0]} in {self.folder} holds only the template, no answers yet. Enter one row per "
                    "respondent, or replace it with the export of Google Forms, Microsoft Forms, SurveyMonkey "
                    "or Typeform (as survey.csv or survey.xlsx), then run this notebook again.")
        return (f"No survey file in {self.folder} yet. Save the export of Google Forms, Microsoft Forms, "
                "SurveyMonkey or Typeform there as survey.csv or survey.xlsx, or run "
                f"`workbook survey {where}` for the template and a printable questionnaire; then run this "
                "notebook again.")

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

    def disagreement(self, n: int = 8) -> HTML | Markdown:
        """The ``n`` statements that split the teams most (or, with one team, spread most), as a labelled table."""
        if self.results is None:
            return Markdown("No survey answers.")
        top = pd.DataFrame(most_disagreement(self.results, n=n))
        if top.empty:
            return Markdown("No statement to compare.")
        rows = [[str(r["text"]) + (" (reverse-worded)" if r["reverse"] else ""), format_number(r["sales"], 1),
                 format_number(r["marketing"], 1), format_signed(r["gap"], 1), format_number(r["sd"], 1),
                 format_number(r["n"], 0)] for r in top.to_dict("records")]
        return HTML(table_html(
            ["Statement", "Sales (1–5)", "Marketing (1–5)", "Gap (sales − marketing)", "Spread (SD)",
             "Answers"], rows,
            "Average agreement with each statement, 1 (strongly disagree) to 5 (strongly agree). The gap is "
            "sales minus marketing; the spread is the standard deviation of all answers."))

    def summary_table(self) -> HTML | Markdown:
        """The dimensions at a glance: both teams, sales, marketing, the gap and what the gap means.

        Scores are on the 20-100 scale of the HBR 2006 self-assessment; a team below the minimum
        group size shows a dash (its answers are not shown, to protect anonymity).
        """
        if self.results is None:
            return Markdown("No scores: see the status at the top of the notebook.")
        r = self.results
        dash = "—"
        rows = []
        for dim in r["dimensions"].values():
            rows.append([str(dim["label"]), format_number(dim["index"], 1) if dim["index"] is not None else dash,
                         format_number(dim["sales"], 1) if dim["sales"] is not None else dash,
                         format_number(dim["marketing"], 1) if dim["marketing"] is not None else dash,
                         format_signed(dim["gap"], 1) if dim["gap"] is not None else dash,
                         noise_label(dim["verdict"]), str(dim["stage"] or dash)])
        gap = r["gap"]
        teams: dict[str, Any] = dict(r["teams"])

        def team_index(team: str) -> str:
            value = (teams.get(team) or {}).get("index")
            return format_number(value, 1) if value is not None else dash
        rows.append(["Alignment index (all statements)", format_number(r["index"], 1) if r["index"] is not None else dash,
                     team_index("sales"), team_index("marketing"), format_signed(gap, 1) if gap is not None else dash,
                     noise_label(r["gap_verdict"]), str(r["stage"] or dash)])
        method = r["method"]
        note = (f"Scores on the 20–100 scale (HBR 2006 stages: 20–39 Undefined, 40–59 Defined, 60–79 "
                f"Aligned, 80–100 Integrated). Gap in points, sales minus marketing. “Larger than noise”: "
                f"a permutation test, Holm-corrected over all gaps, at {method['alpha']:.0%}; a dash: fewer than "
                f"{method['min_group']} answers in a team, not shown, to protect anonymity.")
        return HTML(table_html(["Dimension", "Both teams", "Sales", "Marketing", "Gap (sales − marketing)",
                                "The gap is", "Stage"], rows, note, frozenset({0, 5, 6})))


    def levels(self) -> Image | Markdown:
        """Leaders vs staff chart, when the survey recorded a level."""
        if self.results is None:
            return Markdown("No survey answers.")
        if not self.results["levels"]:
            return Markdown("The survey has no level column (leader or staff).")
        return Image(data=figure_png(survey_charts.levels_chart(self.results), dpi=110), format="png")


def table_html(head: list[str], rows: list[list[str]], note: str, words: frozenset[int] = frozenset({0})) -> str:
    """A labelled, styled HTML table (every text escaped) with a note under it.

    Columns whose index is in ``words`` are left-aligned; the others hold numbers and are right-aligned.
    """
    def cell(text: str, tag: str, index: int) -> str:
        align = "left" if index in words else "right"
        return (f"<{tag} style='text-align:{align};padding:3px 8px;border-bottom:1px solid #ddd'>"
                f"{html.escape(text)}</{tag}>")
    header = "".join(cell(h, "th", i) for i, h in enumerate(head))
    body = "".join("<tr>" + "".join(cell(c, "td", i) for i, c in enumerate(row)) + "</tr>" for row in rows)
    return (f"<table class='cg-table' style='border-collapse:collapse;font-size:13px'>"
            f"<thead style='background:#f3f3f3'><tr>{header}</tr></thead><tbody>{body}</tbody></table>"
            f"<p style='font-size:12px;color:#555;max-width:60em'>{html.escape(note)}</p>")
