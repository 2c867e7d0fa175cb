"""SLA clock: hand-counted cases a client's VP Sales would check on a calendar.

Dates used (2026): Fri 2 Jan, Mon 5 Jan, Tue 6 Jan; Thu 24 Dec, Fri 25 Dec (Christmas), Sat 26 Dec,
Mon 28 Dec (Boxing Day observed), Tue 29 Dec; Good Friday 3 Apr, Easter Monday 6 Apr (England);
British Summer Time starts Sun 29 Mar (London is UTC+1 from then until 25 Oct).
"""

from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import pandas as pd
import pytest
import yaml

from helpers.analysis.sla_clock import (add_days, add_hours, bench, censored_median, elapsed_days, elapsed_hours,
                                       kaplan_meier, loglog_band, step_value)
from helpers.engagement.sla import SlaClock

BUSINESS = SlaClock(clock="business", working_hours="08:00-18:00")
XMAS = SlaClock(clock="business", working_hours="08:00-18:00",
                holidays=(dt.date(2026, 12, 25), dt.date(2026, 12, 28)))
CALENDAR = SlaClock()


def ts(*values: str | None) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values), format="ISO8601"), dtype="datetime64[ns]")


def one(series: pd.Series) -> float:
    assert len(series) == 1
    return float(series.iloc[0])


def first(series: pd.Series) -> pd.Timestamp:
    assert len(series) == 1
    return series.iloc[0]


def hours(start: str, end: str, clock: SlaClock) -> float:
    return one(elapsed_hours(pd.Timestamp(start), pd.Timestamp(end), clock))


def reference_business_hours(start: pd.Timestamp, end: pd.Timestamp, opens: int, closes: int,
                             holidays: set[dt.date]) -> float:
    """Slow day-by-day count of working hours, to check the vectorised one against."""
    sign = 1.0
    if end < start:
        start, end, sign = end, start, -1.0
    total = 0.0
    day = start.normalize()
    while day <= end:
        if day.weekday() < 5 and day.date() not in holidays:
            lo = max(start, day + pd.Timedelta(hours=opens))
            hi = min(end, day + pd.Timedelta(hours=closes))
            total += max((hi - lo) / pd.Timedelta(hours=1), 0.0)
        day += pd.Timedelta(days=1)
    return sign * total


# ---- business hours, hand-counted ---------------------------------------------------------------


def test_friday_evening_lead_answered_monday_morning_is_one_business_hour():
    assert hours("2026-01-02 17:30", "2026-01-05 08:30", BUSINESS) == pytest.approx(1.0)
    assert hours("2026-01-02 17:30", "2026-01-05 08:30", CALENDAR) == pytest.approx(63.0)


def test_lead_at_3am_tuesday_answered_at_9am_is_one_business_hour():
    assert hours("2026-01-06 03:00", "2026-01-06 09:00", BUSINESS) == pytest.approx(1.0)


def test_weekend_lead_answered_before_opening_waited_nothing():
    assert hours("2026-01-03 11:00", "2026-01-05 07:45", BUSINESS) == 0.0
    assert hours("2026-01-03 11:00", "2026-01-05 08:15", BUSINESS) == pytest.approx(0.25)


def test_span_across_christmas_holidays():
    # Thu 24 Dec 16:00 -> Tue 29 Dec 10:00: 2 h on Thursday + 2 h on Tuesday; 25 and 28 Dec are off.
    assert hours("2026-12-24 16:00", "2026-12-29 10:00", XMAS) == pytest.approx(4.0)
    # Without the holidays Friday 25 and Monday 28 count: 2 + 10 + 10 + 2.
    assert hours("2026-12-24 16:00", "2026-12-29 10:00", BUSINESS) == pytest.approx(24.0)
    # A lead arriving on Christmas Day, answered on the 29th at 08:30: half an hour.
    assert hours("2026-12-25 10:00", "2026-12-29 08:30", XMAS) == pytest.approx(0.5)


def test_country_holidays_from_the_holidays_package():
    # Thu 2 Apr 17:00 -> Tue 7 Apr 09:00 over Easter: Good Friday and Easter Monday are bank holidays in England.
    england = SlaClock(clock="business", working_hours="08:00-18:00", holiday_country="GB-ENG")
    assert hours("2026-04-02 17:00", "2026-04-07 09:00", england) == pytest.approx(2.0)
    # UK-wide holidays only (Easter Monday is not one in Scotland): Monday counts.
    uk = SlaClock(clock="business", working_hours="08:00-18:00", holiday_country="GB")
    assert hours("2026-04-02 17:00", "2026-04-07 09:00", uk) == pytest.approx(12.0)
    assert hours("2026-04-02 17:00", "2026-04-07 09:00", BUSINESS) == pytest.approx(22.0)


def test_multi_week_spans():
    # Mon 5 Jan 09:00 -> Wed 21 Jan 15:00: 9 h + 11 full working days (6-9, 12-16, 19-20 Jan) + 7 h.
    assert hours("2026-01-05 09:00", "2026-01-21 15:00", BUSINESS) == pytest.approx(126.0)
    # Exactly three weeks: 15 working days of 10 hours.
    assert hours("2026-01-05 10:00", "2026-01-26 10:00", BUSINESS) == pytest.approx(150.0)
    # Across a year end with Christmas off: Mon 21 Dec 2026 08:00 -> Mon 4 Jan 2027 08:00 is 8 working days.
    assert hours("2026-12-21 08:00", "2027-01-04 08:00", XMAS) == pytest.approx(80.0)


def test_non_standard_week_and_hours():
    # Sunday-Thursday week, 09:00-17:30: Thu 16:00 -> Sun 10:00 = 1.5 + 1.
    gulf = SlaClock(clock="business", working_hours="09:00-17:30", working_days=("sun", "mon", "tue", "wed", "thu"))
    assert hours("2026-01-08 16:00", "2026-01-11 10:00", gulf) == pytest.approx(2.5)
    # Round the clock, every day: business equals calendar.
    always = SlaClock(clock="business", working_hours="00:00-24:00",
                      working_days=("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
    assert hours("2026-01-02 17:30", "2026-01-05 08:30", always) == pytest.approx(63.0)


def test_vectorised_matches_day_by_day_count():
    rng = np.random.default_rng(7)
    n = 400
    start = pd.Timestamp("2026-11-01") + pd.to_timedelta(rng.integers(0, 90 * 24 * 60, n), unit="min")
    end = start + pd.to_timedelta(rng.integers(-10 * 24 * 60, 30 * 24 * 60, n), unit="min")
    got = elapsed_hours(pd.Series(start), pd.Series(end), XMAS).to_numpy()
    want = [reference_business_hours(s, e, 8, 18, set(XMAS.holidays)) for s, e in zip(start, end)]
    np.testing.assert_allclose(got, want, atol=1e-9)


def test_negative_spans_are_negative_and_antisymmetric_missing_is_nan():
    start = ts("2026-01-05 10:00", "2026-01-02 17:30", None, "2026-01-05 10:00")
    end = ts("2026-01-02 17:30", "2026-01-05 10:00", "2026-01-05 10:00", None)
    forward = elapsed_hours(start, end, BUSINESS)
    back = elapsed_hours(end, start, BUSINESS)
    assert forward.iloc[0] == pytest.approx(-2.5)
    assert forward.iloc[1] == pytest.approx(2.5)
    assert forward.iloc[2:].isna().all()
    np.testing.assert_allclose(forward.to_numpy(), -back.to_numpy())
    assert elapsed_hours(start, end, CALENDAR).iloc[0] == pytest.approx(-64.5)


def test_result_keeps_the_series_index_and_broadcasts_one_time():
    start = pd.Series(pd.to_datetime(["2026-01-05 09:00", "2026-01-06 09:00"]), index=["L7", "L9"])
    export = pd.Timestamp("2026-01-06 12:00")
    out = elapsed_hours(start, export, BUSINESS)
    assert list(out.index) == ["L7", "L9"]
    assert out.tolist() == pytest.approx([13.0, 3.0])
    with pytest.raises(ValueError, match="different indexes"):
        elapsed_hours(start, start.reset_index(drop=True), BUSINESS)


# ---- time zones ------------------------------------------------------------------------------------


def test_naive_times_read_in_london_against_utc_stamped_replies():
    london = SlaClock(clock="business", working_hours="08:00-18:00", timezone="Europe/London")
    as_written = SlaClock(clock="business", working_hours="08:00-18:00")
    lead = pd.Series(pd.to_datetime(["2026-07-03 17:30"]))  # Friday, London wall clock (naive export)
    reply = pd.Series(pd.to_datetime(["2026-07-06 07:30"]).tz_localize("UTC"))  # Monday 08:30 in London (BST)
    assert one(elapsed_hours(lead, reply, london)) == pytest.approx(1.0)
    # No timezone: the naive lead is read in the reply's zone (UTC): Friday 17:30-18:00 only.
    assert one(elapsed_hours(lead, reply, as_written)) == pytest.approx(0.5)
    # A New York stamp (09:00 EDT = 14:00 BST) against a naive London 15:00.
    ny = pd.Series(pd.to_datetime(["2026-07-06 09:00"]).tz_localize("America/New_York"))
    assert one(elapsed_hours(ny, pd.Series(pd.to_datetime(["2026-07-06 15:00"])), london)) == pytest.approx(1.0)


def test_calendar_clock_counts_real_hours_across_daylight_saving():
    london = SlaClock(timezone="Europe/London")
    # Clocks go forward on Sun 29 Mar 2026: noon to noon is 23 real hours in London.
    assert hours("2026-03-28 12:00", "2026-03-29 12:00", london) == pytest.approx(23.0)
    assert hours("2026-03-28 12:00", "2026-03-29 12:00", CALENDAR) == pytest.approx(24.0)
    assert first(add_hours(pd.Timestamp("2026-03-28 12:00"), 24, london)) == pd.Timestamp("2026-03-29 13:00")
    assert first(add_days(pd.Timestamp("2026-03-28 12:00"), 1, london)) == pd.Timestamp("2026-03-29 12:00")


def test_aware_start_gives_aware_deadline_in_the_clock_zone():
    london = SlaClock(clock="business", working_hours="08:00-18:00", timezone="Europe/London")
    start = pd.Series(pd.to_datetime(["2026-07-03 16:30", None]).tz_localize("UTC"))  # 17:30 BST, Friday
    out = add_hours(start, 1, london)
    assert str(out.dt.tz) == "Europe/London"
    assert out.iloc[0] == pd.Timestamp("2026-07-06 08:30", tz="Europe/London")
    assert pd.isna(out.iloc[1])


# ---- calendar clock -----------------------------------------------------------------------------


def test_calendar_clock_equals_plain_difference():
    rng = np.random.default_rng(3)
    start = pd.Series(pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 10**6, 1000), unit="s"))
    end = start + pd.to_timedelta(rng.normal(0, 200, 1000), unit="h")
    end.iloc[::50] = pd.NaT
    got = elapsed_hours(start, end, CALENDAR)
    want = (end - start) / pd.Timedelta(hours=1)
    pd.testing.assert_series_equal(got, want.astype("float64"), check_names=False)


# ---- deadlines: add_hours / add_days --------------------------------------------------------------


def test_deadline_is_the_last_instant_still_within_the_rule():
    # 4 business hours from Friday 16:00: 2 h on Friday, 2 h on Monday -> Monday 10:00.
    assert first(add_hours(pd.Timestamp("2026-01-02 16:00"), 4, BUSINESS)) == pd.Timestamp("2026-01-05 10:00")
    # From Wednesday 14:00 the 4 hours are used up at 18:00, and the window stays open until Thursday opens.
    deadline = first(add_hours(pd.Timestamp("2026-01-07 14:00"), 4, BUSINESS))
    assert deadline == pd.Timestamp("2026-01-08 08:00")
    assert hours("2026-01-07 14:00", "2026-01-08 08:00", BUSINESS) == pytest.approx(4.0)
    assert hours("2026-01-07 14:00", "2026-01-08 08:01", BUSINESS) > 4.0
    # Christmas: 3 h from Thu 24 Dec 17:00 -> 1 h on Thursday, next working day Tue 29 Dec, 10:00.
    assert first(add_hours(pd.Timestamp("2026-12-24 17:00"), 3, XMAS)) == pd.Timestamp("2026-12-29 10:00")


def test_add_hours_round_trips_with_elapsed_hours():
    rng = np.random.default_rng(11)
    n = 5000
    start = pd.Series(pd.Timestamp("2026-10-01") + pd.to_timedelta(rng.integers(0, 120 * 24 * 60, n), unit="min"))
    span = pd.Series(rng.uniform(-100, 300, n))
    for clock in (XMAS, CALENDAR, SlaClock(clock="business", working_hours="08:30-17:00", holiday_country="GB-ENG")):
        deadline = add_hours(start, span, clock)
        np.testing.assert_allclose(elapsed_hours(start, deadline, clock).to_numpy(), span.to_numpy(), atol=1e-9)
        # The latest such instant: one second later the rule is broken.
        later = elapsed_hours(start, deadline + pd.Timedelta(seconds=1), clock).to_numpy()
        assert (later > span.to_numpy()).all()


def test_add_hours_missing_inputs_give_nat():
    out = add_hours(ts("2026-01-05 09:00", None, "2026-01-05 09:00"), [1.0, 1.0, np.nan], BUSINESS)
    assert out.iloc[0] == pd.Timestamp("2026-01-05 10:00")
    assert out.iloc[1:].isna().all()


def test_attempt_days_counted_in_working_days():
    wednesday = pd.Timestamp("2026-01-07 14:00")
    assert first(add_days(wednesday, 10, BUSINESS)) == pd.Timestamp("2026-01-21 14:00")
    with_holiday = SlaClock(clock="business", working_hours="08:00-18:00", holidays=(dt.date(2026, 1, 14),))
    assert first(add_days(wednesday, 10, with_holiday)) == pd.Timestamp("2026-01-22 14:00")
    assert first(add_days(wednesday, 10, CALENDAR)) == pd.Timestamp("2026-01-17 14:00")
    # Same clock as add_hours: a working day is the length of working_hours.
    assert first(add_days(wednesday, 2, BUSINESS)) == first(add_hours(wednesday, 20, BUSINESS))


# ---- date-only response columns -------------------------------------------------------------------


def test_elapsed_days_for_date_only_replies():
    lead = ts("2026-01-05 15:00", "2026-01-02 11:00", "2026-01-03 11:00", "2026-01-03 11:00", "2026-12-24 09:00",
              "2026-01-06 09:00", None)
    reply = ts("2026-01-05", "2026-01-05", "2026-01-05", "2026-01-06", "2026-12-29", "2026-01-05", "2026-01-05")
    business = elapsed_days(lead, reply, XMAS)
    # same day; Fri -> Mon; Sat -> Mon; Sat -> Tue; Thu 24 -> Tue 29 Dec over two holidays; reply dated before; missing
    assert business.tolist()[:5] == [0.0, 1.0, 0.0, 1.0, 1.0]
    assert business.iloc[5:].isna().all()
    calendar = elapsed_days(lead, reply, CALENDAR)
    assert calendar.tolist()[:5] == [0.0, 3.0, 2.0, 3.0, 5.0]
    assert calendar.iloc[5:].isna().all()


def test_elapsed_days_never_negative():
    rng = np.random.default_rng(5)
    n = 2000
    lead = pd.Series(pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 365 * 24 * 60, n), unit="min"))
    reply = (lead + pd.to_timedelta(rng.integers(-3, 20, n), unit="D")).dt.normalize()
    for clock in (BUSINESS, CALENDAR, XMAS):
        days = elapsed_days(lead, reply, clock)
        assert (days.dropna() >= 0).all()
        assert (days.dropna() == days.dropna().round()).all()
        assert days.isna().sum() == (reply.dt.normalize() < lead.dt.normalize()).sum()


# ---- Kaplan-Meier median -------------------------------------------------------------------------


def test_km_median_with_uncontacted_leads_is_longer_than_median_of_responders():
    # 5 answered after 1, 2, 3, 6, 8 hours; 3 not contacted 5 hours after hand-over (the export).
    durations = [1, 2, 3, 6, 8, 5, 5, 5]
    observed = [True] * 5 + [False] * 3
    result = censored_median(durations, observed, threshold=4)
    # S(3) = 5/8; three leave the risk set at 5; S(6) = 5/8 * 1/2 = 5/16 < 0.5 -> median 6.
    assert result.median == pytest.approx(6.0)
    assert result.responders_median == pytest.approx(3.0)
    assert result.median > result.responders_median
    assert (result.n, result.n_observed, result.n_censored) == (8, 5, 3)
    assert result.within == pytest.approx(3 / 8)  # 1 - S(4)
    assert censored_median(durations, observed, threshold=6).within == pytest.approx(11 / 16)
    assert result.ci_low is not None and result.ci_low <= 6.0


def test_km_median_equals_plain_median_when_nothing_censored():
    for values in ([1, 2, 3, 4, 5], [1, 2, 3, 4], [2, 2, 7, 9]):
        assert censored_median(values, [True] * len(values)).median == pytest.approx(float(np.median(values)))
    rng = np.random.default_rng(2)
    waits = rng.exponential(20, 301)
    result = censored_median(pd.Series(waits), np.ones(301, dtype=bool))
    assert result.median == pytest.approx(float(np.median(waits)))
    assert result.n_censored == 0
    assert result.ci_low is not None and result.ci_high is not None
    assert result.ci_low < result.median < result.ci_high


def test_km_median_not_reached_says_more_than():
    result = censored_median([1, 2, 10, 10, 10], [True, True, False, False, False])
    assert result.median is None
    assert result.more_than == pytest.approx(10.0)
    assert result.as_dict()["more_than"] == pytest.approx(10.0)


def test_km_drops_missing_and_counts_negative_as_zero():
    result = censored_median([np.nan, -0.5, 1, 2], [True, True, True, False])
    assert result.n == 3 and result.n_negative == 1
    assert censored_median([], []).median is None


def test_km_on_the_sla_clock_end_to_end():
    # Three MQLs: answered after 1 business hour, after 3, and one not answered by the export.
    handed = ts("2026-01-02 17:30", "2026-01-05 09:00", "2026-01-05 10:00")
    answered = ts("2026-01-05 08:30", "2026-01-05 12:00", None)
    export = pd.Timestamp("2026-01-05 18:00")
    waited = elapsed_hours(handed, answered.fillna(export), BUSINESS)
    assert waited.tolist() == pytest.approx([1.0, 3.0, 8.0])
    result = censored_median(waited, answered.notna())
    assert result.median == pytest.approx(3.0) and result.n_censored == 1


# ---- settings ----------------------------------------------------------------------------------------


def test_settings_from_engagement_yaml():
    sla = yaml.safe_load("""
status: agreed
response_hours: 4
clock: business
working_hours: 08:00-18:00
working_days: [mon, tue, wed, thu, fri]
timezone: Europe/London
holidays: [2026-12-25, 2026-12-26]
holiday_country: gb-eng
attempts: 4
attempt_days: 10
""")
    clock, problems = SlaClock.from_settings(sla)
    assert problems == []
    assert clock == SlaClock(clock="business", working_hours="08:00-18:00", timezone="Europe/London",
                             holidays=(dt.date(2026, 12, 25), dt.date(2026, 12, 26)), holiday_country="GB-ENG")
    assert clock.hours_per_day == 10.0
    assert clock.describe() == ("working hours (08:00-18:00, Mon-Fri, Europe/London time, excluding "
                                "2 holidays and GB-ENG public holidays)")
    assert SlaClock.from_settings(None) == (SlaClock(), [])
    relaxed, _ = SlaClock.from_settings({"working_days": "mon-fri", "working_hours": "8:30-17:00"})
    assert relaxed.working_hours == "08:30-17:00"
    assert SlaClock.from_settings({"working_days": "sun-thu"})[0].working_days == ("mon", "tue", "wed", "thu", "sun")


@pytest.mark.parametrize("settings, expected", [
    ({"working_hours": "8-18"}, "sla.working_hours: '8-18' is not HH:MM-HH:MM; write e.g. \"08:00-18:00\""),
    ({"working_hours": "18:00-08:00"}, "sla.working_hours: '18:00-08:00' ends before or when it starts"),
    ({"working_hours": "09:00-09:00"}, "ends before or when it starts"),
    ({"working_hours": "08:00-25:00"}, "is not a valid time of day"),
    ({"working_hours": [8, float("nan")]}, "sla.working_hours: [8, nan] contains a number that is not finite"),
    ({"response_hours": float("inf")}, "sla.response_hours: inf is not a finite number"),
    ({"attempt_days": float("nan")}, "sla.attempt_days: nan is not a finite number"),
    ({"attempt_days": -2}, "sla.attempt_days: -2 is negative"),
    ({"working_days": ["mon", "tues", "fri"]}, "sla.working_days: 'tues' is not a day name; use mon, tue"),
    ({"working_days": []}, "names no working day"),
    ({"holidays": ["2026-02-30"]}, "sla.holidays: '2026-02-30' is not a date; write YYYY-MM-DD"),
    ({"holidays": ["25/12/2026"]}, "sla.holidays: '25/12/2026' is not a date"),
    ({"clock": "working"}, "sla.clock: 'working' is not calendar or business"),
    ({"timezone": "London"}, "sla.timezone: 'London' is not a time zone name; write an IANA time zone name"),
    ({"holiday_country": "XX"}, "sla.holiday_country: 'XX' is not a country the holidays package knows"),
    ({"holiday_country": "GB-XYZ"}, "sla.holiday_country: GB has no subdivision 'XYZ'; use one of: ENG"),
])
def test_invalid_settings_give_clear_messages(settings, expected):
    clock, problems = SlaClock.from_settings(settings)
    assert len(problems) == 1, problems
    assert expected in problems[0]
    assert isinstance(clock, SlaClock)  # still usable: the bad field takes its default


def test_all_problems_reported_at_once_and_direct_construction_raises():
    _, problems = SlaClock.from_settings({"clock": "biz", "working_hours": "8-18", "working_days": ["mnday"],
                                          "holidays": ["2026-13-01"], "timezone": "Mars/Olympus"})
    assert [p.split(":")[0] for p in problems] == ["sla.clock", "sla.working_hours", "sla.working_days",
                                                   "sla.holidays", "sla.timezone"]
    assert SlaClock.from_settings(["clock", "business"])[1][0].startswith("sla: ")
    with pytest.raises(ValueError, match="working_hours"):
        SlaClock(clock="business", working_hours="18:00-08:00")


def test_bench_runs():
    assert 0 < bench(20_000) < 5


def test_km_gives_lifelines_numbers_on_thousands_of_samples():
    """The estimate comes from scipy.stats.ecdf; lifelines' KaplanMeierFitter is the reference.

    Ties, answers at zero, everyone censored, everyone answered, the curve reaching 0, one lead:
    the median, its interval and the share within the SLA are lifelines' to 1e-9.
    """
    lifelines = pytest.importorskip("lifelines")
    from lifelines.utils import median_survival_times

    rng = np.random.default_rng(2026)
    for _ in range(600):
        n = int(rng.integers(1, 60))
        waits = np.round(rng.exponential(float(rng.choice([1, 5, 20, 100])), n), int(rng.integers(0, 2)))
        answered = rng.random(n) < float(rng.choice([0.0, 0.3, 0.7, 1.0]))
        sla = float(rng.choice([1, 8, 24]))
        ours = censored_median(waits, answered, threshold=sla)
        kmf = lifelines.KaplanMeierFitter(alpha=0.05).fit(waits, event_observed=answered)
        bounds = median_survival_times(kmf.confidence_interval_).to_numpy(dtype=float).ravel()
        low = float(bounds.min()) if np.isfinite(bounds.min()) else None
        high = float(bounds.max()) if np.isfinite(bounds).all() else None
        assert (ours.ci_low, ours.ci_high) == (low, high), (waits.tolist(), answered.tolist())
        assert ours.within == pytest.approx(float(1 - kmf.predict(sla)), abs=1e-9)
        curve = kmf.survival_function_.iloc[:, 0]
        if np.isclose(curve.to_numpy(), 0.5, rtol=0, atol=1e-9).any():
            continue  # a plateau at exactly one half: the midpoint rule, checked in the tests above
        median = kmf.median_survival_time_
        assert (ours.median is None) == (not np.isfinite(median)), (waits.tolist(), answered.tolist())
        if ours.median is not None:
            assert ours.median == pytest.approx(float(median), abs=1e-9), (waits.tolist(), answered.tolist())


def test_km_curve_and_band_are_scipy_ecdf_ones_on_thousands_of_samples():
    """The Kaplan-Meier curve and its log-log band, written out with numpy, are ``scipy.stats.ecdf``'s to the last bit.

    Evaluated at every distinct duration, between them, before the first and after the last,
    on samples with ties, zeros, everyone censored or answered and the curve reaching 0.
    """
    from scipy.stats import CensoredData, ecdf

    rng = np.random.default_rng(30)
    for _ in range(3000):
        n = int(rng.integers(1, 80))
        waits = np.round(rng.exponential(float(rng.choice([1, 5, 20, 100])), n), int(rng.integers(0, 3)))
        answered = rng.random(n) < float(rng.choice([0.0, 0.2, 0.7, 1.0]))
        times, survival, at_risk, events = kaplan_meier(waits, answered)
        reference = ecdf(CensoredData.right_censored(waits, ~answered)).sf
        np.testing.assert_array_equal(times, reference.quantiles)
        at = np.concatenate([times, times - 0.25, times + 0.25, [times[0] - 1, times[-1] + 1]])
        np.testing.assert_array_equal(step_value(times, survival, at), reference.evaluate(at))
        confidence = float(rng.choice([0.8, 0.9, 0.95]))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # scipy warns where the band is undefined
            band = reference.confidence_interval(confidence, method="log-log")
        low, high = loglog_band(survival, at_risk, events, confidence)
        np.testing.assert_array_equal(step_value(times, low, at), band.low.evaluate(at))
        np.testing.assert_array_equal(step_value(times, high, at), band.high.evaluate(at))


def test_a_render_imports_no_scipy_stats(tmp_path):
    """Speed to lead's estimate needs no ``scipy.stats`` (a second of every render): a render does not load it."""
    import subprocess
    import sys

    from helpers import PROJECT_ROOT

    demo = PROJECT_ROOT / "templates" / "demo" / "hartwell-orme-2026-08"
    code = ("import sys\nfrom helpers.render.handout import render_engagement\n"
            f"r = render_engagement({str(demo)!r}, {str(tmp_path)!r})\n"
            "print(r.ok, 'scipy.stats' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "False"], done.stderr[-2000:]
