"""Print a handout to PDF with Debian's headless Chromium (A4, page numbers)."""

from __future__ import annotations
import concurrent.futures
import os
import tempfile
from pathlib import Path
from helpers.fileio import atomic_write_bytes  # noqa: E402


def chromium_path() -> Path:
    """The browser to print with: ``COMMON_GROUND_CHROMIUM`` as it is now (a batch worker may have
    been forked before it was set), else Debian's ``/usr/bin/chromium``."""
    return Path(os.environ.get("COMMON_GROUND_CHROMIUM", "/usr/bin/chromium"))


#: The browser as this process started (what the tests check for); printing reads :func:`chromium_path`.
CHROMIUM = chromium_path()


CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


def _pdf_bytes(html: Path) -> bytes:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="cg-chromium-") as profile, sync_playwright() as pw:
        if html.suffix.lower() not in (".html", ".htm"):
            # a staged file (".<slug>.html.<id>.tmp") would be shown as plain text: Chromium goes by
            # the extension of a file: URL. The handout is self-contained, so a copy prints the same.
            copy = Path(profile) / "print" / "handout.html"
            copy.parent.mkdir()
            copy.write_bytes(html.read_bytes())
            html = copy
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=str(chromium_path()), headless=True, args=CHROMIUM_FLAGS, offline=True)
        try:
            page = context.new_page()
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                       else route.abort())
            page.goto(html.resolve().as_uri(), wait_until="load")
            return page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
        finally:
            context.close()


def print_pdf(html: Path, pdf: Path) -> Path:
    """Print a handout to an A4 PDF with headless Chromium (network blocked, fresh profile).

    Parameters
    ----------
    html : Path
        The handout HTML file.
    pdf : Path
        Destination (written atomically).
    """
    if not chromium_path().is_file():
        raise FileNotFoundError(f"Chromium not found at {chromium_path()}; install it (apt-get install chromium) "
                                "or set COMMON_GROUND_CHROMIUM")
    # Playwright's sync API refuses to run where an asyncio loop is running (a Jupyter kernel, or a
    # process where nbclient left one): print from a fresh thread, which has no loop.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="cg-pdf") as pool:
        data = pool.submit(_pdf_bytes, Path(html)).result()
    atomic_write_bytes(pdf, data)
    return Path(pdf)
