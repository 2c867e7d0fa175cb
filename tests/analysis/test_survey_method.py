"""The survey method of issue 14 and the minimum reporting group of issue 12, on small surveys
written here with every expected figure worked out by hand.

Each respondent answers with one value v: v on a forward statement and 6 - v on a reverse-keyed
one, so every scored answer is v and the person's index is 20 v (unless a test says otherwise).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from helpers.analysis.survey import score
from helpers.analysis.survey_method import combined_interval
from helpers.analysis.waves import compare
from helpers.content.instrument import INSTRUMENT_V1, load_instrument
from helpers.results import results_with


@pytest.fixture(scope="module")
def instrument():
    return load_instrument(INSTRUMENT_V1)  # expectations worked out on version 1, which stays readable


def survey(instrument, people: list[tuple[str, str, float]], answer=None) -> pd.DataFrame:
    """One row per (team, level, v); ``answer(statement, v)`` overrides the rating given."""
    rows = []
    for k, (team, level, v) in enumerate(people):
        row = {"respondent": f"R{k}", "team": team, "level": level}
        for s in instrument.statements:
            row[s.id] = answer(s, v) if answer is not None else (6 - v if s.reverse else v)
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame[instrument.ids] = frame[instrument.ids].astype(float)
    return frame


# --------------------------------------------------------------------------------------------
# a tiny team, invited counts, the minimum reporting group

TINY = [("sales", "staff", v) for v in (5, 4, 4, 3, 3, 2)] + [("marketing", "staff", 1)] * 4


@pytest.fixture(scope="module")
def tiny(instrument):
    return score(survey(instrument, TINY), instrument, invited={"sales": 10, "marketing": 12})


def test_team_interval_is_a_t_interval(tiny):
    part, _ = tiny
    sales = part["teams"]["sales"]
    # indexes 100 80 80 60 60 40: mean 70; sd = sqrt(2200 / 5) = 20.976; se = 20.976 / sqrt 6 = 8.5635
    # t(0.975, 5) = 2.5706 -> half width 22.013 -> [47.99, 92.01]
    assert (sales["index"], sales["n"], sales["interval"], sales["sd"]) == (70.0, 6, [48.0, 92.0], 20.98)


def test_team_below_the_minimum_group_keeps_its_size_and_nothing_else(tiny):
    part, problems = tiny
    marketing = part["teams"]["marketing"]
    assert marketing["suppressed"] is True and marketing["n"] == 4 and marketing["index"] is None
    assert marketing["interval"] == [None, None] and set(marketing["dimensions"].values()) == {None}
    # not scored on its own, and no gap against it: the index is the sales team's alone
    assert (part["index"], part["stage"], part["comparison_possible"]) == (70.0, "Aligned", False)
    assert part["gap"] is None and part["gap_verdict"] is None and part["gap_significant"] is None
    assert all(d["marketing"] is None and d["gap"] is None for d in part["dimensions"].values())
    assert any("marketing: 4 answers, fewer than the minimum reporting group of 5" in p.message for p in problems)


def test_statements_leave_out_the_suppressed_team(tiny):
    part, _ = tiny
    rows = {s["id"]: s for s in part["statements"]}
    # only the 6 sales answers: v = 5 4 4 3 3 2 -> 21/6 = 3.5; marketing's four 1s are not in it
    assert (rows["goals_1"]["n"], rows["goals_1"]["mean"], rows["goals_1"]["marketing"]) == (6, 3.5, None)
    assert rows["goals_1"]["counts"] == {"1": 0, "2": 1, "3": 2, "4": 2, "5": 1}
    # reverse-keyed: answered 6 - v -> raw mean 2.5, scored back to 3.5
    assert (rows["goals_3"]["raw_mean"], rows["goals_3"]["mean"]) == (2.5, 3.5)


def test_response_rate_per_team(tiny):
    part, _ = tiny
    assert (part["teams"]["sales"]["invited"], part["teams"]["sales"]["response_rate"]) == (10, 0.6)
    assert (part["teams"]["marketing"]["invited"], part["teams"]["marketing"]["response_rate"]) == (12, 0.3333)


def test_unknown_invitations_and_more_answers_than_invited(instrument):
    part, problems = score(survey(instrument, TINY), instrument, invited={"sales": 5})
    assert part["teams"]["sales"]["response_rate"] is None  # 6 answers of 5 invited cannot be
    assert any("survey.invited.sales: 5 invited but 6 sales answers" in p.message for p in problems)
    assert part["teams"]["marketing"]["invited"] is None and part["teams"]["marketing"]["response_rate"] is None


def test_minimum_group_is_never_below_three(instrument):
    people = [("sales", "staff", 4)] * 3 + [("marketing", "staff", 2)] * 3
    part, _ = score(survey(instrument, people), instrument, min_group=1)
    assert part["method"]["min_group"] == 3
    assert part["teams"]["sales"]["index"] == 80.0 and part["teams"]["marketing"]["index"] == 40.0
    part, _ = score(survey(instrument, people), instrument, min_group=4)
    assert part["suppressed"] is True and part["index"] is None


# --------------------------------------------------------------------------------------------
# gaps: permutation test, Holm over index + 8 dimensions, at least 5 per side


def test_below_five_per_side_there_is_no_verdict(instrument):
    people = [("sales", "staff", 5)] * 4 + [("marketing", "staff", v) for v in (1, 2, 1, 2, 1, 2)]
    part, _ = score(survey(instrument, people), instrument, min_group=3)
    # sales 100, marketing 30: a 70-point gap, yet 4 answers on one side: too few to tell
    assert part["gap"] == 70.0 and part["gap_verdict"] == "too few to tell" and part["gap_significant"] is None
    assert part["gap_p_adjusted"] is None
    assert {d["verdict"] for d in part["dimensions"].values()} == {"too few to tell"}


MISKEYED_SALES = [("sales", "staff", v) for v in (5, 5, 4, 4, 4)]
MISKEYED_MARKETING = [("marketing", "staff", v) for v in (2, 2, 3, 3, 2)]


def _goals_1_backwards(statement, v):
    """goals_1 answered as if it were reverse-keyed: the mis-keyed item."""
    if statement.id == "goals_1":
        return 6 - v
    return 6 - v if statement.reverse else v


@pytest.fixture(scope="module")
def miskeyed(instrument):
    return score(survey(instrument, MISKEYED_SALES + MISKEYED_MARKETING, _goals_1_backwards), instrument)


def test_five_per_side_completely_apart_is_still_within_noise_over_nine_gaps(miskeyed):
    part, _ = miskeyed
    # each person: 23 answers scored v and goals_1 scored 6 - v -> index 20 (22 v + 6) / 24
    # sales mean v 4.4 -> 85.67; marketing 2.4 -> 49.0; gap 36.67
    assert (part["teams"]["sales"]["index"], part["teams"]["marketing"]["index"], part["gap"]) == (85.7, 49.0, 36.7)
    # the teams do not overlap: exact p = 2 / C(10, 5) = 2/252 = 0.0079 for every gap; Holm over 9
    # gaps multiplies the smallest by 9 -> 0.0714 > 0.05: within noise, everywhere
    assert part["gap_p_adjusted"] == pytest.approx(0.0714, abs=1e-4)
    assert part["gap_verdict"] == "within noise" and part["gap_significant"] is False
    assert {d["verdict"] for d in part["dimensions"].values()} == {"within noise"}


def test_reliability_flags_the_mis_keyed_statement(miskeyed):
    part, problems = miskeyed
    goals = part["dimensions"]["goals"]
    # items 6 - v, v, v: each variance s^2, total 6 + v has variance s^2 ->
    # alpha = 3/2 (1 - 3 s^2 / s^2) = -3.0; goals_1 against rest 2v: r = -1; the other two have a
    # constant rest (6 - v + v = 6): no correlation
    assert goals["alpha"] == -3.0 and goals["reliable"] is False
    assert goals["item_rest"] == {"goals_1": -1.0, "goals_2": None, "goals_3": None}
    # a dimension whose three items are all v: alpha = 3/2 (1 - 3 s^2 / 9 s^2) = 1.0
    assert part["dimensions"]["handoff"]["alpha"] == 1.0 and part["dimensions"]["handoff"]["reliable"] is True
    messages = [p.message for p in problems]
    assert any("goals_1" in m and "may be mis-keyed" in m and "r = -1.00" in m for m in messages)
    assert any("Cronbach's alpha is -3.00" in m and "Shared goals" in m for m in messages)
    assert not any("handoff" in m for m in messages)


def test_statement_gap_is_on_the_scored_scale(miskeyed):
    part, _ = miskeyed
    rows = {s["id"]: s for s in part["statements"]}
    g3 = rows["goals_3"]  # reverse-keyed, answered 6 - v: raw sales 6 - 4.4 = 1.6, marketing 6 - 2.4 = 3.6
    assert (g3["raw_sales"], g3["raw_marketing"]) == (1.6, 3.6)
    # scored: sales 4.4, marketing 2.4 -> +2.0: sales sees it more favourably (raw would say -2.0)
    assert (g3["sales"], g3["marketing"], g3["gap"], g3["scale"]) == (4.4, 2.4, 2.0, "scored")


# --------------------------------------------------------------------------------------------
# leaders vs staff


def _levels_people(marketing_leaders: int):
    return ([("sales", "leader", 5)] * 5 + [("sales", "staff", 3)] * 5
            + [("marketing", "leader", 4)] * marketing_leaders + [("marketing", "staff", 4)] * 5)


def test_leaders_and_staff_are_compared_within_teams(instrument):
    part, _ = score(survey(instrument, _levels_people(5)), instrument)
    lv = part["levels"]
    # sales: leaders 100 - staff 60 = 40; marketing 80 - 80 = 0 -> average over the teams 20.0
    assert lv["gap"] == 20.0 and lv["compared"] == ["sales", "marketing"] and lv["suppressed"] is False
    # pooled, for description: leaders (500 + 400)/10 = 90, staff (300 + 400)/10 = 70
    assert (lv["leader"]["index"], lv["staff"]["index"]) == (90.0, 70.0)


def test_a_small_level_group_hides_the_whole_split(instrument):
    part, _ = score(survey(instrument, _levels_people(2)), instrument)
    lv = part["levels"]
    # two marketing leaders: shown beside the team index, their mean could be worked out
    assert lv["suppressed"] is True and lv["gap"] is None and lv["leader"] == {"index": None, "n": 7, "suppressed": True}
    assert lv["teams"]["marketing"]["leader"] == {"index": None, "n": 2, "suppressed": True}
    assert lv["teams"]["sales"]["staff"]["index"] is None
    assert part["teams"]["marketing"]["index"] == pytest.approx(80.0)  # the team itself (7) is shown


# --------------------------------------------------------------------------------------------
# waves


def test_combined_interval_by_hand():
    # four groups, weight 1/2 each, sd 10, n 5: var = 4 * (1/4 * 100 / 5) = 20; df = 400 / (4 * 25 / 4) = 16
    low, high = combined_interval(10.0, [(0.5, 10.0, 5)] * 4)
    half = 2.119905 * math.sqrt(20)  # t(0.975, 16)
    assert (low, high) == (pytest.approx(10 - half, abs=1e-5), pytest.approx(10 + half, abs=1e-5))
    assert combined_interval(10.0, [(0.5, 10.0, 1), (0.5, 10.0, 5)]) is None  # a group of one: no interval


def _wave(instrument, shift: int, date: str):
    vs = (2, 3, 2, 3, 2, 3)
    people = [("sales", "staff", v + shift) for v in vs] + [("marketing", "staff", v + shift) for v in vs]
    part, _ = score(survey(instrument, people), instrument)
    return {**results_with(), **part, "date": date, "slug": date}


def test_wave_change_comes_with_an_interval_and_a_verdict(instrument):
    before, after = _wave(instrument, 0, "2026-01-01"), _wave(instrument, 1, "2026-04-01")
    out = compare(after, before, None)
    # each team: v 2,3,2,3,2,3 -> index mean 50, sd 20 * 0.5477 = 10.95, n 6; one point up -> 70
    # var = 4 * (1/4 * 10.95^2 / 6) = 20.0; df = 20 ; t(0.975, 20) = 2.086 -> 20 +- 9.33
    assert out["index"]["change"] == 20.0
    assert out["index"]["interval"] == [10.7, 29.3]
    assert out["index"]["verdict"] == "larger than noise"
    assert {d["verdict"] for d in out["dimensions"]} == {"larger than noise"}
    same = compare(_wave(instrument, 0, "2026-04-01"), before, None)
    assert same["index"]["change"] == 0.0 and same["index"]["verdict"] == "within noise"
    assert same["index"]["interval"][0] < 0 < same["index"]["interval"][1]


def _wave_of(instrument, vs: tuple[int, ...], date: str):
    people = [("sales", "staff", v) for v in vs] + [("marketing", "staff", v) for v in vs]
    part, _ = score(survey(instrument, people), instrument)
    return {**results_with(), **part, "date": date, "slug": date}


def test_a_wave_change_without_dimensions_is_tested_alone(instrument):
    # each team before: 40, 60 four times each (mean 50, sd 10.69); after: seven 60s and one 40
    # (mean 57.5, sd 7.07), n 8: change 7.5, var = (2 * 10.69^2 / 8 + 2 * 7.07^2 / 8) / 4 = 10.27
    before = _wave_of(instrument, (2, 3, 2, 3, 2, 3, 2, 3), "2026-01-01")
    after = _wave_of(instrument, (3, 3, 3, 3, 2, 3, 3, 3), "2026-04-01")
    alone = compare(after, before, None, compare_dimensions=False)
    assert alone["dimensions"] == []
    assert alone["index"]["change"] == 7.5 and alone["index"]["interval"] == [0.9, 14.1]
    assert alone["index"]["verdict"] == "larger than noise"
    # with the eight dimensions (each moved exactly as the index) the family has nine equal p-values:
    # Holm multiplies each by nine, and the same change is no longer told apart from noise
    full = compare(after, before, None)
    assert full["index"]["p_adjusted"] == pytest.approx(9 * alone["index"]["p_adjusted"], abs=2e-4)
    assert full["index"]["verdict"] == "within noise" and len(full["dimensions"]) == 8
