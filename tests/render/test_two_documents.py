"""Two documents per engagement: what may leave the consultant's hands, and what may not.

Renders a copy of the Kessler demo (six stakeholders, a coach, red flags, excluded respondents)
and reads the four files as the client and as the consultant would.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from helpers.demo.generator import DEMO_ROOT
from helpers.render.handout import render_engagement

pytestmark = pytest.mark.slow


def _text(html: str) -> str:
    """What a reader sees: tags, embedded images and extra spaces removed."""
    html = re.sub(r"data:image/[^\"']+", "", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("two-docs")
    folder = root / "kessler"
    shutil.copytree(DEMO_ROOT / "kessler-fluid-systems", folder)
    # one interviewee agreed to be quoted by job title; everyone else is quoted by function
    consenting = sorted((folder / "interviews").glob("*.yaml"))[0]
    data = yaml.safe_load(consenting.read_text(encoding="utf-8"))
    data["named_by_title"] = True
    consenting.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    result = render_engagement(folder, root / "out")
    assert result.ok, result.error
    meta = yaml.safe_load((folder / "engagement.yaml").read_text(encoding="utf-8"))
    return {"out": root / "out", "slug": result.slug, "people": [p["name"] for p in meta["stakeholders"]],
            "consenting": data}


def _read(rendered: dict[str, object], kind: str) -> str:
    return (Path(str(rendered["out"])) / f"{rendered['slug']}.{kind}").read_text(encoding="utf-8")


def test_the_client_handout_names_nobody_and_holds_no_selling_strategy(rendered: dict[str, object]) -> None:
    client = _text(_read(rendered, "html"))
    for word in ("Stakeholder map", "Economic buyer", "Coach", "Red flags", "buying influence",
                 "For the consultant only", "Still to collect", "Miller Heiman"):
        assert word not in client, word
    assert "Confidential: prepared for Kessler Fluid Systems only." in client


def test_the_consultant_document_holds_the_map_and_says_it_is_not_for_the_client(rendered: dict[str, object]) -> None:
    consultant = _text(_read(rendered, "consultant.html"))
    for name in rendered["people"]:  # type: ignore[attr-defined]
        assert name in consultant
    for word in ("For the consultant only", "Stakeholder map", "Economic buyer", "Do not send to Kessler Fluid Systems"):
        assert word in consultant, word


def test_the_consultant_document_is_told_apart_by_its_title_footer_and_every_printed_page(
        rendered: dict[str, object], tmp_path: Path) -> None:
    """Its cover alone said so: a browser tab, a file's title or page 3 of a print-out looked like the client's."""
    client, consultant = _read(rendered, "html"), _read(rendered, "consultant.html")
    title = re.compile(r"<title>(.*?)</title>", re.S)
    assert title.findall(client) == ["Kessler Fluid Systems – Sales and Marketing alignment"]
    assert title.findall(consultant) == ["Kessler Fluid Systems – consultant's working document, not for the client"]
    footer = re.compile(r'<footer class="handout-footer">(.*?)</footer>', re.S)
    assert "not for the client" in _text(footer.findall(consultant)[0])
    assert "consultant" not in _text(footer.findall(client)[0]) and "not for the client" not in client
    from helpers.render.pdf import CHROMIUM, print_pdf

    if not CHROMIUM.is_file() or not shutil.which("pdftotext"):
        pytest.skip("Chromium or pdftotext is not installed on this machine")
    import subprocess

    pages = {}
    for kind in ("html", "consultant.html"):
        pdf = print_pdf(Path(str(rendered["out"])) / f"{rendered['slug']}.{kind}", tmp_path / f"{kind}.pdf")
        pages[kind] = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split("\f")
    printed = [p for p in pages["consultant.html"] if p.strip()]
    assert len(printed) > 3 and all("Consultant's working document: not for the client" in p for p in printed)
    assert not any("not for the client" in p for p in pages["html"])


def test_the_client_json_holds_no_names_ids_or_warnings(rendered: dict[str, object]) -> None:
    data = json.loads(_read(rendered, "json"))
    # people are named only as owners of the plan's actions (the client's own assignment of work)
    outside_plan = json.dumps({k: v for k, v in data.items() if k not in ("plan", "findings", "brief")})
    for name in rendered["people"]:  # type: ignore[attr-defined]
        assert name not in outside_plan
    assert data["discovery"]["stakeholders"] == [] and data["discovery"]["red_flags"] == []
    assert data["respondents"]["excluded"] == [] and data["warnings"] == []
    full = json.loads(_read(rendered, "consultant.json"))
    assert len(full["discovery"]["stakeholders"]) == len(rendered["people"])  # type: ignore[arg-type]
    assert full["warnings"] and full["discovery"]["red_flags"]
    # plays the engine left out for another stage or a target met: the consultant's reasoning only
    held = {h.get("held") for h in full["plan"]["not_shown"]}
    assert held - {"waiting"}, held
    assert all(h.get("held") == "waiting" for h in data["plan"]["not_shown"])
    assert "stage, not this client" not in json.dumps(data) and "engagement.yaml" not in json.dumps(data)
    # a number in a shared quote is put beside the export's counts for the consultant to check
    assert any("“412 badge scans”" in w and "The export (" in w for w in full["warnings"])
    # Luis Ortega has not seen his shared answers yet: with two sales interviewees they could be traced
    # to him, so they stay out of the handout and the consultant is told
    assert any(w.startswith("Quotes held back: 5 shared answers from Luis Ortega") for w in full["warnings"])
    luis = [a["answer"] for a in yaml.safe_load((DEMO_ROOT / "kessler-fluid-systems" / "interviews" / "luis-ortega.yaml")
                                                .read_text(encoding="utf-8"))["answers"] if a.get("share")]
    assert luis and not any(" ".join(a.split())[:40] in json.dumps(data) for a in luis)


def test_quotes_name_a_function_unless_the_person_agreed_to_their_title(rendered: dict[str, object]) -> None:
    data = json.loads(_read(rendered, "json"))
    quotes = [q for team in data["discovery"]["quotes"].values() for q in team]
    consenting = rendered["consenting"]
    titled = [q for q in quotes if q["role"]]
    assert titled and all(q["speaker"] == consenting["role"] for q in titled)  # type: ignore[index]
    others = [q for q in quotes if not q["role"]]
    assert others and {q["speaker"] for q in others} <= {"A sales leader", "A seller", "A marketing leader",
                                                          "A marketer", "A member of the leadership team",
                                                          "A colleague", "Someone in sales",
                                                          "Someone in marketing"}
    assert all(q["level"] is None for q in quotes)  # the client's copy does not say who was a leader


def test_every_image_in_both_documents_has_its_own_description(rendered: dict[str, object]) -> None:
    """The export skips nbconvert's re-parse that would add a generic alt text: the template must give each."""
    from tests.conftest import html_tags

    for kind in ("html", "consultant.html"):
        images = [attrs for tag, attrs in html_tags(_read(rendered, kind)) if tag == "img"]
        assert len(images) >= 5, kind
        alts = [str(a.get("alt") or "").strip() for a in images]
        assert all(alts), f"{kind}: an image without alt text"
        assert not [a for a in alts if "No description" in a], kind
