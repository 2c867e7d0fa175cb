"""Loader of the bundled CRM column mappings (``templates/crm/<name>.yaml``)."""

from __future__ import annotations

import copy
from pathlib import Path

from helpers import TEMPLATES
from helpers.content.errors import cached_loader
from helpers.fileio import read_yaml
from helpers.problems import Problem


CRM_DIR = TEMPLATES / "crm"


def bundled_crms() -> list[str]:
    """Names of the bundled mappings (``hubspot``, ``salesforce``, ...), sorted."""
    return sorted(p.stem for p in CRM_DIR.glob("*.yaml"))


def load_crm(name: str) -> tuple[dict | None, list[Problem]]:
    """Load the bundled mapping ``templates/crm/<name>.yaml``.

    Parameters
    ----------
    name : str
        The ``crm:`` value of ``engagement.yaml`` (``hubspot``, ``salesforce``, ``pipedrive``,
        ``zoho``, ``dynamics``), or a name from :func:`bundled_crms`.

    Returns
    -------
    (mapping, problems)
        ``mapping`` has ``name`` (as shown to the consultant), ``columns`` ({their column: our
        column}), ``date_formats`` (list of strptime formats) and optional ``statuses``
        ({won|lost|rejected: [status texts]}).
    """
    key = str(name).strip().lower()  # "HubSpot" as the consultant writes it
    path = CRM_DIR / f"{key}.yaml"
    if key not in bundled_crms():  # a bundled name only: "../../other-client/engagement" is no mapping
        known = ", ".join(bundled_crms())
        return None, [Problem("engagement.yaml", f"unknown CRM '{name}'",
                              f"use one of: {known}, or leave crm out and map columns yourself", field="crm")]
    data, problems = _mappings.read(path)
    return (copy.deepcopy(data) if data is not None else None), problems  # the caller's own copy


def read_mapping_file(path: Path) -> tuple[dict | None, list[Problem]]:
    """The YAML of one mapping file (``templates/crm/<name>.yaml``), uncached; see :func:`load_crm`."""
    data, problems = read_yaml(path, f"templates/crm/{path.name}")
    if data is None:
        return None, problems
    return data, []


#: The mapping files, each read once per version of the file (:mod:`helpers.content.errors`).
_mappings = cached_loader(read_mapping_file, None)
