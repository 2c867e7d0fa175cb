"""File input and output shared by every module: atomic writes and forgiving, bounded readers.

Writes go to a temporary file in the same folder and are renamed into place, so a crash or
a kernel restart never leaves a half-written file. Readers turn expected mistakes (bad YAML,
an empty file, a Latin-1 CSV from Excel) and hostile files (binary data named ``.csv``,
duplicate YAML keys, alias bombs, deeply nested YAML, oversized tables) into
:class:`~helpers.problems.Problem` values, quickly and in bounded memory: every limit below is
checked before the expensive part of the work.

Limits (stated in the README)
-----------------------------
==========================  ===========================================================
YAML file                   at most 1 MB, 50,000 values, 50 levels of nesting, 50 alias
                            uses (``*name``) adding at most 10,000 values in all
survey (CSV or Excel)       at most 10,000 rows of answers and 50 MB
funnel (CSV or Excel)       at most 2,000,000 leads and 500 MB
Excel workbook              unpacks to at most 4 times its table's byte limit
==========================  ===========================================================
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import os
import re
import stat
import sys
import tempfile
import threading
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, NamedTuple
from xml.etree import ElementTree

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, MappingStartEvent, SequenceStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from helpers.problems import Problem

if TYPE_CHECKING:  # pandas and numpy are imported by the functions that read tables (fast start)
    import pandas as pd

MB = 1024 * 1024

YAML_MAX_BYTES = 1 * MB
"""Largest YAML file read (the biggest bundled template is 38 KB)."""
YAML_MAX_NODES = 50_000
"""Most values (scalars, lists, mappings) one YAML file may hold; bounds parsing time."""
YAML_MAX_DEPTH = 50
"""Deepest nesting of lists and mappings, counting through aliases."""
YAML_MAX_ALIASES = 50
"""Most alias uses (``*name``) in one YAML file."""
YAML_MAX_ALIAS_NODES = 10_000
"""Most values that aliases may add when expanded, over the whole file."""

SURVEY_MAX_ROWS = 10_000
SURVEY_MAX_BYTES = 50 * MB
FUNNEL_MAX_ROWS = 2_000_000
FUNNEL_MAX_BYTES = 500 * MB
TEXT_MAX_BYTES = FUNNEL_MAX_BYTES
"""Default limit of :func:`read_text` (callers with a smaller kind of file pass their own)."""
XLSX_UNPACK_FACTOR = 4
"""An Excel workbook may unpack to this many times its table's byte limit (zip-bomb guard)."""
TITLE_ROWS = 10
"""Rows above the header that a table read with ``header=None`` may have (not counted as data)."""
CSV_CHUNK_ROWS = 100_000
"""A CSV with more lines than this (and one header row) is read this many rows at a time, column by column."""

_LIMITS_README = "the limits are in the README"


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file in the same folder, then rename).

    Parameters
    ----------
    path : path-like
        Destination; parent folders are created.
    data : bytes
        The whole new content.

    Returns
    -------
    Path
        The destination path.
    """
    dest = Path(path)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    try:
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; give the file the usual permissions
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return dest


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically; see :func:`atomic_write_bytes`."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def dump_yaml(data: Any) -> str:
    """Serialise ``data`` as block-style YAML that keeps key order and unicode."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)


def atomic_write_yaml(path: str | os.PathLike[str], data: Any) -> Path:
    """Write ``data`` as YAML to ``path`` atomically."""
    return atomic_write_text(path, dump_yaml(data))


def atomic_write_json(path: str | os.PathLike[str], data: Any) -> Path:
    """Write ``data`` as indented UTF-8 JSON to ``path`` atomically."""
    return atomic_write_text(path, json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


# --------------------------------------------------------------------------------------------
# YAML
# --------------------------------------------------------------------------------------------


class YamlIssue(NamedTuple):
    """One reason a YAML file that parses must not be used (becomes a :class:`Problem`)."""

    row: int | None
    message: str
    hint: str
    field: str | None = None


class YamlRefused(yaml.YAMLError):
    """A YAML file refused by :func:`load_yaml_text`: duplicate keys, bombs, non-finite numbers.

    ``issues`` lists every reason (each with its line); ``problem`` and ``problem_mark`` describe
    the first one, like PyYAML's own errors, for code that only knows ``yaml.YAMLError``.
    """

    def __init__(self, issues: list[YamlIssue]) -> None:
        self.issues = issues
        first = issues[0]
        self.problem = first.message
        self.problem_mark = (yaml.Mark("<yaml>", 0, first.row - 1, 0, None, 0)
                             if first.row is not None else None)
        super().__init__("; ".join((f"line {i.row}: " if i.row else "") + i.message for i in issues))


_ALIAS_HINT = "write the values out instead of repeating them with anchors (&name) and aliases (*name)"
_NOT_OURS_HINT = "a workbook file is never like this: check that it is the right file"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_MERGE_TAG = "tag:yaml.org,2002:merge"


def _refuse(node_or_mark: Any, message: str, hint: str) -> YamlRefused:
    mark = getattr(node_or_mark, "start_mark", node_or_mark)
    return YamlRefused([YamlIssue(mark.line + 1 if mark is not None else None, message, hint)])


class _Constructor(SafeConstructor):
    """Safe constructor that keeps an impossible date (``2026-13-01``) as text.

    PyYAML raises a bare ValueError for such a value; keeping it as a string lets the
    validators report it with the field's name and how to fix it.
    """


def _timestamp_or_text(loader: Any, node: yaml.ScalarNode) -> Any:
    try:
        return SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


def _key_text(node: Node) -> str:
    return str(node.value) if isinstance(node, ScalarNode) else "?"


def _lines(rows: list[int]) -> str:
    return " and ".join([", ".join(str(r) for r in rows[:-1]), str(rows[-1])]) if len(rows) > 1 else str(rows[0])


class _Guard(Composer, _Constructor, Resolver):
    """Composer and constructor with budgets: checked while composing (depth, values, aliases) and
    on the composed graph before anything is constructed (expansion, cycles, duplicate keys,
    non-finite numbers). Nothing is ever expanded, so a bomb costs no more than its text.
    """

    def _init_guard(self) -> None:
        self._depth = 0
        self._nodes = 0
        self._aliases = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()  # type: ignore[attr-defined]  # from the parser, mixed in below
        self._nodes += 1
        if self._nodes > YAML_MAX_NODES:
            raise _refuse(event, f"holds more than {YAML_MAX_NODES:,} values", _NOT_OURS_HINT)
        if isinstance(event, AliasEvent):
            self._aliases += 1
            if self._aliases > YAML_MAX_ALIASES:
                raise _refuse(event, f"uses aliases (*{event.anchor}) more than {YAML_MAX_ALIASES} times",
                              _ALIAS_HINT)
            return super().compose_node(parent, index)
        if not isinstance(event, (MappingStartEvent, SequenceStartEvent)):
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > YAML_MAX_DEPTH:
                raise _refuse(event, f"is nested more than {YAML_MAX_DEPTH} levels deep", _NOT_OURS_HINT)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def get_single_data(self) -> Any:
        node = self.get_single_node()
        if node is None:
            return None
        self._inspect(node)
        return self.construct_document(node)

    def _inspect(self, root: Node) -> None:
        """Check the node graph without expanding it (iteratively: no recursion limit to hit)."""
        size: dict[int, int] = {}  # values each node stands for once every alias is expanded
        height: dict[int, int] = {}
        state: dict[int, int] = {}  # 1: on the current path, 2: done
        issues: list[YamlIssue] = []
        stack: list[tuple[Node, str, bool]] = [(root, "", False)]
        while stack:
            node, path, leaving = stack.pop()
            key = id(node)
            kids: list[Node]
            if isinstance(node, MappingNode):
                kids = [n for pair in node.value for n in pair]
            elif isinstance(node, SequenceNode):
                kids = list(node.value)
            else:
                kids = []
            if leaving:
                size[key] = 1 + sum(size[id(k)] for k in kids)
                if size[key] - len(size) > YAML_MAX_ALIAS_NODES:  # len(size) >= distinct values below
                    raise _refuse(node, f"its aliases would expand to more than {YAML_MAX_ALIAS_NODES:,} "
                                        "extra values", _ALIAS_HINT)
                height[key] = 0 if isinstance(node, ScalarNode) else 1 + max((height[id(k)] for k in kids), default=0)
                if height[key] > YAML_MAX_DEPTH:
                    raise _refuse(node, f"is nested more than {YAML_MAX_DEPTH} levels deep (through its aliases)",
                                  _ALIAS_HINT)
                state[key] = 2
                continue
            seen = state.get(key)
            if seen == 2:
                continue
            if seen == 1:
                raise _refuse(node, "an alias refers to a value that contains it (a loop)", _ALIAS_HINT)
            state[key] = 1
            stack.append((node, path, True))
            if isinstance(node, MappingNode):
                issues += self._duplicates(node, path)
                for k, v in reversed(node.value):
                    name = _key_text(k)
                    stack.append((v, f"{path}.{name}" if path else name, False))
                    stack.append((k, path, False))
            elif isinstance(node, SequenceNode):
                for i in reversed(range(len(node.value))):
                    stack.append((node.value[i], f"{path}[{i}]", False))
            elif isinstance(node, ScalarNode) and node.tag == _FLOAT_TAG:
                try:
                    number = SafeConstructor.construct_yaml_float(self, node)
                except ValueError:
                    continue  # reported by construction
                if not math.isfinite(number):
                    issues.append(YamlIssue(node.start_mark.line + 1, f"'{node.value}' is not a usable number",
                                            "write an ordinary number such as 24, or leave the field out "
                                            "(.nan and .inf are not accepted)", path or None))
        extra = size[id(root)] - len(size)
        if extra > YAML_MAX_ALIAS_NODES:
            raise _refuse(root, f"its aliases would expand to {extra:,} more values "
                                f"(at most {YAML_MAX_ALIAS_NODES:,} are allowed)", _ALIAS_HINT)
        if issues:
            raise YamlRefused(sorted(issues, key=lambda i: i.row or 0))

    def _duplicates(self, node: MappingNode, path: str) -> list[YamlIssue]:
        where: dict[Any, list[int]] = {}
        shown: dict[Any, str] = {}
        for k, _ in node.value:
            if not isinstance(k, ScalarNode) or k.tag == _MERGE_TAG:
                continue
            try:
                value = self.construct_object(k)
                hash(value)
            except (yaml.YAMLError, TypeError, ValueError):
                continue  # construction reports it
            if isinstance(value, float) and math.isnan(value):
                continue  # a .nan key is never equal to another
            marker = (type(value) is bool, value)  # YAML 1.1: yes == true, but 1 != true
            where.setdefault(marker, []).append(k.start_mark.line + 1)
            shown.setdefault(marker, str(k.value))
        out = []
        for marker, rows in where.items():
            if len(rows) > 1:
                times = "twice" if len(rows) == 2 else f"{len(rows)} times"
                out.append(YamlIssue(rows[1], f"key '{shown[marker]}' appears {times} (lines {_lines(rows)})",
                                     "keep one", path or None))
        return out


class _PyLoader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, _Guard):
    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        Composer.__init__(self)
        _Constructor.__init__(self)
        Resolver.__init__(self)
        self._init_guard()


_Loader: Any = _PyLoader
if getattr(yaml, "__with_libyaml__", False):  # libyaml's parser (C) is 3-4 times faster; same checks
    from yaml._yaml import CParser

    class _CLoader(_Guard, CParser):  # the Python composer comes first in the MRO, so the guard applies
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            _Constructor.__init__(self)
            Resolver.__init__(self)
            self._init_guard()

    _Loader = _CLoader


def load_yaml_text(text: str) -> Any:
    """Parse YAML text safely (dates that do not exist stay text); raises ``yaml.YAMLError``.

    Refused with :class:`YamlRefused` (a ``yaml.YAMLError``) without expanding anything: a key
    that appears twice in one mapping (at any depth), more than :data:`YAML_MAX_ALIASES` alias
    uses or aliases adding more than :data:`YAML_MAX_ALIAS_NODES` values, an alias loop,
    nesting deeper than :data:`YAML_MAX_DEPTH`, more than :data:`YAML_MAX_NODES` values, and
    ``.nan`` / ``.inf`` / ``-.inf`` (or an overflowing float) anywhere. The text's length is the
    caller's business (:func:`read_yaml` checks the file's size before reading it).
    """
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    except RecursionError:  # cannot happen within the limits above; never show a traceback anyway
        raise YamlRefused([YamlIssue(None, f"is nested more than {YAML_MAX_DEPTH} levels deep", _NOT_OURS_HINT)])
    except yaml.MarkedYAMLError as exc:
        if "maximum nesting depth" not in str(exc.problem):  # libyaml's own limit (1,000), met before ours
            raise
        raise _refuse(exc.problem_mark, f"is nested more than {YAML_MAX_DEPTH} levels deep", _NOT_OURS_HINT)
    finally:
        loader.dispose()


def compose_yaml(text: str) -> Node | None:
    """The node tree of a YAML text (keys and values with their line marks), nothing constructed.

    For the editor line numbers of keys and list items in messages. Uses libyaml's parser when
    PyYAML has it (several times faster than the pure-Python one; the same nodes and marks).
    Aliases are not expanded here. Raises ``yaml.YAMLError`` on a syntax error.
    """
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.compose(text, Loader=loader)


def read_yaml(path: str | os.PathLike[str], rel: str, missing_ok: bool = False) -> tuple[Any, list[Problem]]:
    """Read a YAML file, reporting syntax errors, empty, oversized and hostile files as problems.

    Parameters
    ----------
    path : path-like
        The file to read (at most :data:`YAML_MAX_BYTES`).
    rel : str
        The name to show in messages (relative to the engagement folder).
    missing_ok : bool
        For optional files (``journey.yaml``, ``plan.yaml``): a file that does not exist gives
        ``(None, [])`` instead of a problem.

    Returns
    -------
    (data, problems)
        ``data`` is None when the file could not be used. See :func:`load_yaml_text` for what is
        refused; every duplicate key and non-finite number is reported, each with its line.
    """
    if missing_ok and not Path(path).exists():
        return None, []
    text, problems = read_text(path, rel, max_bytes=YAML_MAX_BYTES)
    if text is None:
        return None, problems
    try:
        data = load_yaml_text(text)
    except YamlRefused as exc:
        return None, [Problem(rel, i.message, i.hint, row=i.row, field=i.field) for i in exc.issues]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        what = getattr(exc, "problem", None) or "not valid YAML"
        return None, [Problem(rel, f"YAML syntax error: {what}",
                              "check indentation and quoting near this line (text with a colon needs quotes)",
                              row=row)]
    if data is None:
        return None, [Problem(rel, "the file is empty", "fill it in or delete it")]
    return data, []


# --------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_NOT_BLANK = re.compile(rb"[^\s\x00]")
_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
_HEAD = 64 * 1024


def _bom_encoding(raw: bytes) -> str | None:
    return next((enc for bom, enc in _BOMS if raw.startswith(bom)), None)


def decode(raw: bytes) -> str:
    """Decode bytes written by a spreadsheet or survey tool.

    UTF-8 (with or without BOM); UTF-16 or UTF-32 when the file starts with their byte-order mark
    (Excel's "Unicode Text" export); else cp1252/Latin-1.
    """
    enc = _bom_encoding(raw)
    if enc in ("utf-16", "utf-32"):
        return raw.decode(enc, errors="replace")
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _size(n: int) -> str:
    if n >= MB:
        return f"{n / MB:.1f} MB".replace(".0 MB", " MB")
    return f"{max(1, round(n / 1024))} KB"


def _over(n: int, limit: int, verb: str = "is") -> str:
    """``is 7.3 MB, over the 5 MB limit`` (or ``is over the 1 MB limit`` when both round alike)."""
    if _size(n) == _size(limit):
        return f"{verb} over the {_size(limit)} limit" if verb == "is" else f"{verb} more than the {_size(limit)} limit"
    return f"{verb} {_size(n)}, over the {_size(limit)} limit"


def _looks_like(head: bytes) -> str | None:
    """What a file that is not text looks like, from its first bytes; None for text."""
    if head.startswith(b"PK\x03\x04"):
        if b"xl/" in head:
            return "an Excel workbook"
        if b"word/" in head:
            return "a Word document"
        return "a zip archive"
    magic = {b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "an old-style Excel workbook (.xls) or another Office file",
             b"%PDF": "a PDF document", b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image",
             b"GIF8": "a GIF image", b"\x1f\x8b": "a gzip archive", b"7z\xbc\xaf": "a 7-Zip archive",
             b"Rar!": "a RAR archive", b"SQLite format 3": "an SQLite database"}
    for start, what in magic.items():
        if head.startswith(start):
            return what
    if b"\x00" in head:
        return "binary data"
    controls = sum(head.count(bytes([c])) for c in (*range(8), *range(14, 27), *range(28, 32)))
    return "binary data" if head and controls > len(head) // 10 else None


def _utf16_without_bom(head: bytes) -> str | None:
    """'UTF-16' or 'UTF-32' when text has the NUL pattern of those encodings but no byte-order mark."""
    if len(head) < 8:
        return None
    quads = sorted(head[i::4].count(0) / len(head[i::4]) for i in range(4))
    if quads[1] > 0.7 and quads[0] < 0.05:
        return "UTF-32"
    odd, even = head[1::2].count(0) / len(head[1::2]), head[0::2].count(0) / len(head[0::2])
    if max(odd, even) > 0.4 and min(odd, even) < 0.05:
        return "UTF-16"
    return None


def _is_table_name(rel: str) -> bool:
    return Path(rel).suffix.lower() in {".csv", ".tsv", ".txt", ".xlsx", ".xlsm"}


def _save_as(rel: str) -> str:
    return "export it as UTF-8 CSV (in Excel: Save As, CSV UTF-8)" if _is_table_name(rel) \
        else "save it as plain UTF-8 text (with a text editor, not a word processor)"


def _read_bytes(path: str | os.PathLike[str], rel: str, max_bytes: int) -> tuple[bytes | None, list[Problem]]:
    """The bytes of a regular file of at most ``max_bytes``; size is checked before reading."""
    p = Path(path)
    try:
        info = p.stat()
    except OSError as exc:
        return None, [Problem(rel, f"cannot be read ({exc.strerror})", "check the file exists and is not open elsewhere")]
    if stat.S_ISDIR(info.st_mode):
        return None, [Problem(rel, "is a folder, not a file", "move the file itself here, or rename the folder")]
    if not stat.S_ISREG(info.st_mode):
        return None, [Problem(rel, "is not a regular file", "replace it with an ordinary file")]
    too_big = [Problem(rel, f"{_over(max(info.st_size, max_bytes + 1), max_bytes)} for this file", _big_hint(rel))]
    if info.st_size > max_bytes:
        return None, too_big
    try:
        with open(p, "rb") as fh:
            raw = fh.read(max_bytes + 1)
    except OSError as exc:
        return None, [Problem(rel, f"cannot be read ({exc.strerror})", "check the file exists and is not open elsewhere")]
    if len(raw) > max_bytes:
        return None, too_big
    return raw, []


def _big_hint(rel: str) -> str:
    if _is_table_name(rel):
        return f"keep only the rows and columns you need, or export a shorter period ({_LIMITS_README})"
    return f"{_NOT_OURS_HINT} ({_LIMITS_README})"


def _text_problem(raw: bytes, rel: str) -> Problem | None:
    """A problem when ``raw`` is not text in an encoding we read (BOM-marked UTF-16/32 is fine)."""
    head = raw[:_HEAD]
    if _bom_encoding(head):
        return None
    what = _looks_like(head)
    if what is None:
        return None
    wide = _utf16_without_bom(head) if what == "binary data" else None
    if wide:
        return Problem(rel, f"is saved as {wide} text without a byte-order mark", _save_as(rel))
    hint = _save_as(rel)
    if what == "an Excel workbook" and Path(rel).suffix.lower() == ".csv":
        hint = f"rename it to {Path(rel).stem}.xlsx, or {hint}"
    return Problem(rel, f"is not a text file (it looks like {what})", hint)


def read_text(path: str | os.PathLike[str], rel: str, max_bytes: int = TEXT_MAX_BYTES) -> tuple[str | None, list[Problem]]:
    """Read a text file in any common encoding.

    UTF-8 (BOM or not), cp1252/Latin-1, and UTF-16/UTF-32 when a byte-order mark says so (they are
    decoded). Problems: missing or unreadable, a folder, larger than ``max_bytes`` (checked before
    reading), binary content ("is not a text file (it looks like an Excel workbook)"), UTF-16
    without a byte-order mark ("is saved as UTF-16 text ..."), or empty.
    """
    raw, problems = _read_bytes(path, rel, max_bytes)
    if raw is None:
        return None, problems
    bad = _text_problem(raw, rel)
    if bad is not None:
        return None, [bad]
    enc = _bom_encoding(raw)
    if enc in ("utf-16", "utf-32"):
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            return None, [Problem(rel, f"starts like {enc.upper()} text but cannot be read as such", _save_as(rel))]
    else:
        text = decode(raw)
    if not text.strip():
        return None, [Problem(rel, "the file is empty", "fill it in or delete it")]
    return text, []


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV export: comma, semicolon (European Excel) or tab, from its header line."""
    header = re.sub(r'"[^"]*"', "", text.split("\n", 1)[0])  # commas inside quoted headers do not count
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------


def table_limits(rel: str) -> tuple[int, int, str]:
    """``(max_rows, max_bytes, kind)`` for a table file by its name: ``survey*`` or anything else (funnel)."""
    if Path(rel).name.lower().startswith("survey"):
        return SURVEY_MAX_ROWS, SURVEY_MAX_BYTES, "survey"
    return FUNNEL_MAX_ROWS, FUNNEL_MAX_BYTES, "funnel"


def _too_many_rows(rel: str, rows: str | None, max_rows: int, kind: str, excel: bool = False) -> Problem:
    what = "answers" if kind == "survey" else "leads" if kind == "funnel" else "data"
    hint = ("keep one row per respondent and remove test rows" if kind == "survey"
            else "export a shorter period, e.g. the last 24 months" if kind == "funnel"
            else "split the file")
    if excel:
        hint += "; empty rows that still carry formatting count too: delete them, or save the sheet as CSV"
    has = f"has {rows}, more than" if rows else "has more than"
    return Problem(rel, f"{has} the {max_rows:,} rows of {what} a {kind} file may have", f"{hint} ({_LIMITS_README})")


def _is_utf8(raw: bytes | memoryview) -> bool:
    """Whether ``raw`` is valid UTF-8 (as Python's strict decoder judges it), without a decoded copy.

    Checked by Arrow's validator on the bytes themselves, seen as one Arrow string (no copy; about
    0.03 s for a 114 MB export, against 0.37 s for Python's incremental decoder).
    """
    import pyarrow as pa

    offsets = pa.py_buffer((0).to_bytes(8, sys.byteorder) + len(raw).to_bytes(8, sys.byteorder))  # int64
    whole = pa.Array.from_buffers(pa.large_utf8(), 1, [None, offsets, pa.py_buffer(raw)])
    try:
        whole.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _header_rows(header: int | list[int] | None) -> int:
    if header is None:
        return TITLE_ROWS + 1
    return (max(header) if isinstance(header, list) else header) + 1


def _xlsx_sheets(z: zipfile.ZipFile) -> list[tuple[str, str]] | None:
    """``(name, zip member)`` of every sheet, in order, from the workbook's own index (None if unreadable)."""
    try:
        if z.getinfo("xl/workbook.xml").file_size > 10 * MB or z.getinfo("xl/_rels/workbook.xml.rels").file_size > 10 * MB:
            return None
        book = ElementTree.fromstring(z.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, OSError, ValueError):
        return None
    targets = {r.get("Id"): r.get("Target") or "" for r in rels}
    out = []
    for s in book.iter():
        if s.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        rid = next((v for k, v in s.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
        target = targets.get(rid, "")
        out.append((s.get("name") or "", target.lstrip("/") if target.startswith("/") else f"xl/{target}"))
    return out


def sheet_names(path: str | os.PathLike[str]) -> list[str] | None:
    """The sheet names of an ``.xlsx`` workbook, read from its index only (None if unreadable).

    Use this instead of ``pd.ExcelFile(path).sheet_names``: openpyxl parses every sheet that lacks
    a ``<dimension>`` in full just to open the workbook (minutes for a million rows).
    """
    try:
        with zipfile.ZipFile(path) as z:
            sheets = _xlsx_sheets(z)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    return [name for name, _ in sheets] if sheets is not None else None


_ROW_TAGS = (b"<row ", b"<row>", b":row ", b":row>")  # <row> and a namespaced <x:row>
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Za-z]*(\d*)(?::[A-Za-z]*(\d+))?"')


def _xlsx_rows(z: zipfile.ZipFile, member: str, stop_after: int, other: bool = False) -> tuple[int, bool]:
    """``(rows, exact)``: a sheet's rows as its ``<dimension>`` states them when more than
    ``stop_after``, else counted. For an ``other`` sheet (not the one read) with a dimension,
    ``(0, True)``: openpyxl opens such a sheet without reading it.

    Counting streams the sheet's XML in chunks (bounded memory, about half a second per million
    rows) and stops once ``stop_after`` is passed (``exact`` is then False). Rows that are empty
    but formatted count too, as they do for pandas.
    """
    with z.open(member) as fh:
        head = fh.read(_HEAD)
        found = _DIMENSION.search(head)
        if found is not None and other:
            return 0, True
        stated = found and (found.group(2) or found.group(1))
        if stated and int(stated) > stop_after:
            return int(stated), True
        rows, tail, chunk = 0, b"", head
        while chunk:
            block = tail + chunk
            rows += sum(block.count(tag) - tail.count(tag) for tag in _ROW_TAGS)
            if rows > stop_after:
                return rows, False
            tail = block[-16:]
            chunk = fh.read(4 * MB)
    return rows, True


def _xlsx_problem(p: Path, rel: str, sheet: int | str, max_rows: int, max_bytes: int, kind: str,
                  header_rows: int) -> Problem | None:
    """Refuse a workbook by its size, packing and rows before pandas loads it.

    The sheet to read is counted even when it states a small dimension (a dimension can lie);
    other sheets only when they state none, since openpyxl then parses them in full on opening.
    """
    raw, problems = _read_head(p, rel, max_bytes)
    if raw is None:
        return problems[0]
    if not raw.startswith(b"PK\x03\x04"):
        what = _looks_like(raw)
        if what is None or _utf16_without_bom(raw) or _bom_encoding(raw):
            return Problem(rel, "is not an Excel workbook (it is a text file, probably CSV)",
                           f"rename it to {p.stem}.csv, or open it in Excel and save it as .xlsx")
        return Problem(rel, f"is not an Excel .xlsx workbook (it looks like {what})", "re-save it from Excel as .xlsx")
    limit = max_rows + header_rows
    try:
        with zipfile.ZipFile(p) as z:
            unpacked = sum(i.file_size for i in z.infolist())
            if unpacked > XLSX_UNPACK_FACTOR * max_bytes:
                return Problem(rel, f"{_over(unpacked, XLSX_UNPACK_FACTOR * max_bytes, 'unpacks to')} "
                                    "for this workbook", _big_hint(rel))
            sheets = _xlsx_sheets(z) or []
            names = [name for name, _ in sheets]
            chosen = (sheet if -len(sheets) <= sheet < len(sheets) else None) if isinstance(sheet, int) \
                else (names.index(sheet) if sheet in names else None)
            order = ([chosen] if chosen is not None else []) + [i for i in range(len(sheets)) if i != chosen]
            for i in order:
                name, member = sheets[i]
                if member not in z.NameToInfo:
                    continue  # pandas reports a broken workbook
                rows, exact = _xlsx_rows(z, member, limit, other=i != chosen)
                if rows > limit:
                    counted = f"{rows:,} rows" if exact else None
                    if i == chosen:
                        return _too_many_rows(rel, counted, max_rows, kind, excel=True)
                    problem = _too_many_rows(rel, counted, max_rows, kind, excel=True)
                    return Problem(rel, f"sheet '{name}' {problem.message}",
                                   "delete that sheet (every sheet is read when the workbook is opened), "
                                   f"or save the sheet you need as CSV ({_LIMITS_README})")
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError, zlib.error) as exc:
        return Problem(rel, f"is not a readable Excel workbook ({exc})", "re-save it from Excel as .xlsx")
    return None


def _read_head(p: Path, rel: str, max_bytes: int) -> tuple[bytes | None, list[Problem]]:
    """The first bytes of a regular file no larger than ``max_bytes`` (size checked, not read)."""
    try:
        info = p.stat()
    except OSError as exc:
        return None, [Problem(rel, f"cannot be read ({exc.strerror})", "check the file exists and is not open elsewhere")]
    if not stat.S_ISREG(info.st_mode):
        return None, [Problem(rel, "is a folder, not a file" if stat.S_ISDIR(info.st_mode) else "is not a regular file",
                              "replace it with an ordinary file")]
    if info.st_size > max_bytes:
        return None, [Problem(rel, f"{_over(info.st_size, max_bytes)} for this file",
                              _big_hint(rel))]
    try:
        with open(p, "rb") as fh:
            return fh.read(_HEAD), []
    except OSError as exc:
        return None, [Problem(rel, f"cannot be read ({exc.strerror})", "check the file exists and is not open elsewhere")]


def read_table(path: str | os.PathLike[str], rel: str, header: int | list[int] | None = 0,
               sheet: int | str = 0, *, max_rows: int | None = None, max_bytes: int | None = None,
               usecols: Callable[[str], bool] | None = None,
               arrow: bool = False) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read a CSV or Excel file with every cell as text (blank cells as ``""``), within limits.

    Parameters
    ----------
    path : path-like
        A ``.csv`` / ``.txt`` / ``.tsv`` or ``.xlsx`` / ``.xlsm`` file; CSV delimiter (comma,
        semicolon, tab) and encoding (UTF-8, cp1252, UTF-16/32 with byte-order mark) are detected.
    rel : str
        The name to show in messages.
    header : int, list of int or None
        Passed to pandas (``[0, 1]`` for two header rows).
    sheet : int or str
        Sheet of an Excel workbook.
    max_rows, max_bytes : int, optional
        Limits; by default from the file name (:func:`table_limits`): a ``survey*`` file at most
        :data:`SURVEY_MAX_ROWS` rows and :data:`SURVEY_MAX_BYTES`, anything else (the funnel) at
        most :data:`FUNNEL_MAX_ROWS` and :data:`FUNNEL_MAX_BYTES`. Rows are data rows below the
        header; with ``header=None`` the first :data:`TITLE_ROWS` + 1 rows are not counted.
    usecols : callable, optional
        With ``header=0``: read only the columns whose header it accepts (the others are never
        turned into text cells); a row blank in every column read counts as a blank line.
    arrow : bool
        With ``header=0`` and a UTF-8 CSV file: read it with pyarrow's multithreaded CSV reader
        (:func:`_read_csv_arrow`), cells as Arrow strings (``pd.ArrowDtype(pa.string())``, no
        Python object per cell); same columns, cells and index as the C parser gives. A file
        pyarrow cannot read the same way (rows of another length, a repeated header among the
        columns read) is read by the C parser as without ``arrow``.

    Returns
    -------
    (frame, problems)
        ``frame`` is None when the file could not be used. Blank lines are dropped, but the index
        keeps counting file lines: a data row's spreadsheet row is its index + 2 (header = row 1).
        Refused with one problem each, before the table is loaded in full: a file over the byte
        limit, a binary file or UTF-16 without byte-order mark, a workbook whose stated dimension
        (or whose rows, counted while reading with a cap) exceed the row limit, a workbook that
        unpacks to more than :data:`XLSX_UNPACK_FACTOR` times the byte limit, and (for
        ``header=0``) a header row of blank cells.
    """
    import pandas as pd

    p = Path(path)
    default_rows, default_bytes, kind = table_limits(rel)
    max_rows = default_rows if max_rows is None else max_rows
    max_bytes = default_bytes if max_bytes is None else max_bytes
    cap = max_rows + (_header_rows(header) if header is None else 0)  # data rows pandas may return
    kw: dict[str, Any] = dict(header=header, dtype=str, keep_default_na=False, na_filter=False)
    if usecols is not None and header == 0:
        kw["usecols"] = lambda name: usecols(str(name))
    lines = ""
    try:
        if p.suffix.lower() in {".xlsx", ".xlsm"}:
            refused = _xlsx_problem(p, rel, sheet, max_rows, max_bytes, kind, _header_rows(header))
            if refused is not None:
                return None, [refused]

            def parse(nrows: int | None) -> pd.DataFrame:
                return pd.read_excel(p, sheet_name=sheet, engine="openpyxl", nrows=nrows, **kw)
        else:
            # A large file read ahead (read_ahead) was counted and judged there. When it is UTF-8 and
            # within the rows allowed, its head will do: the reading ahead only has a table of a file
            # whose first line names columns, so the head is not blank, and the delimiter, the
            # encoding's byte-order mark and the text checks need nothing more. The file must still
            # be the one read ahead once the head is read, or it is read in full, as without.
            known = _counted_ahead(p) if arrow and header == 0 else None
            head_only = known is not None and known.utf8 and known.newlines <= cap + 1
            if head_only:
                raw, problems = _read_head(p, rel, max_bytes)
                if _counted_ahead(p) is None:  # changed meanwhile
                    known, head_only = None, False
            if not head_only:
                raw, problems = _read_bytes(p, rel, max_bytes)
            if raw is None:
                return None, problems
            bad = _text_problem(raw, rel)
            if bad is not None:
                return None, [bad]
            enc = _bom_encoding(raw)
            source: bytes | str
            if enc in ("utf-16", "utf-32"):
                try:
                    source = raw.decode(enc)
                except UnicodeDecodeError:
                    return None, [Problem(rel, f"starts like {enc.upper()} text but cannot be read as such", _save_as(rel))]
                enc = None
                head = source[:_HEAD]
            else:
                enc = enc or ("utf-8" if head_only or _is_utf8(raw) else
                              "cp1252" if not any(b in raw for b in _CP1252_UNDEFINED) else "latin-1")
                source = raw
                head = raw[:_HEAD].decode(enc, errors="replace")
                if enc == "utf-8-sig":
                    head = head.lstrip("\ufeff")
            if not (source.strip() if isinstance(source, str) else _NOT_BLANK.search(raw, 3 if enc == "utf-8-sig" else 0)):
                return None, [Problem(rel, "the file is empty", "fill it in or delete it")]
            sep = sniff_delimiter(head)
            decoded = source if isinstance(source, str) else None
            by_arrow = arrow and header == 0 and decoded is None and enc in ("utf-8", "utf-8-sig")
            known = known if by_arrow else None
            newlines = (known.newlines if known is not None else
                        raw.count(b"\n") if decoded is None else decoded.count("\n"))
            lines = f"about {newlines:,} lines"
            if not by_arrow:
                _drop_ahead(p)  # a table read ahead of a file read otherwise is let go now
            quoted = by_arrow and (known.quoted if known is not None else b'"' in raw)  # a quoted cell may hold a line break

            def parse(nrows: int | None) -> pd.DataFrame:
                # Blank lines are kept while reading, so the index still counts file lines (row
                # numbers in messages match the spreadsheet), then dropped below. A file in a byte
                # encoding is read again from disk by pandas (the bytes read for the checks are let
                # go first): no decoded copy, and no second copy of the file, in memory. Cells come
                # back as the parser's own str objects (``dtype=object``: ``dtype=str`` would check
                # every cell of a large export again).
                if by_arrow:
                    fast = _read_csv_arrow(p, sep, head, usecols, quoted)
                    if fast is not None:
                        return fast
                args: dict[str, Any] = dict(sep=sep, engine="c", skip_blank_lines=False, nrows=nrows, encoding=enc,
                                            **{**kw, "dtype": object})
                stream = io.StringIO(decoded) if decoded is not None else p
                if header == 0 and newlines > CSV_CHUNK_ROWS:
                    return _read_csv_by_column(stream, args)
                return pd.read_csv(stream, **args)

            records = cap + (0 if header is None else _header_rows(header))
            if newlines > records:  # perhaps too many rows: count them first (one column, in chunks)
                stream = io.StringIO(source) if isinstance(source, str) else io.BytesIO(source)
                counted = 0
                try:
                    with pd.read_csv(stream, sep=sep, engine="c", header=None, usecols=[0], dtype=str,
                                     chunksize=100_000, encoding=enc, keep_default_na=False, na_filter=False) as chunks:
                        for chunk in chunks:
                            counted += len(chunk)
                            if counted > records:
                                break
                except (ValueError, pd.errors.ParserError):
                    counted = 0  # the full read below reports what is wrong
                if counted > records:
                    return None, [_too_many_rows(rel, lines, max_rows, kind)]
            raw = source = b""  # checked: pandas reads the file itself
        frame = parse(cap + 1)
        if len(frame) > cap:  # hit the cap: more rows than allowed, unless blank lines padded it
            if int((frame.fillna("").astype(str) != "").any(axis=1).sum()) > cap:
                return None, [_too_many_rows(rel, lines or None, max_rows, kind)]
            frame = parse(None)
    except (ValueError, OSError, pd.errors.ParserError, KeyError, IndexError, UnicodeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return None, [Problem(rel, f"cannot be read as a table ({first})",
                              "save it as CSV (UTF-8) or Excel .xlsx with one header row")]
    except Exception as exc:  # openpyxl raises its own types for corrupt workbooks
        if type(exc).__module__.startswith(("openpyxl", "zipfile", "xml")):
            return None, [Problem(rel, f"is not a readable Excel workbook ({exc})", "re-save it from Excel as .xlsx")]
        raise
    if frame.empty and len(frame.columns) == 0:
        return None, [Problem(rel, "the file is empty", "fill it in or delete it")]
    frame = _as_text(frame)
    filled = _filled_rows(frame)
    if int(filled.sum()) > cap:
        return None, [_too_many_rows(rel, f"{int(filled.sum()):,} rows", max_rows, kind)]
    if not filled.all():
        frame = frame[filled]  # blank lines; the index keeps each row's place in the file
    if header is not None and all(_blank_header(c) for c in frame.columns):
        return None, [Problem(rel, "the header row has no column names", "put the column names in the first row "
                              "(one per column, e.g. lead_id, source, created_at)", row=1)]
    if isinstance(frame.columns, pd.MultiIndex):
        return frame, []
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, []


def _read_csv_by_column(source: Any, args: dict[str, Any]) -> pd.DataFrame:
    """``pd.read_csv(source, **args)`` read :data:`CSV_CHUNK_ROWS` rows at a time, for a large file.

    pandas reads a large file in pieces as well, but then stacks every column into one block: for
    a moment each column is in memory twice (about 90 MB for eleven columns of a million rows).
    Here each piece is split into its columns as it is read, and the pieces of one column are
    joined and put into the frame before the next column's, so at most one column is copied at a
    time. Same frame otherwise: same columns, cells and index (0, 1, 2 ... counting every line
    below the header, blank lines included).
    """
    import numpy as np
    import pandas as pd

    names: list[Any] = []
    parts: list[list[np.ndarray]] = []
    rows = 0
    with pd.read_csv(source, chunksize=CSV_CHUNK_ROWS, **args) as reader:
        for piece in reader:
            if not parts:
                names = list(piece.columns)
                parts = [[] for _ in names]
            for j, part in enumerate(parts):
                part.append(piece.iloc[:, j].to_numpy(dtype=object, copy=True))
            rows += len(piece)
            del piece  # its stacked block goes; the column copies stay
    if not parts:  # a header and nothing below it: as pandas reads it whole
        if isinstance(source, io.StringIO):
            source.seek(0)
        return pd.read_csv(source, **args)
    frame = pd.DataFrame(index=pd.RangeIndex(rows))
    for j, name in enumerate(names):
        column = np.concatenate(parts[j])
        parts[j] = []  # this column's pieces go before the next column is joined
        # Python strings, as read whole (pandas 3 would infer its ``str`` dtype from the array)
        frame[name] = pd.Series(column, index=frame.index, dtype=object, copy=False)
        del column
    return frame


def _arrow_text(dtype: Any) -> bool:
    """Whether a column holds Arrow strings (as :func:`_read_csv_arrow` reads them)."""
    import pandas as pd

    return isinstance(dtype, pd.ArrowDtype) and str(dtype.pyarrow_dtype) in ("string", "large_string")


def _read_csv_arrow(path: Path, sep: str, head: str, usecols: Callable[[str], bool] | None,
                    quoted: bool) -> pd.DataFrame | None:
    """A UTF-8 CSV file read by pyarrow, as :func:`read_table` reads it with ``header=0``; None when it cannot be.

    The header (row 1, from ``head``, the file's first characters) names the columns; those
    ``usecols`` accepts are read, every cell as an Arrow string (blank cells ``""``, never
    missing), on every core. A blank line is a row of blank cells, as the C parser reads it
    with ``skip_blank_lines=False``, so the index counts the same rows. None (the caller reads
    the file with the C parser) for what pyarrow would read otherwise or not at all: a row with
    more or fewer cells than the header, a column read whose header is blank or repeated.
    """
    import pandas as pd

    import pyarrow as pa

    try:
        names = next(csv.reader(io.StringIO(head), delimiter=sep))
    except (StopIteration, csv.Error):
        return None
    wanted = [n for n in names if usecols is None or usecols(str(n))]
    if not wanted or any(not n.strip() or names.count(n) > 1 for n in wanted):
        return None  # pandas names these "Unnamed: 3" and "name.1": the C parser's business
    table = _taken_ahead(path, sep, quoted, wanted)
    if table is None:
        try:
            table = _arrow_csv(path, sep, quoted, wanted)
        except (pa.ArrowException, ValueError, OSError):
            return None
    if table.column_names != wanted:
        return None
    frame = table.to_pandas(types_mapper=pd.ArrowDtype, split_blocks=True, self_destruct=True)
    del table
    return frame


def _arrow_csv(path: Path, sep: str, quoted: bool, wanted: list[str]) -> Any:
    """The columns ``wanted`` of a UTF-8 CSV file as a ``pyarrow.Table`` of strings (see :func:`_read_csv_arrow`)."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    return pa_csv.read_csv(
        path, read_options=pa_csv.ReadOptions(use_threads=True),
        parse_options=pa_csv.ParseOptions(delimiter=sep, ignore_empty_lines=False, newlines_in_values=quoted),
        convert_options=pa_csv.ConvertOptions(include_columns=wanted, column_types={n: pa.string() for n in wanted},
                                              strings_can_be_null=False, quoted_strings_can_be_null=False))


READ_AHEAD_MIN_BYTES = 8 * MB
"""Smallest CSV file :func:`read_ahead` reads ahead (a smaller one is read in a few hundredths of a second)."""


class Scan(NamedTuple):
    """What :func:`_scan` found in a whole file."""

    newlines: int  #: line breaks (``raw.count(b"\n")``)
    quoted: bool  #: a double quote somewhere (``b'"' in raw``)
    utf8: bool  #: valid UTF-8 throughout (``_is_utf8(raw)``)


class ReadAhead(NamedTuple):
    """A CSV file read ahead: its delimiter, the table (read with quoted line breaks when
    ``scan.quoted``) and what :func:`_scan` found in the whole file."""

    sep: str
    table: Any  # pyarrow.Table
    scan: Scan


class _Ahead(NamedTuple):
    """A CSV file being read ahead: the file's state when it started, and the reading."""

    stamp: tuple[int, ...]
    done: threading.Event
    result: list[ReadAhead | None]  # [its reading] once read; [None] when it could not be


_AHEAD: dict[Path, _Ahead] = {}
_AHEAD_LOCK = threading.Lock()


def _file_stamp(path: Path) -> tuple[int, ...] | None:
    """Which file ``path`` is and which version of it: a file replaced by another of the same size and
    modification time (``cp -p``, unzip, a sync client) is another inode or has a new change time."""
    try:
        info = path.stat()
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return (info.st_mtime_ns, info.st_size, info.st_ino, info.st_dev, info.st_ctime_ns)


def read_ahead(path: str | os.PathLike[str], usecols: Callable[[str], bool],
               max_bytes: int = FUNNEL_MAX_BYTES, max_rows: int = FUNNEL_MAX_ROWS) -> bool:
    """Start reading a large UTF-8 CSV file with pyarrow on a thread of its own; True when started.

    For a command that will read the file with :func:`read_table` (``arrow=True``) after importing
    pandas and reading other files: pyarrow parses without holding the GIL, so the reading and
    the imports share the two cores instead of taking turns. The columns read are those whose
    header ``usecols`` accepts; it may accept more than the reader will want, never fewer, or
    the reading ahead is not used. :func:`read_table` takes the table when the file is unchanged
    (same modification time and size), its delimiter and quoting are the ones it finds and the
    table holds every column it wants; otherwise it reads the file itself, as without this. Every
    check of :func:`read_table` still holds: the limits and the text checks on the file as it is,
    the encoding and the rows from the whole file as read ahead (a UTF-8 file is then not read again
    in full, only its head).

    Nothing is started (False) for a file that is missing, smaller than
    :data:`READ_AHEAD_MIN_BYTES`, larger than ``max_bytes`` or not UTF-8 by its first bytes; the
    thread reads nothing into memory from a file of more than ``max_rows`` lines below its header
    (counted first, in small pieces), so a file the limits refuse costs no more than it did.
    """
    p = Path(path).resolve()
    stamp = _file_stamp(p)
    if stamp is None or not READ_AHEAD_MIN_BYTES <= stamp[1] <= max_bytes:
        return False
    try:
        with open(p, "rb") as fh:
            head = fh.read(_HEAD)
    except OSError:
        return False
    if _bom_encoding(head) not in (None, "utf-8-sig") or _looks_like(head) is not None:
        return False
    ahead = _Ahead(stamp, threading.Event(), [None])
    with _AHEAD_LOCK:
        _AHEAD[p] = ahead

    def run() -> None:
        try:
            ahead.result[0] = _read_ahead(p, head, usecols, max_rows)
        except Exception:  # whatever went wrong, read_table reads the file itself and reports it
            ahead.result[0] = None
        finally:
            ahead.done.set()

    threading.Thread(target=run, name=f"read-ahead {p.name}", daemon=True).start()
    return True


#: Bytes :func:`_scan` reads at a time (at least 4: a character cut by a piece's end is carried over).
_COUNT_PIECE = 8 * MB


def _scan(path: Path, most: int) -> Scan | None:
    """How many line breaks the file has, whether it holds a double quote and whether it is valid
    UTF-8 (as :func:`_is_utf8` judges the whole file); None once past ``most`` breaks.

    Read in pieces of :data:`_COUNT_PIECE` into two buffers mapped from the system (``mmap``),
    not taken from the C allocator (freeing a large block makes glibc keep later blocks of that
    size on its heap: 30 MB more at the funnel's peak), and counted by NumPy, which lets go of
    the GIL: this runs on the read-ahead thread while the main thread imports pandas, and a
    Python loop over small pieces waited for the GIL at every piece (0.8 s on 114 MB). A
    character cut by the end of a piece is moved to the start of the next one before it is
    checked (its bytes are never a line break or a quote, so they are not counted twice).
    """
    import mmap

    import numpy as np

    size = max(_COUNT_PIECE, 4)
    piece_map, mask_map = mmap.mmap(-1, size), mmap.mmap(-1, size)
    try:
        piece = np.frombuffer(piece_map, dtype=np.uint8)
        mask = np.frombuffer(mask_map, dtype=np.bool_)
        newlines, quoted, utf8, carried = 0, False, True, 0
        with open(path, "rb", buffering=0) as fh:
            while n := fh.readinto(memoryview(piece_map)[carried:]):
                n += carried
                newlines += int(np.count_nonzero(np.equal(piece[:n], 10, out=mask[:n])))  # b"\n"
                quoted = quoted or bool(np.equal(piece[:n], 34, out=mask[:n]).any())  # b'"'
                if newlines > most:
                    return None
                carried = _cut_character(piece[max(0, n - 4):n]) if utf8 else 0
                utf8 = utf8 and _is_utf8(piece[:n - carried].data)
                if carried:
                    piece[:carried] = piece[n - carried:n]
        return Scan(newlines, quoted, utf8 and not carried)
    finally:
        del piece, mask  # the views go before the maps are closed
        piece_map.close()
        mask_map.close()


def _cut_character(tail: Any) -> int:
    """How many of the last bytes of ``tail`` (a piece's last four, or fewer) begin a UTF-8 character it does not finish."""
    for back in range(1, len(tail) + 1):
        byte = int(tail[-back])
        if byte & 0xC0 != 0x80:  # not a continuation byte: this starts the last character
            width = 2 if 0xC0 <= byte < 0xE0 else 3 if 0xE0 <= byte < 0xF0 else 4 if 0xF0 <= byte < 0xF8 else 1
            return back if width > back else 0
    return 0


def _read_ahead(path: Path, head: bytes, usecols: Callable[[str], bool],
                max_rows: int) -> ReadAhead | None:
    """The file as :func:`_read_csv_arrow` would read it, and what :func:`_scan` found in it; None when
    it would not read it, or when the file has more than ``max_rows`` lines below the header."""
    import pyarrow as pa

    text = head.decode("utf-8-sig", errors="replace").lstrip("\ufeff")
    sep = sniff_delimiter(text)
    counted = _scan(path, max_rows + 1)
    if counted is None:
        return None  # read_table refuses it (or counts its rows first); nothing read ahead
    quoted = counted.quoted
    try:
        names = next(csv.reader(io.StringIO(text), delimiter=sep))
    except (StopIteration, csv.Error):
        return None
    wanted = [n for n in names if usecols(str(n))]
    if not wanted or any(not n.strip() or names.count(n) > 1 for n in wanted):
        return None
    try:
        return ReadAhead(sep, _arrow_csv(path, sep, quoted, wanted), counted)
    except (pa.ArrowException, ValueError, OSError):
        return None


def _finished_ahead(path: Path, take: bool) -> ReadAhead | None:
    """What the reading ahead of ``path`` found (:func:`_read_ahead`), once it has ended, when it is of
    the file as it is now; else None. ``take``: the reading is let go of (its table is the caller's)."""
    p = Path(path).resolve()
    with _AHEAD_LOCK:
        ahead = _AHEAD.pop(p, None) if take else _AHEAD.get(p)
    if ahead is None:
        return None
    ahead.done.wait()
    found = ahead.result[0]
    if take:
        ahead.result[0] = None
    if found is None or ahead.stamp != _file_stamp(p):
        return None
    return found


def _taken_ahead(path: Path, sep: str, quoted: bool, wanted: list[str]) -> Any:
    """The table read ahead of ``path`` (:func:`read_ahead`), narrowed to ``wanted``, or None to read it now."""
    found = _finished_ahead(path, take=True)
    if found is None:
        return None
    if found.sep != sep or found.scan.quoted != quoted or not set(wanted) <= set(found.table.column_names):
        return None
    return found.table.select(wanted)


def _counted_ahead(path: Path) -> Scan | None:
    """The line breaks in ``path``, whether it holds a double quote and whether it is valid UTF-8, as
    its reading ahead found them (:func:`read_ahead`), when that reading has a table of the file as
    it is now; else None.

    Waits for the reading ahead to end (its table is taken next anyway). The answers are those of
    ``raw.count(b"\n")``, ``b'"' in raw`` and :func:`_is_utf8` on the same file, found without the
    GIL while pandas was imported: a UTF-8 file read ahead is then not read again in full (114 MB
    for a million leads, 0.1 s and as many bytes at the reader's peak), only its head.
    """
    found = _finished_ahead(path, take=False)
    return None if found is None else found.scan


def _drop_ahead(path: Path) -> None:
    """Let go of the reading ahead of ``path``, if any (its table goes once its thread ends)."""
    with _AHEAD_LOCK:
        _AHEAD.pop(Path(path).resolve(), None)


def forget_read_ahead() -> None:
    """Let go of every reading ahead not taken (each table goes once its thread ends)."""
    with _AHEAD_LOCK:
        _AHEAD.clear()


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell as text, blank as ``""``; columns that already hold only text are left as they are.

    A CSV read with ``dtype=str`` and no NA detection holds only ``str`` cells: converting them
    again would copy every cell of a large export for nothing.
    """
    import pandas as pd

    done = [c for c, dtype in enumerate(frame.dtypes)
            if _arrow_text(dtype) or
            dtype == object and pd.api.types.infer_dtype(frame.iloc[:, c], skipna=False) in ("string", "empty")]
    if len(done) == frame.shape[1]:
        return frame
    return frame.fillna("").astype(str)


def _filled_rows(frame: pd.DataFrame) -> pd.Series:
    """True for each row with at least one non-blank cell (text cells).

    Only rows whose first cell is blank can be blank lines, so the other columns are compared
    for those rows alone (an export of a million leads has few or none).
    """
    import pandas as pd

    if frame.shape[1] == 0:
        return pd.Series(False, index=frame.index)
    first = frame.iloc[:, 0]
    filled = pd.Series(first.ne("").to_numpy(dtype=bool) if _arrow_text(first.dtype) else
                       first.to_numpy(dtype=object) != "", index=frame.index)
    maybe = ~filled.to_numpy()
    if maybe.any() and frame.shape[1] > 1:
        rest = frame.iloc[maybe, 1:]
        filled.iloc[maybe] = (rest != "").any(axis=1).to_numpy()
    return filled


def _blank_header(name: Any) -> bool:
    parts = name if isinstance(name, tuple) else (name,)
    # pandas names a blank cell "Unnamed: 3" and a repeated blank " " as " .1"
    return all(re.fullmatch(r"\s*(\.\d+)?|Unnamed: \d+(_level_\d+)?", str(x).strip()) for x in parts)
