"""Shared helpers for the rendering benchmarks: demo-sized engagement copies and timing."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

from helpers import NOTEBOOKS, PROJECT_ROOT

DEMO = PROJECT_ROOT / "templates" / "demo"
REPORT = NOTEBOOKS / "05_client_report.ipynb"
BIN = Path(sys.executable).parent


def demo_folders() -> list[Path]:
    """The bundled demo engagements, sorted by name."""
    return sorted(p for p in DEMO.iterdir() if (p / "engagement.yaml").is_file())


def copy_engagements(n: int, root: Path) -> list[Path]:
    """``n`` demo-sized engagements under ``root``: copies of the demos, cycled, each renamed.

    An earlier wave (``previous:``) is pointed at the bundled demo's absolute path so the copy
    renders the same sections as the original.
    """
    demos = demo_folders()
    out = []
    for i in range(n):
        src = demos[i % len(demos)]
        dest = root / f"{src.name}-{i + 1:02d}"
        shutil.copytree(src, dest)
        yaml_path = dest / "engagement.yaml"
        text = yaml_path.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^previous:\s*(\S+)", lambda m: f"previous: {(src / m.group(1)).resolve()}", text)
        yaml_path.write_text(text, encoding="utf-8")
        out.append(dest)
    return out


def tool(name: str) -> str:
    """Path of a console script installed next to this Python (papermill, jupyter, workbook)."""
    path = BIN / name
    return str(path) if path.exists() else name


def run(cmd: list[str], cwd: Path | None = None) -> None:
    """Run a command quietly; raise with its output when it fails."""
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} ... failed ({done.returncode}):\n{done.stderr[-2000:]}")


def timed(fn: Callable[[], object]) -> float:
    """Wall time of ``fn()`` in seconds."""
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def naive_one(folder: Path, out: Path) -> None:
    """What a user would write: the papermill CLI, then the nbconvert CLI, for one client."""
    executed = out / f"{folder.name}.ipynb"
    run([tool("papermill"), str(REPORT), str(executed), "-p", "engagement", str(folder), "--no-progress-bar"],
        cwd=NOTEBOOKS)
    run([tool("jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed), "--output-dir", str(out)])


def peak_run(cmd: list[str], cwd: Path | None = None, ok_codes: tuple[int, ...] = (0,)) -> tuple[float, float, float]:
    """Run a command; its wall time (s), the peak memory of its process tree (MB) and its CPU time (s).

    The tree's resident memory (the command and every process it started, summed) is sampled
    every 20 ms; the command's own peak as the kernel recorded it is taken when that is higher.
    CPU time is user + system of the command and its children, from the operating system.
    """
    import resource

    import psutil

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONWARNINGS": "ignore"})
    peak = 0
    try:
        root = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                tree = [root] + root.children(recursive=True)
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:  # a process ended while being read
                pass
            time.sleep(0.02)
    except psutil.NoSuchProcess:
        pass
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in ok_codes:
        raise RuntimeError(f"{' '.join(cmd[:3])} ... failed ({proc.returncode}):\n{err.decode()[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, max(peak, after.ru_maxrss * 1024) / 1e6, cpu
