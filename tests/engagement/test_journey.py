"""Reading journey.yaml: the bundled template, a journey written by someone else, clear problems."""

from __future__ import annotations

from helpers.analysis.journey import summarize
from helpers.engagement.journey import load_template, read_journey
from helpers.fileio import atomic_write_yaml
from helpers.vocabulary import OWNERS
from tests.conftest import FIXTURES


def test_default_template_has_both_journeys():
    journey = load_template()
    assert [j.id for j in journey.journeys] == ["new", "existing"]
    assert [s.id for s in journey.journeys[0].stages] == ["awareness", "consideration", "evaluation", "purchase"]
    assert [s.id for s in journey.journeys[1].stages] == ["onboarding", "adoption", "expansion", "advocacy"]
    assert all(s.owner in OWNERS for j in journey.journeys for s in j.stages)


def test_no_journey_file_is_not_a_problem(tmp_path):
    assert read_journey(tmp_path) == (None, [])


def test_journey_written_by_someone_else():
    journey, problems = read_journey(FIXTURES / "journey" / "custom")
    assert journey is not None
    # the one owner change not marked as a hand-off is flagged for the consultant, with its line
    assert [(p.severity, p.field, p.row) for p in problems] == [("warning", "handoff", 62)]
    assert problems[0].message == ("journey 'existing', stage 'expansion': the owner changes from customer_success "
                                   "to sales but the stage is not marked as a hand-off")


def test_bad_journey_reports_every_problem_with_its_line():
    journey, problems = read_journey(FIXTURES / "journey/broken")
    assert journey is None
    found = {(p.field, p.row, p.severity) for p in problems}
    assert ("owner", 6, "error") in found            # marketting
    assert ("handoff", 10, "error") in found         # yes please
    assert ("emotion", 11, "error") in found         # 5
    assert ("evidence", 12, "error") in found        # guessed
    assert ("pain_points", 13, "error") in found     # a mapping, not a list
    assert ("kpis", 14, "warning") in found          # unknown key (typo of kpi)
    assert ("id", 15, "error") in found              # evaluation used twice
    text = "\n".join(map(str, problems))
    assert "journey.yaml:6: owner: journey 'new', stage 'awareness': unknown owner 'marketting'" in text
    assert "use one of: marketing, sales, shared, customer_success" in text
    assert "emotion 5 is outside -2..+2" in text
    # "Sales" in another case is accepted as sales: no problem for the last stage's owner
    assert not any(p.row == 16 for p in problems)


def test_structure_problems(tmp_path):
    atomic_write_yaml(tmp_path / "journey.yaml", {"stages": []})
    journey, problems = read_journey(tmp_path)
    assert journey is None and "journeys" in problems[0].message
    atomic_write_yaml(tmp_path / "journey.yaml", {"journeys": [{"id": "new", "stages": []}, "oops"]})
    journey, problems = read_journey(tmp_path)
    assert journey is None and len(problems) == 2
    (tmp_path / "journey.yaml").write_text("journeys:\n  - id: new\n   stages: [\n", encoding="utf-8")
    journey, problems = read_journey(tmp_path)
    assert journey is None and "YAML" in problems[0].message and problems[0].row


def test_round_trip_through_to_dict(tmp_path):
    journey = load_template()
    atomic_write_yaml(tmp_path / "journey.yaml", journey.to_dict())
    again, problems = read_journey(tmp_path)
    assert problems == [] and again == journey


def test_single_text_is_accepted_as_a_list(tmp_path):
    atomic_write_yaml(tmp_path / "journey.yaml", {"journeys": [{"id": "new", "stages": [
        {"id": "awareness", "owner": "marketing", "pain_points": "Nobody knows us", "emotion": None}]}]})
    journey, problems = read_journey(tmp_path)
    assert problems == []
    stage = journey.journeys[0].stages[0]
    assert stage.pain_points == ("Nobody knows us",) and stage.emotion is None and stage.name == "Awareness"
    s = summarize(journey)
    assert s["handoffs"] == [] and s["emotion_low"] is None and s["journeys"][0]["label"] == "New"
