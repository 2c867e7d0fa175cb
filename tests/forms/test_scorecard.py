"""The scorecard explorer of notebook 03, driven without a kernel."""

from __future__ import annotations

import pandas as pd
from IPython.display import Image, Markdown

from helpers.forms.scorecard import ScorecardExplorer
from tests.conftest import DEMO


def test_explorer_scores_the_demo_and_lists_the_most_disputed_statements() -> None:
    explorer = ScorecardExplorer(DEMO / "quillstack")
    assert explorer.status().startswith("25 responses read from survey.csv")  # 14 sales + 11 marketing rows
    table = explorer.disagreement(n=5)
    assert isinstance(table, pd.DataFrame) and len(table) == 5
    gaps = table["gap"].abs().tolist()
    assert gaps == sorted(gaps, reverse=True)
    assert isinstance(explorer.levels(), Image)
    assert "Alignment scorecard" in explorer.scorecard().html()


def test_filters_recompute_for_the_chosen_team(capsys) -> None:
    explorer = ScorecardExplorer(DEMO / "quillstack")
    box = explorer.filters()
    team, level = box.children[0].children
    capsys.readouterr()
    team.value = "sales"  # without a front end the Output widget lets prints through to stdout
    printed = capsys.readouterr().out
    n_sales = int((explorer.answers["team"] == "sales").sum())
    assert f"{n_sales} respondents" in printed


def test_explorer_without_a_survey_says_how_to_get_one(make_engagement) -> None:
    explorer = ScorecardExplorer(make_engagement())
    assert "workbook survey" in explorer.status()
    assert isinstance(explorer.filters(), Markdown)
