"""Revenue calculator and money at stake against hand counts on tests/fixtures/funnel_hand.

business_hours (export Mon 9 Mar 2026 10:00). Won: M1 12,000, M2 18,000, M6 30,000 EUR:
mean deal 20,000 (the median, 18,000, would need more customers). Goal 1,200,000 EUR over 12 months:

    customers   1,200,000 / 20,000        = 60         per month 5.0
    opportunities  60 / (2/3)             = 90                   7.5
    SQLs           90 / (4/6)             = 135                  11.25
    MQLs          135 / (7/12)            = 231.43               19.29
    inquiries  231.43 / (15/24)           = 370.29               30.86

(rates from the cohorts in test_conversion.py). Today: the export runs from the first creation,
Mon 2 Feb 09:00, to the export, 35 days 1 hour = 35.0417 / 30.4375 = 1.15127 average months.
Won 3 -> 2.61 a month; opportunities 4 -> 3.47; SQLs 7 -> 6.08; MQLs 15 -> 13.03; inquiries
24 -> 20.85. Won revenue 60,000 -> 52,116.53 a month, against 100,000 needed: 47,883.47 a month
short, 574,601.64 over the 12 months.

Money at stake: 2 MQLs not contacted by the export date (M7, M11) x MQL -> Won 3 of 6 x 20,000
= 20,000 EUR. date_only: 3 (B9, B11, B13) x 2 of 7 x mean deal (9,000 + 15,000) / 2 = 12,000
= 10,285.71.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from helpers.analysis.conversion import conversion_steps
from helpers.analysis.revenue import deal_size, money_at_stake, revenue_calculator
from helpers.engagement.sla import SlaClock
from helpers.analysis.speed_to_lead import speed_to_lead
from helpers.engagement.funnel import read_funnel
from tests.conftest import FIXTURES

HAND = FIXTURES / "funnel_hand"
EXPORT_A = pd.Timestamp("2026-03-09 10:00")
MONTHS = (35 + 1 / 24) / 30.4375  # the export's period in average months


def load(name: str) -> pd.DataFrame:
    frame, problems = read_funnel(HAND / name, None, {})
    assert frame is not None and not problems, problems
    return frame


@pytest.fixture(scope="module")
def business() -> pd.DataFrame:
    return load("business_hours")


def test_mean_deal_not_median(business: pd.DataFrame) -> None:
    assert deal_size(business, None, "EUR") == {"amount": 20000.0, "basis": "mean_won", "label": "mean deal",
                                                "won_with_amount": 3, "currency": "EUR"}
    own = deal_size(business, 24000, "EUR")
    assert (own["amount"], own["basis"]) == (24000.0, "consultant")


def test_calculator_needs_per_month_beside_today(business: pd.DataFrame) -> None:
    calc = revenue_calculator(business, 1_200_000, 12, "EUR", export_time=EXPORT_A)
    assert calc["available"] and calc["currency"] == "EUR"
    assert calc["customers_needed"] == 60
    rows = {r["stage"]: r for r in calc["stages"]}
    assert [r["stage"] for r in calc["stages"]] == ["won", "opportunity", "sql", "mql", "created"]
    assert [rows[s]["needed_in_period"] for s in rows] == [60.0, 90.0, 135.0, 231.43, 370.29]
    assert [rows[s]["needed_per_month"] for s in rows] == [5.0, 7.5, 11.25, 19.29, 30.86]
    today = {"won": 3, "opportunity": 4, "sql": 7, "mql": 15, "created": 24}
    for stage, count in today.items():
        assert rows[stage]["today_per_month"] == pytest.approx(count / MONTHS, abs=0.005)
        assert rows[stage]["gap_per_month"] == pytest.approx(rows[stage]["needed_per_month"] - count / MONTHS,
                                                             abs=0.01)
    assert rows["mql"]["rate_step"] == "mql_sql"
    assert calc["goal_per_month"] == 100000.0
    assert calc["won_revenue_per_month_today"] == pytest.approx(60000 / MONTHS, abs=0.005)
    assert calc["revenue_gap_per_month"] == pytest.approx(100000 - 60000 / MONTHS, abs=0.01)
    assert calc["export_period"] == {"start": "2026-02-02", "end": "2026-03-09", "months": 1.15}


def test_consultant_deal_size_changes_customers(business: pd.DataFrame) -> None:
    calc = revenue_calculator(business, 1_200_000, 12, "EUR", 24000, export_time=EXPORT_A)
    assert calc["customers_needed"] == 50
    assert calc["deal"]["label"] == "average deal size (set by the consultant)"


def test_calculator_says_why_it_cannot_run(business: pd.DataFrame) -> None:
    no_won = revenue_calculator(business.drop(columns=["won_at"]), 1_200_000, 12, "EUR", export_time=EXPORT_A)
    assert not no_won["available"] and "no won date" in (no_won["reason"] or "")
    no_amount = revenue_calculator(business.drop(columns=["amount"]), 1_200_000, 12, "EUR", export_time=EXPORT_A)
    assert not no_amount["available"] and "amount" in (no_amount["reason"] or "")


def test_money_at_stake_business_hours(business: pd.DataFrame) -> None:
    clock = SlaClock(clock="business", working_hours="08:00-18:00")
    speed = speed_to_lead(business, clock, {"response_hours": 4, "status": "agreed"}, EXPORT_A)
    conversion = conversion_steps(business, EXPORT_A)
    calc = revenue_calculator(business, 1_200_000, 12, "EUR", conversion=conversion, export_time=EXPORT_A)
    stake = money_at_stake(speed, conversion, deal_size(business, None, "EUR"), calc)
    lost = stake["uncontacted"]
    assert (lost["amount"], lost["currency"], lost["period"]) == (20000.0, "EUR", "2026-02-02 to 2026-03-08")
    assert lost["inputs"]["mqls_not_contacted"] == 2
    assert (lost["inputs"]["mql_won_count"], lost["inputs"]["mql_cohort"]) == (3, 6)
    assert lost["explanation"] is not None and "20,000 EUR" in lost["explanation"]
    assert "not contacted by the export date" in lost["explanation"]
    # 3 won of 6 MQLs: Wilson 95% 18.8%-81.2%, times 2 MQLs times the 20,000 EUR mean deal
    assert (lost["inputs"]["amount_low"], lost["inputs"]["amount_high"]) == pytest.approx((7504.0, 32496.0), abs=30)
    assert "(between 7,500 EUR and 32,000 EUR across the 95% range of that win rate" in lost["explanation"]
    gap = stake["goal_gap"]
    assert gap["amount"] == pytest.approx((100000 - 60000 / MONTHS) * 12, abs=0.1)
    assert gap["explanation"] is not None and "about 47,900 EUR a month short of the goal" in gap["explanation"]
    for estimate in (lost, gap):
        assert "commit" not in (estimate["explanation"] or "")


def test_money_at_stake_date_only() -> None:
    frame = load("date_only")
    clock = SlaClock(clock="business", working_hours="08:00-18:00", holidays=(dt.date(2026, 4, 3), dt.date(2026, 4, 6)))
    export = pd.Timestamp("2026-04-09 09:00")
    speed = speed_to_lead(frame, clock, {"response_hours": 10}, export)
    stake = money_at_stake(speed, conversion_steps(frame, export), deal_size(frame, None, "GBP"))
    assert stake["uncontacted"]["amount"] == 10285.71
    assert stake["goal_gap"]["amount"] is None and stake["goal_gap"]["reason"]


def test_money_at_stake_needs_mqls(business: pd.DataFrame) -> None:
    frame = business.drop(columns=["mql_at"])
    speed = speed_to_lead(frame, SlaClock(), {"response_hours": 4}, EXPORT_A)
    stake = money_at_stake(speed, conversion_steps(frame, EXPORT_A), deal_size(frame, None, "EUR"))
    assert stake["uncontacted"]["amount"] is None
    assert "no MQL date" in (stake["uncontacted"]["reason"] or "")


def test_a_goal_without_months_is_not_computed(business: pd.DataFrame) -> None:
    calc = revenue_calculator(business, 1_200_000, 0, "EUR", export_time=EXPORT_A)
    assert not calc["available"] and calc["customers_needed"] is None
    assert "above zero" in (calc["reason"] or "")


def test_the_run_rate_is_called_a_floor(business: pd.DataFrame) -> None:
    conversion = conversion_steps(business, EXPORT_A)
    calc = revenue_calculator(business, 1_200_000, 12, "EUR", conversion=conversion, export_time=EXPORT_A)
    clock = SlaClock(clock="business", working_hours="08:00-18:00")
    speed = speed_to_lead(business, clock, {"response_hours": 4, "status": "agreed"}, EXPORT_A)
    gap = money_at_stake(speed, conversion, deal_size(business, None, "EUR"), calc)["goal_gap"]
    assert "counts leads created lately that have not had time to close (too few won deals" in (gap["explanation"] or "")
    assert "so it is a floor: the true shortfall is likely smaller." in (gap["explanation"] or "")


def _monthly_leads(won_count: int) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Leads on the 1st and 15th of January to June 2026; the first six won 30 days after creation,
    the seventh (1 April) 20 days after; 1,000 each."""
    created = pd.Series(pd.to_datetime([f"2026-{m:02d}-{d:02d}" for m in range(1, 7) for d in (1, 15)]))
    lags = [30] * 6 + [20]
    won_at = pd.Series(pd.NaT, index=created.index, dtype="datetime64[ns]")
    for i in range(won_count):
        won_at[i] = created[i] + pd.Timedelta(days=lags[i])
    return created, won_at, pd.Series(1000.0, index=created.index), won_at.notna()


def test_matured_run_rate_counts_only_leads_old_enough_to_have_closed() -> None:
    """Lags 20 and 6 x 30 days: the 90th percentile is 30 days, so with the export on 1 July only
    leads created up to 1 June count: 7,000 won over 1 Jan - 1 Jun (151 days = 4.96 months) =
    1,411 a month, where every lead's months (181 days) would give the floor of 1,177."""
    from helpers.analysis.revenue import matured_run_rate

    created, won_at, amounts, won = _monthly_leads(7)
    matured = matured_run_rate(created, won_at, amounts, won, pd.Timestamp("2026-07-01"))
    assert matured is not None
    assert (matured["cutoff"], matured["lag_days"], matured["won_deals"]) == ("2026-06-01", 30.0, 7)
    assert matured["per_month"] == pytest.approx(7000 / (151 / 30.4375), abs=0.01)
    assert matured["per_month"] > 7000 / (181 / 30.4375)  # above the floor


def test_matured_run_rate_needs_five_won_deals() -> None:
    from helpers.analysis.revenue import matured_run_rate

    created, won_at, amounts, won = _monthly_leads(4)
    assert matured_run_rate(created, won_at, amounts, won, pd.Timestamp("2026-07-01")) is None


@pytest.mark.parametrize("kpi, expected", [
    ("MQLs per month (target 260)", ("mql", 260.0)),
    ("SQLs a month: target 1,200", ("sql", 1200.0)),
    ("Target 12 new customers a month", ("won", 12.0)),
    ("Win rate on qualified opportunities", None),            # a rate, not a monthly count
    ("MQLs touched within 4 working hours", None),            # no target number
    ("Visits from target-size companies per month", None),    # "target" without a number
])
def test_monthly_targets_are_read_from_journey_kpis(kpi, expected) -> None:
    from helpers.analysis.revenue import kpi_targets

    found = kpi_targets([{"kpi": kpi, "name": "Consideration"}])
    if expected is None:
        assert found == {}
    else:
        stage, per_month = expected
        assert found == {stage: {"stage": stage, "per_month": per_month, "kpi": kpi, "where": "Consideration"}}


def test_client_targets_sit_beside_what_the_goal_needs(business: pd.DataFrame) -> None:
    from helpers.analysis.revenue import kpi_targets, with_client_targets

    calc = revenue_calculator(business, 1_200_000, 12, "EUR", export_time=EXPORT_A)
    targets = kpi_targets([{"kpi": "MQLs per month (target 25)", "name": "Consideration"}])
    rows = {r["stage"]: r for r in with_client_targets(calc, targets)["stages"]}
    assert rows["mql"]["client_target"]["per_month"] == 25.0 and rows["mql"]["needed_per_month"] == 19.29
    assert rows["won"]["client_target"] is None
    assert "client_target" not in calc["stages"][0]  # the original is left as it was
