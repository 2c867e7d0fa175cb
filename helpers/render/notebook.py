"""Notebook clean-up before export: paths stripped, widget state and papermill metadata dropped, contents list."""

from __future__ import annotations
import re
from functools import lru_cache
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, NamedTuple
from helpers import PROJECT_ROOT  # noqa: E402
from helpers.render.engine import REPORT_NOTEBOOK


class PathRule(NamedTuple):
    """One absolute path to take out of a document, and what replaces it."""

    path: str
    replacement: str
    #: Not where the path's characters continue base64 data (a data URI could hold them by chance).
    outside_base64: bool = True


@lru_cache(maxsize=64)
def _regex(path: str, outside_base64: bool) -> re.Pattern[str]:
    return re.compile(("(?<![A-Za-z0-9+/])" if outside_base64 else "") + re.escape(path))


def path_patterns(extra: list[Path]) -> list[PathRule]:
    """Absolute paths of this machine, longest first, each with what replaces it."""
    pairs: dict[str, str] = {}
    for p in extra:
        pairs[str(p)] = p.name
    pairs[str(PROJECT_ROOT)] = "."
    for root in (Path.home(), Path(tempfile.gettempdir()), Path(sys.prefix)):
        if len(str(root)) > 1:
            pairs.setdefault(str(root), "~" if root == Path.home() else "")
    return [PathRule(k, v) for k, v in sorted(pairs.items(), key=lambda kv: -len(kv[0]))]


def strip_text(text: str, rules: list[PathRule]) -> str:
    """``text`` with the machine's absolute paths replaced (see :func:`path_patterns`).

    A rule's expression runs only when its path occurs in the text at all: a plain substring test
    is hundreds of times cheaper than the regular expression on a page of embedded charts.
    """
    for rule in rules:
        if rule.path in text:
            text = _regex(rule.path, rule.outside_base64).sub(rule.replacement.replace("\\", "\\\\"), text)
    return text


def strip_paths(value: Any, patterns: list[PathRule]) -> Any:
    """Replace the machine's absolute paths in every string of a notebook (images untouched).

    Returns new lists and mappings (of the same types); the notebook passed in is not changed.
    """
    if isinstance(value, str):
        return strip_text(value, patterns)
    if isinstance(value, list):
        return [strip_paths(v, patterns) for v in value]
    if isinstance(value, dict):
        return type(value)((k, v if k.startswith("image/") and k != "image/svg+xml"
                            else strip_paths(v, patterns)) for k, v in value.items())
    return value


#: What the report notebook's own ``parameters`` cell says in an executed copy once papermill has
#: injected the values used: its defaults name the bundled demo, not this client.
DEFAULTS_REPLACED = ("# The parameters this report was rendered with are set in the next cell;\n"
                     f"# their defaults are in {REPORT_NOTEBOOK.relative_to(PROJECT_ROOT).as_posix()}.")


def scrub(nb: Any, patterns: list[PathRule]) -> Any:
    """The executed notebook without widget state, papermill metadata, stderr, local paths or the
    parameters' defaults where injected values follow them (a new notebook)."""
    import nbformat

    nb = nbformat.from_dict(strip_paths(nb, patterns))
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("papermill", None)
    tags = [set(cell.metadata.get("tags") or ()) for cell in nb.cells]
    injected = any("injected-parameters" in t for t in tags)
    for cell, cell_tags in zip(nb.cells, tags):
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")]
            if injected and "parameters" in cell_tags:
                cell.source = DEFAULTS_REPLACED
    return nb


class _Headings(HTMLParser):
    """Collects ``<h2 id=...>`` headings (the sections) from HTML outputs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self._anchor: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h2" and dict(attrs).get("id"):
            self._anchor, self._text = dict(attrs)["id"], []

    def handle_data(self, data: str) -> None:
        if self._anchor is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2" and self._anchor is not None:
            self.found.append((self._anchor, " ".join("".join(self._text).split())))
            self._anchor = None


def table_of_contents(nb: Any) -> list[list[str]]:
    """``[[anchor, title], ...]`` of the section headings the notebook displayed, in order."""
    parser = _Headings()
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            html = out.get("data", {}).get("text/html")
            text = "".join(html) if isinstance(html, list) else html
            if text and "<h2" in text:  # most outputs hold no heading: not worth parsing
                parser.feed(text)
    return [list(t) for t in parser.found]
