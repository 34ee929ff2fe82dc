# Every target here is what a person or CI runs; `.ci/run` calls `make test`.
# constraints.txt pins every installed version (pip freeze of a working venv) so a fresh machine
# gets what CI tested; refresh it with `.venv/bin/pip freeze --exclude-editable > constraints.txt`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# pytest-xdist workers for `make test` (each starts its own PostGIS cluster and Chromium).
TEST_WORKERS ?= auto

.PHONY: demo test lint pins bench system assets geography install clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]' -c constraints.txt
	touch $(STAMP)

install: $(STAMP) assets geography

# The offline geography and the postcode lookup index, built once (about two minutes, with a
# progress bar) so that every `dicm locate` after it is warm.
geography: $(STAMP)
	$(BIN)/dicm geography build

# Leaflet and plugins from the npm registry into maps/static/vendor (never committed).
assets:
	bash scripts/install-assets.sh

# PostgreSQL 15 + PostGIS 3 and Chromium from Debian packages, when missing (tests only).
system:
	bash scripts/install-system.sh

demo: install
	$(BIN)/dicm demo

test: system install lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

# Every dependency by name and version from a registry: no local path, file: or VCS URL
# (standard library only, so it runs before anything is installed).
pins:
	$(PYTHON) scripts/check-pins.py

lint: pins $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .dicm dicm.sqlite maps/static/vendor node_modules
