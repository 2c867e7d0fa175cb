"""``sla:`` and ``currency:`` in engagement.yaml as a consultant writes them: typed values and messages."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from helpers.engagement.load import load
from helpers.engagement.meta import read_meta
from helpers.engagement.sla import Sla, SlaClock, read_sla
from tests.conftest import DEMO

HEAD = "client: Acme\nconsultant: Priya Raman\ndate: 2026-10-05\nindustry: Logistics\n"


def folder_with(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "acme"
    folder.mkdir(exist_ok=True)
    (folder / "engagement.yaml").write_text(HEAD + textwrap.dedent(body), encoding="utf-8")
    return folder


def shown(problems) -> list[str]:
    return [f"{p.severity}: {p}" for p in problems]


# --------------------------------------------------------------------------------------------
# The rule as the issue writes it


def test_the_clients_own_rule_is_read_with_its_clock(tmp_path) -> None:
    meta, problems = read_meta(folder_with(tmp_path, """\
        sla:
          status: agreed
          response_hours: 4
          clock: business
          working_hours: "08:00-18:00"
          working_days: [mon, tue, wed, thu, fri]
          timezone: Europe/London
          holidays: [2026-12-25, 2026-12-26]
          holiday_country: gb-eng
          attempts: 4
          attempt_days: 10
        """))
    assert problems == []
    assert meta is not None
    rule = meta.sla_rule
    assert (rule.status, rule.agreed, rule.response_hours, rule.attempts, rule.attempt_days) == \
        ("agreed", True, 4.0, 4, 10.0)
    assert isinstance(rule.attempts, int)
    assert rule.clock == SlaClock(clock="business", working_hours="08:00-18:00", timezone="Europe/London",
                                  holidays=(dt.date(2026, 12, 25), dt.date(2026, 12, 26)), holiday_country="GB-ENG")
    assert rule.clock.describe() == ("working hours (08:00-18:00, Mon-Fri, Europe/London time, excluding "
                                     "2 holidays and GB-ENG public holidays)")
    # what the funnel analysis reads today: the numbers only
    assert meta.sla == {"response_hours": 4.0, "attempts": 4, "attempt_days": 10.0}


def test_without_sla_the_rule_is_hubspots_proposed_on_the_calendar_clock(tmp_path) -> None:
    meta, problems = read_meta(folder_with(tmp_path, ""))
    assert problems == []
    assert meta is not None
    assert meta.sla_rule == Sla()
    assert (meta.sla_rule.status, meta.sla_rule.agreed, meta.sla_rule.clock.clock) == ("proposed", False, "calendar")
    assert meta.sla == {"response_hours": 24.0, "attempts": 5, "attempt_days": 14.0}
    assert meta.currency is None


def test_a_rule_is_only_agreed_when_the_file_says_so(tmp_path) -> None:
    meta, _ = read_meta(folder_with(tmp_path, "sla:\n  response_hours: 24\n"))
    assert meta is not None and meta.sla_rule.status == "proposed"
    meta, _ = read_meta(folder_with(tmp_path, "sla:\n  status: Agreed\n"))
    assert meta is not None and meta.sla_rule.status == "agreed"


def test_the_calculator_inputs_stay_in_the_mapping_the_funnel_reads() -> None:
    meta, problems = read_meta(DEMO / "quillstack")
    assert [p for p in problems if p.is_error] == []
    assert meta is not None
    assert meta.sla == {"response_hours": 4.0, "attempts": 6, "attempt_days": 10.0,
                        "revenue_goal": 2_400_000.0, "period_months": 12}
    assert (meta.sla_rule.revenue_goal, meta.sla_rule.period_months, meta.sla_rule.average_deal_size) == \
        (2_400_000.0, 12, None)


def test_the_kessler_demo_rule_is_proposed_not_agreed() -> None:
    meta, _ = read_meta(DEMO / "kessler-fluid-systems")
    assert meta is not None
    assert meta.sla_rule.status == "proposed" and not meta.sla_rule.agreed


# --------------------------------------------------------------------------------------------
# What a consultant reads when the rule is written wrong


@pytest.mark.parametrize("body, expected", [
    ("  status: signed\n",
     "error: engagement.yaml: sla.status: 'signed' is not agreed or proposed; write status: agreed once both "
     "heads have signed the rule off, else status: proposed"),
    ("  clock: working\n",
     "error: engagement.yaml: sla.clock: 'working' is not calendar or business; write clock: business "
     "(or clock: calendar)"),
    ("  clock: business\n  working_hours: 8-18\n",
     "error: engagement.yaml: sla.working_hours: '8-18' is not HH:MM-HH:MM; write e.g. \"08:00-18:00\""),
    ("  clock: business\n  working_hours: \"08:00-18:00\"\n  working_days: [mon, tues]\n",
     "error: engagement.yaml: sla.working_days: 'tues' is not a day name; use mon, tue, wed, thu, fri, sat, sun, "
     "e.g. [mon, tue, wed, thu, fri]"),
    ("  timezone: London\n",
     "error: engagement.yaml: sla.timezone: 'London' is not a time zone name; write an IANA time zone name, "
     "e.g. Europe/London or America/New_York"),
    ("  response_hours: soon\n",
     "error: engagement.yaml: sla.response_hours: 'soon' is not a number; write a plain number, "
     "e.g. response_hours: 4"),
    ("  response_hours: nan\n",
     "error: engagement.yaml: sla.response_hours: 'nan' is not a finite number; write a plain number, "
     "e.g. response_hours: 4"),
    ("  attempt_days: -2\n",
     "error: engagement.yaml: sla.attempt_days: -2 is negative; write a positive number, e.g. attempt_days: 10"),
    ("  response_hours: 0\n",
     "error: engagement.yaml: sla.response_hours: must be more than 0, not 0; write e.g. "
     "response_hours: 24, or leave the line out for the default"),
    ("  attempts: 2.5\n",
     "error: engagement.yaml: sla.attempts: 2.5 is not a whole number; write e.g. attempts: 4"),
    ("  revenue_goal: inf\n",
     "error: engagement.yaml: sla.revenue_goal: 'inf' is not a finite number; write a plain number, "
     "e.g. revenue_goal: 2400000"),
    ("  average_deal_size: -38000\n",
     "error: engagement.yaml: sla.average_deal_size: -38000 is negative; write a positive number, e.g. "
     "average_deal_size: 30000"),
    ("  period_months: 1.5\n",
     "error: engagement.yaml: sla.period_months: 1.5 is not a whole number; write e.g. period_months: 12"),
    ("  response_time: 24\n",
     "warning: engagement.yaml: sla.response_time: unknown key 'response_time' is ignored; known keys: status, "
     "response_hours, attempts, attempt_days, clock, working_hours, working_days, timezone, holidays, "
     "holiday_country, revenue_goal, average_deal_size, period_months"),
    ("  working_hours: \"08:00-18:00\"\n",
     "warning: engagement.yaml: sla.clock: working_hours is not used: the clock is calendar hours; write "
     "clock: business to measure the rule in working hours"),
    ("  clock: business\n",
     "warning: engagement.yaml: sla.working_hours: the business clock has no working_hours; 09:00-17:00 is "
     "assumed; write the client's hours, e.g. working_hours: \"08:00-18:00\""),
])
def test_a_wrong_rule_names_the_field_and_the_fix(tmp_path, body, expected) -> None:
    meta, problems = read_meta(folder_with(tmp_path, "sla:\n" + body))
    assert shown(problems) == [expected]
    assert meta is not None  # the rest of the file is still read


def test_every_problem_of_the_rule_is_reported_at_once_and_bad_fields_keep_their_defaults() -> None:
    rule, problems = read_sla({"status": "yes", "response_hours": "nan", "attempts": 0, "clock": "biz",
                               "revenue_goal": "lots"})
    assert sorted(p.field for p in problems) == ["sla.attempts", "sla.clock", "sla.response_hours",
                                                 "sla.revenue_goal", "sla.status"]
    assert all(p.is_error for p in problems)
    assert rule == Sla()


def test_nan_written_as_yaml_is_refused_with_its_line_and_field(tmp_path) -> None:
    folder = folder_with(tmp_path, "sla:\n  response_hours: .nan\n")
    eng, problems = load(folder)
    assert eng is None
    assert [str(p) for p in problems if p.field == "sla.response_hours"] == [
        "engagement.yaml:6: sla.response_hours: '.nan' is not a usable number; write an ordinary number such as "
        "24, or leave the field out (.nan and .inf are not accepted)"]


def test_an_sla_that_is_not_a_mapping_is_an_error(tmp_path) -> None:
    meta, problems = read_meta(folder_with(tmp_path, "sla: 24 hours\n"))
    assert shown(problems) == ["error: engagement.yaml: sla: 'sla' must be a mapping; write e.g. `sla:` then an "
                               "indented `response_hours: 24`"]
    assert meta is not None and meta.sla_rule == Sla()


# --------------------------------------------------------------------------------------------
# currency


@pytest.mark.parametrize("written, code", [("EUR", "EUR"), ("gbp", "GBP"), (" usd ", "USD"), ("CHF", "CHF")])
def test_currency_is_an_iso_code_in_capitals(tmp_path, written, code) -> None:
    meta, problems = read_meta(folder_with(tmp_path, f"currency: '{written}'\n"))
    assert problems == []
    assert meta is not None and meta.currency == code


@pytest.mark.parametrize("written, expected", [
    ("€", "currency: '€' is not an ISO 4217 currency code; write the code rather than the symbol: currency: EUR"),
    ("£", "currency: '£' is not an ISO 4217 currency code; write the code rather than the symbol: currency: GBP"),
    ("EURO", "currency: 'EURO' is not an ISO 4217 currency code; write the three-letter ISO 4217 code, "
             "e.g. currency: EUR (or GBP, USD)"),
    ("DEM", "currency: 'DEM' is not an ISO 4217 currency code; write the three-letter ISO 4217 code, "
            "e.g. currency: EUR (or GBP, USD)"),
    ("978", "currency: 978 is not a currency code; write the three-letter ISO 4217 code, "
            "e.g. currency: EUR (or GBP, USD)"),
])
def test_a_currency_that_is_not_a_code_is_an_error(tmp_path, written, expected) -> None:
    meta, problems = read_meta(folder_with(tmp_path, f"currency: {written}\n"))
    assert shown(problems) == [f"error: engagement.yaml: {expected}"]
    assert meta is not None and meta.currency is None
