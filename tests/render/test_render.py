"""The client handout as the client receives it: content, confidentiality, escaping, files.

One batch renders a demo engagement and a hostile fixture once per session; every test reads
the files it wrote.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from html import escape
from pathlib import Path

import nbformat
import pytest

from helpers.render.engine import keep_kernels_ahead, kernel_pool
from helpers import PROJECT_ROOT
from helpers.batch import run_batch
from helpers.render.handout import render_engagement, slug_for
from helpers.render.notebook import table_of_contents
from tests.conftest import FIXTURES, html_tags

pytestmark = pytest.mark.slow  # renders notebooks with papermill

DEMO = PROJECT_ROOT / "templates" / "demo"
XSS = FIXTURES / "engagements/hostile"
MARKERS = ("INTERNAL-NOTE-9183", "INTERNAL-NOTE-9184", "UNSHARED-ANSWER-5521")


def _demo() -> Path:
    """A demo engagement with an earlier wave (so every section, progress included, has data)."""
    folders = sorted(p for p in DEMO.iterdir() if (p / "engagement.yaml").is_file())
    with_previous = [p for p in folders if "previous:" in (p / "engagement.yaml").read_text(encoding="utf-8")]
    return (with_previous or folders)[0]


@pytest.fixture(scope="session")
def handouts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("handouts")
    demo = _demo()
    summary = run_batch([demo, XSS], out, jobs=2, progress=False)
    assert not summary.failed, [(r.slug, r.error, [str(p) for p in r.problems]) for r in summary.failed]
    by_slug = {r.slug: r for r in summary.results}
    return {"out": out, "demo": by_slug[slug_for(demo)], "xss": by_slug[slug_for(XSS)], "summary": summary}


def _html(result: object) -> str:
    return Path(result.outputs["html"]).read_text(encoding="utf-8")  # type: ignore[attr-defined]


def _all_text(handouts: dict[str, object]) -> list[tuple[str, str]]:
    out = Path(handouts["out"])  # type: ignore[arg-type]
    return [(p.name, p.read_text(encoding="utf-8")) for p in sorted(out.iterdir())
            if p.suffix in {".html", ".ipynb", ".json"}]




@pytest.mark.parametrize("which", ["demo", "xss"])
def test_handout_shows_client_stage_and_index(handouts: dict[str, object], which: str) -> None:
    result = handouts[which]
    data = json.loads(Path(result.outputs["json"]).read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    html = _html(result)
    assert '<h1 class="cover-client">' in html
    if which == "demo":
        assert escape(data["client"], quote=False) in html and escape(data["consultant"], quote=False) in html
    assert data["stage"] in html
    assert f"{data['index']:.1f}" in html


@pytest.mark.parametrize("which", ["demo", "xss"])
def test_handout_has_no_code_prompts_or_tracebacks(handouts: dict[str, object], which: str) -> None:
    html = _html(handouts[which]).split("<body", 1)[1]
    for leak in ("report.summary(R)", "report.load_results", "from helpers import", "jp-InputArea",
                 "In&nbsp;[", "Out[", "jp-InputPrompt", "Traceback", "ename", "evalue", "jp-RenderedText\" data-mime-type=\"application/vnd.jupyter.stderr"):
        assert leak not in html, leak


@pytest.mark.parametrize("which", ["demo", "xss"])
def test_handout_has_no_widget_state_or_papermill_metadata(handouts: dict[str, object], which: str) -> None:
    html = _html(handouts[which])
    for leak in ("widget-state", "application/vnd.jupyter.widget-state", "application/vnd.jupyter.widget-view",
                 "papermill", "injected-parameters", "results_json", "engagement ="):
        assert leak not in html, leak


def test_no_absolute_path_in_any_output(handouts: dict[str, object]) -> None:
    roots = {str(PROJECT_ROOT), str(Path(handouts["out"])), tempfile.gettempdir() + "/", "/work/", str(Path.home()) + "/"}  # type: ignore[arg-type]
    for name, text in _all_text(handouts):
        text = re.sub(r"base64,[A-Za-z0-9+/=\\n]+", "", text)
        for root in roots:
            assert root not in text, f"{root} in {name}"


def test_executed_notebook_is_scrubbed(handouts: dict[str, object]) -> None:
    nb = nbformat.read(str(handouts["demo"].outputs["ipynb"]), as_version=4)  # type: ignore[attr-defined]
    assert "papermill" not in nb.metadata and "widgets" not in nb.metadata
    for cell in nb.cells:
        assert "papermill" not in cell.metadata
        for out in cell.get("outputs", []):
            assert not (out.output_type == "stream" and out.name == "stderr")
            assert out.output_type != "error"


def test_an_executed_notebook_names_its_own_engagement_not_the_demo(handouts: dict[str, object]) -> None:
    """The report notebook's defaults point at the bundled demo; a client's executed copy keeps only
    the values it was rendered with (the injected cell), so no other engagement is named in it."""
    path = Path(handouts["xss"].outputs["ipynb"])  # type: ignore[attr-defined]
    nb = nbformat.read(str(path), as_version=4)
    by_tag = {tag: cell for cell in nb.cells for tag in cell.metadata.get("tags") or ()}
    assert "templates/demo" not in by_tag["parameters"].source and "=" not in by_tag["parameters"].source
    assert "engagement = " in by_tag["injected-parameters"].source
    assert "hartwell" not in path.read_text(encoding="utf-8").lower()


@pytest.mark.parametrize("which", ["demo", "xss"])
def test_handout_is_offline(handouts: dict[str, object], which: str) -> None:
    """Opens with the network off: no scripts at all, nothing fetched from elsewhere, no web fonts."""
    html = _html(handouts[which])
    tags = html_tags(html)
    assert not [t for t, _ in tags if t in {"script", "link", "iframe", "object", "embed"}]
    for tag, attrs in tags:
        for name in ("src", "href", "data", "action"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("http:", "https:", "//", "file:")), (tag, name, value[:80])
            if tag == "img" and name == "src":
                assert value.startswith("data:image/"), value[:80]
    assert "@import" not in html and "@font-face" not in html
    assert not re.search(r"url\(\s*['\"]?(https?:|//)", html)
    text = re.sub(r"base64,[A-Za-z0-9+/=]+", "", html).lower()
    assert "require.js" not in text and "mathjax" not in text and "cdn" not in text


def test_xss_client_name_is_shown_as_text(handouts: dict[str, object]) -> None:
    html = _html(handouts["xss"])
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "onerror=alert(2)" not in html.replace("&lt;img src=x onerror=alert(2)&gt;", "")
    assert "Content-Security-Policy" in html


def test_internal_notes_and_unshared_answers_are_absent(handouts: dict[str, object]) -> None:
    for name, text in _all_text(handouts):
        if name.startswith(slug_for(XSS)):
            for marker in MARKERS:
                assert marker not in text, f"{marker} in {name}"
    data = Path(handouts["xss"].outputs["json"]).read_text(encoding="utf-8")  # type: ignore[attr-defined]
    assert "INTERNAL-NOTE" not in data


def test_cover_logo_toc_and_print_css(handouts: dict[str, object]) -> None:
    html = _html(handouts["xss"])
    assert re.search(r'<img[^>]+class="cover-logo"[^>]+src="data:image/png;base64,', html)
    nb = nbformat.read(str(handouts["demo"].outputs["ipynb"]), as_version=4)  # type: ignore[attr-defined]
    toc = table_of_contents(nb)  # the executed notebook: the client's sections, then the consultant's
    demo_html = _html(handouts["demo"])
    assert [a for a, _ in toc][-1] == "consultant"
    assert 'id="consultant"' not in demo_html and 'href="#consultant"' not in demo_html  # not in the client's copy
    toc = toc[:-1]
    assert [a for a, _ in toc][-1] == "methodology" and len(toc) >= 6
    for anchor, _title in toc:
        assert f'href="#{anchor}"' in demo_html and f'id="{anchor}"' in demo_html
    assert "Methodology and sources" in demo_html and "Oldroyd" in demo_html
    assert "size: A4" in demo_html and "counter(page)" in demo_html and "break-inside: avoid" in demo_html
    assert 'name="viewport"' in demo_html and "@media (max-width" in demo_html


def test_invalid_engagement_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = render_engagement(FIXTURES / "engagements/broken", out)
    assert not result.ok and result.outputs == {}
    assert any("client" in str(p) for p in result.problems)
    assert any("next Tuesday" in str(p) for p in result.problems)
    assert not out.exists() or not any(out.iterdir())


def test_slug_is_safe_for_a_file_name(tmp_path: Path) -> None:
    folder = tmp_path / "Acme GmbH & Co (2026)"
    folder.mkdir()
    assert slug_for(folder) == "acme-gmbh-co-2026"


def test_pdf_is_a4_with_page_numbers(handouts: dict[str, object], tmp_path: Path) -> None:
    from helpers.render.pdf import CHROMIUM, print_pdf

    if not CHROMIUM.is_file():
        pytest.skip("Chromium is not installed on this machine")
    pdf = print_pdf(Path(handouts["demo"].outputs["html"]), tmp_path / "demo.pdf")  # type: ignore[attr-defined]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert re.search(rb"/MediaBox\s*\[\s*0\s+0\s+59[45]\.\d+\s+841\.\d+", data)  # A4 in points
    if shutil.which("pdftotext"):
        import subprocess

        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "Page 2 of" in text


def test_reused_kernel_forgets_the_previous_client(tmp_path: Path) -> None:
    """With the kernel engine, batch workers reuse a kernel; the second client's handout knows nothing of the first."""
    import threading


    seen: dict[str, object] = {}

    def work() -> None:  # a thread of its own: pools are per thread
        keep_kernels_ahead(reuse=5)
        pool = kernel_pool("python3")
        try:
            seen["first"] = render_engagement(FIXTURES / "engagements/small", tmp_path, engine="kernel")
            seen["kernel"] = pool._spare
            seen["second"] = render_engagement(XSS, tmp_path, engine="kernel")
            seen["same"] = pool._spare is seen["kernel"] and seen["kernel"] is not None
        finally:
            pool.close()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    first, second = seen["first"], seen["second"]
    assert first.ok and second.ok and seen["same"]  # type: ignore[attr-defined]
    assert "Nordlicht" not in _html(second)
    nb = nbformat.read(str(second.outputs["ipynb"]), as_version=4)  # type: ignore[attr-defined]
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code" and c.execution_count]
    assert counts[0] == 1 and "Nordlicht" not in json.dumps(nb)


def test_handout_opens_offline_in_chromium(handouts: dict[str, object]) -> None:
    """Loaded in headless Chromium, the handout asks for nothing but its own file."""
    import concurrent.futures
    import os

    from helpers.render.pdf import CHROMIUM, CHROMIUM_FLAGS

    if not CHROMIUM.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is missing in CI: .ci/run must apt-get install chromium")
        pytest.skip("Chromium is not installed on this machine (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    errors: list[str] = []

    def visit() -> tuple[str, bool, str]:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
            try:
                page = browser.new_context(offline=True, viewport={"width": 390, "height": 844}).new_page()
                page.on("request", lambda req: requests.append(req.url))
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                page.goto(Path(handouts["xss"].outputs["html"]).as_uri())  # type: ignore[attr-defined]
                return (page.locator("h1.cover-client").inner_text(),
                        page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"),
                        page.evaluate("typeof window.alert"))
            finally:
                browser.close()

    # A fresh thread: the browser tests' session keeps a Playwright loop running in this one.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        title, overflow, dialogs = pool.submit(visit).result()
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    assert title == "<script>alert(1)</script>" and not errors and dialogs == "function"
    assert not overflow  # readable on a phone: nothing wider than the screen
