"""The benchmark's process-tree sampling (``tests.benchmarks.common.tree_usage``) sees what a user's ``top`` would.

``make bench`` reports peak memory and CPU seconds of a command's whole process tree (the batch's
fork server and workers included). These tests start a small tree of their own and check that
every process of it is found, grandchildren included, and that memory and CPU are read.
"""

from __future__ import annotations

import subprocess
import sys
import time

from tests.benchmarks.common import tree_usage

#: A parent that starts a child which starts a grandchild; the grandchild holds 64 MB and spins.
TREE = """
import subprocess, sys
if sys.argv[1] == "0":
    block = bytearray(64 * 2**20)
    for i in range(0, len(block), 4096):
        block[i] = 1
    print("ready", flush=True)
    end = __import__("time").time() + 30
    while __import__("time").time() < end:
        pass
else:
    p = subprocess.Popen([sys.executable, "-c", sys.argv[2], str(int(sys.argv[1]) - 1), sys.argv[2]])
    p.wait()
"""


def test_tree_usage_finds_grandchildren_and_reads_their_memory_and_cpu() -> None:
    proc = subprocess.Popen([sys.executable, "-c", TREE, "2", TREE])
    try:
        deadline = time.monotonic() + 20
        usage = tree_usage(proc.pid)
        while time.monotonic() < deadline:
            usage = tree_usage(proc.pid)
            if len(usage[2]) == 3 and usage[1] > 64 * 2**20 and max(usage[2].values()) > 0.2:
                break
            time.sleep(0.1)
        resident, high, cpu = usage
        assert proc.pid in cpu and len(cpu) == 3, f"expected the parent, child and grandchild, found {sorted(cpu)}"
        assert high > 64 * 2**20, f"the grandchild's 64 MB block was not seen (largest peak {high / 2**20:.0f} MB)"
        assert resident > 64 * 2**20
        assert max(cpu.values()) > 0.2, f"the spinning grandchild's CPU time was not read: {cpu}"
    finally:
        for pid in tree_usage(proc.pid)[2]:  # the whole tree, grandchild first
            if pid != proc.pid:
                subprocess.run(["kill", "-9", str(pid)], check=False)
        proc.kill()
        proc.wait()


def test_tree_usage_of_an_ended_process_is_empty() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    resident, high, cpu = tree_usage(proc.pid)
    assert (resident, high, cpu) == (0, 0, {})
