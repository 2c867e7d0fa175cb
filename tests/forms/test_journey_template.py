"""Nothing invented reaches the client: template stages stay marked and out of the handout; typing saves."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import yaml

from helpers.analysis.journey import summarize
from helpers.engagement.journey import read_journey
from helpers.forms.journey import open_form
from helpers.report.journey import journey as journey_section
from helpers.results import results_with


def saved(folder) -> dict:
    return yaml.safe_load((folder / "journey.yaml").read_text(encoding="utf-8"))


def test_untouched_template_stages_stay_marked_and_out_of_the_handout(tmp_path) -> None:
    form = open_form(tmp_path, live_preview=False)
    form.cells[(2, "kpi")].value = "Demos booked per week"  # one stage of "New customers" mapped
    data = saved(tmp_path)
    new, existing = data["journeys"]
    assert existing.get("template") is True and all(s.get("template") is True for s in existing["stages"])
    assert "template" not in new and [s.get("template", False) for s in new["stages"]] == [True, True, False, True]
    journey, problems = read_journey(tmp_path)
    assert journey is not None and not [p for p in problems if p.is_error]
    summary = summarize(journey)
    assert [(j["label"], [s["name"] for s in j["stages"]]) for j in summary["journeys"]] == [
        ("New customers", ["Evaluation"])]
    assert summary["stage_count"] == 1 and summary["handoffs"] == [] or all(
        h["to_name"] == "Evaluation" for h in summary["handoffs"])
    shown = journey_section(results_with(journey=summary)).html()
    assert "Existing customers" not in shown and "Qualified website visits per month" not in shown
    assert "Demos booked per week" in shown
    assert "Not mapped yet" in form.status.value and "Existing customers (the whole journey)" in form.status.value


def test_confirming_a_stage_as_it_stands_puts_it_in_the_handout(tmp_path) -> None:
    form = open_form(tmp_path, live_preview=False)
    form.stage_buttons[(0, "confirm")].click()
    data = saved(tmp_path)
    assert "template" not in data["journeys"][0]["stages"][0] and "template" not in data["journeys"][0]
    journey, _ = read_journey(tmp_path)
    assert journey is not None
    assert [s["name"] for j in summarize(journey)["journeys"] for s in j["stages"]] == ["Awareness"]


def test_a_file_without_markers_is_all_client_findings(tmp_path) -> None:
    (tmp_path / "journey.yaml").write_text(
        "journeys:\n  - id: new\n    label: New customers\n    stages:\n"
        "      - {id: a, name: Search, owner: marketing}\n      - {id: b, name: Call, owner: sales, handoff: true}\n",
        encoding="utf-8")
    journey, _ = read_journey(tmp_path)
    assert journey is not None and summarize(journey)["stage_count"] == 2


def test_typing_in_a_cell_is_saved_once_typing_pauses(tmp_path) -> None:
    async def type_kpi() -> tuple[bool, str, str]:
        form = open_form(tmp_path, live_preview=False)
        for n in range(1, 6):
            form.cells[(1, "kpi")].value = "MQLs per week"[: n * 3]  # keystrokes, no blur, no Enter
        waiting = not (tmp_path / "journey.yaml").exists()
        shown = form.status.value
        await asyncio.sleep(0.6)
        return waiting, shown, saved(tmp_path)["journeys"][0]["stages"][1]["kpi"]

    with ThreadPoolExecutor(1) as pool:  # its own loop, as a kernel has (the browser tests hold this thread's)
        waiting, shown, kpi = pool.submit(asyncio.run, type_kpi()).result()
    assert waiting and "saving\u2026" in shown
    assert kpi == "MQLs per week"
