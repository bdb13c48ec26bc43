# woonzorg — `make help` lists the targets. Two commands from a fresh clone: `make report`, `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
WZ := $(VENV)/bin/woonzorg
STAMP := $(VENV)/.installed
export PYTHONHASHSEED := 0
export MPLBACKEND := Agg

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e .
	@touch $(STAMP)

.PHONY: venv
venv: $(STAMP) ## Create .venv (if missing) and install the package from the lock

.PHONY: data
data: $(STAMP) ## Verify raw checksums and build data/processed from data/raw
	$(WZ) data verify
	$(WZ) data build

.PHONY: report
report: $(STAMP) ## Build every configured region's report into reports/ (only what changed)
	$(WZ) data verify
	$(WZ) run --all

.PHONY: test
test: $(STAMP) ## Run the test suite (unit, bad input, notebooks, HTML/browser check)
	$(PY) -m pytest -q

.PHONY: check-reports
check-reports: $(STAMP) ## Check every built report (HTML, browser, workbooks in openpyxl and LibreOffice)
	$(PY) scripts/check_reports.py

.PHONY: screenshots
screenshots: $(STAMP) ## Screenshots of every built report (first screen, each gemeente page) and a PDF, in build/screenshots/
	$(PY) scripts/screenshots.py

.PHONY: lab
lab: $(STAMP) ## Open JupyterLab on notebooks/ with the project's environment
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks

.PHONY: backtest
backtest: $(STAMP) ## Run the demographic back-test and print its table
	$(WZ) backtest

.PHONY: bench
bench: $(STAMP) ## Run the benchmarks and print one table
	$(PY) scripts/bench.py

.PHONY: lock
lock: ## Re-create constraints.txt from a fresh venv (needs the package registry)
	rm -rf /tmp/woonzorg-lock && $(PYTHON) -m venv /tmp/woonzorg-lock
	/tmp/woonzorg-lock/bin/pip install --quiet -e .
	/tmp/woonzorg-lock/bin/pip freeze --exclude-editable | grep -v '^-e' | grep -v '^woonzorg' > constraints.txt

.PHONY: clean
clean: ## Remove processed data, reports and caches (keeps .venv and data/raw)
	rm -rf data/processed/* reports/* .cache build
