"""Question bank, interview files and their synthesis (helpers.discovery)."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from helpers.analysis import discovery
from helpers.vocabulary import AUDIENCES, SPIN_TYPES
from helpers.vocabulary import DIMENSIONS
from helpers.engagement.interviews import find_interviews, interview_path, read_interviews
from helpers.content.question_bank import load_questions, read_question_bank
from helpers.formatting import slugify
from helpers.analysis.discovery import synthesize

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "interviews_good"
BROKEN = FIXTURES / "interviews_broken"


def stakeholders(folder: Path) -> list[dict]:
    return yaml.safe_load((folder / "engagement.yaml").read_text(encoding="utf-8")).get("stakeholders") or []


# ------------------------------------------------------------------------------ question bank
def test_bank_has_every_audience_and_spin_type() -> None:
    bank, problems = read_question_bank()
    assert bank is not None and problems == []
    assert len(bank.questions) >= 60
    pairs = Counter((q.audience, q.spin) for q in bank.questions.values())
    for audience in AUDIENCES:
        for spin in SPIN_TYPES:
            assert pairs[(audience, spin)] >= 3, (audience, spin)
    assert {q.dimension for q in bank.questions.values()} == set(DIMENSIONS)
    assert "sl_p_02" in bank.questions  # the id used in the contract's example


def test_bank_holds_the_listening_questions_for_every_audience() -> None:
    bank = load_questions()
    for audience in AUDIENCES:
        listening = [q for q in bank.questions.values() if q.audience == audience and q.listening]
        texts = " ".join(q.text.lower() for q in listening)
        assert "frustrat" in texts, audience
        assert "two or three" in texts, audience
        assert "help" in texts, audience


def test_for_audience_is_in_spin_order() -> None:
    qs = load_questions().for_audience("marketer")
    order = [SPIN_TYPES.index(q.spin) for q in qs]
    assert order == sorted(order) and len(qs) >= 12


def test_broken_bank_reports_every_problem(tmp_path: Path) -> None:
    (tmp_path / "bank.yaml").write_text(
        "questions:\n"
        "  - {id: a_1, audience: sales_leader, spin: probing, dimension: goals, text: Why not}\n"
        "  - {id: a_1, audience: nobody, spin: problem, dimension: goals, text: Why not}\n"
        "  - {id: custom_3, audience: marketer, spin: problem, dimension: goals, text: Why not}\n", encoding="utf-8")
    bank, problems = read_question_bank(tmp_path / "bank.yaml")
    assert bank is None
    text = "\n".join(map(str, problems))
    assert "spin is missing or unknown ('probing')" in text
    assert "audience is missing or unknown ('nobody')" in text
    assert "custom_3 is reserved" in text


# ------------------------------------------------------------------------------ reading interviews
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
    demo = Path(__file__).resolve().parent.parent / "templates" / "demo"
    for folder in sorted(p for p in demo.iterdir() if (p / "interviews").is_dir()):
        interviews, problems = read_interviews(folder)
        assert [p for p in problems if p.is_error] == [], folder.name


# ------------------------------------------------------------------------------ file names
def test_slugify() -> None:
    assert slugify("Dana Whitfield") == "dana-whitfield"
    assert slugify("  José  O'Brien-Núñez ") == "jose-o-brien-nunez"
    assert slugify("***", "interview") == "interview"


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


# ------------------------------------------------------------------------------ synthesis
@pytest.fixture(scope="module")
def synthesis() -> dict:
    interviews, _ = read_interviews(GOOD)
    result = synthesize(interviews, stakeholders(GOOD))
    assert result is not None
    return result


def test_counts(synthesis: dict) -> None:
    assert synthesis["interviews"] == 3
    assert synthesis["teams"] == {"sales": 2, "marketing": 1, "executive": 0, "other": 0}
    assert synthesis["answered"] == 11  # the skipped and the empty answers do not count
    assert synthesis["shared"] == 6
    assert synthesis["by_spin"] == {"situation": 1, "problem": 6, "implication": 2, "need_payoff": 2}
    assert synthesis["by_dimension"]["handoff"] == {"situation": 0, "problem": 3, "implication": 2,
                                                    "need_payoff": 1, "total": 6}
    assert synthesis["by_dimension"]["culture"]["problem"] == 1  # the consultant's own question
    assert sum(row["total"] for row in synthesis["by_dimension"].values()) == 11
    assert synthesis["tags"]["pain"] == {"answers": 7, "interviews": 3, "share": 1.0}
    assert synthesis["tags"]["need"] == {"answers": 2, "interviews": 2, "share": 0.6667}
    assert synthesis["tags_by_team"]["sales"]["pain"] == 4


def test_pains_per_team(synthesis: dict) -> None:
    sales = synthesis["pains"]["sales"]
    assert sales[0] == {"dimension": "handoff", "label": "Lead hand-off", "answers": 3, "interviews": 2, "share": 1.0}
    assert [p["dimension"] for p in synthesis["pains"]["marketing"]] == ["handoff", "enablement"]
    assert synthesis["pain_dimensions"]["handoff"] == {"answers": 5, "interviews": 3, "share": 1.0, "sales": 3,
                                                       "marketing": 2, "executive": 0, "other": 0}


def test_only_shared_words_reach_the_output(synthesis: dict) -> None:
    dumped = json.dumps(synthesis)
    assert "students downloading a white paper" in dumped
    assert "UNSHARED-MARKER-7731" not in dumped  # unshared answer
    assert "NOTE-MARKER-4412" not in dumped  # internal notes
    assert "Seemed guarded" not in dumped and "new agency" not in dumped
    assert "I doubt sales opens" not in dumped and "no phone number" not in dumped
    assert "60 percent" not in dumped
    quotes = synthesis["quotes"]
    assert [q["question_id"] for q in quotes["sales"]] == ["sl_p_02", "custom_1", "sp_p_01"]
    assert [q["question_id"] for q in quotes["marketing"]] == ["ml_p_02"]
    assert quotes["sales"][0]["role"] == "VP Sales" and "Dana" not in json.dumps(quotes)
    assert [q["question_id"] for q in synthesis["implications"]] == ["ml_i_02"]
    assert [q["question_id"] for q in synthesis["needs"]] == ["sl_n_02"]


def test_stakeholder_map_and_red_flags(synthesis: dict) -> None:
    people = {p["name"]: p for p in synthesis["stakeholders"]}
    assert people["Helen Brandt"] == {"name": "Helen Brandt", "role": "CEO", "team": "executive",
                                      "influence": "economic", "interviewed": False, "listed": True}
    assert synthesis["roles"]["economic"] == {"people": ["Dana Whitfield", "Helen Brandt"],
                                              "interviewed": ["Dana Whitfield"]}
    assert synthesis["uncovered_roles"] == ["technical", "coach"]
    assert synthesis["economic_buyer_interviewed"] is True
    codes = [(f["code"], f["role"], f["person"]) for f in synthesis["red_flags"]]
    assert ("economic_not_interviewed", "economic", "Helen Brandt") in codes
    assert ("several_economic", "economic", None) in codes
    assert ("uncovered_role", "technical", None) in codes
    assert ("uncovered_role", "coach", None) in codes
    assert not any(c[0] == "team_not_interviewed" for c in codes)


def test_red_flags_for_new_players_and_missing_notes(tmp_path: Path) -> None:
    shutil.copytree(GOOD, tmp_path / "e")
    (tmp_path / "e" / "interviews" / "tom-reyes.yaml").unlink()
    interviews, _ = read_interviews(tmp_path / "e")
    people = [{"name": "Tom Reyes", "role": "AE", "team": "sales", "influence": "user", "interviewed": True},
              {"name": "Ivy Chen", "role": "CIO", "team": "executive", "influence": "technical", "interviewed": False}]
    result = synthesize(interviews, people)
    codes = {(f["code"], f["person"] or f["role"]) for f in result["red_flags"]}
    assert ("interview_missing", "Tom Reyes") in codes
    assert ("new_player", "Dana Whitfield") in codes and ("new_player", "Marcus Oyelaran") in codes
    assert ("role_not_interviewed", "technical") in codes
    assert result["economic_buyer_interviewed"] is True


def test_economic_buyer_not_interviewed_and_missing_team() -> None:
    people = [{"name": "Walter K", "role": "CEO", "team": "executive", "influence": "economic", "interviewed": False},
              {"name": "Ann Lee", "role": "CMO", "team": "marketing", "interviewed": False}]
    result = synthesize([], people)
    assert result["interviews"] == 0 and result["quotes"]["sales"] == []
    assert result["economic_buyer_interviewed"] is False
    codes = [(f["code"], f["person"]) for f in result["red_flags"]]
    assert ("economic_not_interviewed", "Walter K") in codes
    assert ("influence_unknown", "Ann Lee") in codes
    assert [f["message"] for f in result["red_flags"] if f["code"] == "team_not_interviewed"] == [
        "No one from sales has been interviewed yet: the sales view is missing.",
        "No one from marketing has been interviewed yet: the marketing view is missing."]


def test_nothing_to_synthesize() -> None:
    assert synthesize([], []) is None
    assert synthesize([], None) is None


def test_result_is_json_serialisable(synthesis: dict) -> None:
    assert json.loads(json.dumps(synthesis)) == synthesis


def test_analysis_is_pure() -> None:
    source = Path(discovery.__file__).read_text(encoding="utf-8")
    for forbidden in ("ipywidgets", "matplotlib", "print(", "helpers.report", "helpers.forms"):
        assert forbidden not in source


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
