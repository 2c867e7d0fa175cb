"""Values written for people: dates in words, safe file names."""

from __future__ import annotations

import datetime as dt

from helpers.formatting import date_span, long_date, slugify


def test_long_date() -> None:
    assert long_date("2026-08-12") == "12 August 2026"
    assert long_date("2026-03-02T09:07:00") == "2 March 2026"
    assert long_date(dt.date(2026, 1, 5)) == "5 January 2026"
    assert long_date("") is None and long_date(None) is None
    assert long_date("autumn") == "autumn"


def test_a_span_of_dates_says_its_year_once() -> None:
    assert date_span("2026-03-02", "2026-09-30") == "2 March to 30 September 2026"
    assert date_span("2025-11-03", "2026-02-27") == "3 November 2025 to 27 February 2026"
    assert date_span("2026-03-02", "2026-03-02") == "2 March 2026"  # one day, said once
    assert date_span("2026-03-02", None) == "2 March 2026" and date_span(None, None) == ""
    assert date_span("FY2026", "2026-09-30") == "FY2026 to 30 September 2026"  # not a date: left as it is
    assert date_span("2026-03-02T10:00:00", "2026-09-30T23:59:00") == "2 March to 30 September 2026"


def test_slug_is_safe_for_a_file_name() -> None:
    assert slugify("Acme GmbH & Co. (Zürich) 2026") == "acme-gmbh-co-zurich-2026"
    assert slugify("<script>alert(1)</script>") == "script-alert-1-script"
    assert slugify("///", "engagement") == "engagement"
    assert slugify("Dana Whitfield") == "dana-whitfield"
    assert slugify("  José  O'Brien-Núñez ") == "jose-o-brien-nunez"
    assert slugify("***", "interview") == "interview"


def test_money_is_printed_to_the_figures_its_estimate_is_known_to():
    from helpers.formatting import format_money, significant

    assert format_money(134_217.4, "USD", 3) == "134,000 USD"
    assert format_money(96_149.0, None, 3) == "96,100"
    assert format_money(41_234.0, "EUR", 2) == "41,000 EUR"
    assert format_money(1_234_567.0, "GBP") == "1,234,567 GBP"  # a goal the consultant typed: as typed
    assert format_money(None, "EUR") == "\u2013"
    assert significant(0.0, 3) == 0.0 and significant(-0.004567, 2) == -0.0046


def test_days_on_an_sla_clock_in_words() -> None:
    from helpers.formatting import days_adjective, days_phrase, hours_phrase

    assert [days_phrase(d, b) for d, b in ((14, False), (10, True), (1, True), (1.0, False), (2.5, True))] == \
        ["14 days", "10 working days", "1 working day", "1 day", "2.5 working days"]
    assert [days_adjective(d, b) for d, b in ((14, False), (10, True), (2.5, False))] == \
        ["14-day", "10-working-day", "2.5-day"]
    assert [hours_phrase(h, b) for h, b in ((24, False), (4, True), (1, True), (0.5, False))] == \
        ["24 hours", "4 working hours", "1 working hour", "0.5 hours"]
