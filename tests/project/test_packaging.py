"""Packaging: conda users (environment.yml) and pip users (pyproject.toml) get the same dependencies.

Each file is read on its own and turned into a set of ``(name, version constraint)`` pairs; the two
sets are compared. (The notebook rules live in tests/project/test_notebooks.py; mypy runs as its own
step of ``make test``.)
"""

from __future__ import annotations

import re
import tomllib

import yaml

from tests.conftest import ROOT

# Conda packages that are no project dependency: the interpreter and the installer of the project.
CONDA_ONLY = {"python", "pip"}


def _requirement(text: str) -> tuple[str, str]:
    """``'pandas>=2.2'`` -> ``('pandas', '>=2.2')``; ``'dask[distributed] >= 1'`` -> ``('dask', '>=1')``."""
    match = re.fullmatch(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(.*?)\s*", text)
    assert match, f"not a requirement: {text!r}"
    name, spec = match.groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def pip_requirements(pyproject_text: str) -> set[tuple[str, str]]:
    """Dependencies and every optional extra declared in a pyproject.toml."""
    project = tomllib.loads(pyproject_text)["project"]
    listed = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        listed += extra
    return {_requirement(r) for r in listed}


def conda_requirements(environment_text: str) -> set[tuple[str, str]]:
    """The conda packages of an environment.yml, without the interpreter and pip itself."""
    env = yaml.safe_load(environment_text)
    return {_requirement(d) for d in env["dependencies"] if isinstance(d, str)
            and _requirement(d)[0] not in CONDA_ONLY}


def test_environment_yml_lists_the_same_dependencies_and_versions_as_pyproject() -> None:
    pip_side = pip_requirements((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    conda_side = conda_requirements((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert len(pip_side) >= 20, sorted(pip_side)  # the whole list was read, not a fragment of it
    assert conda_side == pip_side, (
        f"only in pyproject.toml: {sorted(pip_side - conda_side)}; only in environment.yml: {sorted(conda_side - pip_side)}")


def test_a_version_drift_between_the_two_files_is_caught() -> None:
    """The comparison above sees a changed minimum version, not only a missing name."""
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert "  - pandas>=2.2\n" in text
    drifted = conda_requirements(text.replace("  - pandas>=2.2\n", "  - pandas>=2.0\n"))
    pip_side = pip_requirements((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pip_side - drifted == {("pandas", ">=2.2")} and drifted - pip_side == {("pandas", ">=2.0")}


def test_environment_yml_pins_python_and_installs_the_project() -> None:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert "conda-forge" in env["channels"]
    python = [d for d in env["dependencies"] if isinstance(d, str) and _requirement(d)[0] == "python"]
    assert python == ["python=3.11"], "environment.yml pins Python"
    pip_block = [d for d in env["dependencies"] if isinstance(d, dict)]
    assert pip_block and pip_block[0]["pip"][-1] == "-e .", "environment.yml ends by installing the project (-e .)"


def test_console_script_is_workbook() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["scripts"]["workbook"] == "helpers.cli:run"
