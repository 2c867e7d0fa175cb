"""Client text lands literally in every output: charts, chart alt text, portfolio CSV and HTML, the terminal.

Each test looks at what a user would see: the picture's text, the handout's HTML, the cell a
spreadsheet opens, the characters printed by ``workbook check``.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import nbformat
import numpy as np
import pytest

from helpers.charts.style import message_figure, new_figure
from helpers.cli import main
from tests.conftest import html_tags, survey_csv

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "engagements"
DOLLARS = ["Promo $5% vs $10%", "Pay $5 or $10"]
HOSTILE_LABEL = '"><a href="http://evil.example" style="position:fixed;inset:0">Click</a><img alt="'
FORMULA = '=HYPERLINK("http://x","y")'




def png(fig) -> np.ndarray:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png")  # raises for text read as broken mathtext
    buf.seek(0)
    return plt.imread(buf)


# --------------------------------------------------------------------------------------------
# Charts: a dollar sign is a dollar sign
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", DOLLARS)
def test_dollar_text_is_drawn_literally_everywhere_in_a_chart(text: str) -> None:
    fig = new_figure(4, 3)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], label=text)
    ax.set_title(text)
    ax.set_xlabel(text)
    ax.set_xticks([0, 1], [text, text])
    ax.annotate(text, (0.5, 0.5))
    ax.legend()
    fig.suptitle(text)
    png(fig)
    texts = [ax.title, ax.xaxis.label, fig._suptitle, ax.texts[0], *ax.get_xticklabels(),
             *ax.get_legend().get_texts()]
    assert [t.get_text() for t in texts] == [text] * len(texts)
    assert not any(t.get_parse_math() for t in texts)


def test_dollars_are_not_typeset_as_math() -> None:
    def drawn(parse_math: bool | None) -> np.ndarray:
        fig = new_figure(3, 0.6)
        ax = fig.add_subplot()
        ax.axis("off")
        kwargs = {} if parse_math is None else {"parse_math": parse_math}
        ax.text(0, 0.5, "Pay $5 or $10", **kwargs)
        return png(fig)

    assert np.array_equal(drawn(None), drawn(False))  # the charts' default: literal text
    assert not np.array_equal(drawn(None), drawn(True))  # mathtext would draw "Pay 5or10"
    png(message_figure("Promo $5% vs $10%: nothing to draw"))


# --------------------------------------------------------------------------------------------
# Alt text of charts in the handout
# --------------------------------------------------------------------------------------------


def _section_outputs(fig) -> list[nbformat.NotebookNode]:
    """The outputs a report section with ``fig`` displays in the kernel, as the notebook stores them."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    from helpers.report.section import Section

    InteractiveShell.instance()
    with capture_output() as captured:
        Section("Customer journey", "journey", [fig])._ipython_display_()
    return [nbformat.v4.new_output("display_data", data=o.data, metadata=o.metadata) for o in captured.outputs]


def test_a_journey_label_in_chart_alt_text_stays_text_in_the_handout() -> None:
    from helpers.render.handout import export_html, handout_notebook
    from helpers.report.section import Section

    fig = new_figure(3, 2)
    fig.add_subplot().plot([0, 1])
    fig.set_label(f"Customer journey map, {HOSTILE_LABEL}: stages")  # how the journey chart names itself
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("report.journey(R)", metadata={"tags": ["section"]})
    cell.outputs = _section_outputs(fig)
    nb.cells = [cell]
    page = export_html(handout_notebook(nb, {"client": "Acme", "consultant": "", "date": "", "logo": None,
                                             "toc": []}))
    images = [attrs for tag, attrs in html_tags(page) if tag == "img"]
    assert [a["alt"] for a in images] == [f"Customer journey map, {HOSTILE_LABEL}: stages"]
    assert not [a for tag, a in html_tags(page) if tag == "a" and "evil" in str(a.get("href"))]
    fragment = Section("Customer journey", "journey", [fig]).html()  # the same chart as an HTML string
    assert [a["alt"] for tag, a in html_tags(fragment) if tag == "img"] == [f"Customer journey map, {HOSTILE_LABEL}: stages"]
    assert not [a for tag, a in html_tags(fragment) if tag == "a"]


def test_client_text_in_an_svg_chart_is_escaped_text_and_never_markup() -> None:
    """Charts are SVG with text kept as text: a client string is XML-escaped, literal, and in an image."""
    import base64
    import xml.etree.ElementTree as ET

    from helpers.report.section import Section, figure_svg

    hostile = "<script>alert(1)</script> Smith & Jones $5 or $10 \\alpha"
    fig = new_figure(4, 2)
    ax = fig.add_subplot()
    ax.set_title(hostile)
    ax.bar([hostile], [1])
    svg = figure_svg(fig)
    assert "<script" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt;" in svg and "Smith &amp; Jones" in svg
    texts = ["".join(t.itertext()) for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert hostile in texts  # the title, as typed: no mathtext, no glyph paths, nothing dropped
    fragment = Section("Scorecard", "scorecard", [fig]).html()
    images = [attrs for tag, attrs in html_tags(fragment) if tag == "img"]
    assert len(images) == 1 and images[0]["src"].startswith("data:image/svg+xml;base64,")
    assert "<script" not in fragment.replace(hostile, "")  # only the escaped alt text could hold it
    embedded = base64.b64decode(images[0]["src"].split(",", 1)[1]).decode("utf-8")
    assert embedded.startswith("<?xml") and "&lt;script&gt;" in embedded and "<script" not in embedded


# --------------------------------------------------------------------------------------------
# Portfolio roll-up
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def results_json() -> dict[str, object]:
    from helpers.engagement.load import load
    from helpers.results import compute, to_json

    eng, problems = load(FIXTURES / "small")
    assert eng is not None, problems
    return json.loads(to_json(compute(eng)))


def test_portfolio_cells_never_run_as_formulas_and_the_overview_shows_the_names(tmp_path: Path, results_json) -> None:
    from helpers.batch import write_portfolio
    from helpers.render.handout import RenderResult

    results = []
    for slug, client in (("formula", FORMULA), ("script", "<script>alert(1)</script>")):
        path = tmp_path / f"{slug}.json"
        path.write_text(json.dumps({**results_json, "client": client}), encoding="utf-8")
        results.append(RenderResult(slug, tmp_path / slug, True, outputs={"json": path}, client=client))
    results.append(RenderResult("broken", tmp_path / "broken", False, client="+cmd|' /C calc'!A0",
                                error="@SUM(1+1) is not a date"))
    csv_path, html_path = write_portfolio(results, tmp_path)
    with csv_path.open(encoding="utf-8", newline="") as fh:
        rows = {row["slug"]: row for row in csv.DictReader(fh)}
    assert rows["formula"]["client"] == "'" + FORMULA
    assert rows["broken"]["client"] == "'+cmd|' /C calc'!A0" and rows["broken"]["error"] == "'@SUM(1+1) is not a date"
    assert float(rows["formula"]["index"]) == results_json["index"]  # numbers stay numbers
    page = html_path.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "=HYPERLINK(&#34;http://x&#34;,&#34;y&#34;)" in page  # shown as typed, no apostrophe
    assert not [a for tag, a in html_tags(page) if tag in {"a", "script"}]


# --------------------------------------------------------------------------------------------
# Terminal
# --------------------------------------------------------------------------------------------


def test_check_prints_no_escape_sequences_from_client_files(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "acme\x1b[2J\x1b]0;pwned\x07"
    folder.mkdir()
    (folder / "engagement.yaml").write_text('client: "Acme \\e[31m"\nconsultant: P\ndate: 2026-10-01\n'
                                            "industry: X\n", encoding="utf-8")
    (folder / "survey.csv").write_text(survey_csv([("S1", "sales\x1b[1A", "staff", [3] * 24),
                                                   ("M1", "\x9b2Jmarketeers", "staff", [3] * 24)]),
                                       encoding="utf-8")
    code = main(["check", str(folder)])
    printed = capsys.readouterr()
    text = printed.out + printed.err
    assert code == 1
    assert "acme: NOT usable" in text
    assert not any(ch in text for ch in "\x1b\x07\x9b")
