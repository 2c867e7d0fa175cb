

def test_the_workbook_process_skips_the_slow_iri_checker_and_still_validates_notebooks() -> None:
    """``workbook``'s own process never builds jsonschema's IRI parser (2.7 s), yet a broken notebook is still refused.

    Runs in a fresh interpreter, as the command does: the checker is skipped before nbformat is
    imported; the report notebook validates, and a notebook with a cell of an unknown type does not.
    """
    import subprocess
    import sys

    code = "\n".join([
        "import sys",
        "from helpers.render.engine import REPORT_NOTEBOOK, skip_iri_format_checker",
        "print('skipped', skip_iri_format_checker())",
        "import nbformat",
        "nb = nbformat.read(str(REPORT_NOTEBOOK), as_version=4)",
        "nbformat.validate(nb)",
        "nb.cells[0]['cell_type'] = 'spreadsheet'",
        "try:",
        "    nbformat.validate(nb)",
        "    print('broken notebook accepted')",
        "except nbformat.ValidationError:",
        "    print('broken notebook refused')",
        "print('parser built', sys.modules.get('rfc3987_syntax') is not None)",
    ])
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[:3] == ["skipped True", "broken notebook refused", "parser built False"]


def test_skipping_the_iri_checker_after_jsonschema_loaded_it_changes_nothing() -> None:
    """Called too late (jsonschema's formats already loaded with the checker), it says so and leaves it."""
    import subprocess
    import sys

    code = ("import sys, jsonschema._format\n"
            "had = sys.modules.get('rfc3987_syntax') is not None\n"
            "from helpers.render.engine import skip_iri_format_checker\n"
            "print(had, skip_iri_format_checker(), sys.modules.get('rfc3987_syntax') is not None)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    had, skipped, still = done.stdout.split()
    assert skipped == str(had == "False") and still == had
