"""The project's promises about itself: dependencies in step, notebooks thin and clean."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _name(requirement: str) -> str:
    """'pandas>=2.2' -> 'pandas'; 'dask[distributed]' -> 'dask'."""
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_same_dependencies_as_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_side = {_name(r) for r in project["dependencies"]}
    for extra in project.get("optional-dependencies", {}).values():
        pip_side |= {_name(r) for r in extra}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "conda-forge" in env["channels"]
    conda_side = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    assert conda_side == pip_side, (
        f"only in pyproject.toml: {sorted(pip_side - conda_side)}; only in environment.yml: {sorted(conda_side - pip_side)}")
    python = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert python == ["python=3.11"], "environment.yml pins Python"
    pip_block = [d for d in env["dependencies"] if isinstance(d, dict)]
    assert pip_block and pip_block[0]["pip"][-1] == "-e .", "environment.yml ends by installing the project (-e .)"


def test_console_script_is_workbook() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["workbook"] == "helpers.cli:main"


def test_there_are_workflow_notebooks_numbered_by_step() -> None:
    names = [p.name for p in NOTEBOOKS]
    assert "05_client_report.ipynb" in names
    assert all(re.match(r"^\d\d_[a-z0-9_]+\.ipynb$", n) for n in names), names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
    assert not dirty, f"{path.name}: cells {dirty} have outputs; clear them before committing"
    assert "widgets" not in nb.metadata, f"{path.name} carries widget state in its metadata"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_starts_with_an_annotated_parameters_cell(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "code" and "parameters" in first.metadata.get("tags", []), \
        f"{path.name}: the first cell must be the code cell tagged 'parameters'"
    tree = ast.parse(first.source)
    assigned = [node for node in tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))]
    assert assigned and all(isinstance(node, ast.AnnAssign) for node in assigned), \
        f"{path.name}: every parameter needs a type annotation (`name: str = ...`)"
    assert assigned[0].target.id == "engagement", f"{path.name}: the first parameter is `engagement`"
    lines = [line for line in first.source.splitlines() if "=" in line]
    assert all("#" in line for line in lines), f"{path.name}: every parameter needs a `# what it is` comment"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_thin(path: Path) -> None:
    """Notebooks call helpers and display: no function or class definitions, no loops."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        heavy = [type(n).__name__ for n in ast.walk(tree)
                 if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.For, ast.While, ast.AsyncFunctionDef))]
        assert not heavy, f"{path.name}: logic belongs in helpers/, found {heavy} in:\n{cell.source}"


def test_the_package_type_checks() -> None:
    """`helpers` is typed: mypy (configured in pyproject.toml) finds no error."""
    from mypy import api

    stdout, stderr, status = api.run(["--config-file", str(ROOT / "pyproject.toml"), str(ROOT / "helpers")])
    assert status == 0, stdout + stderr
