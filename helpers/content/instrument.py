"""Loader of the survey instrument (``templates/instrument.yaml``): statements, dimensions, answer scale.

Two versions of the file are read:

- **version 1** (no ``version`` key): ``scale`` (1-5 labels), ``dimensions`` and ``statements``
  (``id``, ``dimension``, ``text``, ``reverse``);
- **version 2** adds a "don't know / can't judge" answer (``scale.dont_know``, recognised and not
  scored), a client-facing ``scale_note``, ``stage_bands`` (which must agree with the bands the
  score uses), the twenty ``hbr_themes`` of Kotler, Rackham & Krishnaswamy (HBR 2006), behaviourally
  anchored ``stages`` for every dimension, per-statement ``hbr_theme`` / ``source`` / ``v1`` /
  ``split_from`` / ``dont_know_likely`` / ``dont_know_reason``, and the ``retired`` v1 statements.

The file is validated like client data: every problem at once, each a
:class:`~helpers.problems.Problem` naming the field and the fix; unknown keys are warnings.
:func:`shared_statements` pairs the statements a version-1 and a version-2 instrument share, the
only ones on which two survey waves on different versions may be compared.
"""

from __future__ import annotations
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from helpers import TEMPLATES
from helpers.fileio import read_yaml
from helpers.content.errors import cached_loader
from helpers.problems import Problem, warning
from helpers.vocabulary import DIMENSIONS, STAGE_BANDS, STAGES


INSTRUMENT = TEMPLATES / "instrument.yaml"
#: The version-1 instrument, kept so that surveys answered on it stay readable and scored as asked.
INSTRUMENT_V1 = TEMPLATES / "instrument_v1.yaml"

#: Instrument versions this loader reads (a file without ``version`` is version 1).
VERSIONS: tuple[int, ...] = (1, 2)
#: Stage ids as the file writes them (``undefined`` ... ``integrated``), lowest first.
STAGE_IDS: tuple[str, ...] = tuple(s.lower() for s in STAGES)
#: The lowest index value (every statement at 1 gives 20 on the 20-100 index).
INDEX_FLOOR = 20
#: Lower bound of each stage on the 20-100 index, as the scoring applies it (from ``STAGE_BANDS``).
STAGE_LOWER_BOUNDS: dict[str, int] = {
    name.lower(): int(lower) for lower, (_, name) in zip(
        (INDEX_FLOOR, *(bound for bound, _ in STAGE_BANDS[:-1])), STAGE_BANDS)}
#: ``hbr_theme`` of a statement that is not one of HBR's twenty themes (it then needs a ``source``).
EXTRA_THEME = "extra"
#: Why a v1 statement was retired.
RETIRE_REASONS: tuple[str, ...] = ("double_barrelled", "meaning_changed")
#: Further spellings of the "don't know" answer recognised when the instrument has one.
DONT_KNOW_SPELLINGS: tuple[str, ...] = ("Don't know", "Do not know", "Can't judge", "Cannot judge",
                                        "Can't say", "DK")

TOP_KEYS = ("version", "scale_note", "scale", "stage_bands", "dimensions", "hbr_themes", "stages",
            "statements", "retired")
STATEMENT_KEYS = ("id", "dimension", "text", "reverse", "hbr_theme", "source", "v1", "split_from",
                  "dont_know_likely", "dont_know_reason")
RETIRED_KEYS = ("id", "text", "reason", "note", "replaced_by")

_ID = re.compile(r"[a-z]+_\d+")
_THEME_ID = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Statement:
    """One survey statement.

    ``id`` (``<dimension>_<n>``), ``dimension``, ``text`` and ``reverse`` (agreeing is bad; rating r
    scores 6 - r) are in every version. Version 2 adds ``hbr_theme`` (a key of
    :attr:`Instrument.hbr_themes` or ``"extra"``), ``source`` (where an extra practice comes from),
    ``v1`` (the id of the identical version-1 statement: comparable across versions),
    ``split_from`` (the retired v1 statement this one was cut from: lineage only, not comparable),
    ``dont_know_likely`` (a high "don't know" count is expected) and ``dont_know_reason``.
    """

    id: str
    dimension: str
    text: str
    reverse: bool = False
    hbr_theme: str | None = None
    source: str = ""
    v1: str | None = None
    split_from: str | None = None
    dont_know_likely: bool = False
    dont_know_reason: str = ""


@dataclass(frozen=True)
class StageAnchors:
    """What one dimension looks like at each HBR 2006 stage: observable behaviour, client-facing text.

    The anchors illustrate a stage; the stage itself always comes from the index.
    """

    undefined: str
    defined: str
    aligned: str
    integrated: str

    def at(self, stage: str) -> str:
        """The description at ``stage`` (``"Aligned"`` or ``"aligned"``).

        Raises
        ------
        KeyError
            ``stage`` is not one of the four stages (a bug in the caller).
        """
        key = stage.lower()
        if key not in STAGE_IDS:
            raise KeyError(stage)
        return str(getattr(self, key))

    def next_after(self, stage: str) -> tuple[str, str] | None:
        """The stage above ``stage`` (its display name, e.g. ``"Aligned"``) and its description.

        None at Integrated. Not every company needs to move up: callers word it as an option.
        """
        i = STAGE_IDS.index(stage.lower())
        if i + 1 == len(STAGE_IDS):
            return None
        return STAGES[i + 1], self.at(STAGE_IDS[i + 1])


@dataclass(frozen=True)
class RetiredStatement:
    """A version-1 statement that version 2 no longer asks; its id is never reused.

    ``text`` is the exact v1 wording (an old export matched by text is still recognised),
    ``reason`` one of :data:`RETIRE_REASONS`, ``replaced_by`` the v2 ids that took over its job
    (lineage only: not comparable).
    """

    id: str
    text: str
    reason: str
    note: str = ""
    replaced_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Instrument:
    """The statements and the dimension labels (id -> label), in display order, plus version-2 content.

    ``dont_know`` is the label of the "don't know / can't judge" answer ("" when the instrument
    has none): such an answer is recognised (:meth:`is_dont_know`) and is never scored.
    ``stages`` maps a dimension id to its :class:`StageAnchors` (empty in a version-1 file
    without anchors); ``hbr_themes`` maps a theme id to its short label.
    """

    statements: tuple[Statement, ...]
    dimensions: dict[str, str] = field(hash=False)
    scale: dict[int, str] = field(default_factory=dict, hash=False, compare=False)
    version: int = 1
    dont_know: str = ""
    scale_note: str = ""
    hbr_themes: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    stages: dict[str, StageAnchors] = field(default_factory=dict, hash=False, compare=False)
    retired: tuple[RetiredStatement, ...] = ()

    @property
    def ids(self) -> list[str]:
        """Statement ids in instrument order."""
        return [s.id for s in self.statements]

    @property
    def dont_know_labels(self) -> tuple[str, ...]:
        """Answers read as "don't know": the instrument's own label and common spellings.

        Empty when the instrument has no "don't know" answer (every version-1 file), so such
        answers keep being read as before.
        """
        if not self.dont_know:
            return ()
        return tuple(dict.fromkeys((self.dont_know, *DONT_KNOW_SPELLINGS)))

    def is_dont_know(self, answer: object) -> bool:
        """Whether ``answer`` (as a respondent typed or clicked it) is the "don't know" answer.

        Case, accents, apostrophes, punctuation and spacing are ignored
        (``"DON’T KNOW / CAN’T JUDGE"`` matches ``"Don't know / can't judge"``).
        """
        return bool(self.dont_know) and _plain(answer) in {_plain(label) for label in self.dont_know_labels}

    def statement(self, statement_id: str) -> Statement | None:
        """The statement with ``statement_id``, or None."""
        return next((s for s in self.statements if s.id == statement_id), None)

    def retired_statement(self, key: str) -> RetiredStatement | None:
        """The retired statement whose id or exact v1 text (case and spacing aside) is ``key``, or None.

        Lets a reader recognise the column of an old (v1) export read against this instrument.
        """
        wanted = _plain(key)
        return next((r for r in self.retired if r.id == key or _plain(r.text) == wanted), None)


def _plain(text: object) -> str:
    """``text`` lower-cased without accents, apostrophes, punctuation or repeated spaces."""
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    s = re.sub(r"[\u2019']", "", s)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", s).split())


# ------------------------------------------------------------------------------------- reading
def read_instrument(path: Path | None = None) -> tuple[Instrument | None, list[Problem]]:
    """Read and validate an instrument file (version 1 or 2), reporting every mistake as a problem.

    Parameters
    ----------
    path : Path, optional
        Defaults to ``templates/instrument.yaml``.

    Returns
    -------
    (instrument, problems)
        ``instrument`` is None when there is an error; warnings (unknown keys, a dimension with
        no reverse-keyed statement or outside 3-4 statements in version 2) do not block.
    """
    path = Path(path) if path is not None else INSTRUMENT
    rel = path.name
    data, problems = read_yaml(path, rel)
    if data is None:
        return None, problems
    if not isinstance(data, dict) or not isinstance(data.get("statements"), list):
        return None, [Problem(rel, "needs a list 'statements'", "see templates/instrument.yaml")]
    version = _version(data.get("version", 1), rel, problems)
    dims = data.get("dimensions") or {d: d.title() for d in DIMENSIONS}
    if not isinstance(dims, dict):
        return None, [Problem(rel, "'dimensions' must map a dimension id to its label",
                              "write e.g. `goals: Shared goals`, one dimension per line", field="dimensions")]
    dims = {str(k): str(v) for k, v in dims.items()}
    scale, dont_know = _scale(data.get("scale"), rel, problems)
    scale_note = data.get("scale_note", "")
    if not isinstance(scale_note, str):
        problems.append(Problem(rel, "scale_note must be text", "write the note as one paragraph of text",
                                field="scale_note"))
        scale_note = ""
    _stage_bands(data.get("stage_bands"), rel, problems)
    themes = _themes(data.get("hbr_themes"), rel, problems)
    stages = _stages(data.get("stages"), dims, version, rel, problems)
    out: list[Statement] = []
    for n, item in enumerate(data["statements"], start=1):
        statement = _statement(item, n, dims, themes, version, rel, problems)
        if statement is not None:
            out.append(statement)
    retired = _retired(data.get("retired"), rel, problems)
    problems += _cross_checks(out, dims, themes, retired, version, rel)
    problems += [warning(rel, f"unknown key {key!r} is ignored", f"check the spelling; keys are: {', '.join(TOP_KEYS)}",
                         field=str(key)) for key in data if key not in TOP_KEYS]
    if any(p.is_error for p in problems):
        return None, problems
    order = {d: i for i, d in enumerate(dims)}
    return Instrument(tuple(sorted(out, key=lambda s: order[s.dimension])), dims, scale, version, dont_know,
                      scale_note.strip(), themes, stages, tuple(retired)), problems


def _version(raw: Any, rel: str, problems: list[Problem]) -> int:
    """The instrument version (1 when absent or unreadable, after reporting it)."""
    if isinstance(raw, int) and not isinstance(raw, bool) and raw in VERSIONS:
        return raw
    problems.append(Problem(rel, f"version {raw!r} is not one this workbook reads",
                            f"write version: {VERSIONS[-1]} (or leave it out for a version-1 file)",
                            field="version"))
    return 1


def _scale(raw: Any, rel: str, problems: list[Problem]) -> tuple[dict[int, str], str]:
    """The 1-5 labels and the "don't know" label ("" when absent)."""
    raw = raw or {}
    allowed = {"1", "2", "3", "4", "5", "dont_know"}
    if not isinstance(raw, dict) or any(str(k) not in allowed for k in raw):
        problems.append(Problem(rel, "'scale' must map the ratings 1-5 (and optionally dont_know) to their labels",
                                "write e.g. `4: Agree` and `dont_know: Don't know / can't judge`", field="scale"))
        return {}, ""
    dont_know = raw.get("dont_know", "")
    if not isinstance(dont_know, str) or ("dont_know" in raw and not dont_know.strip()):
        problems.append(Problem(rel, "the dont_know label must be text",
                                "write e.g. `dont_know: Don't know / can't judge`, or leave the key out",
                                field="scale.dont_know"))
        dont_know = ""
    return {int(k): str(v) for k, v in raw.items() if str(k) != "dont_know"}, dont_know.strip()


def _stage_bands(raw: Any, rel: str, problems: list[Problem]) -> None:
    """Check optional ``stage_bands`` against the bands the score uses (they are documentation)."""
    if raw is None:
        return
    wanted = ", ".join(f"{k}: {v}" for k, v in STAGE_LOWER_BOUNDS.items())
    if raw != STAGE_LOWER_BOUNDS:
        problems.append(Problem(rel, f"stage_bands {raw!r} disagree with the bands the score uses",
                                f"write {wanted} (the HBR 2006 bands), or leave stage_bands out",
                                field="stage_bands"))


def _themes(raw: Any, rel: str, problems: list[Problem]) -> dict[str, str]:
    """``hbr_themes``: theme id -> short label."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append(Problem(rel, "hbr_themes must map a theme id to its short label",
                                "write e.g. `forecast_accuracy: Sales forecasts are accurate`", field="hbr_themes"))
        return {}
    themes: dict[str, str] = {}
    for key, label in raw.items():
        where = f"hbr_themes.{key}"
        if not isinstance(key, str) or not _THEME_ID.fullmatch(key) or key == EXTRA_THEME:
            problems.append(Problem(rel, f"theme id {key!r} is not usable",
                                    f"use lower-case letters, digits and _ (and not {EXTRA_THEME!r})", field=where))
        elif not isinstance(label, str) or not label.strip():
            problems.append(Problem(rel, f"theme {key} has no label", "write a short label after the colon", field=where))
        else:
            themes[key] = label.strip()
    return themes


def _stages(raw: Any, dims: dict[str, str], version: int, rel: str,
            problems: list[Problem]) -> dict[str, StageAnchors]:
    """``stages``: dimension id -> the four stage descriptions (all required in version 2)."""
    four = ", ".join(STAGE_IDS)
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        problems.append(Problem(rel, "stages must map each dimension id to its four stage descriptions",
                                f"write `stages:`, then per dimension `goals:` with {four} under it", field="stages"))
        return {}
    for key in raw:
        if key not in dims:
            problems.append(Problem(rel, f"stages names the unknown dimension {key!r}",
                                    f"use one of {', '.join(dims)}", field=f"stages.{key}"))
    out: dict[str, StageAnchors] = {}
    for dim in dims:
        entry = raw.get(dim)
        where = f"stages.{dim}"
        if entry is None:
            if version >= 2:
                problems.append(Problem(rel, f"dimension {dim} has no stage descriptions",
                                        f"add `{dim}:` under `stages:` with what {four} look like in it",
                                        field=where))
            continue
        if not isinstance(entry, dict):
            problems.append(Problem(rel, f"the stage descriptions of {dim} must be a mapping",
                                    f"write {four}, each followed by a description", field=where))
            continue
        for key in entry:
            if key not in STAGE_IDS:
                problems.append(Problem(rel, f"{key!r} is not a stage", f"use {four}", field=f"{where}.{key}"))
        missing = [s for s in STAGE_IDS if not isinstance(entry.get(s), str) or not entry[s].strip()]
        for stage in missing:
            problems.append(Problem(rel, f"dimension {dim} has no description of the {stage} stage",
                                    f"describe what {stage} looks like in {dim} (observable behaviour)",
                                    field=f"{where}.{stage}"))
        if not missing:
            out[dim] = StageAnchors(*(entry[s].strip() for s in STAGE_IDS))
    return out


def _statement(item: Any, n: int, dims: dict[str, str], themes: dict[str, str], version: int, rel: str,
               problems: list[Problem]) -> Statement | None:
    """Validate one entry of ``statements`` (``n`` is its 1-based position)."""
    where = f"statements[{n}]"
    if not isinstance(item, dict):
        problems.append(Problem(rel, "is not a mapping with id, dimension, text, reverse",
                                "start the entry with `- id: <dimension>_<n>`", field=where))
        return None
    sid, dim, text, rev = item.get("id"), item.get("dimension"), item.get("text"), item.get("reverse", False)
    add = lambda key, msg, hint: problems.append(Problem(rel, msg, hint, field=f"{where}.{key}"))
    if not isinstance(sid, str) or not _ID.fullmatch(sid):
        add("id", f"id {sid!r} is not of the form <dimension>_<n>", "e.g. goals_4")
    elif sid.split("_")[0] != dim:
        add("id", f"id {sid} does not start with its dimension {dim!r}", f"rename it {dim}_<n> or fix the dimension")
    if dim not in dims:
        add("dimension", f"dimension {dim!r} is unknown", f"use one of {', '.join(dims)}")
    if not isinstance(text, str) or not text.strip():
        add("text", f"statement {sid} has no text", "write the statement under `text:`")
    if not isinstance(rev, bool):
        add("reverse", f"reverse of {sid} must be true or false",
            "write `reverse: true` when agreeing is bad, else `reverse: false`")
    theme = item.get("hbr_theme")
    if theme is None and version >= 2:
        add("hbr_theme", f"statement {sid} has no hbr_theme",
            f"name the HBR 2006 theme it asks about (a key of hbr_themes) or write `hbr_theme: {EXTRA_THEME}`")
    elif theme is not None and (not isinstance(theme, str) or (theme != EXTRA_THEME and theme not in themes)):
        add("hbr_theme", f"statement {sid}: hbr_theme {theme!r} is not one of hbr_themes",
            f"use one of {', '.join(themes) or '(none declared)'} or {EXTRA_THEME}, or declare it under hbr_themes")
    source = item.get("source", "")
    if not isinstance(source, str):
        add("source", f"the source of {sid} must be text", "write where the practice comes from")
        source = ""
    if theme == EXTRA_THEME and not source.strip():
        add("source", f"statement {sid} is an extra practice with no source",
            "write under `source:` the article or fact it rests on")
    v1, split = item.get("v1"), item.get("split_from")
    if v1 is not None and version < 2:
        problems.append(warning(rel, f"v1 of {sid} is ignored in a version-1 instrument",
                                "remove it, or write `version: 2` at the top", field=f"{where}.v1"))
        v1 = None
    if v1 is not None and v1 != sid:
        add("v1", f"statement {sid} names v1 statement {v1!r}; a statement that repeats a v1 statement keeps its id",
            f"give the statement the id {v1}, or remove v1 if the wording or meaning changed")
    if split is not None and not isinstance(split, str):
        add("split_from", f"split_from of {sid} must be the id of a retired statement", "write e.g. `split_from: goals_2`")
    if v1 is not None and split is not None:
        add("split_from", f"statement {sid} has both v1 and split_from",
            "v1 marks an unchanged statement, split_from a part of a retired one: keep the one that is true")
    flag = item.get("dont_know_likely", False)
    if not isinstance(flag, bool):
        add("dont_know_likely", f"dont_know_likely of {sid} must be true or false",
            "write `dont_know_likely: true` when many staff cannot judge the statement")
    reason = item.get("dont_know_reason", "")
    if not isinstance(reason, str):
        add("dont_know_reason", f"dont_know_reason of {sid} must be text", "write one sentence saying why")
        reason = ""
    for key in item:
        if key not in STATEMENT_KEYS:
            problems.append(warning(rel, f"unknown key {key!r} of {sid} is ignored",
                                    f"check the spelling; keys are: {', '.join(STATEMENT_KEYS)}", field=f"{where}.{key}"))
    return Statement(str(sid), str(dim), str(text or "").strip(), bool(rev),
                     theme if isinstance(theme, str) else None, source.strip(),
                     v1 if isinstance(v1, str) else None, split if isinstance(split, str) else None,
                     flag is True, reason.strip())


def _retired(raw: Any, rel: str, problems: list[Problem]) -> list[RetiredStatement]:
    """``retired``: v1 statements no longer asked."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(Problem(rel, "retired must be a list", "write one `- id: ...` entry per retired statement",
                                field="retired"))
        return []
    out: list[RetiredStatement] = []
    for n, item in enumerate(raw, start=1):
        where = f"retired[{n}]"
        if not isinstance(item, dict):
            problems.append(Problem(rel, "is not a mapping with id, text, reason",
                                    "start the entry with `- id: <the v1 id>`", field=where))
            continue
        rid, text, reason = item.get("id"), item.get("text"), item.get("reason")
        note, replaced = item.get("note", ""), item.get("replaced_by", [])
        add = lambda key, msg, hint: problems.append(Problem(rel, msg, hint, field=f"{where}.{key}"))
        if not isinstance(rid, str) or not _ID.fullmatch(rid):
            add("id", f"retired id {rid!r} is not of the form <dimension>_<n>", "copy the id of the v1 statement")
        if not isinstance(text, str) or not text.strip():
            add("text", f"retired statement {rid} has no text", "copy the exact v1 wording under `text:`")
        if reason not in RETIRE_REASONS:
            add("reason", f"retired statement {rid}: reason {reason!r} is not known", f"use {' or '.join(RETIRE_REASONS)}")
        if not isinstance(note, str):
            add("note", f"the note of retired statement {rid} must be text", "write one sentence")
            note = ""
        if isinstance(replaced, str):
            replaced = [replaced]
        if not isinstance(replaced, list) or not all(isinstance(r, str) for r in replaced):
            add("replaced_by", f"replaced_by of retired statement {rid} must be a list of statement ids",
                "write e.g. `replaced_by: [goals_5]`")
            replaced = []
        for key in item:
            if key not in RETIRED_KEYS:
                problems.append(warning(rel, f"unknown key {key!r} of retired statement {rid} is ignored",
                                        f"check the spelling; keys are: {', '.join(RETIRED_KEYS)}",
                                        field=f"{where}.{key}"))
        out.append(RetiredStatement(str(rid), str(text or "").strip(), str(reason),
                                    note.strip(), tuple(replaced)))
    return out


def _cross_checks(statements: list[Statement], dims: dict[str, str], themes: dict[str, str],
                  retired: list[RetiredStatement], version: int, rel: str) -> list[Problem]:
    """Rules between entries: unique ids, lineage that resolves, theme coverage, balance per dimension."""
    problems: list[Problem] = []
    ids = [s.id for s in statements]
    problems += [Problem(rel, f"statement id {sid} is used twice", "give each statement its own id", field="statements")
                 for sid in sorted({i for i in ids if ids.count(i) > 1})]
    problems += [Problem(rel, f"dimension {d} has no statement", "add one or remove the dimension",
                         field="dimensions") for d in dims if d not in {s.dimension for s in statements}]
    retired_ids = [r.id for r in retired]
    problems += [Problem(rel, f"retired id {rid} is listed twice", "keep one entry", field="retired")
                 for rid in sorted({i for i in retired_ids if retired_ids.count(i) > 1})]
    for rid in sorted(set(retired_ids) & set(ids)):
        problems.append(Problem(rel, f"statement id {rid} is retired and must not be used again",
                                "give the statement a new id (old exports matched by id would land on it)",
                                field="statements"))
    for r in retired:
        for target in r.replaced_by:
            if target not in ids:
                problems.append(Problem(rel, f"retired statement {r.id} is replaced by {target!r}, which is not a statement",
                                        "name ids from `statements:`", field=f"retired.{r.id}.replaced_by"))
    for s in statements:
        if s.split_from is not None and s.split_from not in retired_ids:
            problems.append(Problem(rel, f"statement {s.id} is split from {s.split_from!r}, which is not retired",
                                    "list the v1 statement under `retired:` or fix split_from",
                                    field=f"statements.{s.id}.split_from"))
    if version < 2:
        return problems
    used = {s.hbr_theme for s in statements}
    problems += [Problem(rel, f"HBR theme {t} ({label}) has no statement",
                         "add a statement with this hbr_theme, or remove the theme", field=f"hbr_themes.{t}")
                 for t, label in themes.items() if t not in used]
    for d in dims:
        mine = [s for s in statements if s.dimension == d]
        if mine and not 3 <= len(mine) <= 4:
            problems.append(warning(rel, f"dimension {d} has {len(mine)} statements; the instrument is built for 3-4",
                                    "fewer make the dimension score fragile, more lengthen the survey",
                                    field=f"dimensions.{d}"))
        if mine and not any(s.reverse for s in mine):
            problems.append(warning(rel, f"dimension {d} has no reverse-keyed statement",
                                    "add one where it reads naturally, so agreeing with everything shows up",
                                    field=f"dimensions.{d}"))
    return problems


# ------------------------------------------------------------------------------------- comparing versions
def shared_statements(a: Instrument, b: Instrument) -> list[tuple[str, str]]:
    """Statements two instruments share, as ``(id in a, id in b)`` pairs in ``a``'s order.

    Two waves surveyed on different instruments may be compared on these statements only.
    A pair is the same statement asked the same way: identical text, dimension and keying.
    Between versions the link is the newer statement's ``v1`` field (an id of the version-1
    statement it repeats); within one version it is the id. A linked statement whose wording
    or keying differs (e.g. a consultant edited the v1 template) is not shared. ``split_from``
    is lineage only and never makes a pair.

    Parameters
    ----------
    a, b : Instrument
        Either order; the pairs follow it.

    Returns
    -------
    list of (str, str)
    """
    same = lambda x, y: (x.text, x.dimension, x.reverse) == (y.text, y.dimension, y.reverse)
    in_b = {s.id: s for s in b.statements}
    if a.version == b.version:
        return [(s.id, s.id) for s in a.statements if s.id in in_b and same(s, in_b[s.id])]
    if a.version > b.version:
        return [(s.id, s.v1) for s in a.statements if s.v1 in in_b and same(s, in_b[s.v1])]
    newer_by_link = {s.v1: s for s in b.statements if s.v1 is not None}
    return [(s.id, newer_by_link[s.id].id) for s in a.statements
            if s.id in newer_by_link and same(s, newer_by_link[s.id])]


def restricted(instrument: Instrument, ids: list[str]) -> Instrument:
    """``instrument`` asking only the statements ``ids`` (its order kept; dimensions unchanged).

    Used to score two waves surveyed on different versions on the statements they share.
    """
    wanted = set(ids)
    return replace(instrument, statements=tuple(s for s in instrument.statements if s.id in wanted))


def earlier_instrument(current: Instrument) -> Instrument | None:
    """The version-1 instrument when ``current`` is a later version, else None.

    A survey whose columns fit version 1 better than ``current`` (an export of a wave surveyed
    before the switch) is read and scored on version 1, every statement as it was asked.
    """
    if current.version <= 1 or not INSTRUMENT_V1.is_file():
        return None
    return load_instrument(INSTRUMENT_V1)


#: The instrument (default ``templates/instrument.yaml``); raises
#: :class:`~helpers.content.errors.ContentInvalid` listing every problem of the file (use
#: :func:`read_instrument` to get them as values).
load_instrument = cached_loader(read_instrument, INSTRUMENT)
