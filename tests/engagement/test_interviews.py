"""Reading interview files (interviews/*.yaml): clear problems, lenient spellings, safe new file names."""

from __future__ import annotations

from pathlib import Path

from helpers.engagement.interviews import (
    find_interviews,
    interview_path,
    read_interviews,
)
from tests.conftest import FIXTURES

GOOD = FIXTURES / "interviews/good"
BROKEN = FIXTURES / "interviews/broken"


def test_read_good_interviews() -> None:
    interviews, problems = read_interviews(GOOD)
    assert problems == []
    assert [iv.file for iv in interviews] == ["interviews/dana-whitfield.yaml", "interviews/marcus-oyelaran.yaml",
                                              "interviews/tom-reyes.yaml"]
    dana = interviews[0]
    assert (dana.team, dana.level, dana.influence, dana.date, dana.audience) == (
        "sales", "leader", "economic", "2026-09-14", "sales_leader")
    assert dana.answers[1].share is True and dana.answers[1].tags == ("pain", "quote")
    assert dana.answers[4].question == "custom_1" and dana.answers[4].text == "Who in marketing do you trust most?"
    assert dana.answers[5].skipped is True
    assert interviews[2].audience == "salesperson"  # no audience given: from team and level


def test_no_interviews_folder_is_not_a_problem(tmp_path: Path) -> None:
    assert read_interviews(tmp_path) == ([], [])


def test_broken_interviews_give_clear_problems() -> None:
    interviews, problems = read_interviews(BROKEN)
    assert [iv.file for iv in interviews] == ["interviews/warnings-only.yaml"]
    shown = [str(p) for p in problems if p.is_error]
    expected = [
        "interviews/bad-fields.yaml:2: team: unknown team 'finance'; use one of: sales, marketing, executive, other",
        "interviews/bad-fields.yaml:4: level: unknown level 'boss'",
        "interviews/bad-fields.yaml:5: influence: unknown buying-influence role 'champion'",
        "interviews/bad-fields.yaml:6: date: date '14/09/2026' is not a date; write it as YYYY-MM-DD",
        "interviews/bad-fields.yaml:11: answers[1].tags: unknown tag 'gripe'; use only: pain, implication, need, quote",
        "interviews/bad-fields.yaml:12: answers[1].share: share must be true or false, not 'yes please'",
        "interviews/bad-fields.yaml:13: answers[2].question: unknown question id 'sl_zz_99'",
        "interviews/bad-fields.yaml:15: answers[3].text: custom_1 is your own question but has no text",
        "interviews/bad-yaml.yaml:5: YAML syntax error",
        "interviews/empty.yaml: the file is empty",
        "interviews/not-a-list.yaml:1: interviewee: the interviewee's name is missing",
        "interviews/not-a-list.yaml:3: answers: answers must be a list",
    ]
    for start in expected:
        assert any(s.startswith(start) for s in shown), start
    assert len(shown) == len(expected)
    assert all(p.hint for p in problems)


def test_typos_are_warnings_and_never_share() -> None:
    _, problems = read_interviews(BROKEN)
    warnings = [str(p) for p in problems if not p.is_error]
    assert any("answers[4].shared: unknown key 'shared' is ignored" in w for w in warnings)
    assert any("internal_note: unknown field 'internal_note'" in w for w in warnings)
    assert any("question old_q_7 is not in the question bank" in w for w in warnings)
    assert any("question mk_p_01 appears twice" in w for w in warnings)


def test_lenient_spellings_are_normalised() -> None:
    interviews, _ = read_interviews(BROKEN)
    sam = interviews[0]
    assert (sam.team, sam.level, sam.influence, sam.audience) == ("marketing", "staff", "economic", "marketer")


def test_demo_interviews_load_cleanly() -> None:
    demo = Path(__file__).resolve().parents[2] / "templates" / "demo"
    for folder in sorted(p for p in demo.iterdir() if (p / "interviews").is_dir()):
        interviews, problems = read_interviews(folder)
        assert [p for p in problems if p.is_error] == [], folder.name


def test_bare_yes_is_an_answer_not_a_boolean(tmp_path: Path) -> None:
    (tmp_path / "interviews").mkdir()
    (tmp_path / "interviews" / "a.yaml").write_text(
        "interviewee: A\nteam: sales\nanswers:\n  - question: sp_p_02\n    answer: yes\n    share: true\n",
        encoding="utf-8")
    (tmp_path / "interviews" / "b.yaml").write_text("- just a list\n", encoding="utf-8")
    interviews, problems = read_interviews(tmp_path)
    assert interviews[0].answers[0].answer == "Yes"
    assert [str(p) for p in problems] == [
        "interviews/b.yaml: does not hold interview fields; start with `interviewee: <name>` and `team: sales`, "
        "one field per line"]


def test_interview_path_resumes_and_never_reuses_a_name(tmp_path: Path) -> None:
    first = interview_path(tmp_path, "Dana Whitfield")
    assert first == tmp_path / "interviews" / "dana-whitfield.yaml" and not first.exists()
    first.parent.mkdir()
    first.write_text("interviewee: Dana Whitfield\nteam: sales\n", encoding="utf-8")
    assert interview_path(tmp_path, "Dana Whitfield") == first  # resume
    second = interview_path(tmp_path, "Dana Whitfield", new=True)
    assert second.name == "dana-whitfield-2.yaml"
    second.write_text("interviewee: Dana Whitfield\nteam: marketing\n", encoding="utf-8")
    assert interview_path(tmp_path, "Dana Whitfield", new=True).name == "dana-whitfield-3.yaml"
    assert interview_path(tmp_path, "dana-whitfield-2") == second  # open a given file by its name
    assert find_interviews(tmp_path, "dana whitfield") == [first, second]
    # a different person whose name slugs the same is not mistaken for Dana
    assert interview_path(tmp_path, "Dana-Whitfield").name == "dana-whitfield-3.yaml"
    assert interview_path(tmp_path, "Dána Whitfield").name == "dana-whitfield-3.yaml"
