"""The scorecard explorer of notebook 03, driven without a kernel."""

from __future__ import annotations

import re

from IPython.display import HTML, Image, Markdown

from helpers.forms.scorecard import ScorecardExplorer
from tests.conftest import DEMO


def test_explorer_scores_the_demo_and_lists_the_most_disputed_statements() -> None:
    explorer = ScorecardExplorer(DEMO / "quillstack")
    assert explorer.status().startswith("25 responses read from survey.csv")  # 14 sales + 11 marketing rows
    table = explorer.disagreement(n=5).data
    assert table.count("<tr>") == 6 and "<th style='text-align:left;padding:3px 8px;border-bottom:1px solid #ddd'>Statement" in table
    gaps = [abs(float(g.replace("\u2212", "-"))) for g in re.findall(r">([+\u2212-]?\d+\.\d)</td><td[^>]*>\d+\.\d</td><td[^>]*>\d+</td></tr>", table)]
    assert len(gaps) == 5 and gaps == sorted(gaps, reverse=True)
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
    assert "No survey file in" in explorer.status() and "`workbook survey " in explorer.status()
    assert "workbook new" not in explorer.status()
    assert isinstance(explorer.filters(), Markdown) and isinstance(explorer.summary_table(), Markdown)


def test_empty_state_names_the_real_next_step_for_the_folder(make_engagement) -> None:
    bare = make_engagement({"engagement.yaml": None}, name="bare")
    said = ScorecardExplorer(bare).status()
    assert "no engagement.yaml" in said and f"`workbook new {bare.resolve()} --client" in said
    from helpers.cli import main
    assert main(["new", str(bare / "kit"), "--client", "Kit"]) == 0  # what `workbook new` leaves behind
    said = ScorecardExplorer(bare / "kit").status()
    assert "survey.csv in" in said and "holds only the template, no answers yet" in said
    assert "workbook survey" not in said and "workbook new" not in said, "the template is there already"


def test_the_notebook_ends_in_a_labelled_table_of_the_dimensions() -> None:
    explorer = ScorecardExplorer(DEMO / "quillstack")
    table = explorer.summary_table()
    assert isinstance(table, HTML)
    heads = re.findall(r"<th[^>]*>([^<]*)</th>", table.data)
    assert heads == ["Dimension", "Both teams", "Sales", "Marketing", "Gap (sales \u2212 marketing)", "The gap is",
                     "Stage"]
    results = explorer.results
    assert results is not None
    rows = re.findall(r"<tr><td[^>]*>([^<]*)</td>", table.data)
    assert rows == [d["label"] for d in results["dimensions"].values()] + ["Alignment index (all statements)"]
    verdicts = set(re.findall(r"<td[^>]*>(larger than noise|within noise|too few to tell)</td>", table.data))
    assert verdicts and "DataFrame" not in table.data and "dimension." not in table.data
    first = next(iter(results["dimensions"].values()))
    assert f">{first['sales']:.1f}</td>" in table.data
