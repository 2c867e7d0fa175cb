"""The client's handout in a real browser: offline, no code, working contents, clean A4 print.

A demo engagement is rendered once per module with :func:`helpers.render.handout.render_engagement`;
every test opens the HTML file from disk in a fresh context where every request except the
file itself is aborted, and every attempt is recorded (the page's Content-Security-Policy is
bypassed so that a stray reference is attempted, and caught, instead of silently refused).
"""

from __future__ import annotations

from helpers.render.handout import render_engagement
import base64
import html
import json
import math
import os
import re
import subprocess
import unicodedata
from pathlib import Path
from typing import Any, Iterator

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # a developer without the dev extras; CI has them and must not skip
    if os.environ.get("CI", "").lower() == "true":
        raise
    pytest.skip("Playwright for Python is not installed: pip install -e '.[dev]'", allow_module_level=True)

PROJECT = Path(__file__).resolve().parents[2]
#: The richest demo: second wave (progress against the first), interviews, journey, funnel, plan.
DEMO = PROJECT / "templates" / "demo" / "hartwell-orme"
ARTIFACTS = PROJECT / "reports" / "test-artifacts"
PX_PER = {"px": 1.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0, "pt": 96 / 72, "pc": 16.0}
A4_PX = (210 * PX_PER["mm"], 297 * PX_PER["mm"])
#: Anything that shows or runs code, or a prompt.
CODE = (".jp-InputArea, .jp-InputPrompt, .jp-OutputPrompt, .jp-Cell-inputWrapper, .jp-CodeMirrorEditor, "
        ".cm-editor, .highlight, script")
PYTHON = re.compile(r"^\s*(import \w|from [\w.]+ import |def \w+\(|class \w+[(:]|report\.\w+\(|R = |print\()",
                    re.MULTILINE)
#: Pages the print layout needs (``pages``, about) and at least (``lower``), for a page height ``H``
#: in layout pixels: the document is cut at every forced page break; each stretch fills pages;
#: an unbreakable box (an image, a ``break-inside: avoid`` block) that fits on a page but would
#: cross the end of one starts the next page instead (with a heading just above it, and with the
#: table header Chromium repeats); widows and orphans are not modelled (about one page of slack).
SIMULATE_PAGES = """(H) => {
  const top = e => e.getBoundingClientRect().top + window.scrollY;
  const bottom = e => e.getBoundingClientRect().bottom + window.scrollY;
  const shown = e => e.getClientRects().length > 0;
  const forced = v => v === 'page' || v === 'always' || v === 'left' || v === 'right';
  const all = [...document.body.querySelectorAll('*')].filter(shown);
  const end = Math.ceil(Math.max(...[...document.body.children].filter(shown).map(bottom)));
  const cuts = [0, end];
  for (const e of all) {
    const cs = getComputedStyle(e);
    if (forced(cs.breakBefore)) cuts.push(top(e));
    if (forced(cs.breakAfter)) cuts.push(bottom(e));
  }
  const edges = [...new Set(cuts.map(y => Math.min(Math.max(Math.round(y), 0), end)))].sort((a, b) => a - b);
  const boxes = [];  // outermost unbreakable boxes that fit on a page: [top, bottom, header repeated above]
  const visit = el => {
    for (const c of el.children) {
      if (!shown(c)) continue;
      const h = c.getBoundingClientRect().height;
      const unbreakable = c.tagName === 'IMG' || getComputedStyle(c).breakInside.startsWith('avoid');
      if (unbreakable && h > 0 && h <= H) {
        const table = c.tagName === 'TR' && c.parentElement.tagName === 'TBODY' ? c.closest('table') : null;
        const head = table && table.tHead ? table.tHead.getBoundingClientRect().height : 0;
        boxes.push([top(c), bottom(c), head]);
      } else visit(c);
    }
  };
  visit(document.body);
  // A heading stays with what follows it (break-after: avoid): it starts that box.
  const headings = all.filter(e => /^H[1-6]$/.test(e.tagName) && getComputedStyle(e).breakAfter.startsWith('avoid'));
  for (const hd of headings) {
    const b = bottom(hd);
    const next = boxes.filter(x => x[0] >= b - 1 && x[0] - b < 48).sort((x, y) => x[0] - y[0])[0];
    if (next && next[1] - top(hd) <= H) next[0] = top(hd);
  }
  boxes.sort((a, b) => a[0] - b[0]);
  let pages = 0, lower = 0;
  for (let i = 0; i + 1 < edges.length; i++) {
    const a = edges[i], b = edges[i + 1];
    // only stretches where some content starts make pages (two breaks in a row make one)
    if (!all.some(e => top(e) >= a - 1 && top(e) < b - 1 && e.getBoundingClientRect().height > 0)) continue;
    lower += Math.max(1, Math.ceil((b - a) / H - 0.1));  // slack: margins dropped at page tops
    let pageTop = a, n = 1;
    for (const [t, btm, head] of boxes.filter(([t]) => t >= a && t < b)) {
      while (t >= pageTop + H) { pageTop += H; n++; }
      if (btm > pageTop + H + 1) { pageTop = t - head; n++; }  // pushed whole to the next page
    }
    while (b > pageTop + H + 1) { pageTop += H; n++; }
    pages += n;
  }
  return {pages, lower};
}"""


@pytest.fixture(scope="module")
def handout(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> dict[str, Path]:
    """The demo handout rendered once to a temporary folder: ``{"html": ..., "ipynb": ...}``.

    Depends on ``browser`` so that a machine without Chromium skips before rendering.
    """
    out = tmp_path_factory.mktemp("handout")
    result = render_engagement(DEMO, out)
    assert result.ok, f"rendering {DEMO.name} failed: {result.error}; {[str(p) for p in result.problems]}"
    return result.outputs


@pytest.fixture()
def offline(browser: Any, handout: dict[str, Path]) -> Iterator[tuple[Any, str, list[str]]]:
    """``(page, url, attempts)``: a fresh page where only the handout file itself may load.

    ``attempts`` lists the URL of every request the page tried, allowed or not.
    """
    url = handout["html"].resolve().as_uri()
    ctx = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900},
                              service_workers="block")
    attempts: list[str] = []
    seen: list[Any] = []

    def record(request: Any) -> None:  # the route and the request event both see each request once
        if not any(request is r for r in seen):
            seen.append(request)
            attempts.append(request.url)

    def gate(route: Any) -> None:
        record(route.request)
        if route.request.url == url:
            route.continue_()
        else:
            route.abort("blockedbyclient")

    ctx.route("**/*", gate)
    ctx.on("request", record)
    try:
        page = ctx.new_page()
        page.goto(url, wait_until="load")
        yield page, url, attempts
    finally:
        ctx.close()


def png_outputs(ipynb: Path) -> int:
    """How many images the executed report notebook displayed (each must be a chart in the handout)."""
    nb = json.loads(ipynb.read_text(encoding="utf-8"))
    return sum(1 for cell in nb["cells"] for out in cell.get("outputs", [])
               if {"image/png", "image/svg+xml"} & set(out.get("data", {})))


def test_handout_opens_offline_with_visible_charts_and_no_code(offline: Any, handout: dict[str, Path]) -> None:
    page, url, attempts = offline
    # Scroll to the end and back, so anything loaded lazily would be requested now.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_load_state("networkidle")
    assert attempts == [url], f"the handout tried to load more than itself: {attempts[1:]}"

    charts = page.locator("main img")
    expected = png_outputs(handout["ipynb"])
    assert expected > 0, "the demo report shows no chart at all"
    expect(charts).to_have_count(expected)
    sizes = page.evaluate("""() => Promise.all([...document.querySelectorAll('main img')].map(
        img => img.decode().then(() => [img.naturalWidth, img.naturalHeight, img.src.slice(0, 15)],
                                 () => [0, 0, img.src.slice(0, 15)])))""")
    for i, (width, height, src) in enumerate(sizes):
        assert width > 0 and height > 0, f"chart {i + 1} did not decode ({src}...)"
        assert src.startswith("data:image/"), f"chart {i + 1} is not embedded in the file: {src}..."
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box is not None and box["width"] >= 200 and box["height"] >= 100, f"chart {i + 1} too small: {box}"

    assert page.locator(CODE).count() == 0, page.locator(CODE).first.evaluate("e => e.outerHTML.slice(0, 300)")
    for pre in page.locator("pre").all_inner_texts():
        assert not PYTHON.search(pre), f"code on the page: {pre[:200]}"
    text = page.locator("body").inner_text()
    for leak in ("Traceback", "In [", "Out[", str(PROJECT), str(handout["html"].parent)):
        assert leak not in text, f"{leak!r} is visible in the handout"
    html = handout["html"].read_text(encoding="utf-8")
    assert str(PROJECT) not in html and str(handout["html"].parent) not in html, "a local path is in the file"

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    expect(page.locator("h1")).to_be_in_viewport()
    page.screenshot(path=str(ARTIFACTS / "handout-first-page.png"))  # what the client sees on opening it


def test_handout_contents_links_reach_every_section(offline: Any) -> None:
    page, url, attempts = offline
    links = page.locator("nav.toc a[href^='#']")
    hrefs = [h for h in links.evaluate_all("links => links.map(a => a.getAttribute('href'))")]
    sections = page.locator("main h2[id]").evaluate_all("hs => hs.map(h => '#' + h.id)")
    assert len(sections) >= 3, f"the demo report has too few sections: {sections}"
    assert set(sections) <= set(hrefs), f"sections missing from the contents: {set(sections) - set(hrefs)}"
    for href in hrefs:
        target_id = href[1:]
        assert page.evaluate("id => !!document.getElementById(id)", target_id), f"{href} points nowhere"

    for i, href in enumerate(hrefs):
        page.evaluate("window.scrollTo(0, 0)")
        links.nth(i).click()
        target = page.locator(f"[id='{href[1:]}']")
        expect(target).to_be_in_viewport()
        at_top, at_end = page.evaluate("""id => {
            const top = document.getElementById(id).getBoundingClientRect().top;
            const end = window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2;
            return [Math.abs(top) <= 2, end];
        }""", href[1:])
        assert at_top or at_end, f"{href}: the section did not scroll to the top of the window"
        assert page.evaluate("window.location.hash") == href
    assert page.evaluate("window.scrollY") > 0, "following the last contents link did not scroll"
    assert attempts == [url], f"following contents links made requests: {attempts[1:]}"


def page_box(page: Any) -> tuple[float, float]:
    """Width and height (CSS px) of the printable area of an A4 page, from the handout's ``@page`` margins."""
    margins = page.evaluate("""() => {
        for (const sheet of document.styleSheets)
          for (const rule of sheet.cssRules)
            if (rule instanceof CSSPageRule && !rule.selectorText)
              return [rule.style.marginTop, rule.style.marginRight, rule.style.marginBottom, rule.style.marginLeft];
        return ['0px', '0px', '0px', '0px'];
    }""")

    def px(value: str) -> float:
        m = re.fullmatch(r"([\d.]+)(px|mm|cm|in|pt|pc)?", value.strip() or "0")
        assert m, f"@page margin {value!r} not understood"
        return float(m.group(1)) * PX_PER[m.group(2) or "px"]

    top, right, bottom, left = (px(v) for v in margins)
    return A4_PX[0] - left - right, A4_PX[1] - top - bottom


def pdf_objects(data: bytes) -> dict[int, bytes]:
    """Object number -> dictionary text (stream data cut off) of an uncompressed-xref PDF (Chromium/Skia)."""
    parts = re.split(rb"(?:^|\n)(\d+) 0 obj\b", data)
    return {int(num): body.split(b"stream", 1)[0] for num, body in zip(parts[1::2], parts[2::2])}


def pdf_text(path: Path) -> str:
    """The text of a PDF (poppler's ``pdftotext``, installed by .ci/run)."""
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return done.stdout


def test_handout_prints_to_a4_pages_without_splitting_a_chart(offline: Any) -> None:
    page, url, attempts = offline
    charts = page.locator("main img").evaluate_all(
        "imgs => imgs.map(i => [i.naturalWidth, i.naturalHeight, i.src.startsWith('data:image/svg+xml')])")
    sizes = [[w, h] for w, h, vector in charts if not vector]  # raster charts: PDF image objects
    vectors = sum(1 for *_, vector in charts if vector)  # SVG charts: PDF form objects (vector drawings)
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "handout.pdf").write_bytes(pdf)

    objects = pdf_objects(pdf)
    pages = [body for body in objects.values() if re.search(rb"/Type\s*/Page\b(?!s)", body)]
    images = {num: tuple(int(re.search(rb"/" + key + rb"\s+(\d+)", body).group(1)) for key in (b"Width", b"Height"))
              for num, body in objects.items() if re.search(rb"/Subtype\s*/Image\b", body)}
    on_pages: dict[int, int] = {}
    for body in pages:
        xobjects = re.search(rb"/XObject\s*<<(.*?)>>", body, re.S)
        for num in {int(n) for n in re.findall(rb"/\w+\s+(\d+)\s+0\s+R", xobjects.group(1) if xobjects else b"")}:
            if num in images:
                on_pages[num] = on_pages.get(num, 0) + 1
    for num, count in on_pages.items():  # identical pictures share one object; a split one is drawn on 2+ pages
        same = sum(1 for s in sizes if tuple(s) == images[num])
        assert count <= max(same, 1), f"a {images[num][0]}x{images[num][1]} chart is split across {count} pages"
    printed = {images[n] for n in on_pages}
    assert all(tuple(s) in printed for s in sizes), f"charts missing from the PDF: {sizes} vs {printed}"
    # SVG charts are drawn inline as vector paths and text (no object of their own to count), and
    # Chromium never splits an image across pages (replaced elements are monolithic); what can go
    # wrong is a chart missing from the print or taller than a page (checked below). Each SVG
    # chart's longest label must be in the printed text.
    printed_words = set(unicodedata.normalize("NFKC", pdf_text(ARTIFACTS / "handout.pdf")).split())  # "ﬀ" -> "ff"
    for i, (_, _, vector, src) in enumerate(page.locator("main img").evaluate_all(
            "imgs => imgs.map(i => [0, 0, i.src.startsWith('data:image/svg+xml'), i.src])")):
        if not vector:
            continue
        svg = base64.b64decode(src.split(",", 1)[1]).decode("utf-8")
        labels = [" ".join(html.unescape(re.sub(r"<[^>]+>", "", t)).split())
                  for t in re.findall(r"<text\b[^>]*>(.*?)</text>", svg, re.S)]
        longest = max(labels, key=len)  # pdftotext may order a chart's lines its own way: compare words
        unprinted = set(longest.split()) - printed_words
        assert not unprinted, f"SVG chart {i + 1} is missing from the PDF ({sorted(unprinted)} of {longest!r} not printed)"
    assert vectors == 0 or printed_words

    # Expected pages, from the print layout: print media, laid out as wide as an A4 page's printable
    # area. Content wider than that makes Chromium lay out wider (up to 2x) and shrink it onto the page.
    width, height = page_box(page)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": round(width), "height": round(height)})
    laid_out = min(max(page.evaluate("document.documentElement.scrollWidth"), width), 2 * width)
    page_height = height * laid_out / width
    page.set_viewport_size({"width": round(laid_out), "height": round(page_height)})
    for i, chart_height in enumerate(page.locator("main img").evaluate_all(
            "imgs => imgs.map(i => i.getBoundingClientRect().height)")):
        assert 0 < chart_height <= page_height, f"chart {i + 1} ({chart_height:.0f}px) is taller than a page"
    layout = page.evaluate(SIMULATE_PAGES, page_height)
    assert layout["lower"] <= len(pages), f"{len(pages)} pages printed; the content needs at least {layout['lower']}"
    assert abs(len(pages) - layout["pages"]) <= 1, f"{len(pages)} pages printed, {layout['pages']} expected"
    assert 3 <= len(pages) <= 40
    assert attempts == [url], f"printing made requests: {attempts[1:]}"


def test_handout_prints_at_full_size_nothing_wider_than_the_page(offline: Any) -> None:
    """Anything wider than the printable width makes Chromium shrink every page (smaller text)."""
    page, url, attempts = offline
    width, height = page_box(page)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": math.floor(width), "height": round(height)})
    too_wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
        .filter(e => !(e.parentElement && e.parentElement.getBoundingClientRect().right > window.innerWidth + 1))
        .map(e => `<${e.tagName.toLowerCase()} class="${e.className}"> `
                  + `${Math.round(e.getBoundingClientRect().width)}px`)""")
    assert too_wide == [], (f"wider than the A4 printable width ({width:.0f}px), so the printed handout is "
                            f"shrunk: {too_wide[:5]}")


def test_printed_handout_starts_a_new_page_only_for_the_appendix(offline: Any) -> None:
    """Sections follow on (no half-empty pages); only the methodology appendix starts a new page."""
    page, url, attempts = offline
    page.emulate_media(media="print")
    breaks = page.locator("main h2[id]").evaluate_all("""hs => hs.map(h => {
        const cell = h.closest('.jp-Cell') || h;
        return [h.id, getComputedStyle(cell).breakBefore];
    })""")
    assert len(breaks) >= 3, f"the demo report has too few sections: {breaks}"
    forced = [section for section, value in breaks if value in ("page", "always", "left", "right")]
    assert forced == ["methodology"], f"sections that start a new printed page: {forced}"
    assert attempts == [url]


def test_no_printed_page_is_left_mostly_empty_before_the_appendix(offline: Any, tmp_path: Path) -> None:
    """A chart kept whole moves to the next page; the page it leaves must still be more than half full.

    The lowest text on each page (the page footer left out) is read back from the PDF with poppler;
    the cover, the page before the appendix (where a section ends) and the last page may be short.
    """
    page, url, attempts = offline
    path = tmp_path / "handout.pdf"
    path.write_bytes(page.pdf(format="A4", print_background=True, prefer_css_page_size=True))
    boxes = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = boxes.split("<page ")[1:]
    height = float(re.search(r'height="([\d.]+)"', pages[0]).group(1))
    lowest, firsts = [], []
    for body in pages:
        words = [(float(y), html.unescape(w)) for y, w in re.findall(r'yMax="([\d.]+)">([^<]*)</word>', body)]
        text = [(y, w) for y, w in words if y < height * 0.95]  # the "Page x of y" footer sits below
        lowest.append(max((y for y, _ in text), default=0.0))
        firsts.append(" ".join(w for _, w in sorted(text)[:3]))
    appendix = next(i for i, first in enumerate(firsts) if first.startswith("Methodology"))
    short = [f"page {i + 1}: text ends at {100 * y / height:.0f}% of the page"
             for i, y in enumerate(lowest) if 0 < i < len(lowest) - 1 and i != appendix - 1 and y < 0.5 * height]
    assert not short, "pages left mostly empty: " + "; ".join(short)
    assert attempts == [url]


def test_printed_pages_after_the_cover_are_numbered_page_x_of_y(offline: Any) -> None:
    """The page footer as Chromium parsed it: a misspelt rule would be dropped here, not printed."""
    page, url, attempts = offline
    footers = page.evaluate("""() => {
        const found = [];
        for (const sheet of document.styleSheets)
          for (const rule of sheet.cssRules)
            if (rule instanceof CSSPageRule)
              for (const inner of (rule.cssRules || []))
                if (inner.name === 'bottom-right') found.push([rule.selectorText, inner.style.content]);
        return found;
    }""")
    assert ["", '"Page " counter(page) " of " counter(pages)'] in footers, footers
    assert [":first", "none"] in footers, f"the cover page must carry no number: {footers}"


def test_wide_tables_become_labelled_cards_on_a_phone(offline: Any) -> None:
    """At phone width the journey and progress tables drop their header row; each cell names its column."""
    page, url, attempts = offline
    page.set_viewport_size({"width": 375, "height": 800})
    tables = page.locator("main table.stack").evaluate_all("""ts => ts.map(t => ({
        header: t.tHead ? t.tHead.getClientRects().length > 0 : false,
        labels: [...t.querySelectorAll('tbody td[data-label]:not(:first-child)')].map(td =>
            [td.dataset.label, getComputedStyle(td, '::before').content]),
        wider: t.getBoundingClientRect().right > window.innerWidth + 1,
    }))""")
    assert tables, "the demo handout has no wide (stacked) table"
    for table in tables:
        assert not table["header"], "the header row is still shown on a phone"
        assert not table["wider"], "a stacked table is wider than the phone"
        assert table["labels"] and all(content == f'"{label}"' for label, content in table["labels"]), \
            table["labels"][:3]
    assert page.evaluate("document.documentElement.scrollWidth") <= 376, "the page scrolls sideways on a phone"


@pytest.mark.parametrize("slug", ["kessler-fluid-systems", "quillstack", "hartwell-orme"])
def test_the_ceo_brief_fits_one_printed_a4_page(browser: Any, tmp_path: Path, slug: str) -> None:
    """The executive summary starts a page (after the cover and contents) and ends on that same page."""
    result = render_engagement(DEMO.parent / slug, tmp_path)
    assert result.ok, result.error
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = ctx.new_page()
        page.goto(result.outputs["html"].resolve().as_uri(), wait_until="load")
        brief = page.evaluate("() => document.querySelector('h2#summary').closest('.jp-Cell').innerText")
        pdf = tmp_path / "handout.pdf"
        pdf.write_bytes(page.pdf(format="A4", print_background=True, prefer_css_page_size=True))
    finally:
        ctx.close()
    last_words = " ".join(unicodedata.normalize("NFKC", brief).split()[-6:])
    pages = [" ".join(unicodedata.normalize("NFKC", p).split()) for p in pdf_text(pdf).split("\f")]
    start = next(i for i, text in enumerate(pages) if "Executive summary" in text and i > 0)
    assert last_words in pages[start], (f"{slug}: the brief runs past page {start + 1}; its last words "
                                        f"{last_words!r} are not on it")
