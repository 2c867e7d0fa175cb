"""Loader of the bundled CRM column mappings (``templates/crm/<name>.yaml``)."""

from __future__ import annotations
from helpers import TEMPLATES
from helpers.fileio import read_yaml
from helpers.problems import Problem


CRM_DIR = TEMPLATES / "crm"


def load_crm(name: str) -> tuple[dict | None, list[Problem]]:
    """Load the bundled mapping ``templates/crm/<name>.yaml``.

    Parameters
    ----------
    name : str
        The ``crm:`` value of ``engagement.yaml`` (``hubspot``, ``salesforce``).

    Returns
    -------
    (mapping, problems)
        ``mapping`` has ``columns`` ({their column: our column}), ``date_formats`` (list of
        strptime formats) and optional ``statuses`` ({won|lost|rejected: [status texts]}).
    """
    path = CRM_DIR / f"{str(name).strip().lower()}.yaml"  # "HubSpot" as the consultant writes it
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in CRM_DIR.glob("*.yaml")))
        return None, [Problem("engagement.yaml", f"unknown CRM '{name}'",
                              f"use one of: {known}, or leave crm out and map columns yourself", field="crm")]
    data, problems = read_yaml(path, f"templates/crm/{name}.yaml")
    if data is None:
        return None, problems
    return data, []
