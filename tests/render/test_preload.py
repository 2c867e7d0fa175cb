"""The batch fork server's warm-up: a worker forked from it pays no import (nor schema compile) during its reports.

Everything a worker imports after the fork it imports once per worker, on its first report; what
the fork server imports is paid once per batch. The check runs in a process of its own, warmed
exactly as the fork server is (importing :mod:`helpers.render.preload`), then renders every demo.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEMO, ROOT

pytestmark = pytest.mark.slow  # renders the four demos in a fresh process

RENDER_AFTER_WARM_UP = """
import json, sys
from pathlib import Path
import helpers.render.preload  # the fork server's warm-up
import nbformat.validator
from helpers.render.handout import render_engagement

out, new, compiled = Path(sys.argv[1]), {}, {}
for folder in sorted(p for p in Path(sys.argv[2]).iterdir() if (p / "engagement.yaml").is_file()):
    before, validators = set(sys.modules), set(nbformat.validator.validators)
    result = render_engagement(folder, out)
    assert result.ok, result.error
    new[folder.name] = sorted(set(sys.modules) - before)
    compiled[folder.name] = sorted(map(str, set(nbformat.validator.validators) - validators))
print(json.dumps(compiled))
print(json.dumps(new))
"""


def test_a_report_after_the_fork_servers_warm_up_imports_nothing(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", RENDER_AFTER_WARM_UP, str(tmp_path / "out"), str(DEMO)],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    imported = json.loads(done.stdout.strip().splitlines()[-1])
    # nor compiles a notebook schema validator (fastjsonschema: 0.14 CPU-s in each worker's first report)
    compiled = json.loads(done.stdout.strip().splitlines()[-2])
    assert compiled == {name: [] for name in imported}, compiled
    assert sorted(imported) == ["hartwell-orme", "hartwell-orme-2026-08", "kessler-fluid-systems", "quillstack"]
    assert imported == {name: [] for name in imported}, imported
    written = {p.name for p in (tmp_path / "out").glob("*.html") if ".consultant" not in p.name}
    assert written == {f"{name}.html" for name in imported}
