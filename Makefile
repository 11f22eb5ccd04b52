# sendiass-workbench: `make help` lists the targets. Every target but `env` and `help` is one `sendiass`
# command and depends on the environment; the commands bring the database up to date themselves, so
# `make report YEAR=2024 COUNTY=worcs` on a fresh clone does all set-up.

.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
ENV_STAMP := $(VENV)/.sendiass-env
SENDIASS := $(VENV)/bin/sendiass
DB := data/processed/sendiass.duckdb

# Services are the config files, not a list kept here; groups (joint reports) are those in groups/.
SERVICES := $(sort $(basename $(notdir $(wildcard sendiass_lib/services/*.yaml))))
GROUPS := $(sort $(basename $(notdir $(wildcard sendiass_lib/services/groups/*.yaml))))
comma := ,
empty :=
space := $(empty) $(empty)
SERVICE_LIST := $(subst $(space),$(comma)$(space),$(SERVICES))
GROUP_LIST := $(subst $(space),$(comma)$(space),$(GROUPS))

# `make report` is the one target with variables; without them it stops here, before any set-up.
ifneq ($(filter report,$(MAKECMDGOALS)),)
ifeq ($(and $(YEAR),$(COUNTY)),)
$(error usage: make report YEAR=<year> COUNTY=<service or group>   e.g. make report YEAR=2024 COUNTY=worcs; services: $(SERVICE_LIST); groups (a joint report): $(GROUP_LIST))
endif
endif

.PHONY: help env data report reports lab test lint baselines sample lock bench clean clean-all

help: ## List the targets with a line on each
	@echo "sendiass-workbench. Usage: make <target> [YEAR=2024 COUNTY=worcs]"
	@echo
	@grep -E '^[a-z][a-zA-Z_-]*:.*## ' $(MAKEFILE_LIST) | sed -E 's/:[^#]*## /\t/' | awk -F'\t' '{printf "  %-10s %s\n", $$1, $$2}'
	@echo
	@echo "Services: $(SERVICE_LIST); groups: $(GROUP_LIST)"

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

# Each target below is one `sendiass` command (`sendiass --help`): the same steps run without make
# (README, "Without make").
data: $(ENV_STAMP) ## Load data/raw/<service>/ where it holds extracts, else the bundled sample, into the database
	@$(SENDIASS) data --db $(DB)

report: $(ENV_STAMP) ## Build one service and year, its appendices and report: make report YEAR=2024 COUNTY=worcs (or a group: COUNTY=hw)
	@$(SENDIASS) report --service $(COUNTY) --year $(YEAR) --db $(DB)

reports: $(ENV_STAMP) ## Build every service and year that has data, and outputs/index.html; LATEST=1: each one's latest year
	@$(SENDIASS) reports --db $(DB)$(if $(LATEST), --latest)

lab: $(ENV_STAMP) ## JupyterLab on the project kernel with notebooks/explore.ipynb; the database opens read-only
	@$(SENDIASS) lab --db $(DB) $(LAB_ARGS)

test: $(ENV_STAMP) ## Lint, unit tests and notebook regressions (nbval) against the sample data
	@$(SENDIASS) test

lint: $(ENV_STAMP) ## Check style with ruff
	@$(SENDIASS) lint

baselines: $(ENV_STAMP) ## Re-run the notebooks on the sample data and store their outputs (nbval's baseline; review the diff)
	@$(SENDIASS) baselines

sample: $(ENV_STAMP) ## Regenerate the synthetic sample extracts in data/sample/ (deterministic)
	@$(SENDIASS) sample

lock: $(ENV_STAMP) ## Re-compile requirements/lock.txt from the pins in pyproject.toml
	@$(SENDIASS) lock

bench: $(ENV_STAMP) ## Speed and memory, each figure beside a baseline from the same run (bench/suite.py; minutes)
	@$(SENDIASS) bench $(BENCH_ARGS)

clean: $(ENV_STAMP) ## Remove outputs and the databases (keeps .venv and extracts); `make clean-all` also removes .venv
	@$(SENDIASS) clean

clean-all: $(ENV_STAMP) ## Also remove the virtual environment
	@$(SENDIASS) clean --all
