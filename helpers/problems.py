"""Problems a user can cause, reported as values rather than exceptions.

Every expected mistake in an engagement folder (bad YAML, a rating of 7, an unknown team...)
becomes a :class:`Problem` that names the file, the row or field, what is wrong and how to fix
it. Loaders collect all problems at once so a consultant can fix a file in one pass.
"""

from __future__ import annotations

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


class EngagementInvalid(Exception):
    """Raised by callers that need a usable engagement and got errors instead.

    The message lists every problem, so printing it is a complete report.
    """

    def __init__(self, folder: str, problems: Iterable[Problem]) -> None:
        self.folder = folder
        self.problems = Problems(problems)
        super().__init__(f"{folder} cannot be used:\n{self.problems.report()}")
