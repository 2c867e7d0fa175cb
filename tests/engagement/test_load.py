"""Loading and validating engagement folders, as a consultant meets it through `load`."""

from __future__ import annotations

import datetime as dt

import pytest

from helpers.engagement.load import find_engagements, load
from tests.conftest import DEMO, survey_csv

GOOD_SURVEY = [
    ("S1", "sales", "leader", [4] * 24),
    ("S2", "Sales", "staff", [3] * 24),
    ("M1", "marketing", "leader", [5] * 24),
    ("M2", "MARKETING", "staff", [2] * 24),
]


def messages(problems) -> str:
    return "\n".join(str(p) for p in problems)


def test_only_engagement_yaml_is_required(make_engagement) -> None:
    eng, problems = load(make_engagement())
    assert eng is not None, messages(problems)
    assert eng.meta.client == "Brightwater Analytics"
    assert eng.meta.date == dt.date(2026, 10, 5)
    assert eng.meta.sla["response_hours"] == 24
    assert eng.survey is None and eng.funnel is None and eng.journey is None and eng.interviews == []
    assert eng.slug == "brightwater"


def test_a_good_survey_loads_with_teams_normalised(make_engagement) -> None:
    eng, problems = load(make_engagement({"survey.csv": survey_csv(GOOD_SURVEY)}))
    assert eng is not None, messages(problems)
    assert sorted(eng.survey["team"].unique()) == ["marketing", "sales"]
    assert len(eng.survey) == 4


def test_missing_engagement_yaml_says_how_to_create_one(make_engagement) -> None:
    eng, problems = load(make_engagement({"engagement.yaml": None}))
    assert eng is None
    assert "engagement.yaml" in messages(problems) and "workbook new" in messages(problems)


def test_bad_yaml_names_the_line(make_engagement) -> None:
    folder = make_engagement({"engagement.yaml": "client: Acme\nconsultant: [unclosed\ndate: 2026-01-01\n"})
    eng, problems = load(folder)
    assert eng is None
    text = messages(problems)
    assert text.startswith("engagement.yaml:") and "YAML" in text
    assert problems.errors[0].row is not None


def test_missing_client_and_bad_date_are_reported_together(make_engagement) -> None:
    folder = make_engagement({"engagement.yaml": "consultant: Priya\ndate: 5 October\nindustry: Software\n"})
    eng, problems = load(folder)
    assert eng is None
    text = messages(problems)
    assert "'client' is missing" in text
    assert "date '5 October' is not an ISO date" in text and "YYYY-MM-DD" in text


def test_empty_engagement_yaml(make_engagement) -> None:
    eng, problems = load(make_engagement({"engagement.yaml": "\n"}))
    assert eng is None and "engagement.yaml: the file is empty" in messages(problems)


def test_sla_must_be_numbers_and_previous_must_exist(make_engagement) -> None:
    folder = make_engagement({"engagement.yaml": (
        "client: Acme\nconsultant: P\ndate: 2026-01-01\nindustry: X\n"
        "sla:\n  response_hours: soon\nprevious: ../nowhere\n")})
    eng, problems = load(folder)
    assert eng is None
    text = messages(problems)
    assert "sla.response_hours: 'soon' is not a number; write a plain number" in text
    assert "previous wave folder '../nowhere' has no engagement.yaml" in text


def test_unknown_key_is_a_warning_not_an_error(make_engagement) -> None:
    folder = make_engagement({"engagement.yaml": "client: Acme\nconsultant: P\ndate: 2026-01-01\nindustry: X\nclinet: typo\n"})
    eng, problems = load(folder)
    assert eng is not None
    assert "unknown key 'clinet'" in messages(problems.warnings)


@pytest.mark.parametrize("case, content, expected", [
    ("rating 7", survey_csv([("S1", "sales", "staff", [7] + [3] * 23)] + GOOD_SURVEY[2:]), ["survey.csv:2", "7"]),
    ("text in a number", survey_csv([("S1", "sales", "staff", ["often"] + [3] * 23)] + GOOD_SURVEY[2:]),
     ["survey.csv:2", "often"]),
    ("unknown team", survey_csv([("S1", "finance", "staff", [3] * 24)] + GOOD_SURVEY), ["survey.csv:2", "finance"]),
    ("duplicate respondent", survey_csv(GOOD_SURVEY + [("S1", "sales", "staff", [2] * 24)]), ["survey.csv", "S1"]),
    ("empty file", "", ["survey.csv", "empty"]),
])
def test_survey_mistakes_name_file_row_and_value(make_engagement, case, content, expected) -> None:
    eng, problems = load(make_engagement({"survey.csv": content}))
    assert eng is None, case
    text = messages(problems.errors)
    for fragment in expected:
        assert fragment in text, f"{case}: {fragment!r} not in:\n{text}"


def test_wrong_column_is_reported_not_dropped(make_engagement) -> None:
    content = survey_csv(GOOD_SURVEY).replace("goals_1", "goals_one", 1)
    eng, problems = load(make_engagement({"survey.csv": content}))
    assert "goals_one" in messages(problems)


def test_bom_and_latin1_surveys_load(make_engagement) -> None:
    text = survey_csv([("Zoë", "sales", "staff", [4] * 24), ("José", "marketing", "staff", [3] * 24)])
    for encoded in (b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("latin-1")):
        eng, problems = load(make_engagement({"survey.csv": encoded}, name=f"enc{len(encoded)}"))
        assert eng is not None, messages(problems)
        assert list(eng.survey["respondent"]) == ["Zoë", "José"]
        assert list(eng.survey.columns[:2]) == ["respondent", "team"]


def test_every_problem_in_every_file_is_reported_at_once(make_engagement) -> None:
    folder = make_engagement({
        "engagement.yaml": "consultant: P\ndate: 2026-01-01\nindustry: X\n",
        "survey.csv": survey_csv([("S1", "sales", "staff", [9] + [3] * 23), ("M1", "marketing", "staff", [3] * 24)]),
        "interviews/ana.yaml": "interviewee: Ana\nteam: sales\nanswers: [unclosed\n",
    })
    eng, problems = load(folder)
    files = {p.file for p in problems.errors}
    assert {"engagement.yaml", "survey.csv", "interviews/ana.yaml"} <= files, messages(problems)


def test_every_demo_engagement_loads_without_errors() -> None:
    folders = find_engagements(DEMO)
    assert len(folders) >= 3
    for folder in folders:
        eng, problems = load(folder)
        assert eng is not None, f"{folder.name}:\n{messages(problems)}"
        assert eng.survey is not None and len(eng.survey) >= 12
        assert len(eng.interviews) >= 3 and eng.journey is not None
        assert eng.funnel is not None and len(eng.funnel) >= 500


def test_problems_keep_the_order_of_the_files_while_the_funnel_is_read_on_its_own_thread(make_engagement) -> None:
    """The funnel export is read beside the other files; the consultant still reads the problems file by file."""
    folder = make_engagement({
        "engagement.yaml": "consultant: P\ndate: 2026-01-01\nindustry: X\n",
        "survey.csv": survey_csv([("S1", "sales", "staff", [9] + [3] * 23), ("M1", "marketing", "staff", [3] * 24)]),
        "interviews/ana.yaml": "interviewee: Ana\nteam: sales\nanswers: [unclosed\n",
        "journey.yaml": "stages: [unclosed\n",
        "funnel.csv": "source,amount\nWeb,100\n",
        "plan.yaml": "plays: [unclosed\n",
    })
    _, problems = load(folder)
    order = list(dict.fromkeys(p.file for p in problems.errors))
    assert order == ["engagement.yaml", "survey.csv", "interviews/ana.yaml", "journey.yaml", "funnel.csv", "plan.yaml"], \
        messages(problems)
