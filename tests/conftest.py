"""Shared fixtures: scratch engagement folders built file by file."""

from __future__ import annotations

import textwrap
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "templates" / "demo"
FIXTURES = Path(__file__).resolve().parent / "fixtures"  # test inputs, grouped by kind (survey/, crm/, ...)

ENGAGEMENT_YAML = """\
client: Brightwater Analytics
consultant: Priya Raman
date: 2026-10-05
industry: B2B software
sla:
  response_hours: 24
"""


def statement_ids() -> list[str]:
    """Statement ids of the bundled instrument, in order."""
    from helpers.content.instrument import INSTRUMENT_V1, load_instrument

    return [s.id for s in load_instrument(INSTRUMENT_V1).statements]  # expectations worked out on version 1, which stays readable


def survey_csv(rows: list[tuple[str, str, str, list[object]]]) -> str:
    """A canonical survey.csv: rows of (respondent, team, level, ratings in instrument order)."""
    ids = statement_ids()
    lines = [",".join(["respondent", "team", "level", *ids])]
    for respondent, team, level, ratings in rows:
        cells = ["" if r is None else str(r) for r in ratings]
        cells += [""] * (len(ids) - len(cells))
        lines.append(",".join([respondent, team, level, *cells]))
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="session")
def instrument():
    """The bundled survey instrument (read-only: tests must not change it)."""
    from helpers.content.instrument import INSTRUMENT_V1, load_instrument

    return load_instrument(INSTRUMENT_V1)  # expectations worked out on version 1, which stays readable


@pytest.fixture
def make_engagement(tmp_path: Path) -> Callable[..., Path]:
    """Build an engagement folder from ``{relative path: text or bytes}``.

    ``engagement.yaml`` defaults to a valid one; map it to ``None`` to leave it out.
    """

    def build(files: dict[str, str | bytes | None] | None = None, name: str = "brightwater") -> Path:
        folder = tmp_path / name
        folder.mkdir(parents=True, exist_ok=True)
        contents: dict[str, str | bytes | None] = {"engagement.yaml": ENGAGEMENT_YAML}
        contents.update(files or {})
        for rel, content in contents.items():
            if content is None:
                continue
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content), encoding="utf-8")
        return folder

    return build

# Fixture folders hold engagements and notebooks used as data, not tests.
collect_ignore_glob = ["fixtures/*", "benchmarks/*"]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def html_tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    """Every start tag of ``html`` with its attributes, as a browser's parser reads them."""
    parser = _Tags()
    parser.feed(html)
    return parser.tags
