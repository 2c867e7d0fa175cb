"""Problems a user can cause, reported as values rather than exceptions.

Every expected mistake in an engagement folder (bad YAML, a rating of 7, an unknown team...)
becomes a :class:`Problem` that names the file, the row or field, what is wrong and how to fix
it. Loaders collect all problems at once so a consultant can fix a file in one pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file.

    Parameters
    ----------
    file : str
        Path relative to the engagement folder, e.g. ``"survey.csv"``.
    message : str
        What is wrong, in plain words.
    hint : str
        How to fix it.
    row : int, optional
        The line as a spreadsheet or editor shows it (CSV header is row 1).
    field : str, optional
        The column or key concerned.
    severity : {"error", "warning"}
        Errors make the engagement unusable; warnings are printed but do not block.
    """

    file: str
    message: str
    hint: str = ""
    row: int | None = None
    field: str | None = None
    severity: Severity = "error"

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        what = f"{self.field}: {self.message}" if self.field else self.message
        text = f"{where}: {what}"
        if self.hint:
            text += f"; {self.hint}"
        return text

    @property
    def is_error(self) -> bool:
        """Whether this problem makes the engagement unusable."""
        return self.severity == "error"

    def as_warning(self) -> "Problem":
        """Return the same problem downgraded to a warning."""
        return Problem(self.file, self.message, self.hint, self.row, self.field, "warning")


def warning(file: str, message: str, hint: str = "", row: int | None = None,
            field: str | None = None) -> Problem:
    """Shorthand for a :class:`Problem` with ``severity="warning"``."""
    return Problem(file, message, hint, row, field, "warning")


class Problems(list[Problem]):
    """A list of problems with convenience views."""

    def __init__(self, items: Iterable[Problem] = ()) -> None:
        super().__init__(items)

    @property
    def errors(self) -> list[Problem]:
        """Problems that make the engagement unusable."""
        return [p for p in self if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        """Problems that are reported but do not block."""
        return [p for p in self if not p.is_error]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors

    def report(self) -> str:
        """All problems as text, errors first, one per line, prefixed ``error:``/``warning:``."""
        lines = [f"error: {p}" for p in self.errors] + [f"warning: {p}" for p in self.warnings]
        return "\n".join(lines)


_VARIABLE = re.compile(r"'[^']*'|\"[^\"]*\"|[-+]?\d[\d,.]*")


def kind_of(problem: Problem) -> tuple[str, str, str, str]:
    """What makes two problems "the same problem": file, severity, hint and the message with its
    quoted values and numbers blanked (``rating 7 is outside 1-5`` and ``rating 9 ...`` match)."""
    return problem.file, problem.severity, _VARIABLE.sub("#", problem.message), problem.hint


def summarise(problems: Iterable[Problem], first: int = 5) -> "Problems":
    """Keep the first ``first`` problems of each kind and one count line per kind for the rest.

    When one file yields thousands of problems of the same kind (a column of ratings out of range,
    every date unreadable), printing them all buries everything else. Problems are grouped by
    :func:`kind_of`; order is kept, and each shortened kind gets one problem right after its last
    kept one, of the same file and severity, e.g. ``survey.csv: … and 1,994 more rows with the
    same problem``.

    Parameters
    ----------
    problems : iterable of Problem
    first : int
        How many of each kind to keep (at least 1).

    Returns
    -------
    Problems
        A new list; the input is not changed.
    """
    items = list(problems)
    first = max(1, first)
    groups: dict[tuple[str, str, str, str], list[Problem]] = {}
    for p in items:
        groups.setdefault(kind_of(p), []).append(p)
    out: list[Problem] = []
    done: dict[tuple[str, str, str, str], int] = {}
    for p in items:
        kind = kind_of(p)
        i = done[kind] = done.get(kind, 0) + 1
        group = groups[kind]
        if i <= first:
            out.append(p)
        if i == first and len(group) > first:
            out.append(_more(group[:first], group[first:]))
    return Problems(out)


def _more(kept: list[Problem], rest: list[Problem]) -> Problem:
    """The line standing for ``rest``, problems of the same kind as ``kept``."""
    head = kept[0]
    kept_rows = {p.row for p in kept if p.row is not None}
    rest_rows = {p.row for p in rest if p.row is not None}
    n = len(rest)
    if kept_rows and len(rest_rows) == n and not rest_rows & kept_rows:  # one problem per further row
        message = f"… and {n:,} more row{'' if n == 1 else 's'} with the same problem"
    else:
        message = f"… and {n:,} more with the same problem"
    fields = {p.field for p in kept + rest}
    return Problem(head.file, message, "", None, head.field if len(fields) == 1 else None, head.severity)


class EngagementInvalid(Exception):
    """Raised by callers that need a usable engagement and got errors instead.

    The message lists every problem, so printing it is a complete report.
    """

    def __init__(self, folder: str, problems: Iterable[Problem]) -> None:
        self.folder = folder
        self.problems = Problems(problems)
        super().__init__(f"{folder} cannot be used:\n{self.problems.report()}")
