"""How values are written for people: dates the way the handout's cover prints them."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any, Mapping


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
    day = _as_date(value)
    return str(value) if day is None else f"{day.day} {day:%B %Y}"


def _as_date(value: Any) -> dt.date | None:
    """A date, a timestamp's day, or an ISO date's (its time part ignored); None for anything else."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def date_span(start: Any, end: Any) -> str:
    """Two ISO dates as a span in words, the year said once when both share it.

    ``("2026-03-02", "2026-09-30") -> "2 March to 30 September 2026"``;
    ``("2025-11-03", "2026-02-27") -> "3 November 2025 to 27 February 2026"``; one day is said
    once (``"2 March 2026"``), a missing end leaves the other alone, and a value that is not a
    date is written as it is (as :func:`long_date` does).
    """
    first, last = long_date(start) or "", long_date(end) or ""
    if not first or not last or first == last:
        return first or last
    begins, ends = _as_date(start), _as_date(end)
    if begins is not None and ends is not None and begins.year == ends.year:
        first = first[:-5]  # "2 March 2026" -> "2 March"
    return f"{first} to {last}"


SLUG_MAX_CHARS = 60
"""Longest slug (characters): with a suffix such as ``.consultant.html`` a file name stays far
below the 255-byte limit of common file systems, even for three-byte UTF-8 letters."""


def slugify(name: str, default: str = "item", max_chars: int = SLUG_MAX_CHARS) -> str:
    """A file-name-safe slug that keeps the letters of every script.

    The rule: Unicode NFKC normalisation and case folding (``ＡＣＭＥ`` -> ``acme``, ``ß`` ->
    ``ss``); accents on Latin letters are dropped (``Zürich`` -> ``zurich``); letters, digits and
    combining marks of other scripts are kept (``東京商事`` stays ``東京商事``, ``Ωμέγα`` becomes
    ``ωμέγα``); every other run of characters (spaces, punctuation, ``/``, ``.``, ``_``) becomes
    one hyphen. The result has no dot, slash or leading/trailing hyphen, is at most ``max_chars``
    characters long, and is ``default`` when nothing is left.

    Examples
    --------
    >>> slugify("Acme GmbH & Co (2026)")
    'acme-gmbh-co-2026'
    >>> slugify("Acme GmbH (Zürich)") == slugify("ACME GmbH Zurich")
    True
    """
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", str(name)).casefold())
    kept: list[str] = []
    base = ""
    for char in text:
        kind = unicodedata.category(char)
        if kind.startswith("M"):  # a combining mark: dropped on a Latin letter, kept elsewhere
            if base and not base.isascii():
                kept.append(char)
            continue
        base = char if kind[0] in "LN" else ""
        kept.append(char if base else "-")
    slug = re.sub(r"-+", "-", unicodedata.normalize("NFC", "".join(kept))).strip("-")
    return slug[:max_chars].rstrip("-") or default


def format_number(value: Any, digits: int = 1) -> str:
    """``61.25 -> "61.3"``; None/NaN -> ``"–"`` (en dash)."""
    if value is None or (isinstance(value, float) and value != value):
        return "\u2013"
    return f"{float(value):,.{digits}f}"


def hours_phrase(hours: float, business: bool) -> str:
    """A number of hours on an SLA clock, in words: "24 hours", "4 working hours", "1 working hour"."""
    unit = "working hour" if business else "hour"
    return f"{float(hours):g} {unit}" + ("" if float(hours) == 1 else "s")


def clock_words(business: bool) -> dict[str, str]:
    """The playbook's placeholders that depend only on the SLA's clock (``{one_hour}``, ``{calendar_caveat}``).

    The same words in a play's text (:func:`helpers.analysis.plan.placeholders`, which adds the
    SLA's own numbers) and in a signal's label (:func:`helpers.analysis.findings.fill_hours`).
    """
    return {"one_hour": hours_phrase(1.0, business),
            # the speed-to-lead studies timed calendar hours; said beside them where the client's clock is another
            "calendar_caveat": " Those figures count calendar time; this plan counts working hours." if business else ""}


def fill(text: str, values: Mapping[str, str]) -> str:
    """A text with its ``{placeholders}`` replaced from ``values``; unknown braces stay as written."""
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def days_phrase(days: float, business: bool) -> str:
    """A number of days on an SLA clock, in words: "14 days", "10 working days", "1 working day", "2.5 days"."""
    unit = "working day" if business else "day"
    return f"{float(days):g} {unit}" + ("" if float(days) == 1 else "s")


def days_adjective(days: float, business: bool) -> str:
    """The same before a noun: "14-day", "10-working-day", "2.5-day" (a "10-working-day window")."""
    return f"{float(days):g}-{'working-' if business else ''}day"


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


def significant(amount: float, figures: int) -> float:
    """``amount`` rounded to ``figures`` significant figures (``134_217.4, 3 -> 134_000.0``; 0 stays 0).

    For estimates whose last digits are not known: a run-rate from a few dozen deals, or money
    at stake from a mean deal size.
    """
    return float(f"{amount:.{figures}g}") if amount else 0.0


def format_money(amount: Any, currency: str | None = None, figures: int | None = None) -> str:
    """An amount of money as the handout prints it: ``"134,000 USD"`` (whole units, thousands separated).

    ``figures`` rounds to that many significant figures first (see :func:`significant`); the
    currency code, when known, follows the number. None/NaN -> ``"–"``.
    """
    if amount is None or (isinstance(amount, float) and amount != amount):
        return "\u2013"
    value = significant(float(amount), figures) if figures else float(amount)
    text = format_number(value, 0)
    return f"{text} {currency}" if currency else text
