"""Hostile and oversized input is refused with one clear problem, fast and in bounded memory.

Issue 12, items 5-7: YAML duplicate keys, alias and depth bombs, non-finite numbers, binary or
UTF-16 tables, blank headers, row and size limits, a summary of repeated problems, and the
text-safety helpers (CSV cells, terminal output, chart text, embedded images).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
import yaml

from helpers import fileio
from helpers.fileio import (FUNNEL_MAX_ROWS, SURVEY_MAX_ROWS, YAML_MAX_BYTES, YamlRefused, load_yaml_text,
                            read_table, read_text, read_yaml)
from helpers.problems import Problem, Problems, summarise, warning
from helpers.textsafe import chart_text, csv_cell, safe_image, terminal

ROOT = Path(__file__).resolve().parent.parent
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture(params=["libyaml", "pure-python"])
def loader(request, monkeypatch):
    """Run YAML tests with both parsers: libyaml's (when installed) and PyYAML's own."""
    if request.param == "libyaml":
        if not hasattr(fileio, "_CLoader"):
            pytest.skip("PyYAML without libyaml")
        monkeypatch.setattr(fileio, "_Loader", fileio._CLoader)
    else:
        monkeypatch.setattr(fileio, "_Loader", fileio._PyLoader)
    return request.param


def shown(problems) -> list[str]:
    return [str(p) for p in problems]


def run_measured(code: str) -> dict:
    """Run ``code`` in a fresh interpreter; it sets ``result``. Returns its time and extra peak memory."""
    script = textwrap.dedent("""
        import json, resource, time
        import pandas  # imports (pandas, which fileio's table readers import when first called, and yaml)
        from helpers import fileio  # are not part of the measurement
        from helpers.fileio import read_table, read_yaml
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
    """) + textwrap.dedent(code) + textwrap.dedent("""
        seconds = time.perf_counter() - start
        extra = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024
        print(json.dumps({"seconds": seconds, "extra_mb": extra, "result": [str(p) for p in result]}))
    """)
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------------------------
# YAML: duplicate keys
# --------------------------------------------------------------------------------------------

ENGAGEMENT_WITH_DUPLICATE = """\
client: Brightwater Analytics
consultant: Priya Raman
date: 2026-10-05
industry: B2B software
sla:
  response_hours: 24
notes: |
  Met the CEO on Monday.
share: false
logo: logo.png
confidentiality:
  min_group: 5
team_size: 40
share: true
"""


def test_a_duplicate_key_names_the_key_and_both_lines(tmp_path, loader) -> None:
    path = tmp_path / "engagement.yaml"
    path.write_text(ENGAGEMENT_WITH_DUPLICATE)
    data, problems = read_yaml(path, "engagement.yaml")
    assert data is None
    assert shown(problems) == ["engagement.yaml:14: key 'share' appears twice (lines 9 and 14); keep one"]


def test_a_duplicate_key_deep_inside_is_found_with_its_place(tmp_path, loader) -> None:
    path = tmp_path / "dana.yaml"
    path.write_text(textwrap.dedent("""\
        interviewee: Dana Whitfield
        answers:
          - question: sl_p_01
            answer: Leads go cold.
          - question: sl_p_02
            share: false
            answer: "My boss never reads the reports."
            share: true
        meta:
          a:
            b:
              c: 1
              c: 2
              c: 3
    """))
    data, problems = read_yaml(path, "interviews/dana.yaml")
    assert data is None
    assert shown(problems) == [
        "interviews/dana.yaml:8: answers[1]: key 'share' appears twice (lines 6 and 8); keep one",
        "interviews/dana.yaml:13: meta.a.b: key 'c' appears 3 times (lines 12, 13 and 14); keep one",
    ]


def test_keys_that_yaml_reads_as_the_same_value_are_duplicates(loader) -> None:
    with pytest.raises(YamlRefused) as caught:
        load_yaml_text("yes: 1\ntrue: 2\n")  # YAML 1.1: both are the boolean true
    assert caught.value.issues[0].message == "key 'yes' appears twice (lines 1 and 2)"
    assert isinstance(caught.value, yaml.YAMLError)  # callers catching YAMLError keep working


def test_same_key_in_different_mappings_and_merge_keys_are_fine(loader) -> None:
    text = "base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  x: 3\nd:\n  x: 4\n1: one\n'1': text one\n"
    assert load_yaml_text(text) == {"base": {"x": 1, "y": 2}, "c": {"x": 3, "y": 2}, "d": {"x": 4},
                                    1: "one", "1": "text one"}


def test_an_impossible_date_still_stays_text(loader) -> None:
    data = load_yaml_text("date: 2026-13-01\nok: 2026-01-31\n")
    assert data["date"] == "2026-13-01" and str(data["ok"]) == "2026-01-31"


# --------------------------------------------------------------------------------------------
# YAML: bombs
# --------------------------------------------------------------------------------------------

BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{n}: &{n} [" + ",".join([f"*{p}"] * 9) + "]\n" for p, n in zip("abcdefgh", "bcdefghi"))


def test_a_billion_laughs_file_is_refused_quickly_in_little_memory(tmp_path) -> None:
    path = tmp_path / "engagement.yaml"
    path.write_text(BILLION_LAUGHS)  # 9**9 = 387 million strings once expanded
    measured = run_measured(f"result = read_yaml({str(path)!r}, 'engagement.yaml')[1]")
    assert measured["result"] == ["engagement.yaml:7: uses aliases (*f) more than 50 times; write the values out "
                                  "instead of repeating them with anchors (&name) and aliases (*name)"]
    assert measured["seconds"] < 1.0, measured
    assert measured["extra_mb"] < 50, measured


def test_few_aliases_that_expand_hugely_are_refused_without_expanding(tmp_path, loader) -> None:
    path = tmp_path / "journey.yaml"  # 30 aliases, 2**15 copies of the first list
    path.write_text("a0: &a0 [x, x]\n" + "".join(f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]\n" for i in range(1, 16)))
    start = time.perf_counter()
    data, problems = read_yaml(path, "journey.yaml")
    assert time.perf_counter() - start < 1.0
    assert data is None and len(problems) == 1
    assert "its aliases would expand to more than 10,000 extra values" in str(problems[0])
    assert problems[0].row is not None


def test_an_alias_loop_is_refused(loader) -> None:
    with pytest.raises(YamlRefused, match="a loop"):
        load_yaml_text("a: &a [1, *a]\n")


def test_a_few_anchors_and_aliases_are_still_fine(loader) -> None:
    text = "defaults: &d {hours: 24, owner: sales}\nstages:\n  - {name: mql, <<: *d}\n  - {name: sql, <<: *d}\n"
    assert load_yaml_text(text)["stages"][1] == {"name": "sql", "hours": 24, "owner": "sales"}


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000,
                                  "".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "x: 1\n",
                                  "- " * 60 + "x\n"])
def test_a_depth_bomb_is_one_problem_not_a_traceback(tmp_path, loader, text) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(text)
    start = time.perf_counter()
    data, problems = read_yaml(path, "plan.yaml")
    assert time.perf_counter() - start < 2.0
    assert data is None
    assert len(problems) == 1 and problems[0].row is not None
    assert str(problems[0]).endswith(": is nested more than 50 levels deep; a workbook file is never like this: "
                                     "check that it is the right file")


def test_nesting_within_the_limit_reads(loader) -> None:
    assert load_yaml_text("[" * 50 + "]" * 50) is not None


def test_too_many_values_are_refused(loader) -> None:
    with pytest.raises(YamlRefused, match="holds more than 50,000 values"):
        load_yaml_text("[" + ",".join(["a"] * 60_000) + "]")


def test_a_yaml_file_over_the_size_limit_is_refused_before_parsing(tmp_path, monkeypatch) -> None:
    path = tmp_path / "engagement.yaml"
    with open(path, "wb") as fh:  # sparse: nothing to read, so refusing it must not read it
        fh.truncate(YAML_MAX_BYTES + 1)
    monkeypatch.setattr(fileio, "load_yaml_text", lambda text: pytest.fail("parsed an oversized file"))
    data, problems = read_yaml(path, "engagement.yaml")
    assert data is None
    assert shown(problems) == ["engagement.yaml: is over the 1 MB limit for this file; a workbook file is "
                               "never like this: check that it is the right file (the limits are in the README)"]


# --------------------------------------------------------------------------------------------
# YAML: non-finite numbers
# --------------------------------------------------------------------------------------------


def test_nan_and_infinity_are_problems_naming_the_field(tmp_path, loader) -> None:
    path = tmp_path / "engagement.yaml"
    path.write_text(textwrap.dedent("""\
        client: Brightwater
        sla:
          response_hours: .nan
        journey:
          stages:
            - {name: Aware, emotion: .inf}
            - {name: Buy, emotion: -.Inf}
        budget: 1.0e+400
    """))
    data, problems = read_yaml(path, "engagement.yaml")
    assert data is None
    hint = "write an ordinary number such as 24, or leave the field out (.nan and .inf are not accepted)"
    assert shown(problems) == [
        f"engagement.yaml:3: sla.response_hours: '.nan' is not a usable number; {hint}",
        f"engagement.yaml:6: journey.stages[0].emotion: '.inf' is not a usable number; {hint}",
        f"engagement.yaml:7: journey.stages[1].emotion: '-.Inf' is not a usable number; {hint}",
        f"engagement.yaml:8: budget: '1.0e+400' is not a usable number; {hint}",
    ]


def test_the_text_nan_is_still_text(loader) -> None:
    assert load_yaml_text("note: nan\nother: 'inf'\nx: 2.5\n") == {"note": "nan", "other": "inf", "x": 2.5}


# --------------------------------------------------------------------------------------------
# Text and tables: binary, UTF-16, blank header
# --------------------------------------------------------------------------------------------


def _xlsx_bytes() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["respondent", "team"])
    book.active.append(["S1", "sales"])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_an_excel_workbook_named_csv_is_named_as_such(tmp_path) -> None:
    path = tmp_path / "survey.csv"
    path.write_bytes(_xlsx_bytes())
    frame, problems = read_table(path, "survey.csv", header=None)
    assert frame is None
    assert shown(problems) == ["survey.csv: is not a text file (it looks like an Excel workbook); rename it to "
                               "survey.xlsx, or export it as UTF-8 CSV (in Excel: Save As, CSV UTF-8)"]


@pytest.mark.parametrize("content, what", [(bytes(range(256)) * 4, "binary data"),
                                           (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
                                            "an old-style Excel workbook (.xls) or another Office file"),
                                           (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document")])
def test_binary_files_are_named_as_such(tmp_path, content, what) -> None:
    path = tmp_path / "funnel.csv"
    path.write_bytes(content)
    frame, problems = read_table(path, "funnel.csv")
    assert frame is None
    assert shown(problems) == [f"funnel.csv: is not a text file (it looks like {what}); "
                               "export it as UTF-8 CSV (in Excel: Save As, CSV UTF-8)"]
    text, problems = read_text(path, "engagement.yaml")
    assert text is None and problems[0].hint.startswith("save it as plain UTF-8 text")


def test_utf16_without_byte_order_mark_is_named(tmp_path) -> None:
    path = tmp_path / "survey.csv"
    path.write_bytes("respondent,team\nJosé,sales\n".encode("utf-16-le"))
    frame, problems = read_table(path, "survey.csv", header=None)
    assert frame is None
    assert shown(problems) == ["survey.csv: is saved as UTF-16 text without a byte-order mark; "
                               "export it as UTF-8 CSV (in Excel: Save As, CSV UTF-8)"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_utf16_and_utf32_with_byte_order_mark_are_decoded(tmp_path, encoding) -> None:
    path = tmp_path / "survey.csv"  # Excel's "Unicode Text" export: UTF-16 with BOM, tab-separated
    path.write_bytes("respondent\tteam\nJosé\tsales\nZoë\tmarketing\n".encode(encoding))
    frame, problems = read_table(path, "survey.csv")
    assert problems == []
    assert frame.to_dict("records") == [{"respondent": "José", "team": "sales"},
                                        {"respondent": "Zoë", "team": "marketing"}]
    text, problems = read_text(path, "survey.csv")
    assert problems == [] and text.startswith("respondent\tteam")


def test_a_header_of_blank_cells_is_named(tmp_path) -> None:
    path = tmp_path / "funnel.csv"
    path.write_text(" , ,,\nL1,web,2026-01-05,\nL2,event,2026-01-06,\n")
    frame, problems = read_table(path, "funnel.csv")
    assert frame is None
    assert shown(problems) == ["funnel.csv:1: the header row has no column names; put the column names in the "
                               "first row (one per column, e.g. lead_id, source, created_at)"]


def test_a_text_file_named_xlsx_is_named_as_such(tmp_path) -> None:
    path = tmp_path / "survey.xlsx"
    path.write_text("respondent,team\nS1,sales\n")
    frame, problems = read_table(path, "survey.xlsx", header=None)
    assert shown(problems) == ["survey.xlsx: is not an Excel workbook (it is a text file, probably CSV); "
                               "rename it to survey.csv, or open it in Excel and save it as .xlsx"]


def test_a_fifo_or_folder_is_refused_without_hanging(tmp_path) -> None:
    os.mkfifo(tmp_path / "survey.csv")
    (tmp_path / "funnel.csv").mkdir()
    assert shown(read_table(tmp_path / "survey.csv", "survey.csv")[1]) == [
        "survey.csv: is not a regular file; replace it with an ordinary file"]
    assert shown(read_table(tmp_path / "funnel.csv", "funnel.csv")[1]) == [
        "funnel.csv: is a folder, not a file; move the file itself here, or rename the folder"]


# --------------------------------------------------------------------------------------------
# Tables: size and row limits
# --------------------------------------------------------------------------------------------


def _survey(rows: int) -> str:
    return "respondent,team,goals_1\n" + "".join(f"R{i},sales,4\n" for i in range(rows))


def test_a_survey_at_the_row_limit_reads(tmp_path) -> None:
    path = tmp_path / "survey.csv"
    path.write_text("Alignment survey export,,\n" + _survey(SURVEY_MAX_ROWS))  # a title row is allowed
    frame, problems = read_table(path, "survey.csv", header=None)
    assert problems == [] and len(frame) == SURVEY_MAX_ROWS + 2


def test_a_ragged_survey_over_the_row_limit_is_refused_before_parsing_fails(tmp_path) -> None:
    path = tmp_path / "survey.csv"  # the title row makes pandas fail; the row count still applies first
    path.write_text("Alignment survey export\n" + _survey(3 * SURVEY_MAX_ROWS))
    frame, problems = read_table(path, "survey.csv", header=None)
    assert frame is None and len(problems) == 1
    assert problems[0].message == "has about 30,002 lines, more than the 10,000 rows of answers a survey file may have"


def test_a_survey_over_the_row_limit_is_one_problem(tmp_path) -> None:
    path = tmp_path / "survey.csv"
    path.write_text(_survey(SURVEY_MAX_ROWS + 20))
    frame, problems = read_table(path, "survey.csv", header=None)
    assert frame is None
    assert shown(problems) == ["survey.csv: has about 10,021 lines, more than the 10,000 rows of answers a survey "
                               "file may have; keep one row per respondent and remove test rows (the limits are "
                               "in the README)"]


def test_row_limits_can_be_given_and_count_rows_not_lines(tmp_path) -> None:
    path = tmp_path / "funnel.csv"  # quoted notes span lines: 3 leads on 7 lines
    path.write_text('lead_id,notes\nL1,"a\nb"\nL2,"c\nd\ne"\nL3,f\n')
    frame, problems = read_table(path, "funnel.csv", max_rows=3)
    assert problems == [] and list(frame["lead_id"]) == ["L1", "L2", "L3"]
    frame, problems = read_table(path, "funnel.csv", max_rows=2)
    assert frame is None and problems[0].message.endswith("more than the 2 rows of leads a funnel file may have")


def test_a_table_over_the_size_limit_is_refused_before_reading(tmp_path) -> None:
    path = tmp_path / "survey.csv"
    with open(path, "wb") as fh:
        fh.truncate(64 * 1024 * 1024)  # sparse
    frame, problems = read_table(path, "survey.csv", header=None)
    assert frame is None
    assert shown(problems) == ["survey.csv: is 64 MB, over the 50 MB limit for this file; keep only the rows and "
                               "columns you need, or export a shorter period (the limits are in the README)"]


def test_a_million_lead_funnel_still_reads(tmp_path) -> None:
    path = tmp_path / "funnel.csv"
    with open(path, "w") as fh:
        fh.write("lead_id,source,created_at,mql_at,won_at,amount\n")
        fh.writelines(f"L{i:07d},web,2026-01-{1 + i % 28:02d},2026-02-01,,{i % 900}\n" for i in range(1_000_000))
    start = time.perf_counter()
    frame, problems = read_table(path, "funnel.csv")
    assert problems == [] and len(frame) == 1_000_000
    assert time.perf_counter() - start < 30


_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dim}<sheetData>'
               '<row r="1"><c r="A1" t="inlineStr"><is><t>lead_id</t></is></c>'
               '<c r="B1" t="inlineStr"><is><t>source</t></is></c></row>')
_ROW = b'<row><c t="inlineStr"><is><t>L</t></is></c><c t="inlineStr"><is><t>web</t></is></c></row>'


def write_xlsx(path: Path, rows: int, dimension: bool = True, more: tuple[tuple[str, int, bool], ...] = ()) -> None:
    """A minimal workbook: sheet "Leads" with a header and ``rows`` data rows, then the ``more``
    sheets ``(name, rows, dimension)``; streamed (no cell objects in memory)."""
    ns = "http://schemas.openxmlformats.org"
    sheets = (("Leads", rows, dimension), *more)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", f'<?xml version="1.0"?><Types xmlns="{ns}/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.spreadsheetml.sheet.main+xml"/>' + "".join(
                       f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.'
                       'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(len(sheets)))
                   + '</Types>')
        z.writestr("_rels/.rels", f'<?xml version="1.0"?><Relationships xmlns="{ns}/package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" '
                   'Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook xmlns="{ns}/spreadsheetml/2006/main" '
                   f'xmlns:r="{ns}/officeDocument/2006/relationships"><sheets>' + "".join(
                       f'<sheet name="{name}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                       for i, (name, _, _) in enumerate(sheets)) + '</sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0"?><Relationships xmlns="{ns}/package/2006/'
                   'relationships">' + "".join(
                       f'<Relationship Id="rId{i + 1}" Type="{ns}/officeDocument/2006/relationships/worksheet" '
                       f'Target="worksheets/sheet{i}.xml"/>' for i in range(len(sheets))) + '</Relationships>')
        for i, (_, n, dim) in enumerate(sheets):
            with z.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as fh:
                fh.write(_SHEET_HEAD.format(dim=f'<dimension ref="A1:B{n + 1}"/>' if dim else "").encode())
                block = _ROW * 10_000
                for _ in range(n // 10_000):
                    fh.write(block)
                fh.write(_ROW * (n % 10_000) + b"</sheetData></worksheet>")


def test_a_small_hand_made_workbook_reads(tmp_path) -> None:
    path = tmp_path / "funnel.xlsx"
    write_xlsx(path, 3)
    frame, problems = read_table(path, "funnel.xlsx")
    assert problems == [] and frame.to_dict("records") == [{"lead_id": "L", "source": "web"}] * 3


def test_a_two_million_row_workbook_is_refused_by_its_dimension_fast(tmp_path) -> None:
    path = tmp_path / "funnel.xlsx"
    write_xlsx(path, FUNNEL_MAX_ROWS + 1)
    measured = run_measured(f"result = read_table({str(path)!r}, 'funnel.xlsx')[1]")
    assert measured["result"] == [
        "funnel.xlsx: has 2,000,002 rows, more than the 2,000,000 rows of leads a funnel file may have; export a "
        "shorter period, e.g. the last 24 months; empty rows that still carry formatting count too: delete them, "
        "or save the sheet as CSV (the limits are in the README)"]
    assert measured["seconds"] < 1.0 and measured["extra_mb"] < 50, measured


def test_a_workbook_without_dimension_is_counted_in_bounded_memory(tmp_path) -> None:
    path = tmp_path / "survey.xlsx"
    write_xlsx(path, 500_000, dimension=False)
    measured = run_measured(f"result = read_table({str(path)!r}, 'survey.xlsx', header=None)[1]")
    assert len(measured["result"]) == 1
    assert measured["result"][0].startswith("survey.xlsx: has more than the 10,000 rows of answers a survey file")
    assert measured["seconds"] < 1.0 and measured["extra_mb"] < 50, measured


def test_a_big_sheet_without_dimension_beside_the_answers_is_refused_fast(tmp_path) -> None:
    path = tmp_path / "survey.xlsx"  # openpyxl would parse "Raw" in full just to open the workbook
    write_xlsx(path, 20, more=(("Notes", 50_000, True), ("Raw", 500_000, False)))
    assert fileio.sheet_names(path) == ["Leads", "Notes", "Raw"]
    measured = run_measured(f"result = read_table({str(path)!r}, 'survey.xlsx', header=None)[1]")
    assert measured["result"] == [
        "survey.xlsx: sheet 'Raw' has more than the 10,000 rows of answers a survey file may have; delete that "
        "sheet (every sheet is read when the workbook is opened), or save the sheet you need as CSV (the limits "
        "are in the README)"]
    assert measured["seconds"] < 1.0 and measured["extra_mb"] < 50, measured
    write_xlsx(path, 20, more=(("Notes", 50_000, True),))  # a big sheet with a dimension costs nothing
    frame, problems = read_table(path, "survey.xlsx", header=None)
    assert problems == [] and len(frame) == 21


def test_a_workbook_that_unpacks_to_gigabytes_is_refused(tmp_path) -> None:
    path = tmp_path / "survey.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            zeros = b"\0" * (1024 * 1024)
            for _ in range(201):
                fh.write(zeros)
    frame, problems = read_table(path, "survey.xlsx", header=None)
    assert frame is None
    assert problems[0].message == "unpacks to 201 MB, over the 200 MB limit for this workbook"


# --------------------------------------------------------------------------------------------
# Many identical problems
# --------------------------------------------------------------------------------------------


def test_summarise_keeps_the_first_few_of_each_kind_and_counts_the_rest() -> None:
    ratings = [Problem("survey.csv", f"rating {7 + i % 3} is outside 1-5", "rate 1 to 5", row=i + 2,
                       field=f"goals_{1 + i % 2}") for i in range(1999)]
    unknown = [warning("survey.csv", "column is not a statement of the instrument and is ignored", "nothing to do",
                       row=1, field=f"extra_{i}") for i in range(3)]
    dates = [Problem("funnel.csv", f"'{i}/13/2026' is not a date", "write YYYY-MM-DD", row=i + 2, field="mql_at")
             for i in range(40)]
    out = summarise(ratings + unknown + dates)
    assert isinstance(out, Problems)
    assert shown(out) == [
        "survey.csv:2: goals_1: rating 7 is outside 1-5; rate 1 to 5",
        "survey.csv:3: goals_2: rating 8 is outside 1-5; rate 1 to 5",
        "survey.csv:4: goals_1: rating 9 is outside 1-5; rate 1 to 5",
        "survey.csv:5: goals_2: rating 7 is outside 1-5; rate 1 to 5",
        "survey.csv:6: goals_1: rating 8 is outside 1-5; rate 1 to 5",
        "survey.csv: … and 1,994 more rows with the same problem",
        *[str(p) for p in unknown],
        *[str(p) for p in dates[:5]],
        "funnel.csv: mql_at: … and 35 more rows with the same problem",
    ]
    assert [p.severity for p in out].count("warning") == 3
    assert shown(summarise(ratings, first=2))[-1] == "survey.csv: … and 1,997 more rows with the same problem"
    assert summarise([]) == []


def test_summarise_counts_problems_when_rows_repeat() -> None:
    same_row = [Problem("funnel.csv", "date is in the future", "check it", row=7, field=c) for c in "abcdefgh"]
    assert shown(summarise(same_row))[-1] == "funnel.csv: … and 3 more with the same problem"


# --------------------------------------------------------------------------------------------
# textsafe: CSV cells, terminal, charts
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    ('=HYPERLINK("http://evil.example","Acme")', '\'=HYPERLINK("http://evil.example","Acme")'),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"), ("-2+3", "'-2+3"), ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1+1", "'\t=1+1"), ("\r=1+1", "'\r=1+1"), ("＝1+1", "'＝1+1"),
    ("Acme GmbH", "Acme GmbH"), ("", ""), ("a=b", "a=b"),
    ("-12.5", "-12.5"), ("+3", "+3"), (-12.5, -12.5), (7, 7), (0.25, 0.25), (None, None), (True, True),
])
def test_csv_cell_neutralises_formulas_and_keeps_numbers(value, expected) -> None:
    assert csv_cell(value) == expected
    assert type(csv_cell(value)) is type(expected)


def test_csv_cell_round_trips_through_a_csv_writer() -> None:
    import csv

    buf = io.StringIO()
    csv.writer(buf).writerow([csv_cell(v) for v in ['=HYPERLINK("x")', 3, "plain"]])
    assert buf.getvalue() == '"\'=HYPERLINK(""x"")",3,plain\r\n'


def test_terminal_strips_escape_sequences_and_control_characters() -> None:
    hostile = ("\x1b[2J\x1b[HAcme\x1b[31m red\x1b[0m\x1b]0;pwned\x07 \x1b]8;;http://evil.example\x1b\\link"
               "\x1b]8;;\x1b\\ fake\rreal\x08\x07\x00 \u202egnp.exe\x9b2J\x7f\nnext\tcol\r\n")
    assert terminal(hostile) == "Acme red link fakereal gnp.exe\nnext\tcol\n"
    assert terminal("Zürich — 東京\n") == "Zürich — 東京\n"
    assert terminal(42) == "42"


@pytest.mark.parametrize("parse_math", [True, False], ids=["mathtext-on", "project-style"])
@pytest.mark.parametrize("text", ["Pay $5 or $10", "Promo $5% vs $10%", "$x^2$", r"C:\new\$tmp $a$", "no dollars"])
def test_chart_text_is_drawn_literally(text, parse_math) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    def render(label: str, **kw) -> np.ndarray:
        fig, ax = plt.subplots(figsize=(4, 1))
        ax.axis("off")
        ax.text(0.01, 0.5, label, **kw)
        buf = io.BytesIO()
        fig.savefig(buf, format="png")  # raises for broken mathtext (the "$5% vs $10%" case)
        plt.close(fig)
        assert buf.getvalue().startswith(b"\x89PNG")
        buf.seek(0)
        return plt.imread(buf)

    with matplotlib.rc_context({"text.parse_math": parse_math, "text.usetex": False}):
        escaped = chart_text(text)  # follows the setting in force: escapes only where math is parsed
        assert escaped == (text.replace("$", r"\$") if parse_math else text)
        # Drawn exactly like the raw text with math parsing switched off: every character literal.
        assert np.array_equal(render(escaped), render(text, parse_math=False))
        fig, ax = plt.subplots()  # and through APIs without a parse_math switch: title, ticks, legend
        ax.set_title(escaped)
        ax.plot([0, 1], [0, 1], label=escaped)
        ax.set_xticks([0, 1], [escaped, escaped])
        ax.legend()
        fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)


def test_chart_text_can_be_told_the_setting() -> None:
    assert chart_text("Pay $5", parse_math=True) == r"Pay \$5"
    assert chart_text("Pay $5", parse_math=False) == "Pay $5"


def test_raw_dollar_text_is_what_breaks_matplotlib_with_mathtext_on() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with matplotlib.rc_context({"text.parse_math": True}):
        fig, ax = plt.subplots()
        ax.set_title("Promo $5% vs $10%")
        with pytest.raises(ValueError):
            fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)


# --------------------------------------------------------------------------------------------
# textsafe: images confined to the engagement folder
# --------------------------------------------------------------------------------------------


@pytest.fixture
def clients(tmp_path) -> Path:
    """Two client folders side by side; the other client has a real logo."""
    (tmp_path / "acme").mkdir()
    (tmp_path / "other-client").mkdir()
    (tmp_path / "other-client" / "logo.png").write_bytes(PNG)
    return tmp_path / "acme"


def test_a_real_png_inside_the_folder_is_read(clients) -> None:
    (clients / "images").mkdir()
    (clients / "images" / "logo.png").write_bytes(PNG)
    assert safe_image("images/logo.png", clients) == (PNG, "image/png")


@pytest.mark.parametrize("content, mime", [(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
                                           (b"GIF89a\x01\x00\x01\x00", "image/gif"),
                                           (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp")])
def test_image_type_comes_from_content_not_name(clients, content, mime) -> None:
    (clients / "logo.png").write_bytes(content)
    assert safe_image("logo.png", clients) == (content, mime)


def test_a_symlink_to_a_system_file_is_refused(clients) -> None:
    (clients / "logo.png").symlink_to("/etc/passwd")
    assert str(safe_image("logo.png", clients)) == (
        "engagement.yaml: logo: 'logo.png' is a link to a file outside the engagement folder; "
        "copy the image itself into the engagement folder instead of linking to it")


def test_a_symlink_to_another_clients_logo_is_refused(clients) -> None:
    (clients / "logo.png").symlink_to(clients.parent / "other-client" / "logo.png")
    assert "is a link to a file outside the engagement folder" in str(safe_image("logo.png", clients))


def test_a_symlink_inside_the_folder_is_fine(clients) -> None:
    (clients / "brand.png").write_bytes(PNG)
    (clients / "logo.png").symlink_to("brand.png")
    assert safe_image("logo.png", clients) == (PNG, "image/png")


@pytest.mark.parametrize("path", ["/etc/passwd", "C:\\Windows\\logo.png", "\\\\server\\share\\logo.png", "~/logo.png"])
def test_an_absolute_path_is_refused(clients, path) -> None:
    assert str(safe_image(path, clients)) == (
        f"engagement.yaml: logo: {path!r} is an absolute path; only files inside the engagement folder are used; "
        "put the image in the engagement folder and write its name, e.g. logo: logo.png")


@pytest.mark.parametrize("path", ["../other-client/logo.png", "images/../../other-client/logo.png",
                                  "..\\other-client\\logo.png"])
def test_a_path_out_of_the_folder_is_refused(clients, path) -> None:
    assert str(safe_image(path, clients)) == (
        f"engagement.yaml: logo: {path!r} points outside the engagement folder (..); "
        "put the image in the engagement folder and write its name, e.g. logo: logo.png")


def test_a_text_file_named_png_is_refused(clients) -> None:
    (clients / "logo.png").write_text("<script>alert(1)</script>\n")
    assert str(safe_image("logo.png", clients)) == (
        "engagement.yaml: logo: 'logo.png' is not a PNG, JPEG, GIF or WebP image (its content is not an image, "
        "whatever its name); export the logo as PNG and name that file instead")


def test_an_svg_is_refused(clients) -> None:
    (clients / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    assert "is an SVG image, which is not accepted (it can carry scripts)" in str(safe_image("logo.svg", clients))


def test_an_oversized_image_is_refused(clients) -> None:
    (clients / "logo.png").write_bytes(PNG + b"\0" * (3 * 1024 * 1024))
    assert str(safe_image("logo.png", clients)) == (
        "engagement.yaml: logo: 'logo.png' is 3 MB, over the 2 MB limit for an image; "
        "save a smaller version (a logo needs no more than about 600 pixels wide)")
    (clients / "big.png").write_bytes(PNG + b"\0" * (2 * 1024 * 1024))
    assert safe_image("big.png", clients).message == "'big.png' is over the 2 MB limit for an image"
    assert safe_image("logo.png", clients, max_bytes=10 * 1024 * 1024)[1] == "image/png"


def test_missing_folder_fifo_and_empty_names_are_problems(clients) -> None:
    (clients / "dir.png").mkdir()
    os.mkfifo(clients / "pipe.png")
    assert "'nope.png' was not found in the engagement folder" in str(safe_image("nope.png", clients))
    assert "'dir.png' is a folder, not an image file" in str(safe_image("dir.png", clients))
    assert "'pipe.png' is not a regular file, not an image file" in str(safe_image("pipe.png", clients))
    assert "the image path is empty" in str(safe_image("  ", clients))
    problem = safe_image("/etc/passwd", clients, rel="portfolio.yaml", field="clients[2].logo")
    assert isinstance(problem, Problem) and problem.file == "portfolio.yaml" and problem.field == "clients[2].logo"
