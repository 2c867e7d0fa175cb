"""What the scorecard handout says about who answered, what is hidden and what "larger than noise" means."""

from __future__ import annotations

import re

import pytest

from helpers.analysis.survey import score
from helpers.content.instrument import INSTRUMENT_V1, load_instrument
from helpers.report.scorecard import scorecard
from tests.analysis.test_survey_method import TINY, _levels_people, survey


@pytest.fixture(scope="module")
def instrument():
    return load_instrument(INSTRUMENT_V1)  # expectations worked out on version 1, which stays readable


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&nbsp;", " ")


def test_response_rate_and_hidden_team(instrument):
    part, _ = score(survey(instrument, TINY), instrument, invited={"sales": 10, "marketing": 12})
    text = _text(scorecard(part).html())
    assert ("10 people answered enough of the survey to be scored: sales 6 of 10 invited (60%), "
            "marketing 4 of 12 invited (33%), 10 of 22 invited (45%) in all.") in text
    assert ("Fewer than 50% of those invited answered in marketing: the findings may not speak for those "
            "who did not answer.") in text
    assert "Marketing: fewer than 5 answers: not shown, to protect anonymity." in text
    assert "Only sales is scored" in text
    assert "Gap (sales" not in text  # no comparison against a hidden team


def test_no_team_large_enough_shows_no_score(instrument):
    people = [("sales", "staff", 4)] * 3 + [("marketing", "staff", 2)] * 3
    part, _ = score(survey(instrument, people), instrument)
    section = scorecard(part)
    text = _text(section.html())
    assert section.present and "No team reached 5 answers, so no score is shown." in text
    assert "Alignment index" not in text and "80.0" not in text and "40.0" not in text


def test_hidden_levels_are_named_not_shown(instrument):
    part, _ = score(survey(instrument, _levels_people(2)), instrument)
    text = _text(scorecard(part).html())
    assert "Leaders and staff within each team: fewer than 5 answers: not shown, to protect anonymity" in text
    assert "Leaders score" not in text


def test_levels_within_teams_and_noise_definition(instrument):
    part, _ = score(survey(instrument, _levels_people(5)), instrument)
    text = _text(scorecard(part).html())
    assert "averaged over sales and marketing, leaders score +20.0 points against their staff" in text
    # the description of "larger than noise" is the method the code runs
    assert "permutation test" in text and "Holm adjustment across the 9 gaps" in text
    assert "every possible split when there are at most 20,000, otherwise 9,999 random ones" in text
    assert "With fewer than 5 answers on either side the verdict is “too few to tell”" in text.replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert "higher always means better alignment" in text and "6 − r" in text.replace("&minus;", "−")
