"""The one home of the notebook rules: numbered by step, parameterised, thin, committed clean.

Every workflow notebook in ``notebooks/`` is checked here (and nowhere else): a consultant opens
them in JupyterLab and ``workbook`` runs them with papermill, so each must start with a tagged,
annotated, commented parameters cell whose default engagement exists, hold no logic of its own
(logic belongs in ``helpers/``), and be committed without outputs or widget state.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from tests.conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

# The parameters papermill and `workbook` pass, in order, per notebook.
PARAMETERS = {
    "01_discovery_interview.ipynb": ["engagement", "interviewee"],
    "02_customer_journey.ipynb": ["engagement"],
    "03_alignment_scorecard.ipynb": ["engagement", "seed"],
    "04_action_plan.ipynb": ["engagement"],
    "05_client_report.ipynb": ["engagement", "results_json"],
}
MAX_CELL_LINES = 5  # a cell calls helpers and displays; anything longer is logic that belongs in helpers/


def _parameters_cell(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4).cells[0]


def test_the_workflow_notebooks_are_numbered_by_step() -> None:
    names = [p.name for p in NOTEBOOKS]
    assert names == sorted(PARAMETERS), f"notebooks/ holds {names}"
    assert all(re.match(r"^\d\d_[a-z0-9_]+\.ipynb$", n) for n in names), names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
    assert not dirty, f"{path.name}: cells {dirty} have outputs; clear them before committing"
    assert "widgets" not in nb.metadata, f"{path.name} carries widget state in its metadata"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_starts_with_an_annotated_parameters_cell(path: Path) -> None:
    first = _parameters_cell(path)
    assert first.cell_type == "code" and first.metadata.get("tags") == ["parameters"], \
        f"{path.name}: the first cell must be the code cell tagged 'parameters'"
    tree = ast.parse(first.source)
    assigned = [node for node in tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))]
    assert assigned and all(isinstance(node, ast.AnnAssign) for node in assigned), \
        f"{path.name}: every parameter needs a type annotation (`name: str = ...`)"
    names = [node.target.id for node in assigned if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)]
    assert names == PARAMETERS[path.name], f"{path.name}: parameters {names}"
    lines = [line for line in first.source.splitlines() if "=" in line]
    assert all("  # " in line for line in lines), f"{path.name}: every parameter needs a `# what it is` comment"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_default_engagement_is_a_bundled_demo(path: Path) -> None:
    """Opened as is, the notebook runs on a demo engagement shipped with the project."""
    source = _parameters_cell(path).source
    assert source.startswith('engagement: str = "../templates/demo/'), source.splitlines()[0]
    folder = (path.parent / source.split('"')[1]).resolve()
    assert folder.is_relative_to(ROOT / "templates" / "demo") and (folder / "engagement.yaml").is_file(), folder


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_thin(path: Path) -> None:
    """Notebooks call helpers and display: no function or class definitions, no loops, short cells."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        heavy = [type(n).__name__ for n in ast.walk(tree)
                 if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.For, ast.While, ast.AsyncFunctionDef))]
        assert not heavy, f"{path.name}: logic belongs in helpers/, found {heavy} in:\n{cell.source}"
        assert len(cell.source.splitlines()) <= MAX_CELL_LINES, \
            f"{path.name}: a cell of more than {MAX_CELL_LINES} lines is logic that belongs in helpers/:\n{cell.source}"
