"""Shared fixtures for the real-browser tests (issue 8).

One headless Chromium (Debian's ``/usr/bin/chromium``, driven by Playwright for Python;
Playwright's own browsers are never downloaded) and one JupyterLab server serve every test
of the session. Both are always stopped, whatever happens in the tests.

Where Chromium is missing the tests skip with the command that installs it; in CI
(``CI=true``) a missing browser is a failure, never a skip.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

PROJECT = Path(__file__).resolve().parents[2]
NOTEBOOKS = PROJECT / "notebooks"
DEMOS = PROJECT / "templates" / "demo"
CHROMIUM = Path(os.environ.get("COMMON_GROUND_CHROMIUM", "/usr/bin/chromium"))  # same variable as helpers.render
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Where screenshots and other artifacts go (``reports/`` is git-ignored; CI uploads it).
ARTIFACTS = PROJECT / "reports" / "test-artifacts"
#: The demo engagement copied as the scratch engagement of the form tests (else the first demo).
FORMS_DEMO = "kessler-fluid-systems"
#: Generous: the CI machine has 2 cores, kernel start + first widget render can take a while.
SLOW_MS = 90_000

IN_CI = os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


#: A small laptop's browser window: the forms must work at this size.
LAPTOP = {"width": 1280, "height": 720}


def own_engagement(lab: Any, name: str) -> str:
    """A copy of the lab's scratch engagement for one test (its interviews and journey never meet other tests' files)."""
    folder = lab.root / name
    if not folder.exists():
        shutil.copytree(lab.root / "engagement", folder, ignore=shutil.ignore_patterns("interviews", "journey.yaml"))
    return f"../{name}"


def unavailable(reason: str) -> None:
    """Skip on a developer's machine, fail in CI (the browser tests must run there)."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: browser tests must run, not skip)", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test under tests/browser carries the ``browser`` marker (``-m "not browser"`` skips them)."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Debian Chromium for the whole session (fresh context per test)."""
    if not CHROMIUM.exists():
        unavailable(
            f"Chromium not found at {CHROMIUM}: install it with `sudo apt-get install chromium` "
            "(the tests use the system browser; Playwright's browsers are never downloaded)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright for Python is not installed: `pip install -e .[dev]`")
    from playwright.sync_api import expect

    expect.set_options(timeout=SLOW_MS)
    pw = sync_playwright().start()
    try:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        pw.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Remember each phase's outcome on the item (the ``context`` fixture screenshots failures)."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture()
def context(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser context (its own empty profile: no cookies, storage or cache).

    When the test fails, every open page is saved as a screenshot under
    ``reports/test-artifacts/failures/`` to show what the browser showed.
    """
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.set_default_timeout(SLOW_MS)
    try:
        yield ctx
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            folder = ARTIFACTS / "failures"
            folder.mkdir(parents=True, exist_ok=True)
            for i, page in enumerate(ctx.pages):
                try:
                    page.screenshot(path=str(folder / f"{request.node.name}-{i}.png"), timeout=10_000)
                except Exception:  # a crashed page must not hide the real failure
                    pass
    finally:
        ctx.close()


# --------------------------------------------------------------------------- JupyterLab


def free_port() -> int:
    """A TCP port free on the loopback interface right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scratch_engagement(folder: Path) -> Path:
    """Copy a demo engagement (``FORMS_DEMO``, else the first) to ``folder`` as the scratch engagement.

    Its interviews and journey are removed: the tests create them through the forms.
    """
    demos = sorted((p for p in DEMOS.glob("*") if (p / "engagement.yaml").is_file()),
                   key=lambda p: (p.name != FORMS_DEMO, p.name)) if DEMOS.is_dir() else []
    if not demos:
        unavailable(f"no demo engagement under {DEMOS.relative_to(PROJECT)} yet (demo, issue 2)")
    shutil.copytree(demos[0], folder)
    shutil.rmtree(folder / "interviews", ignore_errors=True)
    (folder / "journey.yaml").unlink(missing_ok=True)
    return folder


def write_lab_settings(config_dir: Path, settings_dir: Path) -> None:
    """Quiet, deterministic JupyterLab: no news/update toasts, every cell attached to the DOM."""
    (config_dir / "labconfig").mkdir(parents=True, exist_ok=True)
    (config_dir / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    )
    (config_dir / "jupyter_server_config.json").write_text(
        json.dumps(
            {"LabApp": {"news_url": None, "check_for_updates_class": "jupyterlab.NeverCheckForUpdate"}}
        )
    )
    user = {
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
        # No autosave: a reloaded notebook shows no stale outputs, only what the new run displays.
        "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
            "windowingMode": "none",
            "autoStartDefaultKernel": True,
        },
    }
    for rel, content in user.items():
        path = settings_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content))


class LabServer:
    """A running ``jupyter lab`` (see the ``lab`` fixture)."""

    def __init__(self, root: Path, port: int, token: str, process: subprocess.Popen[bytes],
                 log: Path, runtime_dir: Path) -> None:
        self.root = root
        self.port = port
        self.token = token
        self.process = process
        self.log = log
        self.runtime_dir = runtime_dir
        self.base = f"http://127.0.0.1:{port}"

    def url(self, path: str) -> str:
        """Browser URL of ``path`` (relative to the server root) with the token."""
        return f"{self.base}/lab/tree/{path}?token={self.token}&reset"

    def api(self, method: str, path: str) -> Any:
        """Call the server REST API; the decoded JSON (or None)."""
        req = urllib.request.Request(
            f"{self.base}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def log_tail(self, n: int = 40) -> str:
        """Last lines of the server log (for failure messages)."""
        lines = self.log.read_text(errors="replace").splitlines() if self.log.exists() else []
        return "\n".join(lines[-n:])


def wait_until_ready(server: LabServer, timeout: float = 90.0) -> None:
    """Poll ``/api/status`` until the server answers (fail early if it died)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {server.process.returncode}:\n{server.log_tail()}")
        try:
            server.api("GET", "/api/status")
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.25)
    raise RuntimeError(f"jupyter lab did not answer within {timeout:.0f}s:\n{server.log_tail()}")


def stop_server(server: LabServer) -> None:
    """Shut the server (and its kernels) down: politely, then by signal, then by force."""
    proc = server.process
    if proc.poll() is None:
        try:
            server.api("POST", "/api/shutdown")
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if proc.poll() is not None:
            break
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            continue
    # Kernels run in their own session; kill any left over (found by our private runtime dir).
    for pid in kernel_pids(server.runtime_dir):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def kernel_pids(runtime_dir: Path) -> list[int]:
    """Processes whose command line names a connection file in ``runtime_dir``."""
    marker = str(runtime_dir).encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker in (entry / "cmdline").read_bytes():
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def prepare_notebook(src: Path, dest: Path, params: dict[str, str]) -> None:
    """Copy ``src`` to ``dest`` with the ``parameters`` cell's assignments replaced by ``params``."""
    nb = json.loads(src.read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        raise AssertionError(f"{src.name}: no cell tagged 'parameters'")
    cell = cells[0]
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    lines = source.splitlines()
    for name, value in params.items():
        hits = [i for i, line in enumerate(lines) if line.split(":")[0].split("=")[0].strip() == name]
        if not hits:
            raise AssertionError(f"{src.name}: parameters cell has no `{name}`")
        lines[hits[0]] = f"{name}: str = {value!r}"
    cell["source"] = "\n".join(lines) + "\n"
    nb.setdefault("metadata", {}).setdefault(
        "kernelspec", {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    )
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(nb, indent=1), encoding="utf-8")


@pytest.fixture(scope="session")
def lab(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """One ``jupyter lab`` for the session, on a free loopback port, with a token.

    Its root holds ``notebooks/`` (copies of the project's notebooks) and ``engagement/``
    (a scratch copy of a demo engagement). It is stopped at the end of the session whatever happens.
    Depends on ``browser`` so that a missing Chromium skips before any server starts.
    """
    jupyter = PROJECT / ".venv" / "bin" / "jupyter"
    if not jupyter.exists():
        jupyter = Path(sys.executable).parent / "jupyter"
    base = tmp_path_factory.mktemp("lab")
    root = base / "root"
    (root / "notebooks").mkdir(parents=True)
    scratch_engagement(root / "engagement")
    config_dir, settings_dir, runtime_dir = base / "config", base / "settings", base / "runtime"
    for d in (config_dir, settings_dir, runtime_dir, base / "workspaces"):
        d.mkdir()
    write_lab_settings(config_dir, settings_dir)
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ)
    env.update(
        JUPYTER_CONFIG_DIR=str(config_dir),
        JUPYTER_RUNTIME_DIR=str(runtime_dir),
        PYTHONPATH=os.pathsep.join(p for p in (str(PROJECT), env.get("PYTHONPATH", "")) if p),
        MPLBACKEND="Agg",
    )
    log = base / "jupyter.log"
    cmd = [
        str(jupyter), "lab", "--no-browser", "--allow-root",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",  # lets the tests see when a kernel is connected
        f"--LabApp.user_settings_dir={settings_dir}", f"--LabApp.workspaces_dir={base / 'workspaces'}",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    server = LabServer(root, port, token, proc, log, runtime_dir)
    try:
        wait_until_ready(server)
        yield server
    finally:
        stop_server(server)
    leftovers = kernel_pids(runtime_dir)
    assert proc.poll() is not None and not leftovers, f"jupyter lab or kernels still running: {leftovers}"


# --------------------------------------------------------------------------- driving a notebook


class NotebookPage:
    """A notebook open in JupyterLab, driven the way a consultant does it (menus, typing, clicks).

    Parameters
    ----------
    page : playwright Page
        A fresh page of the session browser.
    lab : LabServer
        The running server.
    path : str
        Notebook path relative to the server root.
    """

    ERROR_OUTPUT = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'

    def __init__(self, page: Any, lab: LabServer, path: str) -> None:
        self.page, self.lab, self.path = page, lab, path
        self.console: list[str] = []  # browser console errors and warnings (saved when a test fails)
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning")
                else None)
        # JupyterLab asks "leave page?" for an unsaved notebook; Playwright would dismiss
        # (= stay) by default and a reload would hang. Accept like a user who reloads anyway.
        page.on("dialog", lambda dialog: dialog.accept())

    def open(self) -> "NotebookPage":
        """Load the notebook page and wait until its kernel is connected and idle."""
        self.page.goto(self.lab.url(self.path))
        self.page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for()
        self.wait_kernel_idle()
        return self

    def reload(self) -> "NotebookPage":
        """Reload the browser tab (the kernel keeps running on the server)."""
        self.page.reload()
        self.page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for()
        self.wait_kernel_idle()
        return self

    def wait_kernel_idle(self) -> None:
        """Wait until this notebook's kernel is connected to the page and idle.

        Reads the session from ``window.jupyterapp`` (exposed by the test server only): the
        toolbar's status reads "idle" before any kernel is attached, so it cannot tell alone.
        """
        from playwright.sync_api import expect

        self.page.wait_for_function(
            """path => {
                const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
                const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
                return !!(w && w.context && w.context.path === path && k
                          && k.connectionStatus === 'connected' && k.status === 'idle');
            }""",
            arg=self.path, timeout=SLOW_MS, polling=100)
        expect(self.page.locator(".jp-Notebook-ExecutionIndicator")).to_have_attribute("data-status", "idle")

    def menu(self, menu: str, command: str) -> None:
        """Click ``menu`` in the menu bar, then the item running ``command`` (once it is enabled)."""
        item = self.page.locator(f'.lm-Menu li[data-command="{command}"]')
        deadline = time.monotonic() + SLOW_MS / 1000
        while True:
            self.page.locator("#jp-MainMenu").get_by_text(menu, exact=True).click()
            item.wait_for()
            if "lm-mod-disabled" not in (item.get_attribute("class") or ""):
                item.click()
                return
            self.page.keyboard.press("Escape")
            if time.monotonic() > deadline:
                raise AssertionError(f"menu {menu} > {command} stayed disabled")
            self.page.wait_for_timeout(200)

    def run_all(self) -> None:
        """Run > Run All Cells."""
        self.menu("Run", "runmenu:run-all")

    def restart_and_run_all(self) -> None:
        """Kernel > Restart Kernel and Run All Cells..., confirming the dialog."""
        self.menu("Kernel", "runmenu:restart-and-run-all")
        self.page.locator(".jp-Dialog .jp-mod-accept").click()

    def wait_done(self) -> None:
        """Wait until no cell is queued or running and the kernel is idle again."""
        from playwright.sync_api import expect

        expect(self.page.locator(".jp-InputPrompt", has_text="[*]")).to_have_count(0, timeout=SLOW_MS)
        expect(self.page.locator(".jp-Notebook-ExecutionIndicator")).to_have_attribute(
            "data-status", "idle", timeout=SLOW_MS)

    def errors(self) -> list[str]:
        """Tracebacks shown in the notebook's outputs (warnings on stderr are not errors)."""
        texts = self.page.locator(self.ERROR_OUTPUT).all_inner_texts()
        return [t for t in texts if "Traceback" in t or re.search(r"^\w*(Error|Exception)\b", t, re.MULTILINE)]


def wait_for_file(path: Path, check: Any, timeout: float = 30.0) -> Any:
    """Poll ``path`` until ``check(parsed_yaml)`` is truthy; return the parsed YAML.

    The form saves on every change; this waits for the save to land on disk (no fixed sleep).
    """
    deadline = time.monotonic() + timeout
    data: Any = None
    while time.monotonic() < deadline:
        if path.exists():
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except yaml.YAMLError:  # atomic writes make this unlikely; retry anyway
                data = None
            if data is not None and check(data):
                return data
        time.sleep(0.1)
    raise AssertionError(f"{path} did not get the expected content within {timeout:.0f}s; it holds:\n{data!r}")


@pytest.fixture()
def wait_for_yaml() -> Any:
    """The :func:`wait_for_file` helper, for test modules (they never import conftest)."""
    return wait_for_file


@pytest.fixture(scope="session")
def missing() -> Any:
    """``missing(reason)``: skip on a developer's machine, fail in CI (see :func:`unavailable`)."""
    return unavailable


@pytest.fixture()
def require() -> Any:
    """``require(path, owner)``: skip (fail in CI) when a file another engineer writes is missing."""

    def check(path: Path, owner: str) -> Path:
        if not path.exists():
            unavailable(f"{path.relative_to(PROJECT)} does not exist yet ({owner})")
        return path

    return check


@pytest.fixture()
def notebook(context: Any, lab: LabServer, request: pytest.FixtureRequest) -> Iterator[Any]:
    """Factory: ``notebook(source, params)`` copies a project notebook into the lab root's
    ``notebooks/`` with new parameter values, opens it and returns a :class:`NotebookPage`.

    Afterwards its kernel is shut down; when the test failed, the server log and the browser
    console are saved beside the screenshots in ``reports/test-artifacts/failures/``."""
    opened: list[NotebookPage] = []

    def open_notebook(source: Path, params: dict[str, str]) -> NotebookPage:
        rel = f"notebooks/{source.name}"
        prepare_notebook(source, lab.root / rel, params)
        nb = NotebookPage(context.new_page(), lab, rel)
        opened.append(nb)
        return nb.open()

    yield open_notebook
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        folder = ARTIFACTS / "failures"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(lab.log, folder / f"{request.node.name}-jupyter.log")
        (folder / f"{request.node.name}-console.log").write_text(
            "\n".join(line for nb in opened for line in nb.console), encoding="utf-8")
    for nb in opened:  # free the kernel for the next test (the server is shared)
        for s in lab.api("GET", "/api/sessions"):
            if s["path"] == nb.path:
                lab.api("DELETE", f"/api/sessions/{s['id']}")
