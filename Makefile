# Common Ground: `make demo` renders the demo handouts, `make test` runs every test.
# Works on a fresh machine with Python 3.11 and pip (no conda): the venv is created on demand.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= reports
JOBS   ?=

.PHONY: help install demo test test-pandas3 lab bench clean

help:
	@echo "make demo   set up, render the bundled demo engagements to $(OUT)/"
	@echo "make test   set up, type-check helpers/ (mypy), then run every test (pytest + nbval + browser tests)"
	@echo "make test-pandas3  the tests (not the browser ones) with pandas 3, in $(VENV3)/"
	@echo "make lab    JupyterLab on notebooks/ with the project's kernel"
	@echo "make bench  speed benchmarks (ratios against the naive papermill + nbconvert loop)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# `pip install` of the project alone takes pandas 3; the test extra's lifelines keeps $(VENV) on
# pandas 2. $(VENV3) is the project as a user installs it, plus the test runner: CI runs both.
VENV3  ?= .venv-pandas3
STAMP3 := $(VENV3)/.installed

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (Common Ground)" >/dev/null
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/workbook demo --out $(OUT) $(if $(JOBS),--jobs $(JOBS))

# Type check first (files and options: [tool.mypy] in pyproject.toml), then every test.
test: $(STAMP)
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest

$(STAMP3): pyproject.toml
	$(PYTHON) -m venv $(VENV3)
	$(VENV3)/bin/python -m pip install --quiet --upgrade pip
	$(VENV3)/bin/python -m pip install --quiet -e . "pandas>=3" pytest nbval
	$(VENV3)/bin/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (Common Ground)" >/dev/null
	@touch $(STAMP3)

# Without mypy (pandas-stubs describe pandas 2), without the browser tests (they read pixels, not
# pandas) and without the one test that compares with lifelines (not installed here).
test-pandas3: $(STAMP3)
	$(VENV3)/bin/python -m pytest -m "not browser"

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

bench: $(STAMP)
	$(BIN)/python -m tests.benchmarks

clean:
	rm -rf $(OUT) .pytest_cache build *.egg-info
