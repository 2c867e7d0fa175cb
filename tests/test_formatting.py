"""Values written for people."""

import datetime as dt

from helpers.formatting import long_date


def test_long_date() -> None:
    assert long_date("2026-08-12") == "12 August 2026"
    assert long_date("2026-03-02T09:07:00") == "2 March 2026"
    assert long_date(dt.date(2026, 1, 5)) == "5 January 2026"
    assert long_date("") is None and long_date(None) is None
    assert long_date("autumn") == "autumn"
