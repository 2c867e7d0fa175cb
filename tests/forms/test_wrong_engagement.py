"""One behaviour for a wrong engagement path in every capture notebook: a short message, nothing created."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from helpers import TEMPLATES
from helpers.forms.common import engagement_problem
from helpers.forms.interview import open_form as open_interview
from helpers.forms.journey import funnel_preview, open_form as open_journey
from helpers.forms.plan_page import PlanPage
from helpers.forms.scorecard import ScorecardExplorer

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
DEMO = TEMPLATES / "demo"


def test_the_message_names_the_path_and_the_nearest_engagements(tmp_path) -> None:
    (tmp_path / "acme-2026").mkdir()
    (tmp_path / "acme-2026" / "engagement.yaml").write_text("client: Acme\n", encoding="utf-8")
    wrong = tmp_path / "acme-2062"
    text = engagement_problem(wrong)
    assert text is not None and f"No engagement folder at <code>{wrong}</code>" in text
    assert "acme-2026" in text and "Nothing was created" in text
    assert engagement_problem(tmp_path / "acme-2026") is None
    assert not wrong.exists()


def test_every_form_gives_the_same_message_and_creates_nothing(tmp_path) -> None:
    wrong = tmp_path / "kesler-fluid-systems"
    shown = [open_interview(wrong, "Dana Whitfield").value, open_journey(wrong).value,
             ScorecardExplorer(wrong).status(), PlanPage(wrong).summary().value]
    for text in shown:
        assert "No engagement folder at" in text and str(wrong) in text
    assert all("Did you mean" in t and "kessler-fluid-systems" in t for t in shown), "the bundled demo is nearest"
    assert "see the message about the engagement folder" in funnel_preview(wrong).value
    page = PlanPage(wrong)
    assert page.summary() is not None and page.form() is None and page.progress() is None, "shown once"
    assert not wrong.exists()


@pytest.mark.parametrize("name, params", [
    ("01_discovery_interview.ipynb", {"engagement": "../templates/demo/kesler-fluid-systems", "interviewee": "Dana"}),
    ("02_customer_journey.ipynb", {"engagement": "../templates/demo/kesler-fluid-systems"}),
    ("03_alignment_scorecard.ipynb", {"engagement": "../templates/demo/quilstack"}),
    ("04_action_plan.ipynb", {"engagement": "../templates/demo/hartwel-orme"}),
])
def test_each_notebook_runs_to_the_end_with_one_message_and_no_traceback(name, params) -> None:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = "\n".join(f"{k}: str = {v!r}" for k, v in params.items()) + "\nseed: int = 0\n"
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    text = json.dumps([o.get("data", {}) for o in outputs] + [o.get("text", "") for o in outputs])
    assert sum("No engagement folder at" in json.dumps(o) for o in outputs) == 1, text[:2000]
    assert "Did you mean" in text and Path(params["engagement"]).name[:4] in text
    assert not (NOTEBOOKS / params["engagement"]).exists()
