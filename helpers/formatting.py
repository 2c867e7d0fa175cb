"""How values are written for people: dates the way the handout's cover prints them."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
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


def slugify(name: str, default: str = "item") -> str:
    """A file-name-safe slug: ``"Acme GmbH & Co (2026)" -> "acme-gmbh-co-2026"``.

    Accents are folded to ASCII; anything else becomes a single hyphen; ``default`` when nothing is left.
    """
    folded = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug or default


def format_number(value: Any, digits: int = 1) -> str:
    """``61.25 -> "61.3"``; None/NaN -> ``"–"`` (en dash)."""
    if value is None or (isinstance(value, float) and value != value):
        return "\u2013"
    return f"{float(value):,.{digits}f}"


def format_percent(value: Any, digits: int = 0) -> str:
    """A fraction as a percentage: ``0.375 -> "38%"``; None -> ``"–"``."""
    if value is None or (isinstance(value, float) and value != value):
        return "\u2013"
    return f"{100 * float(value):.{digits}f}%"


def format_signed(value: Any, digits: int = 1) -> str:
    """A difference with its sign: ``4.25 -> "+4.3"``, ``-3 -> "\u22123.0"``; None -> ``"–"``."""
    if value is None or (isinstance(value, float) and value != value):
        return "\u2013"
    v = float(value)
    return ("+" if v > 0 else "\u2212" if v < 0 else "\u00b1") + f"{abs(v):.{digits}f}"
