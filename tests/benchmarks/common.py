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


def run(cmd: list[str], cwd: Path | None = None, retries: int = 1) -> None:
    """Run a command quietly; run it again (up to ``retries`` times) when it fails, then raise with its output.

    On a loaded machine a kernel can miss its start-up deadline ("Kernel died before replying to
    kernel_info"); the failed attempt is said on stderr and its time stays in the measurement.
    """
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or [""])[-1]
        if retries > 0:
            print(f"note: {Path(cmd[0]).name} failed ({last[:120]}); running it again", file=sys.stderr)
            return run(cmd, cwd, retries - 1)
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


def tree_memory(root: int) -> tuple[int, int]:
    """Memory of process ``root`` and every process below it, read from ``/proc`` (Linux, stdlib only).

    Returns
    -------
    (resident, high_water)
        Bytes resident now, summed over the tree (each process's proportional share, so pages a
        fork shares with its parent count once: :func:`proportional`), and the largest peak
        (``VmHWM``) of any one process of the tree so far (kept by the kernel between two samples).
    """
    resident, high, _ = tree_usage(root)
    return resident, high


#: Whether the kernel keeps a ``children`` list per thread (``CONFIG_PROC_CHILDREN``); else ``/proc`` is scanned.
_CHILDREN_LISTS = os.path.exists(f"/proc/self/task/{os.getpid()}/children")


def _children(pid: int) -> list[int] | None:
    """The processes ``pid`` started (from each of its threads' ``children`` list), or None where the kernel has no such list."""
    if not _CHILDREN_LISTS:
        return None
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []  # the process has ended
    out: list[int] = []
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as fh:
                out += [int(child) for child in fh.read().split()]
        except OSError:
            continue  # the thread has ended
    return out


def _all_children() -> dict[int, list[int]]:
    """Every process's children, from a scan of ``/proc`` (where per-process lists are missing)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):  # the process ended while being read
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def tree_usage(root: int) -> tuple[int, int, dict[int, float]]:
    """:func:`tree_memory`, and the CPU seconds (user + system) each process of the tree has used so far.

    Reads only the tree's own processes (found from each one's ``children`` list, or from a scan
    of ``/proc`` on a kernel without those lists). Each process's proportional set size
    (``smaps_rollup``, whose reading walks the process's page tables) is read only when the tree
    has more than one process: for a single process it can never exceed the ``VmHWM`` read
    anyway. Sampling a million-lead ``workbook check`` every 20 ms cost the benchmark about a
    fifth of a core when every process of the machine was read and ``smaps_rollup`` was read
    always, on a two-core machine where the command itself runs two threads.
    """
    page = os.sysconf("SC_PAGE_SIZE")
    tick = os.sysconf("SC_CLK_TCK")
    tree, todo = [root], [root]
    scanned: dict[int, list[int]] | None = None
    while todo:
        pid = todo.pop()
        found = _children(pid) if scanned is None else scanned.get(pid, [])
        if found is None:
            scanned = _all_children()
            found = scanned.get(pid, [])
        for child in found:
            if child not in tree:
                tree.append(child)
                todo.append(child)
    rss: dict[int, int] = {}
    cpu: dict[int, float] = {}
    high = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()  # after the command name: state, ppid, ...
            with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
                high = max([high] + [int(line.split()[1]) * 1024 for line in fh if line.startswith("VmHWM:")])
        except (OSError, ValueError, IndexError):  # the process ended while being read
            continue
        rss[pid] = int(fields[21]) * page  # field 24 of stat: resident pages
        cpu[pid] = (int(fields[11]) + int(fields[12])) / tick  # fields 14 and 15: utime, stime
    if len(rss) > 1:
        rss = {pid: proportional(pid, resident) for pid, resident in rss.items()}
    return sum(rss.values()), high, cpu


def proportional(pid: int, resident: int) -> int:
    """A process's proportional set size (``Pss``): its own pages, plus its share of pages shared.

    Workers forked from ``workbook batch``'s fork server share the server's pages until they write
    to them; summing plain resident sizes would count those pages once per process. Falls back
    to ``resident`` where ``/proc/PID/smaps_rollup`` cannot be read.
    """
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return resident


def peak_run(cmd: list[str], cwd: Path | None = None, ok_codes: tuple[int, ...] = (0,)) -> tuple[float, float, float]:
    """Run a command; its wall time (s), the peak memory of its process tree (MB) and its CPU time (s).

    The tree's resident memory (the command and every process it started, summed) is sampled
    every 20 ms from ``/proc``, with each process's own peak (``VmHWM``) taken when that is
    higher. ``wait4``'s ``ru_maxrss`` is not used: it counts the benchmark's own memory, which the
    child holds between fork and exec (the 1.7 GB once read for a 1,000,000-lead check came from
    the benchmark process that had just generated the export). CPU time is user + system of the
    whole tree: ``wait4`` counts the command and every child it waited for, but not a process it
    never waits for (``workbook batch``'s fork server and the workers forked from it), so each
    process's own CPU time is also sampled from ``/proc`` with the memory, and the larger of the
    two totals is kept (sampling misses at most the last 20 ms of each process).
    """
    import tempfile

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err,
                                env={**os.environ, "PYTHONWARNINGS": "ignore"})
        peak = 0
        seen: dict[int, float] = {}  # CPU seconds of each process of the tree, last sample
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            resident, high, cpu = tree_usage(proc.pid)
            peak = max(peak, resident, high)
            seen.update(cpu)
            time.sleep(0.02)
        wall = time.perf_counter() - t0
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        if code not in ok_codes:
            err.seek(0)
            raise RuntimeError(f"{' '.join(cmd[:3])} ... failed ({code}):\n{err.read().decode()[-2000:]}")
    return wall, peak / 1e6, max(usage.ru_utime + usage.ru_stime, sum(seen.values()))
