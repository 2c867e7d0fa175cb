"""Make client-typed text safe wherever it lands: spreadsheets, terminals, charts, embedded images.

Pure functions on the standard library (plus the :class:`~helpers.problems.Problem` value type):

- :func:`csv_cell` neutralises spreadsheet formulas in a CSV cell (OWASP "CSV injection").
- :func:`terminal` strips ANSI escape sequences and control characters before printing.
- :func:`office_text` removes the characters an Office file (``.pptx``, ``.xlsx``: XML 1.0) cannot
  hold, in a whole results structure.
- :func:`chart_text` makes text literal for matplotlib (a ``$`` is a dollar sign, never mathtext),
  escaping it only where math parsing is on.
- :func:`safe_image` reads a logo only if it is a real, small image file inside the engagement folder.

HTML escaping is Jinja's autoescape (and ``markupsafe.escape``); it is not repeated here.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from numbers import Number
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from helpers.problems import Problem

# --------------------------------------------------------------------------------------------
# CSV cells
# --------------------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""Characters that make a spreadsheet program read a cell as a formula (OWASP CSV injection).
Full-width ``＝ ＋ － ＠``, which some programs map to their ASCII forms, are included below."""
_FORMULA_STARTS = FORMULA_STARTS + ("\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def csv_cell(value: Any) -> Any:
    """A CSV cell value that a spreadsheet program shows as text, never runs as a formula.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a line feed
    (or their full-width forms) gets a leading apostrophe, as OWASP recommends: ``=HYPERLINK(...)``
    becomes ``'=HYPERLINK(...)``, shown literally. Numbers (int, float, Decimal, numpy numbers),
    booleans and None are returned unchanged, and so is text that is just a number (``-12.5``,
    ``+3``), which no spreadsheet runs as a formula. Quoting the cell is the CSV writer's job.
    """
    if value is None or isinstance(value, (bool, Number)):
        return value
    if not isinstance(value, str):
        value = str(value)
    if value.startswith(_FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


# --------------------------------------------------------------------------------------------
# Terminal
# --------------------------------------------------------------------------------------------

_ANSI = re.compile(
    r"""
    \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?        # OSC: title, hyperlink ... ended by BEL or ST
    | \x1b[P^_X][^\x1b]*(?:\x1b\\)?           # DCS, PM, APC, SOS strings
    | \x1b\[[0-?]*[ -/]*[@-~]?                # CSI: colours, cursor moves, clear screen
    | \x1b[ -/]*[0-~]?                        # other escape sequences (charset, reset ...)
    | \x9b[0-?]*[ -/]*[@-~]?                  # 8-bit CSI
    | [\x90\x98\x9d\x9e\x9f][^\x9c\x07]*[\x9c\x07]?  # 8-bit DCS, SOS, OSC, PM, APC strings
    """,
    re.VERBOSE,
)
# Control characters (C0 but tab and newline, DEL, C1) and invisible format characters that
# reorder or hide text: bidirectional overrides and isolates (the "Trojan source" trick).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal(text: Any) -> str:
    """Text that is safe to print on a terminal: escape sequences and control characters removed.

    ANSI/VT escape sequences (colours, cursor moves, clearing the screen, window titles, OSC 8
    hyperlinks), other C0/C1 control characters (carriage return, backspace, bell ...), DEL and
    bidirectional override characters are removed; newline and tab are kept. A Windows line end
    ``\\r\\n`` becomes ``\\n``.
    """
    s = str(text).replace("\r\n", "\n")
    return _CONTROL.sub("", _ANSI.sub("", s))


# --------------------------------------------------------------------------------------------
# Office files
# --------------------------------------------------------------------------------------------

#: Characters XML 1.0 forbids (C0 controls but tab, newline and carriage return; lone surrogates;
#: U+FFFE and U+FFFF), plus the bidirectional overrides and isolates that hide or reorder text.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
                      "\u202a-\u202e\u2066-\u2069]")


def office_text(value: Any) -> Any:
    """``value`` with every string made fit for an Office document; other values unchanged.

    Walks dicts, lists and tuples (returning new ones) and removes from each string the
    characters an ``.xlsx`` or ``.pptx`` cannot store (python-pptx and openpyxl refuse them) and
    the bidirectional overrides that would let a client string display other text than it holds.
    """
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    if isinstance(value, dict):
        return {k: office_text(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [office_text(v) for v in value]
    return value


# --------------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------------


def chart_text(text: Any, parse_math: bool | None = None) -> str:
    """Text that matplotlib draws literally: a ``$`` is a dollar sign, never mathtext.

    Matplotlib reads text with an even number of unescaped ``$`` as mathtext ("Pay $5 or $10"
    is drawn as "Pay 5or10"; "Promo $5% vs $10%" fails with a ValueError). The robust fix is
    ``rcParams["text.parse_math"] = False`` for the whole process (what
    :mod:`helpers.charts.style` sets): every Text reads it when created, so titles, labels, tick
    labels, legends and annotations are all literal. Under that setting text must *not* be
    escaped (``\\$`` would be drawn as typed), so this function returns it unchanged.

    Where math parsing is on (code that does not use the project's chart style), every ``$`` is
    escaped as ``\\$``: there is then no math, and matplotlib turns ``\\$`` back into ``$`` when
    it draws; a backslash the client typed stays a backslash.

    Parameters
    ----------
    text : any
        Client text (converted with ``str``).
    parse_math : bool, optional
        Whether the Text this goes into parses math. By default, the current
        ``rcParams["text.parse_math"]`` if matplotlib is imported, else True (escape).

    Notes
    -----
    Assumes ``text.usetex`` is off (TeX rendering would need every TeX special escaped).
    A legend ignores labels starting with ``_``; that is the chart code's concern.
    """
    s = str(text)
    if parse_math is None:
        mpl = sys.modules.get("matplotlib")
        params = getattr(mpl, "rcParams", None)
        parse_math = bool(params.get("text.parse_math", True)) if params is not None else True
    return s.replace("$", r"\$") if parse_math else s


# --------------------------------------------------------------------------------------------
# Images
# --------------------------------------------------------------------------------------------

IMAGE_MAX_BYTES = 2 * 1024 * 1024
"""Largest logo accepted (2 MB)."""

_IMAGE_TYPES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_ACCEPTED = "a PNG, JPEG, GIF or WebP image"


def _mime(head: bytes) -> str | None:
    for magic, mime in _IMAGE_TYPES:
        if head.startswith(magic):
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")


def safe_image(path: str | os.PathLike[str], folder: str | os.PathLike[str], max_bytes: int = IMAGE_MAX_BYTES,
               *, rel: str = "engagement.yaml", field: str = "logo") -> tuple[bytes, str] | Problem:
    """The bytes and MIME type of an image named in an engagement file, or a :class:`Problem`.

    Parameters
    ----------
    path : str or path-like
        The value as written in the file (e.g. ``logo.png`` or ``images/logo.png``), relative
        to ``folder``.
    folder : path-like
        The engagement folder; the image must be inside it.
    max_bytes : int
        Size limit (default :data:`IMAGE_MAX_BYTES`, 2 MB).
    rel, field : str
        The file and field to name in the problem (default ``engagement.yaml``, ``logo``).

    Returns
    -------
    (bytes, mime) or Problem
        ``mime`` is ``image/png``, ``image/jpeg``, ``image/gif`` or ``image/webp``, from the file's
        content (magic bytes), never from its name. Refused, each with a problem naming the field:
        an absolute path (POSIX, Windows drive or UNC), a path with ``..``, a path that resolves
        outside the folder (e.g. through a symlink), anything but a regular file (folder, device,
        FIFO), a missing file, a file over ``max_bytes``, and content that is not one of the four
        image types. SVG is refused: it can carry scripts and links, and sanitising it is not
        worth the risk for a logo.
    """
    name = os.fspath(path)
    if not isinstance(name, str) or not name.strip():
        return Problem(rel, "the image path is empty", "write the file name, e.g. logo: logo.png", field=field)

    def refuse(message: str, hint: str = "put the image in the engagement folder and write its name, "
                                          "e.g. logo: logo.png") -> Problem:
        return Problem(rel, message, hint, field=field)

    shown = repr(name)
    if "\x00" in name:
        return refuse(f"{shown} is not a file name")
    if PurePosixPath(name).is_absolute() or PureWindowsPath(name).is_absolute() or PureWindowsPath(name).drive \
            or name.startswith(("~", "\\")):
        return refuse(f"{shown} is an absolute path; only files inside the engagement folder are used")
    if ".." in PurePosixPath(name.replace("\\", "/")).parts:
        return refuse(f"{shown} points outside the engagement folder (..)")
    try:
        base = Path(folder).resolve(strict=True)
        target = (base / name).resolve(strict=True)
    except FileNotFoundError:
        return refuse(f"{shown} was not found in the engagement folder",
                      "check the file name (and its capitals), or remove the field")
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop on older Pythons
        return refuse(f"{shown} cannot be read ({getattr(exc, 'strerror', None) or exc})")
    if not target.is_relative_to(base):
        return refuse(f"{shown} is a link to a file outside the engagement folder",
                      "copy the image itself into the engagement folder instead of linking to it")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(target, flags)
    except OSError as exc:
        return refuse(f"{shown} cannot be read ({exc.strerror})")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            return refuse(f"{shown} is {what}, not an image file")
        if info.st_size > max_bytes:
            size = "over" if _mb(info.st_size) == _mb(max_bytes) else f"{_mb(info.st_size)}, over"
            return refuse(f"{shown} is {size} the {_mb(max_bytes)} limit for an image",
                          "save a smaller version (a logo needs no more than about 600 pixels wide)")
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        return refuse(f"{shown} cannot be read ({exc.strerror})")
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        return refuse(f"{shown} is over the {_mb(max_bytes)} limit for an image",
                      "save a smaller version (a logo needs no more than about 600 pixels wide)")
    mime = _mime(data[:16])
    if mime is not None:
        return data, mime
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<svg", b"<?xml", b"<!doctype svg")) or b"<svg" in data[:4096].lower():
        return refuse(f"{shown} is an SVG image, which is not accepted (it can carry scripts)",
                      "export the logo as PNG and name that file instead")
    return refuse(f"{shown} is not {_ACCEPTED} (its content is not an image, whatever its name)",
                  "export the logo as PNG and name that file instead")
