"""The SLA a client's ``engagement.yaml`` states: the rule (hours, attempts, agreed or proposed) and its clock.

This is the reader's model of ``sla:``; the computations on the clock (elapsed business hours,
deadlines, the censored median) are in :mod:`helpers.analysis.sla_clock`::

    sla:
      status: agreed               # agreed | proposed (default proposed)
      response_hours: 4            # first response within this many hours, on the clock below
      attempts: 4                  # contact attempts ...
      attempt_days: 10             # ... within this many days, on the same clock
      clock: business              # calendar (default) | business
      working_hours: "08:00-18:00"
      working_days: [mon, tue, wed, thu, fri]
      holidays: [2026-12-25, 2026-12-28]
      holiday_country: GB-ENG       # optional: public holidays from the ``holidays`` package
      timezone: Europe/London       # how to read export times that carry no zone (default: as written)
      revenue_goal: 2400000         # optional, for the revenue calculator: new revenue per period
      average_deal_size: 30000      # optional (default: from the won deals in the export)
      period_months: 12             # optional: the period revenue_goal covers (default 12)

:class:`SlaClock` is the clock (:meth:`SlaClock.from_settings` reads it and never raises);
:class:`Sla` is the whole rule, read by :func:`read_sla` with every problem as a
:class:`~helpers.problems.Problem` naming the field.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

import numpy as np

from helpers.problems import Problem, warning
from helpers.vocabulary import SLA_DEFAULTS, SLA_STATUSES

ClockKind = Literal["calendar", "business"]
SlaStatus = Literal["agreed", "proposed"]
#: Day names in week order, as written in ``working_days``.
DAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_DAY_NAMES: tuple[str, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_WORKING_HOURS = "09:00-17:00"
DEFAULT_WORKING_DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
#: SLA numbers the clock measures; :meth:`SlaClock.from_settings` checks they are finite and >= 0.
_SLA_NUMBERS: dict[str, str] = {"response_hours": "response_hours: 4", "attempt_days": "attempt_days: 10",
                                "attempts": "attempts: 4"}
#: Nanoseconds in an hour (the clock's unit of time).
NS_PER_HOUR = 3_600_000_000_000
_HOURS_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-\u2013\u2014]\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class SettingIssue:
    """One problem with an ``sla:`` setting: the field, what is wrong, how to fix it.

    ``str()`` gives the sentence :meth:`SlaClock.from_settings` reports, e.g.
    ``sla.working_hours: '8-18' is not HH:MM-HH:MM; write e.g. "08:00-18:00"``.
    """

    field: str
    message: str
    hint: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}; {self.hint}"


# --------------------------------------------------------------------------------------------
# The clock


def _parse_working_hours(raw: Any) -> tuple[str | None, SettingIssue | None]:
    """``(normalised "HH:MM-HH:MM", None)`` or ``(None, problem)``."""
    hint = 'write e.g. "08:00-18:00"'
    if isinstance(raw, (list, tuple)) and len(raw) == 2 and all(
            isinstance(x, (int, float)) and not isinstance(x, bool) for x in raw):
        if not all(math.isfinite(float(x)) for x in raw):
            return None, SettingIssue("sla.working_hours", f"{list(raw)!r} contains a number that is not finite", hint)
        minutes = [round(float(x) * 60) for x in raw]
    else:
        match = _HOURS_RE.match(raw) if isinstance(raw, str) else None
        if match is None:
            return None, SettingIssue("sla.working_hours", f"{raw!r} is not HH:MM-HH:MM", hint)
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if m1 > 59 or m2 > 59 or h1 > 23 or h2 > 24 or (h2 == 24 and m2 != 0):
            return None, SettingIssue("sla.working_hours", f"{raw!r} is not a valid time of day", hint)
        minutes = [h1 * 60 + m1, h2 * 60 + m2]
    start, end = minutes
    if not 0 <= start < 24 * 60 or not 0 < end <= 24 * 60:
        return None, SettingIssue("sla.working_hours", f"{raw!r} is not within one day (00:00-24:00)", hint)
    if end <= start:
        return None, SettingIssue("sla.working_hours", f"{raw!r} ends before or when it starts (overnight shifts are "
                                                      "not supported)", hint)
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}", None


def _parse_days(raw: Any) -> tuple[tuple[str, ...] | None, list[SettingIssue]]:
    """``(days in week order, [])`` or ``(None, problems)``. Accepts a list or "mon-fri" / "mon, tue"."""
    hint = "use mon, tue, wed, thu, fri, sat, sun, e.g. [mon, tue, wed, thu, fri]"
    if isinstance(raw, str):
        text = raw.strip().lower()
        span = re.fullmatch(r"([a-z]+)\s*[-\u2013]\s*([a-z]+)", text)
        items: list[Any] = list(span.groups()) if span else [p for p in re.split(r"[,\s]+", text) if p]
    elif isinstance(raw, (list, tuple)):
        items, span = list(raw), None
    else:
        return None, [SettingIssue("sla.working_days", f"{raw!r} is not a list of day names", hint)]
    found: list[int] = []
    problems: list[SettingIssue] = []
    for item in items:
        name = item.strip().lower() if isinstance(item, str) else None
        if name in DAY_NAMES:
            found.append(DAY_NAMES.index(name))
        elif name in _FULL_DAY_NAMES:
            found.append(_FULL_DAY_NAMES.index(name))
        else:
            problems.append(SettingIssue("sla.working_days", f"{item!r} is not a day name", hint))
    if problems:
        return None, problems
    if span is not None:  # a range such as "mon-fri" (may wrap: "sun-thu")
        first, last = found
        found = [(first + i) % 7 for i in range((last - first) % 7 + 1)]
    if not found:
        return None, [SettingIssue("sla.working_days", f"{raw!r} names no working day", hint)]
    return tuple(DAY_NAMES[i] for i in sorted(set(found))), []


def _parse_date(item: Any) -> dt.date | None:
    if isinstance(item, dt.datetime):
        return item.date()
    if isinstance(item, dt.date):
        return item
    if isinstance(item, str):
        try:
            return dt.date.fromisoformat(item.strip())
        except ValueError:
            return None
    return None


def _parse_holidays(raw: Any) -> tuple[tuple[dt.date, ...], list[SettingIssue]]:
    """Sorted unique dates and the problems with the cells that are not dates."""
    if raw is None or raw == "":
        return (), []
    items = list(raw) if isinstance(raw, (list, tuple, set)) else [raw]
    dates: list[dt.date] = []
    problems: list[SettingIssue] = []
    for item in items:
        day = _parse_date(item)
        if day is None:
            problems.append(SettingIssue("sla.holidays", f"{item!r} is not a date",
                                         "write YYYY-MM-DD, e.g. 2026-12-25"))
        else:
            dates.append(day)
    return tuple(sorted(set(dates))), problems


def _parse_country(raw: Any) -> tuple[str | None, SettingIssue | None]:
    """``("GB-ENG", None)`` style code known to the ``holidays`` package, or ``(None, problem)``."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    hint = "write an ISO country code, e.g. GB, or GB-ENG for England's bank holidays"
    if not isinstance(raw, str):
        return None, SettingIssue("sla.holiday_country", f"{raw!r} is not a country code", hint)
    import holidays  # imported here: only needed when a country is named

    code, _, subdiv = raw.strip().upper().replace("/", "-").partition("-")
    supported = holidays.list_supported_countries()
    if code not in supported:
        return None, SettingIssue("sla.holiday_country", f"{raw!r} is not a country the holidays package knows", hint)
    if subdiv and subdiv not in {str(s).upper() for s in supported[code]}:
        known = ", ".join(str(s) for s in supported[code]) or "none"
        return None, SettingIssue("sla.holiday_country", f"{code} has no subdivision {subdiv!r}",
                                  f"use one of: {known}")
    return f"{code}-{subdiv}" if subdiv else code, None


def _parse_timezone(raw: Any) -> tuple[str | None, SettingIssue | None]:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    hint = "write an IANA time zone name, e.g. Europe/London or America/New_York"
    if not isinstance(raw, str):
        return None, SettingIssue("sla.timezone", f"{raw!r} is not a time zone name", hint)
    try:
        zoneinfo.ZoneInfo(raw.strip())
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        return None, SettingIssue("sla.timezone", f"{raw!r} is not a time zone name", hint)
    return raw.strip(), None


def _parse_clock(raw: Any) -> tuple[ClockKind | None, SettingIssue | None]:
    if raw is None:
        return "calendar", None
    text = raw.strip().lower() if isinstance(raw, str) else None
    if text == "calendar":
        return "calendar", None
    if text == "business":
        return "business", None
    return None, SettingIssue("sla.clock", f"{raw!r} is not calendar or business",
                              "write clock: business (or clock: calendar)")


def _number_problem(key: str, raw: Any) -> SettingIssue | None:
    example = _SLA_NUMBERS[key]
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        return SettingIssue(f"sla.{key}", f"{raw!r} is not a number", f"write a plain number, e.g. {example}")
    try:
        number = float(raw)
    except ValueError:
        return SettingIssue(f"sla.{key}", f"{raw!r} is not a number", f"write a plain number, e.g. {example}")
    if not math.isfinite(number):
        return SettingIssue(f"sla.{key}", f"{raw!r} is not a finite number", f"write a plain number, e.g. {example}")
    if number < 0:
        return SettingIssue(f"sla.{key}", f"{raw!r} is negative", f"write a positive number, e.g. {example}")
    if key == "attempts" and number != int(number):
        return SettingIssue(f"sla.{key}", f"{raw!r} is not a whole number", f"write e.g. {example}")
    return None


@dataclass(frozen=True)
class SlaClock:
    """The clock an SLA is measured on.

    Parameters
    ----------
    clock : {"calendar", "business"}
        ``calendar``: plain elapsed hours. ``business``: only hours inside ``working_hours`` on
        ``working_days`` that are not holidays count.
    working_hours : str
        ``"HH:MM-HH:MM"``, end after start (``"24:00"`` allowed as the end); ignored by the calendar clock.
    working_days : tuple of str
        Day names ``mon`` .. ``sun``; ignored by the calendar clock.
    holidays : tuple of datetime.date
        Non-working dates (business clock only).
    holiday_country : str, optional
        ISO code known to the ``holidays`` package (``"GB"``, ``"GB-ENG"``, ``"US-NY"``); its public
        holidays in the years the data spans are added to ``holidays``.
    timezone : str, optional
        IANA name: how to read naive timestamps; zone-aware timestamps are converted to it.
        ``None``: naive timestamps are taken as written.

    Raises
    ------
    ValueError
        When a field is invalid (use :meth:`from_settings` to collect messages instead).
    """

    clock: ClockKind = "calendar"
    working_hours: str = DEFAULT_WORKING_HOURS
    working_days: tuple[str, ...] = DEFAULT_WORKING_DAYS
    holidays: tuple[dt.date, ...] = ()
    holiday_country: str | None = None
    timezone: str | None = None

    def __post_init__(self) -> None:
        clock, p_clock = _parse_clock(self.clock)
        hours, p_hours = _parse_working_hours(self.working_hours)
        days, p_days = _parse_days(self.working_days)
        holidays, p_holidays = _parse_holidays(self.holidays)
        country, p_country = _parse_country(self.holiday_country)
        zone, p_zone = _parse_timezone(self.timezone)
        problems = [p for p in (p_clock, p_hours, *p_days, *p_holidays, p_country, p_zone) if p]
        if problems:
            raise ValueError("; ".join(str(p) for p in problems))
        object.__setattr__(self, "clock", clock)
        object.__setattr__(self, "working_hours", hours)
        object.__setattr__(self, "working_days", days)
        object.__setattr__(self, "holidays", holidays)
        object.__setattr__(self, "holiday_country", country)
        object.__setattr__(self, "timezone", zone)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None) -> tuple[SlaClock, list[str]]:
        """Build the clock from ``engagement.yaml`` ``sla:``, collecting every problem; never raises.

        Parameters
        ----------
        settings : mapping or None
            The ``sla:`` mapping. Keys read: ``clock``, ``working_hours``, ``working_days``,
            ``holidays``, ``holiday_country``, ``timezone``; ``response_hours``, ``attempt_days``
            and ``attempts`` are checked (finite, not negative) but not stored. Other keys are ignored.

        Returns
        -------
        clock : SlaClock
            Invalid fields take their defaults (calendar clock, 09:00-17:00, Mon-Fri, no holidays,
            times as written), so the clock is always usable; check ``problems`` first.
        problems : list of str
            One sentence per problem, naming the key, the value and how to fix it, e.g.
            ``sla.working_hours: '8-18' is not HH:MM-HH:MM; write e.g. "08:00-18:00"``.
        """
        clock, issues = cls.check_settings(settings)
        return clock, [str(issue) for issue in issues]

    @classmethod
    def check_settings(cls, settings: Mapping[str, Any] | None) -> tuple[SlaClock, list[SettingIssue]]:
        """As :meth:`from_settings`, with each problem as a :class:`SettingIssue` (field, message, hint)."""
        if settings is None:
            return cls(), []
        if not isinstance(settings, Mapping):
            return cls(), [SettingIssue("sla", f"{settings!r} is not a mapping",
                                        "write `sla:` then indented lines such as `clock: business`")]
        problems: list[SettingIssue] = []
        clock, p = _parse_clock(settings.get("clock"))
        problems += [p] if p else []
        hours: str | None = DEFAULT_WORKING_HOURS
        if settings.get("working_hours") is not None:
            hours, p = _parse_working_hours(settings["working_hours"])
            problems += [p] if p else []
        days: tuple[str, ...] | None = DEFAULT_WORKING_DAYS
        if settings.get("working_days") is not None:
            days, ps = _parse_days(settings["working_days"])
            problems += ps
        holidays, ps = _parse_holidays(settings.get("holidays"))
        problems += ps
        country, p = _parse_country(settings.get("holiday_country"))
        problems += [p] if p else []
        zone, p = _parse_timezone(settings.get("timezone"))
        problems += [p] if p else []
        for key in _SLA_NUMBERS:
            if key in settings:
                p = _number_problem(key, settings[key])
                problems += [p] if p else []
        return cls(clock=clock or "calendar", working_hours=hours or DEFAULT_WORKING_HOURS,
                   working_days=days or DEFAULT_WORKING_DAYS, holidays=holidays,
                   holiday_country=country, timezone=zone), problems

    # ---- derived values ---------------------------------------------------------------------

    @property
    def window_ns(self) -> tuple[int, int]:
        """Opening and closing time of a working day, in nanoseconds after midnight."""
        opens, closes = self.working_hours.split("-")
        h1, m1 = opens.split(":")
        h2, m2 = closes.split(":")
        return ((int(h1) * 60 + int(m1)) * 60_000_000_000, (int(h2) * 60 + int(m2)) * 60_000_000_000)

    @property
    def hours_per_day(self) -> float:
        """Length of a working day in hours (24 on the calendar clock)."""
        if self.clock == "calendar":
            return 24.0
        opens, closes = self.window_ns
        return (closes - opens) / NS_PER_HOUR

    @property
    def weekmask(self) -> str:
        """numpy weekmask, e.g. ``"1111100"`` for Monday to Friday."""
        return "".join("1" if d in self.working_days else "0" for d in DAY_NAMES)

    def holiday_dates(self, first_year: int, last_year: int) -> np.ndarray:
        """Non-working dates (``datetime64[D]``, sorted): ``holidays`` plus the country's, for the years given."""
        own = np.array(self.holidays, dtype="datetime64[D]")
        if self.holiday_country is None:
            return own
        country = _country_holidays(self.holiday_country, int(first_year), int(last_year))
        return np.unique(np.concatenate([own, country]))

    def busdaycalendar(self, first_year: int, last_year: int) -> np.busdaycalendar:
        """The numpy business-day calendar (working days minus holidays) for the years given."""
        return np.busdaycalendar(weekmask=self.weekmask, holidays=self.holiday_dates(first_year, last_year))

    def describe(self) -> str:
        """The clock in words, for a handout, e.g. ``"working hours (08:00-18:00, Mon-Fri, ...)"``."""
        zone = f", {self.timezone} time" if self.timezone else ""
        if self.clock == "calendar":
            return f"calendar hours{zone}"
        idx = [DAY_NAMES.index(d) for d in self.working_days]
        if idx == list(range(idx[0], idx[-1] + 1)) and len(idx) > 2:
            days = f"{self.working_days[0].title()}-{self.working_days[-1].title()}"
        else:
            days = ", ".join(d.title() for d in self.working_days)
        extra = []
        if self.holidays:
            extra.append(f"{len(self.holidays)} holiday{'s' if len(self.holidays) != 1 else ''}")
        if self.holiday_country:
            extra.append(f"{self.holiday_country} public holidays")
        off = f", excluding {' and '.join(extra)}" if extra else ""
        return f"working hours ({self.working_hours}, {days}{zone}{off})"


@lru_cache(maxsize=64)
def _country_holidays(country: str, first_year: int, last_year: int) -> np.ndarray:
    import holidays  # imported here: only needed when a country is named

    code, _, subdiv = country.partition("-")
    found = holidays.country_holidays(code, subdiv=subdiv or None, years=range(first_year, last_year + 1))
    out = np.array(sorted(found.keys()), dtype="datetime64[D]")
    out.setflags(write=False)
    return out


# --------------------------------------------------------------------------------------------
# The rule


#: Keys of ``sla:`` and an example line for each (the hint of a problem).
SLA_KEYS: dict[str, str] = {
    "status": "status: proposed", "response_hours": "response_hours: 24", "attempts": "attempts: 5",
    "attempt_days": "attempt_days: 14", "clock": "clock: business", "working_hours": 'working_hours: "08:00-18:00"',
    "working_days": "working_days: [mon, tue, wed, thu, fri]", "timezone": "timezone: Europe/London",
    "holidays": "holidays: [2026-12-25, 2026-12-26]", "holiday_country": "holiday_country: GB-ENG",
    "revenue_goal": "revenue_goal: 2400000", "average_deal_size": "average_deal_size: 30000",
    "period_months": "period_months: 12",
}
#: Keys that only matter on the business clock.
BUSINESS_CLOCK_KEYS: tuple[str, ...] = ("working_hours", "working_days", "holidays", "holiday_country")


@dataclass(frozen=True)
class Sla:
    """The speed-to-lead rule of ``engagement.yaml`` ``sla:``, validated and typed.

    Attributes
    ----------
    status : {"agreed", "proposed"}
        ``agreed`` only when the file says so: both heads have signed the rule off. Default
        ``proposed``, so a handout never calls a rule agreed that is not.
    response_hours : float
        First response within this many hours, measured on ``clock`` (default 24).
    attempts : int
        Contact attempts expected before a lead may be given up (default 5) ...
    attempt_days : float
        ... within this many days, counted on ``clock`` (default 14; working days on the business clock).
    clock : SlaClock
        Calendar hours (default) or business hours on working days.
    revenue_goal : float or None
        For the revenue calculator: new-customer revenue targeted per period, in ``currency``.
    average_deal_size : float or None
        For the calculator; None: the analysis takes it from the won deals in the export.
    period_months : int or None
        Months ``revenue_goal`` covers; None: not written (the calculator assumes 12).
    """

    status: SlaStatus = "proposed"
    response_hours: float = float(SLA_DEFAULTS["response_hours"])
    attempts: int = int(SLA_DEFAULTS["attempts"])
    attempt_days: float = float(SLA_DEFAULTS["attempt_days"])
    clock: SlaClock = field(default_factory=SlaClock)
    revenue_goal: float | None = None
    average_deal_size: float | None = None
    period_months: int | None = None

    @property
    def agreed(self) -> bool:
        """True when the rule is agreed (not only proposed)."""
        return self.status == "agreed"

    def as_mapping(self) -> dict[str, Any]:
        """The numbers as the analyses read them today: ``{"response_hours": 24.0, "attempts": 5, ...}``.

        ``response_hours``, ``attempts`` and ``attempt_days`` always; ``revenue_goal``,
        ``average_deal_size`` and ``period_months`` only when the file gives them. The clock and
        the status are not in it (read them from the attributes).
        """
        out: dict[str, Any] = {"response_hours": self.response_hours, "attempts": self.attempts,
                               "attempt_days": self.attempt_days}
        for key in ("revenue_goal", "average_deal_size", "period_months"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


def _number(raw: Any, key: str, rel: str, problems: list[Problem], whole: bool = False,
            minimum: float = 0.0) -> float | None:
    """A finite number above ``minimum`` (whole when asked), or None with a problem naming ``sla.<key>``."""
    where, example = f"sla.{key}", SLA_KEYS[key]
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        problems.append(Problem(rel, f"{raw!r} is not a number", f"write a plain number, e.g. {example}", field=where))
        return None
    try:
        number = float(raw)
    except (ValueError, OverflowError):
        problems.append(Problem(rel, f"{raw!r} is not a number", f"write a plain number, e.g. {example}", field=where))
        return None
    if not math.isfinite(number):
        problems.append(Problem(rel, f"{raw!r} is not a finite number", f"write a plain number, e.g. {example}",
                                field=where))
        return None
    if whole and number != int(number):
        problems.append(Problem(rel, f"{raw!r} is not a whole number", f"write e.g. {example}", field=where))
        return None
    if number < 0:
        problems.append(Problem(rel, f"{raw!r} is negative", f"write a positive number, e.g. {example}", field=where))
        return None
    if number <= minimum:
        problems.append(Problem(rel, f"must be more than {minimum:g}, not {raw!r}",
                                f"write e.g. {example}, or leave the line out for the default", field=where))
        return None
    return number


def read_sla(value: Any, rel: str = "engagement.yaml") -> tuple[Sla, list[Problem]]:
    """Read ``engagement.yaml`` ``sla:`` into an :class:`Sla`, with every problem found.

    Parameters
    ----------
    value : Any
        The ``sla:`` value as YAML gives it (None when the file has no ``sla:``).
    rel : str
        The file to name in problems.

    Returns
    -------
    (sla, problems)
        ``sla`` is always usable: an invalid field keeps its default (see :class:`Sla`), with an
        error naming the field (``sla.response_hours``, ``sla.clock`` ...). Warnings, which do not
        block: an unknown key; working hours or days written for the calendar clock (they are not
        used); the business clock without ``working_hours`` (09:00-17:00 is assumed).
    """
    problems: list[Problem] = []
    if value is None:
        return Sla(), problems
    if not isinstance(value, Mapping):
        problems.append(Problem(rel, "'sla' must be a mapping",
                                "write e.g. `sla:` then an indented `response_hours: 24`", field="sla"))
        return Sla(), problems
    settings = {str(k): v for k, v in value.items()}
    for key in settings:
        if key not in SLA_KEYS:
            problems.append(warning(rel, f"unknown key '{key}' is ignored",
                                    f"known keys: {', '.join(SLA_KEYS)}", field=f"sla.{key}"))
    clock, issues = SlaClock.check_settings(settings)
    problems.extend(Problem(rel, i.message, i.hint, field=i.field) for i in issues)
    flagged = {i.field for i in issues}

    status: SlaStatus = "proposed"
    raw_status = settings.get("status")
    if raw_status is not None:
        text = raw_status.strip().lower() if isinstance(raw_status, str) else None
        if text == "agreed":
            status = "agreed"
        elif text not in SLA_STATUSES:
            problems.append(Problem(rel, f"{raw_status!r} is not agreed or proposed",
                                    "write status: agreed once both heads have signed the rule off, "
                                    "else status: proposed", field="sla.status"))

    numbers: dict[str, float] = {}
    for key, whole in (("response_hours", False), ("attempts", True), ("attempt_days", False)):
        if key in settings and f"sla.{key}" not in flagged:
            number = _number(settings[key], key, rel, problems, whole=whole)
            if number is not None:
                numbers[key] = number
    calculator: dict[str, float] = {}
    for key, whole in (("revenue_goal", False), ("average_deal_size", False), ("period_months", True)):
        if settings.get(key) is not None:
            number = _number(settings[key], key, rel, problems, whole=whole)
            if number is not None:
                calculator[key] = number

    written = [k for k in BUSINESS_CLOCK_KEYS if settings.get(k) not in (None, "", [])]
    if clock.clock == "calendar" and written and "sla.clock" not in flagged:
        problems.append(warning(rel, f"{', '.join(written)} {'is' if len(written) == 1 else 'are'} not used: "
                                     "the clock is calendar hours",
                                "write clock: business to measure the rule in working hours", field="sla.clock"))
    if clock.clock == "business" and settings.get("working_hours") is None:
        problems.append(warning(rel, f"the business clock has no working_hours; {DEFAULT_WORKING_HOURS} is assumed",
                                'write the client\'s hours, e.g. working_hours: "08:00-18:00"',
                                field="sla.working_hours"))
    sla = Sla(status=status,
              response_hours=numbers.get("response_hours", float(SLA_DEFAULTS["response_hours"])),
              attempts=int(numbers.get("attempts", SLA_DEFAULTS["attempts"])),
              attempt_days=numbers.get("attempt_days", float(SLA_DEFAULTS["attempt_days"])),
              clock=clock, revenue_goal=calculator.get("revenue_goal"),
              average_deal_size=calculator.get("average_deal_size"),
              period_months=int(calculator["period_months"]) if "period_months" in calculator else None)
    return sla, problems
