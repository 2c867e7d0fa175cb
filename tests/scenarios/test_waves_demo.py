"""Before and after on the bundled demo whose engagement.yaml names a previous wave."""

from __future__ import annotations

import pytest

from helpers import TEMPLATES
from helpers.engagement.load import load
from helpers.report.progress import progress as progress_section
from helpers.results import compute

DEMO = TEMPLATES / "demo" / "hartwell-orme"


@pytest.fixture(scope="module")
def results() -> dict:
    if not (DEMO / "engagement.yaml").exists():
        pytest.skip("the two-wave demo is not bundled")
    eng, problems = load(DEMO)
    assert eng is not None, problems.report()
    return compute(eng)


def test_demo_second_wave_shows_the_change(results):
    prog = results["progress"]
    assert prog is not None
    assert prog["index"]["before"] is not None and prog["index"]["after"] == results["index"]
    assert prog["index"]["change"] == pytest.approx(prog["index"]["after"] - prog["index"]["before"], abs=0.05)
    assert len(prog["dimensions"]) == len(results["dimensions"])
    assert all(d["before"] is not None and d["after"] is not None for d in prog["dimensions"])
    assert len(prog["history"]) >= 2


def test_demo_previous_plan_is_followed_up(results):
    plays = {p["id"]: p for p in results["progress"]["plays"]}
    done = [p for p in plays.values() if p["done"]]
    assert done, "the first wave's plan.yaml marks plays done"
    assert all(p["verdict"] in {"target met", "improved", "worsened", "unchanged", "now measured", "not measured",
                                "measure moved, action not done"}
               for p in plays.values())
    assert not any(p["status"] == "rejected" for p in plays.values())
    assert not any(p["verdict"] in {"target met", "improved"} and not p["done"] for p in plays.values())
    measured = [p for p in done if p["signal"]]
    assert measured and all(p["before"] is not None and p["after"] is not None for p in measured)


def test_demo_progress_section_renders(results):
    html = progress_section(results).html()
    assert "Progress since the last wave" in html and "Each dimension, before and after" in html
    assert "The previous plan: what was done, and did it work?" in html
    assert "Slipped because" not in html and "No IT budget" not in html
