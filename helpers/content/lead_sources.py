"""Who sourced a lead: CRM source values mapped to marketing, sales, partner or other.

The defaults are content (``templates/lead_sources.yaml``: HubSpot's "Original Source" values,
Salesforce's standard "Lead Source" picklist and a few common additions, in groups)::

    hubspot:
      ORGANIC_SEARCH: marketing
      Offline Sources: other
    salesforce:
      Partner Referral: partner

An engagement overrides or adds values with ``lead_sources: {Offline Sources: sales}`` in its
``engagement.yaml``; :func:`parse_lead_sources` validates both the same way. Values are matched
by :func:`source_key`: case, spaces, underscores and hyphens do not matter, so HubSpot's internal
``PAID_SEARCH`` and its display form "Paid Search" are one value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers import TEMPLATES
from helpers.content.errors import cached_loader
from helpers.fileio import read_yaml
from helpers.problems import Problem
from helpers.vocabulary import LEAD_SOURCE_KINDS

DEFAULT_LEAD_SOURCES = TEMPLATES / "lead_sources.yaml"
_SEPARATORS = re.compile(r"[\s_\-\u2013\u2014]+")


def source_key(value: Any) -> str:
    """The matching key of a source value: lower case, runs of spaces, ``_`` and ``-`` as one space.

    ``"ORGANIC_SEARCH"``, ``"Organic Search"`` and ``" organic-search "`` all give ``"organic search"``.
    """
    return _SEPARATORS.sub(" ", str(value).casefold()).strip()


@dataclass(frozen=True)
class LeadSourceMap:
    """Source values and who sourced the leads that carry them.

    Attributes
    ----------
    kinds : dict
        :func:`source_key` of a value -> ``marketing``, ``sales``, ``partner`` or ``other``.
    names : dict
        :func:`source_key` -> the value as first written (for messages and tables).
    own : frozenset of str
        Keys the engagement itself set (empty for the defaults), so a report can say which
        mappings the consultant chose.
    """

    kinds: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    own: frozenset[str] = frozenset()

    def kind_of(self, value: Any) -> str | None:
        """``marketing`` | ``sales`` | ``partner`` | ``other`` for a source value; None when it is not mapped."""
        if value is None:
            return None
        return self.kinds.get(source_key(value))

    def unmapped(self, values: Iterable[Any]) -> list[str]:
        """The distinct values (as given, first spelling kept, blanks skipped) that the map does not cover."""
        seen: dict[str, str] = {}
        for value in values:
            if value is None or (isinstance(value, float) and value != value):  # None or NaN
                continue
            key = source_key(value)
            if key and key not in self.kinds and key not in seen:
                seen[key] = str(value).strip()
        return list(seen.values())

    def overridden_by(self, other: LeadSourceMap) -> LeadSourceMap:
        """This map with ``other``'s values added or replacing; ``own`` becomes ``other``'s keys."""
        return LeadSourceMap(kinds={**self.kinds, **other.kinds}, names={**self.names, **other.names},
                             own=frozenset(other.kinds))


def parse_lead_sources(raw: Any, rel: str, where: str) -> tuple[LeadSourceMap, list[Problem]]:
    """Validate one ``{source value: kind}`` mapping.

    Parameters
    ----------
    raw : Any
        The mapping as YAML gives it.
    rel : str
        The file to name in problems.
    where : str
        The field path of the mapping (``lead_sources`` in engagement.yaml, ``salesforce`` in the
        template); a problem names ``<where>.<value>``.

    Returns
    -------
    (mapping, problems)
        Entries with an error are left out. Errors: not a mapping, a blank value, a kind that is
        not marketing, sales, partner or other, and two spellings of one value (e.g. ``PAID_SEARCH``
        and ``Paid Search``) with different kinds.
    """
    kinds_text = ", ".join(LEAD_SOURCE_KINDS)
    if raw is None:
        return LeadSourceMap(), []
    if not isinstance(raw, Mapping):
        return LeadSourceMap(), [Problem(rel, f"'{where}' must map source values to {kinds_text}",
                                         f"write e.g. `{where}:` then an indented `Offline Sources: sales`",
                                         field=where)]
    problems: list[Problem] = []
    kinds: dict[str, str] = {}
    names: dict[str, str] = {}
    for value, kind in raw.items():
        name = "" if value is None else str(value).strip()
        key = source_key(name)
        if not key:
            problems.append(Problem(rel, "a source value is blank", "write the value as the export shows it",
                                    field=where))
            continue
        spot = f"{where}.{name}"
        text = kind.strip().lower() if isinstance(kind, str) else None
        if text not in LEAD_SOURCE_KINDS:
            problems.append(Problem(rel, f"{kind!r} is not one of {kinds_text}",
                                    f"write e.g. `{name}: marketing`", field=spot))
            continue
        if key in kinds and kinds[key] != text:
            problems.append(Problem(rel, f"'{names[key]}' and '{name}' are the same value (case, spaces and "
                                         f"underscores do not count) but say {kinds[key]} and {text}",
                                    "keep one of the two lines", field=spot))
            continue
        kinds[key] = str(text)
        names.setdefault(key, name)
    return LeadSourceMap(kinds=kinds, names=names), problems


def read_lead_sources(path: Path | None = None) -> tuple[LeadSourceMap | None, list[Problem]]:
    """Read and validate the default mapping (``templates/lead_sources.yaml``).

    Parameters
    ----------
    path : Path, optional
        Defaults to ``templates/lead_sources.yaml``.

    Returns
    -------
    (mapping, problems)
        ``mapping`` is None when there is an error. The file maps group names (``hubspot``,
        ``salesforce``, ``common``) to ``{value: kind}`` mappings; one value (by
        :func:`source_key`) must not have two kinds anywhere in the file.
    """
    path = Path(path) if path is not None else DEFAULT_LEAD_SOURCES
    rel = f"templates/{path.name}" if path.resolve().parent == TEMPLATES.resolve() else path.name
    data, problems = read_yaml(path, rel)
    if data is None:
        return None, problems
    if not isinstance(data, dict):
        return None, [Problem(rel, "must map group names (hubspot, salesforce ...) to source values",
                              "see the comments at the top of templates/lead_sources.yaml")]
    merged = LeadSourceMap()
    group_of: dict[str, str] = {}
    for group, entries in data.items():
        found, issues = parse_lead_sources(entries, rel, str(group))
        problems += issues
        for key, kind in found.kinds.items():
            if key in merged.kinds and merged.kinds[key] != kind:
                problems.append(Problem(rel, f"'{found.names[key]}' is {kind} here but {merged.kinds[key]} "
                                             f"under {group_of[key]}", "keep one of the two lines",
                                        field=f"{group}.{found.names[key]}"))
        merged = LeadSourceMap(kinds={**found.kinds, **merged.kinds}, names={**found.names, **merged.names})
        group_of = {**{k: str(group) for k in found.kinds}, **group_of}
    if problems:
        return None, problems
    return merged, []


load_lead_sources = cached_loader(read_lead_sources, DEFAULT_LEAD_SOURCES)
