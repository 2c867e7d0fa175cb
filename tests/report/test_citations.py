"""Every citation of the lead-response studies credits each finding to the study that made it.

Oldroyd, McElheran & Elkington (HBR 2011) report two studies: an audit of 2,241 US firms
(response times) and a separate study of 1.25 million leads at 42 firms (the "seven times as
likely to qualify" result). A client's VP Sales who knows the article must not find them mixed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*ROOT.glob("templates/report/*.j2"), ROOT / "templates" / "playbook.yaml", ROOT / "README.md"])
SEVEN = re.compile(r"seven times|7 times|7×|sixty times|60 times", re.I)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_seven_times_result_is_credited_to_the_lead_study_not_the_audit(path: Path) -> None:
    text = re.sub(r"\s+", " ", path.read_text(encoding="utf-8"))
    for match in SEVEN.finditer(text):
        before = text[max(0, match.start() - 300):match.start()]
        assert "1.25 million" in before, f"{path.name}: the study behind '{match.group()}' is not named: …{before[-160:]}"
        assert before.rfind("1.25 million") > before.rfind("2,241"), \
            f"{path.name}: '{match.group()}' reads as a result of the 2,241-firm audit: …{before[-160:]}"


def test_the_audit_is_cited_for_response_times() -> None:
    text = (ROOT / "templates" / "report" / "methodology.html.j2").read_text(encoding="utf-8")
    assert "2,241" in text and "37%" in text and "1.25 million" in text
