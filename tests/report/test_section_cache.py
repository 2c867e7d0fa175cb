"""Compiled section templates are cached between runs, privately, and never stale."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import jinja2

from helpers.report.section import template_cache


def test_the_template_cache_is_private_and_an_edited_template_is_compiled_again(tmp_path: Path) -> None:
    cache = template_cache()
    assert isinstance(cache, jinja2.FileSystemBytecodeCache)
    if os.name != "nt":
        mode = stat.S_IMODE(os.lstat(cache.directory).st_mode)
        assert mode == 0o700, oct(mode)  # nobody else can plant compiled code for us to run
    (tmp_path / "t.html.j2").write_text("first {{ x }}", encoding="utf-8")
    make = lambda: jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)),  # noqa: E731
                                      bytecode_cache=cache, autoescape=True)
    assert make().get_template("t.html.j2").render(x="<b>") == "first &lt;b&gt;"
    (tmp_path / "t.html.j2").write_text("second {{ x }}", encoding="utf-8")
    assert make().get_template("t.html.j2").render(x=1) == "second 1"  # a new run: the cache checks the source
