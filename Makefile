# sendiass-workbench: `make help` lists the targets. Every target that needs the Python environment or
# the database depends on them, so `make report YEAR=2024 COUNTY=worcs` on a fresh clone does all set-up.

.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
ENV_STAMP := $(VENV)/.sendiass-env
SENDIASS := $(VENV)/bin/sendiass
DB := data/processed/sendiass.duckdb
SAMPLE_DB := data/processed/sample.duckdb

# Services are the config files, not a list kept here.
SERVICES := $(sort $(basename $(notdir $(wildcard sendiass_lib/services/*.yaml))))
comma := ,
empty :=
space := $(empty) $(empty)
SERVICE_LIST := $(subst $(space),$(comma)$(space),$(SERVICES))

# The database is rebuilt when anything it is built from is newer: extracts (a file added, changed or
# removed touches its folder too) and the code and data files that read them. `find` copes with
# spaces in export file names, which a make prerequisite list does not.
DB_INPUTS := data/raw data/sample sendiass_lib/ingest sendiass_lib/services sendiass_lib/taxonomies \
  sendiass_lib/privacy.py sendiass_lib/db.py
DB_STALE := $(shell find $(DB_INPUTS) -newer $(DB) 2>/dev/null | head -n 1)

.PHONY: help env data report reports lab test lint baselines sample lock bench clean clean-all FORCE

help: ## List the targets with a line on each
	@echo "sendiass-workbench. Usage: make <target> [YEAR=2024 COUNTY=worcs]"
	@echo
	@grep -E '^[a-z][a-zA-Z_-]*:.*## ' $(MAKEFILE_LIST) | sed -E 's/:[^#]*## /\t/' | awk -F'\t' '{printf "  %-10s %s\n", $$1, $$2}'
	@echo
	@echo "Services: $(SERVICE_LIST)"

env: $(ENV_STAMP) ## Create .venv with the pinned dependencies, the package and its Jupyter kernel (no-op when up to date)

$(ENV_STAMP): requirements/lock.txt requirements/bootstrap.txt pyproject.toml
	@echo "make env: setting up $(VENV) (pinned dependencies from requirements/lock.txt)"
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
	  echo "make env: $(PYTHON) is $$($(PYTHON) -V 2>&1); Python 3.11 or newer is needed (set PYTHON=python3.x)" >&2; exit 1; }
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV) || { \
	  echo "make env: could not create $(VENV); on Debian/Ubuntu install python3-venv" >&2; rm -rf $(VENV); exit 1; }
	@$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements/bootstrap.txt
	@$(VENV)/bin/uv pip sync --quiet --python $(VENV)/bin/python --require-hashes requirements/lock.txt
	@$(VENV)/bin/uv pip install --quiet --python $(VENV)/bin/python --no-deps --no-build-isolation -e .
	@$(VENV)/bin/python -m ipykernel install --prefix $(VENV) --name sendiass --display-name "Python (sendiass)" >/dev/null 2>&1
	@touch $@
	@echo "make env: ready"

data: $(DB) ## Load data/raw/<service>/ where it holds extracts, else the bundled sample, into the database

$(DB): $(ENV_STAMP) $(if $(DB_STALE),FORCE)
	@$(SENDIASS) data --db $(DB)
	@touch $@

report: ## Build the appendices for one service and year: make report YEAR=2024 COUNTY=worcs
	@if [ -z "$(YEAR)" ] || [ -z "$(COUNTY)" ]; then \
	  echo "usage: make report YEAR=<year> COUNTY=<service>   e.g. make report YEAR=2024 COUNTY=worcs" >&2; \
	  echo "services: $(SERVICE_LIST)" >&2; exit 2; fi
	@case " $(SERVICES) " in *" $(COUNTY) "*) ;; \
	  *) echo "unknown service '$(COUNTY)'; valid: $(SERVICE_LIST)" >&2; exit 2;; esac
	@$(MAKE) --no-print-directory --silent data
	@$(SENDIASS) report --service $(COUNTY) --year $(YEAR) --db $(DB)

reports: ## Build every service and year that has data, and outputs/index.html
	@$(MAKE) --no-print-directory --silent data
	@$(SENDIASS) reports --db $(DB)

lab: ## JupyterLab on the project kernel with notebooks/explore.ipynb; the database opens read-only
	@$(MAKE) --no-print-directory --silent data
	@SENDIASS_DB=$(abspath $(DB)) $(VENV)/bin/jupyter lab --ServerApp.root_dir=. notebooks/explore.ipynb \
	  $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

test: $(ENV_STAMP) ## Lint, unit tests and notebook regressions (nbval) against the sample data
	@$(VENV)/bin/ruff check --quiet .
	@$(VENV)/bin/ruff format --check --quiet .
	@$(SENDIASS) data --source sample --db $(SAMPLE_DB) --quiet
	@SENDIASS_DB=$(SAMPLE_DB) $(VENV)/bin/pytest --nbval-lax --nbval-kernel-name sendiass

lint: $(ENV_STAMP) ## Check style with ruff
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .

baselines: $(ENV_STAMP) ## Re-run the notebooks on the sample data and store their outputs (nbval's baseline; review the diff)
	@$(SENDIASS) data --source sample --db $(SAMPLE_DB) --quiet
	@SENDIASS_DB=$(SAMPLE_DB) $(SENDIASS) baselines

sample: $(ENV_STAMP) ## Regenerate the synthetic sample extracts in data/sample/ (deterministic)
	@$(SENDIASS) sample

lock: $(ENV_STAMP) ## Re-compile requirements/lock.txt from the pins in pyproject.toml
	@$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes \
	  --no-emit-package rfc3987-syntax --no-emit-package lark --no-header --annotation-style line \
	  --quiet -o requirements/lock.txt
	@sed -i '1i # Generated by `make lock` from pyproject.toml; see requirements/README.md. Do not edit.' requirements/lock.txt
	@awk '/^uv==/{p=1} p&&/^[^ ]/&&!/^uv==/{p=0} p' requirements/lock.txt > requirements/bootstrap.txt

bench: $(ENV_STAMP) ## Speed and memory, each figure beside a baseline from the same run (bench/suite.py; minutes)
	@$(VENV)/bin/python bench/suite.py $(BENCH_ARGS)

clean: ## Remove outputs and the databases (keeps .venv and extracts); `make clean-all` also removes .venv
	rm -rf outputs/* data/processed/*.duckdb data/processed/*.duckdb.wal data/processed/*.tmp
	@touch outputs/.gitkeep data/processed/.gitkeep

clean-all: clean ## Also remove the virtual environment
	rm -rf $(VENV)

FORCE:
