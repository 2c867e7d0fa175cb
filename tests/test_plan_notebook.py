"""notebooks/04_action_plan.ipynb: parameters cell, thin cells, committed without outputs."""

from __future__ import annotations

import json

from helpers import NOTEBOOKS, PROJECT_ROOT

NOTEBOOK = NOTEBOOKS / "04_action_plan.ipynb"


def test_notebook_shape():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    first = nb["cells"][0]
    assert first["metadata"].get("tags") == ["parameters"]
    source = "".join(first["source"])
    assert source.startswith('engagement: str = "../templates/demo/') and "  # " in source
    default = source.split('"')[1]
    assert (NOTEBOOKS / default / "engagement.yaml").resolve().is_relative_to(PROJECT_ROOT)
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
            assert len("".join(cell["source"]).splitlines()) <= 4, "notebook cells only call helpers"
