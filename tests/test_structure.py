"""The package's tree shows the data flow: nothing imports upward, no circles, no private names across modules.

Reads every module of ``helpers/`` with :mod:`ast` (imports inside functions and under
``TYPE_CHECKING`` count too) and checks the import graph against the layers the README's
"How it is built" section draws.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "helpers"

#: Layers, bottom first. A module may import its own layer's package and anything below.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("helpers", "helpers.problems", "helpers.textsafe", "helpers.formatting", "helpers.vocabulary"),
    ("helpers.fileio",),
    ("helpers.content",),
    ("helpers.engagement",),
    ("helpers.analysis",),
    ("helpers.results",),
    ("helpers.charts",),
    ("helpers.report",),
    ("helpers.forms", "helpers.render"),
    ("helpers.batch", "helpers.demo"),
    ("helpers.cli",),
)


def _modules() -> dict[str, Path]:
    mods = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(parts)] = path
    return mods


MODULES = _modules()


def _group(module: str) -> tuple[int, str]:
    """(layer, group) of a module: the longest layer entry it falls under."""
    best = (-1, "")
    for rank, groups in enumerate(LAYERS):
        for group in groups:
            if (module == group or module.startswith(group + ".")) and len(group) > len(best[1]):
                best = (rank, group)
    assert best[0] >= 0, f"{module} is in no layer: add it to LAYERS and to the README"
    return best


def _imports(module: str, path: Path) -> list[tuple[str, list[str], int]]:
    """(target module, imported names, line) for every import of a helpers module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, [], node.lineno) for a in node.names if a.name.startswith("helpers")]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            if not base.startswith("helpers"):
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                if sub in MODULES:
                    found.append((sub, [], node.lineno))
                else:
                    found.append((base, [alias.name], node.lineno))
    return found


EDGES = {m: _imports(m, p) for m, p in MODULES.items()}


def test_every_module_sits_in_a_layer() -> None:
    for module in MODULES:
        _group(module)


def test_nothing_imports_up_the_flow() -> None:
    upward = []
    for module, imports in EDGES.items():
        rank, group = _group(module)
        for target, _, line in imports:
            t_rank, t_group = _group(target)
            if t_rank > rank or (t_rank == rank and t_group != group and rank > 0):
                upward.append(f"{MODULES[module].relative_to(ROOT.parent)}:{line} imports {target}")
    assert upward == []


def test_no_import_circles() -> None:
    graph = {m: {t for t, _, _ in imports if t in MODULES and t != m
                 and not (MODULES[m].name == "__init__.py" and t.startswith(m + "."))}
             for m, imports in EDGES.items()}
    circles = []

    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in graph[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    for module in graph:
        if module in reach(module):
            circles.append(module)
    assert circles == []


def test_no_private_name_crosses_modules() -> None:
    crossing = [f"{MODULES[m].relative_to(ROOT.parent)}:{line} imports {target}.{name}"
                for m, imports in EDGES.items() for target, names, line in imports for name in names
                if name.startswith("_") and not name.startswith("__") and target != m]
    assert crossing == []


@pytest.mark.parametrize("folder", sorted(p.name for p in ROOT.iterdir() if p.is_dir() and p.name != "__pycache__"))
def test_each_package_says_what_it_is_for(folder: str) -> None:
    doc = ast.get_docstring(ast.parse((ROOT / folder / "__init__.py").read_text(encoding="utf-8")))
    assert doc and len(doc.split()) >= 5, f"helpers/{folder}/__init__.py needs a docstring naming its role"


def test_the_batch_coordinator_loads_no_rendering_stack() -> None:
    """``workbook batch``'s own process hands out jobs and writes the portfolio; its workers render.

    Importing the batch module (and the CLI) must not load pandas' analysis, matplotlib, IPython,
    papermill or nbconvert: each costs the coordinator seconds of start-up that no report uses.
    """
    import subprocess
    import sys

    heavy = ["matplotlib", "IPython", "papermill", "nbconvert", "scipy", "helpers.results", "helpers.render.handout"]
    code = ("import sys, helpers.cli, helpers.batch; "
            f"print(','.join(m for m in {heavy!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "", f"loaded by the coordinator: {done.stdout.strip()}"


def test_a_whole_batch_run_leaves_pandas_and_the_readers_to_the_workers(tmp_path: Path) -> None:
    """Listing the engagement folders and writing the portfolio table need neither pandas nor the readers.

    Runs ``workbook batch`` on one demo engagement in a fresh interpreter and lists what its own
    process imported by the end: pandas alone costs the coordinator about a second of CPU.
    """
    import shutil
    import subprocess
    import sys

    root = tmp_path / "portfolio"
    shutil.copytree(ROOT.parent / "templates" / "demo" / "quillstack", root / "quillstack")
    heavy = ["pandas", "helpers.engagement.load", "helpers.fileio", "matplotlib", "scipy", "nbformat"]
    code = ("import sys; from helpers.cli import main; "
            f"code = main(['batch', {str(root)!r}, '--out', {str(tmp_path / 'out')!r}, '--quiet']); "
            f"print('LOADED', ','.join(m for m in {heavy!r} if m in sys.modules), code)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path)
    last = done.stdout.strip().splitlines()[-1]
    assert last == "LOADED  0", f"the batch failed or its coordinator loaded: {last}"
    assert (tmp_path / "out" / "portfolio.csv").read_text(encoding="utf-8").count("Quillstack") == 1
