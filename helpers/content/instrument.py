"""Loader of the survey instrument (``templates/instrument.yaml``): statements, dimensions, answer scale."""

from __future__ import annotations
import re
from dataclasses import dataclass, field
from pathlib import Path
from helpers import TEMPLATES
from helpers.fileio import read_yaml
from helpers.content.errors import cached_loader
from helpers.problems import Problem
from helpers.vocabulary import DIMENSIONS


INSTRUMENT = TEMPLATES / "instrument.yaml"


@dataclass(frozen=True)
class Statement:
    """One survey statement: ``id`` (``<dimension>_<n>``), ``dimension``, ``text``, ``reverse``."""

    id: str
    dimension: str
    text: str
    reverse: bool = False


@dataclass(frozen=True)
class Instrument:
    """The statements and the dimension labels (id -> label), in display order."""

    statements: tuple[Statement, ...]
    dimensions: dict[str, str] = field(hash=False)
    scale: dict[int, str] = field(default_factory=dict, hash=False, compare=False)

    @property
    def ids(self) -> list[str]:
        """Statement ids in instrument order."""
        return [s.id for s in self.statements]


def read_instrument(path: Path | None = None) -> tuple[Instrument | None, list[Problem]]:
    """Read and validate an instrument file, reporting every mistake as a problem.

    Parameters
    ----------
    path : Path, optional
        Defaults to ``templates/instrument.yaml``.

    Returns
    -------
    (instrument, problems)
        ``instrument`` is None when there is an error.
    """
    path = Path(path) if path is not None else INSTRUMENT
    rel = path.name
    data, problems = read_yaml(path, rel)
    if data is None:
        return None, problems
    if not isinstance(data, dict) or not isinstance(data.get("statements"), list):
        return None, [Problem(rel, "needs a list 'statements'", "see templates/instrument.yaml")]
    dims = data.get("dimensions") or {d: d.title() for d in DIMENSIONS}
    if not isinstance(dims, dict):
        return None, [Problem(rel, "'dimensions' must map a dimension id to its label",
                              field="dimensions")]
    dims = {str(k): str(v) for k, v in dims.items()}
    raw_scale = data.get("scale") or {}
    if not isinstance(raw_scale, dict) or any(str(k) not in {"1", "2", "3", "4", "5"} for k in raw_scale):
        problems.append(Problem(rel, "'scale' must map the ratings 1-5 to their labels", field="scale"))
        raw_scale = {}
    scale = {int(k): str(v) for k, v in raw_scale.items()}
    out: list[Statement] = []
    for n, item in enumerate(data["statements"], start=1):
        where = f"statements[{n}]"
        if not isinstance(item, dict):
            problems.append(Problem(rel, "is not a mapping with id, dimension, text, reverse", field=where))
            continue
        sid, dim, text, rev = (item.get("id"), item.get("dimension"), item.get("text"),
                               item.get("reverse", False))
        if not isinstance(sid, str) or not re.fullmatch(r"[a-z]+_\d+", sid):
            problems.append(Problem(rel, f"id {sid!r} is not of the form <dimension>_<n>",
                                    "e.g. goals_4", field=where))
        elif sid.split("_")[0] != dim:
            problems.append(Problem(rel, f"id {sid} does not start with its dimension {dim!r}",
                                    field=where))
        if dim not in dims:
            problems.append(Problem(rel, f"dimension {dim!r} is unknown",
                                    f"use one of {', '.join(dims)}", field=where))
        if not isinstance(text, str) or not text.strip():
            problems.append(Problem(rel, f"statement {sid} has no text", field=where))
        if not isinstance(rev, bool):
            problems.append(Problem(rel, f"reverse of {sid} must be true or false", field=where))
        out.append(Statement(str(sid), str(dim), str(text or "").strip(), bool(rev)))
    ids = [s.id for s in out]
    problems += [Problem(rel, f"statement id {sid} is used twice", "give each statement its own id")
                 for sid in sorted({i for i in ids if ids.count(i) > 1})]
    problems += [Problem(rel, f"dimension {d} has no statement", "add one or remove the dimension",
                         field="dimensions") for d in dims if d not in {s.dimension for s in out}]
    if problems:
        return None, problems
    order = {d: i for i, d in enumerate(dims)}
    return Instrument(tuple(sorted(out, key=lambda s: order[s.dimension])), dims, scale), []


#: The instrument (default ``templates/instrument.yaml``); raises
#: :class:`~helpers.content.errors.ContentInvalid` listing every problem of the file (use
#: :func:`read_instrument` to get them as values).
load_instrument = cached_loader(read_instrument, INSTRUMENT)
