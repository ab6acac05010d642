# Tandem: install, run and test on a fresh machine.
#
#   make demo    create .venv, install the lock, migrate SQLite, load the demo
#                partnership and serve it on http://127.0.0.1:8000 (with the task worker)
#   make test    the whole suite on SQLite; with CI=true also on PostgreSQL 15
#   make lint    ruff, missing migrations, `check --deploy` with production settings
#   make bench   page timings and query counts against a demo-sized partnership
#
# GNU make. Every target may be run again: the venv is rebuilt only when
# requirements.lock or pyproject.toml change.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.tandem-installed
CI ?= false
PYTEST_ARGS ?=

export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help venv install demo serve test test-sqlite test-postgres test-browser lint format bench clean distclean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

# --- The virtual environment -------------------------------------------------
$(STAMP): requirements.lock pyproject.toml
	@scripts/venv.sh $(VENV)
	@touch $(STAMP)

venv: $(STAMP) ## Create .venv and install requirements.lock (only when it changed)
install: venv

# --- Running -------------------------------------------------------------------
demo: $(STAMP) ## Migrate SQLite, load the demo partnership, serve on http://127.0.0.1:8000 with the worker
	@scripts/demo.sh

# --- Tests -----------------------------------------------------------------------
test: $(STAMP) ## The whole suite on SQLite (and on PostgreSQL too, side by side, when CI=true)
	@if [ "$(CI)" = "true" ]; then scripts/test-both.sh $(PYTEST_ARGS); else scripts/test.sh sqlite $(PYTEST_ARGS); fi

test-sqlite: $(STAMP) ## The whole suite on SQLite only
	@scripts/test.sh sqlite $(PYTEST_ARGS)

test-postgres: $(STAMP) ## The whole suite on a local PostgreSQL 15 (started by scripts/ci-postgres.sh)
	@scripts/test.sh postgres $(PYTEST_ARGS)

test-browser: $(STAMP) ## Only the browser tests (headless Chromium + axe)
	@scripts/ensure-chromium.sh
	@scripts/test.sh sqlite -m browser $(PYTEST_ARGS)

# --- Quality -----------------------------------------------------------------------
lint: $(STAMP) ## ruff check and format check, missing migrations, check --deploy
	@scripts/lint.sh

format: $(STAMP) ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

bench: $(STAMP) ## Page timings and query counts against a demo-sized partnership
	@for script in bench/bench_*.py; do echo "== $$script"; $(PY) $$script; done

# --- Housekeeping ------------------------------------------------------------------
clean: ## Remove caches, screenshots and collected static files (keeps .venv and the database)
	rm -rf .pytest_cache .ruff_cache .hypothesis tests/browser/screenshots var/static var/bench
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

distclean: clean ## Also remove .venv and var/ (the demo database and its secret key)
	rm -rf $(VENV) var
