"""Engagements whose folder names give the same slug, rendered in one parallel batch.

Before, ``Acme GmbH (Zürich)``, ``acme-gmbh-zurich`` and ``ACME GmbH Zurich`` all wrote
``OUT/acme-gmbh-zurich.*``: a handout carried one client's cover over another client's figures
and the batch still reported every handout written. Now each gets its own files, and each
handout's cover and body come from the same engagement.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from helpers.batch import run_batch
from helpers.formatting import format_number
from helpers.render.outputs import read_manifest, verify
from tests.conftest import survey_csv

pytestmark = pytest.mark.slow  # renders notebooks with papermill

NAMES = {"Acme GmbH (Zürich)": "Acme Zürich AG", "acme-gmbh-zurich": "Acme Lausanne SA",
         "ACME GmbH Zurich": "ACME Holding", "!!!": "Exclamation Ltd", "???": "Question Ltd"}


def _engagement(folder: Path, client: str, k: int) -> None:
    folder.mkdir(parents=True)
    (folder / "engagement.yaml").write_text(textwrap.dedent(f"""\
        client: {json.dumps(client, ensure_ascii=False)}
        consultant: Priya Raman
        date: 2026-10-0{k + 1}
        industry: B2B software
        """), encoding="utf-8")
    rows = [(f"S{i}", "sales", "staff", [1 + (k + i + j) % 5 for j in range(24)]) for i in range(6)]
    rows += [(f"M{i}", "marketing", "staff", [1 + (2 * k + i + j + 2) % 5 for j in range(24)]) for i in range(6)]
    (folder / "survey.csv").write_text(survey_csv(rows), encoding="utf-8")


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    from helpers.engagement.load import load
    from helpers.results import compute

    root = tmp_path_factory.mktemp("colliding")
    expected = {}
    for k, (name, client) in enumerate(NAMES.items()):
        _engagement(root / "in" / name, client, k)
        eng, problems = load(root / "in" / name)
        assert eng is not None, problems
        expected[client] = compute(eng)["index"]
    assert len(set(expected.values())) == len(expected)  # the body tells the engagements apart
    summary = run_batch([root / "in" / n for n in NAMES], root / "out", jobs=2, progress=False)
    return {"summary": summary, "out": root / "out", "expected": expected, "root": root / "in"}


def test_every_engagement_gets_its_own_files(batch) -> None:
    summary, out = batch["summary"], batch["out"]
    assert not summary.failed, [(r.slug, r.error) for r in summary.failed]
    slugs = [r.slug for r in summary.results]
    assert len(set(slugs)) == len(NAMES)
    assert all(re.fullmatch(r"(acme-gmbh-zurich|engagement)-[0-9a-f]{8}", s) for s in slugs), slugs
    assert len(summary.written) == len(NAMES)
    client_pages = [p for p in out.glob("*.html") if not p.name.endswith(".consultant.html")]
    assert len(client_pages) == len(NAMES) + 1  # and portfolio.html
    assert len(list(out.glob("*.consultant.html"))) == len(NAMES)  # each consultant's copy beside its handout
    for result in summary.results:
        assert verify(out, result.slug, result.folder) is None
        assert read_manifest(out, result.slug)["folder"] == result.folder.name  # type: ignore[index]
        assert "written as" in (result.note or "")


def test_each_handouts_cover_and_body_come_from_one_engagement(batch) -> None:
    out, expected, root = batch["out"], batch["expected"], batch["root"]
    seen = set()
    for result in batch["summary"].results:
        page = (out / f"{result.slug}.html").read_text(encoding="utf-8")
        cover = re.search(r'<h1 class="cover-client">(.*?)</h1>', page).group(1)  # type: ignore[union-attr]
        client = NAMES[result.folder.name]
        assert cover == client  # the folder this set was made from
        data = json.loads((out / f"{result.slug}.json").read_text(encoding="utf-8"))
        assert data["client"] == client and data["index"] == expected[client]
        body = re.findall(r"index\s+of <strong>([^<]+)</strong> on a scale of 20 to 100", page)  # the summary's sentence
        assert body == [format_number(expected[client])]
        assert result.folder.parent == root
        seen.add(cover)
    assert seen == set(NAMES.values())
