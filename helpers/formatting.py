"""How values are written for people: dates the way the handout's cover prints them."""

from __future__ import annotations

import datetime as dt
from typing import Any


def long_date(value: Any) -> str | None:
    """An ISO date written out: ``"2026-08-12" -> "12 August 2026"``.

    Parameters
    ----------
    value : str, date or None
        An ISO date (a timestamp's time part is ignored), or a date.

    Returns
    -------
    str or None
        None for an empty value; text that is not a date comes back unchanged.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value)
    return f"{value.day} {value:%B %Y}"
