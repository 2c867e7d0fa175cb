"""Scoring of the alignment survey, checked against values computed by hand.

The fixture tests/fixtures/survey/hand/survey.csv (24 statements, 5 of them reverse-keyed:
goals_3, handoff_3, communication_3, planning_3, enablement_3) holds:

    S1 sales leader      forward 5, reverse rated 1 (scores 6-1=5)   -> every score 5
    S2 sales staff       forward 4, reverse rated 4 (scores 6-4=2); goals_1 and handoff_1 blank
    S3 sales staff       answered 10 of 24 (all 1)                    -> fewer than half: left out
    M1 marketing leader  forward 3, reverse rated 3 (scores 3)        -> every score 3
    M2 marketing staff   forward 2, reverse rated 5 (scores 1)
    M3 marketing staff   forward "Agree" (4), reverse "Strongly disagree" (1 -> scores 5)

As read, sales has 2 scored respondents and marketing 3: below the minimum reporting group,
so both are suppressed. The arithmetic is checked on ``hand`` (every row three times, with
min_group 3): means stay the same, sales has 6 and marketing 9 respondents."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.analysis.survey import (
    filter_survey,
    most_disagreement,
    score,
    stage_of,
)
from helpers.analysis.survey_method import rnd
from helpers.content.instrument import INSTRUMENT_V1, load_instrument
from helpers.engagement.survey import read_survey
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def instrument():
    return load_instrument(INSTRUMENT_V1)  # expectations worked out on version 1, which stays readable


def tripled(survey: pd.DataFrame) -> pd.DataFrame:
    """Every respondent three times (ids made unique): same means, three times the people."""
    out = pd.concat([survey.assign(respondent=survey["respondent"] + f"-{k}") for k in range(3)],
                    ignore_index=True)
    out.attrs = {key: value for key, value in survey.attrs.items() if key != "rows"}
    return out


@pytest.fixture(scope="module")
def hand_as_read(instrument):
    survey, problems = read_survey(FIXTURES / "survey/hand", instrument)
    assert problems == []
    return score(survey, instrument)


@pytest.fixture(scope="module")
def hand(instrument):
    survey, problems = read_survey(FIXTURES / "survey/hand", instrument)
    assert problems == []
    return score(tripled(survey), instrument, min_group=3)


def test_respondent_indexes_and_exclusion(hand_as_read):
    part, problems = hand_as_read
    # S3 answered 10 of 24 statements; 10 < 24/2 -> left out, with a warning naming them
    assert part["respondents"] == {"total": 6, "used": 5, "excluded": ["S3"]}
    assert problems[0].severity == "warning"
    assert "S3" in problems[0].message and "10 of 24" in problems[0].message
    assert problems[0].row == 4  # header row 1, S1 row 2, S2 row 3, S3 row 4


def test_teams_below_the_minimum_group_are_not_scored(hand_as_read):
    part, problems = hand_as_read
    # sales 2 and marketing 3 scored, min_group 5: nothing a client could see is computed
    assert part["suppressed"] is True and part["index"] is None and part["gap"] is None
    assert {t: (v["n"], v["index"], v["suppressed"]) for t, v in part["teams"].items()} == {
        "sales": (2, None, True), "marketing": (3, None, True)}
    assert part["statements"] == [] and part["levels"] is None
    assert sum("fewer than the minimum reporting group of 5" in p.message for p in problems) == 2


def test_team_indexes(hand):
    part, _ = hand
    # S1 = 20*5 = 100
    # S2: 22 answers: 17 forward 4s (=68) + 5 reverse scored 6-4=2 (=10) -> 78/22 = 3.5454 -> 70.909
    # sales = (100 + 70.909) / 2 = 85.4545 -> 85.5
    assert part["teams"]["sales"]["index"] == 85.5
    assert part["teams"]["sales"]["n"] == 6
    # M1 = 20*3 = 60; M2: 19*2 + 5*(6-5) = 43/24 -> 35.833; M3: 19*4 + 5*(6-1) = 101/24 -> 84.167
    # marketing = (60 + 35.833 + 84.167) / 3 = 180/3 = 60.0
    assert part["teams"]["marketing"]["index"] == 60.0
    assert part["teams"]["marketing"]["n"] == 9


def test_overall_index_stage_and_gap(hand):
    part, _ = hand
    # overall = (85.4545 + 60) / 2 = 72.727 -> 72.7 (each team counts equally: 2 vs 3 people)
    assert part["index"] == 72.7
    assert part["stage"] == "Aligned"  # 60 <= 72.7 < 80
    # gap = sales - marketing = 85.4545 - 60 = 25.4545 -> 25.5
    assert part["gap"] == 25.5
    assert part["comparison_possible"] is True


def test_dimension_scores_with_missing_answers(hand):
    part, _ = hand
    d = part["dimensions"]
    # goals, sales: S1 mean 5; S2 answered goals_2=4 and goals_3 -> 6-4=2 only: mean 3
    #   -> 20 * (5 + 3)/2 = 80
    # goals, marketing: M1 3, M2 (2+2+1)/3 = 5/3, M3 (4+4+5)/3 = 13/3 -> 20 * (3 + 5/3 + 13/3)/3 = 60
    assert (d["goals"]["sales"], d["goals"]["marketing"], d["goals"]["gap"]) == (80.0, 60.0, 20.0)
    assert d["goals"]["index"] == 70.0  # (80 + 60) / 2
    # communication, sales: S1 5; S2 (4+4+2)/3 = 10/3 -> 20*(5 + 10/3)/2 = 83.33
    assert d["communication"]["sales"] == 83.3
    assert d["communication"]["gap"] == 23.3
    assert d["communication"]["index"] == 71.7  # (83.333 + 60)/2 = 71.667
    # customer has no reverse item: sales S1 5, S2 4 -> 90; marketing (3 + 2 + 4)/3 *20 = 60
    assert (d["customer"]["sales"], d["customer"]["marketing"], d["customer"]["gap"]) == (90.0, 60.0, 30.0)
    assert d["customer"]["label"] == "Customer knowledge and feedback loop"
    assert part["teams"]["sales"]["dimensions"]["handoff"] == 80.0  # same pattern as goals


def test_levels(hand):
    part, _ = hand
    lv = part["levels"]
    # pooled leaders: S1 100 x3, M1 60 x3 -> 80; staff: S2 70.909, M2 35.833, M3 84.167 (x3) -> 63.636
    assert lv["leader"] == {"index": 80.0, "n": 6, "suppressed": False}
    assert lv["staff"] == {"index": 63.6, "n": 9, "suppressed": False}
    # within teams: sales 100 - 70.909 = 29.091; marketing 60 - (35.833 + 84.167)/2 = 0 -> mean 14.545
    assert lv["gap"] == 14.5 and lv["compared"] == ["sales", "marketing"]
    assert lv["teams"]["sales"]["staff"] == {"index": 70.9, "n": 3, "suppressed": False}


def test_statement_figures_on_the_scored_scale(hand):
    part, _ = hand
    by_id = {s["id"]: s for s in part["statements"]}
    g1 = by_id["goals_1"]
    # answers (S3 excluded, S2 blank), each x3: S1 5, M1 3, M2 2, M3 4 -> mean 42/12 = 3.5
    assert (g1["n"], g1["mean"], g1["sales"], g1["marketing"], g1["gap"]) == (12, 3.5, 5.0, 3.0, 2.0)
    assert (g1["raw_sales"], g1["raw_marketing"], g1["scale"]) == (5.0, 3.0, "scored")
    # sd: deviations 1.5, -0.5, -1.5, 0.5 (x3) -> squares sum 15 -> 15/11 -> sqrt = 1.168
    assert g1["sd"] == 1.17
    assert g1["counts"] == {"1": 0, "2": 3, "3": 3, "4": 3, "5": 3}
    g3 = by_id["goals_3"]  # reverse-keyed: answered S1 1, S2 4, M1 3, M2 5, M3 1
    assert g3["reverse"] is True
    # raw: sales (1 + 4)/2 = 2.5, marketing (3 + 5 + 1)/3 = 3.0, all 14/5 = 2.8
    assert (g3["raw_mean"], g3["raw_sales"], g3["raw_marketing"]) == (2.8, 2.5, 3.0)
    # scored 6 - r: sales (5 + 2)/2 = 3.5, marketing (3 + 1 + 5)/3 = 3.0 -> gap +0.5 (sales sees it better)
    assert (g3["mean"], g3["sales"], g3["marketing"], g3["gap"]) == (3.2, 3.5, 3.0, 0.5)


def test_intervals_contain_the_index_and_are_seeded(instrument, hand):
    part, _ = hand
    for team in ("sales", "marketing"):
        lo, hi = part["teams"][team]["interval"]
        assert lo <= part["teams"][team]["index"] <= hi
    lo, hi = part["interval"]
    assert lo <= part["index"] <= hi
    survey, _ = read_survey(FIXTURES / "survey/hand", instrument)
    again, _ = score(tripled(survey), instrument, min_group=3)
    assert again == part
    # 6 and 9 respondents: a verdict, matching the Holm-adjusted p-value
    assert part["gap_verdict"] in ("larger than noise", "within noise")
    assert part["gap_significant"] is (part["gap_p_adjusted"] <= 0.05)


def _frame(instrument, teams, ratings, levels=None):
    n = len(teams)
    data = {"respondent": [f"R{i}" for i in range(n)], "team": teams,
            "level": levels if levels is not None else [np.nan] * n}
    frame = pd.DataFrame(data).astype({"respondent": "str", "team": "str", "level": "str"})
    values = np.asarray(ratings, dtype=float)
    return pd.concat([frame, pd.DataFrame(values, columns=instrument.ids)], axis=1)


def test_clear_gap_is_larger_than_noise_and_equal_teams_are_not(instrument):
    k = len(instrument.ids)
    rng = np.random.default_rng(1)
    sales = rng.integers(4, 6, size=(10, k))      # answers 4-5
    marketing = rng.integers(1, 3, size=(10, k))  # answers 1-2
    rev = np.array([s.reverse for s in instrument.statements])
    # make every score high for sales / low for marketing, whatever the keying
    sales = np.where(rev, 6 - sales, sales)
    marketing = np.where(rev, 6 - marketing, marketing)
    far, _ = score(_frame(instrument, ["sales"] * 10 + ["marketing"] * 10,
                          np.vstack([sales, marketing])), instrument)
    assert far["gap"] > 40 and far["gap_significant"] is True
    assert all(d["significant"] for d in far["dimensions"].values())
    same = np.vstack([sales, sales])
    near, _ = score(_frame(instrument, ["sales"] * 10 + ["marketing"] * 10, same), instrument)
    assert near["gap"] == 0.0 and near["gap_significant"] is False


def test_seed_changes_intervals_only(instrument):
    k = len(instrument.ids)
    ratings = np.random.default_rng(3).integers(1, 6, size=(12, k))
    frame = _frame(instrument, ["sales"] * 6 + ["marketing"] * 6, ratings)
    a, _ = score(frame, instrument, seed=1)
    b, _ = score(frame, instrument, seed=2)
    assert a["index"] == b["index"] and a["teams"] == {t: dict(v, interval=a["teams"][t]["interval"])
                                                       for t, v in b["teams"].items()}


def test_one_team_survey_says_comparison_impossible(instrument):
    survey, _ = read_survey(FIXTURES / "survey/hand", instrument)
    sales_only = filter_survey(tripled(survey), team="sales")
    part, problems = score(sales_only, instrument, min_group=3)
    assert part["comparison_possible"] is False
    assert part["index"] == 85.5  # the one team's index: (100 + 70.909)/2
    assert part["stage"] == "Integrated"  # 85.5 >= 80
    assert part["gap"] is None and part["gap_significant"] is None
    assert "marketing" not in part["teams"]
    assert part["dimensions"]["goals"]["marketing"] is None
    assert any("cannot be compared" in p.message for p in problems)


def test_everyone_excluded_gives_no_index(instrument):
    ratings = np.full((2, len(instrument.ids)), np.nan)
    ratings[:, :3] = 4  # 3 of 24 answered
    part, problems = score(_frame(instrument, ["sales", "marketing"], ratings), instrument)
    assert part["index"] is None and part["stage"] is None
    assert part["respondents"]["excluded"] == ["R0", "R1"]
    assert len(problems) == 3


def test_exactly_half_answered_is_kept(instrument):
    k = len(instrument.ids)
    ratings = np.full((2, k), 3.0)
    ratings[0, : k // 2] = np.nan  # 12 of 24 answered: not fewer than half
    part, _ = score(_frame(instrument, ["sales", "marketing"], ratings), instrument)
    assert part["respondents"]["excluded"] == []


def test_stage_bands_and_rounding():
    assert [stage_of(x) for x in (20, 39.9, 40, 59.9, 60, 79.9, 80, 100)] == [
        "Undefined", "Undefined", "Defined", "Defined", "Aligned", "Aligned", "Integrated", "Integrated"]
    assert rnd(61.25) == 61.3 and rnd(float("nan")) is None and rnd(2 / 3, 2) == 0.67


def test_most_disagreement_orders_by_gap(hand):
    part, _ = hand
    top = most_disagreement(part, 3)
    assert [abs(s["gap"]) for s in top] == sorted([abs(s["gap"]) for s in top], reverse=True)
    assert abs(top[0]["gap"]) == 2.0


def test_a_dimension_one_team_left_blank_has_no_gap(instrument):
    k = len(instrument.ids)
    ratings = np.full((6, k), 4.0)
    ratings[3:, [i for i, s in enumerate(instrument.statements) if s.dimension == "culture"]] = np.nan
    part, _ = score(_frame(instrument, ["sales"] * 3 + ["marketing"] * 3, ratings), instrument, min_group=3)
    culture = part["dimensions"]["culture"]
    # marketing answered 21 of 24 (kept) but no culture statement: no score, no gap
    assert culture["sales"] == 80.0 and culture["marketing"] is None
    assert culture["gap"] is None and culture["significant"] is None
    assert culture["index"] == 80.0  # the one side that answered
    assert part["teams"]["marketing"]["dimensions"]["culture"] is None


@pytest.mark.parametrize("invited", [None, {"sales": 6, "marketing": 2}])
@pytest.mark.parametrize("min_group", [3, 5, 40])
def test_warnings_only_gives_a_full_scoring_s_warnings(instrument, invited, min_group):
    """``workbook check`` scores for the warnings alone: they are exactly those of a full scoring.

    Cases: every survey fixture as read (with respondents left out, teams under the minimum
    group, a team missing, statements a team left blank), the hand fixture three times over
    (both teams shown, gaps tested), every invitation count and group size above.
    """
    surveys = []
    for folder in sorted(p for p in (FIXTURES / "survey").iterdir() if p.is_dir()):
        survey, _ = read_survey(folder, instrument)
        if survey is not None:
            surveys.append(survey)
    surveys.append(tripled(surveys[[s.attrs.get("source") for s in surveys].index("survey.csv")]))
    one_team = surveys[-1][surveys[-1]["team"] == "sales"].copy()
    one_team.attrs = surveys[-1].attrs
    surveys.append(one_team)
    seen = 0
    for survey in surveys:
        full = score(survey, instrument, invited=invited, min_group=min_group)[1]
        fast = score(survey, instrument, invited=invited, min_group=min_group, warnings_only=True)[1]
        assert fast == full
        seen += len(full)
    assert seen > 0  # the cases do raise warnings
