PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
STAGE ?=
OUT ?= out
EMULATOR_PORT ?= 4566
BIN := $(VENV)/bin
# PYTHON given on the command line or in the environment picks the venv's
# interpreter; left to its default, the venv keeps the one it was made with.
EXPLICIT_PYTHON := $(if $(filter default file,$(origin PYTHON)),,--explicit)
# Nested makes (the tests run `make package` and `make run`) must see the same choice.
ifneq ($(EXPLICIT_PYTHON),)
export PYTHON
endif

.DEFAULT_GOAL := help
.PHONY: help venv run test test-unit lint format load bench compare screenshot package deploy destroy url logs smoke rotate-secret emulate emulate-stop clean

# Before anything slow, one line and a stop: PYTHON too old or missing, or (for
# run) PORT taken. `help` and `clean` need no Python.
ifneq ($(filter-out help clean emulate-stop,$(or $(MAKECMDGOALS),help)),)
PREFLIGHT := $(shell $(PYTHON) infra/preflight.py check --venv '$(VENV)' --python '$(PYTHON)' \
	$(EXPLICIT_PYTHON) $(if $(filter run,$(MAKECMDGOALS)),--port '$(PORT)') 2>/dev/null \
	|| echo "cannot run PYTHON=$(PYTHON); choose an interpreter of Python 3.11 or newer, e.g. make run PYTHON=python3.12")
ifneq ($(PREFLIGHT),)
$(error $(PREFLIGHT))
endif
endif

help: ## list the targets (the default goal)
	@echo "usage: make <target> [VAR=value ...]; see README.md"
	@awk 'BEGIN { FS = ":[^#]*## " } /^[a-z-]+:.*## / { printf "  %-13s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

venv: ## make .venv, or remake it when PYTHON= names another interpreter or requirements change
	@$(PYTHON) infra/preflight.py venv --venv '$(VENV)' $(EXPLICIT_PYTHON)

run: venv ## serve on 127.0.0.1:PORT (8000) with an in-memory DynamoDB; reloads on code changes
	@$(BIN)/python -m infra.launcher --port $(PORT)

test: venv ## the whole suite; PYTEST_ARGS="tests/devstack -q" picks tests
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-unit: venv ## only the in-process suites (tests/unit, tests/routes), about 20 s
	$(BIN)/python -m pytest tests/unit tests/routes $(PYTEST_ARGS)

lint: venv ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv ## ruff fixes and formats what it can
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Tools (tools/, docs/PERFORMANCE.md). load drives make run's server, or a
# private stack of its own when nothing answers on PORT; bench rewrites the doc.
load: venv ## Locust, headless, a fixed number of requests to make run's server; LOAD_ARGS=--help
	$(BIN)/python -m tools.load --url http://127.0.0.1:$(PORT) $(LOAD_ARGS)

bench: venv ## measure against the floors and rewrite docs/PERFORMANCE.md; BENCH_ARGS=--help
	$(BIN)/python -m tools.bench $(BENCH_ARGS)

compare: venv ## BEFORE=<rev> [AFTER=HEAD]: warm own time and cold start of two revisions; COMPARE_ARGS=--help
	@test -n "$(BEFORE)" || { echo "usage: make compare BEFORE=<rev> [AFTER=<rev>]" >&2; exit 2; }
	$(BIN)/python -m tools.bench.revisions '$(BEFORE)' '$(or $(AFTER),HEAD)' $(COMPARE_ARGS)

screenshot: venv ## docs/screenshot.png, the README's picture of the page, in Debian's Chromium
	$(BIN)/python -m tools.screenshot

# Deployment (docs/DEPLOY.md). package needs only the package index; deploy and
# destroy check for the aws CLI and credentials before doing anything else.
package: ## STAGE=dev|prod: out/<stage>/sam.json and deployment.zip, no AWS needed
	@test -n "$(STAGE)" || { echo "usage: make package STAGE=dev|prod" >&2; exit 2; }
	@$(MAKE) --no-print-directory venv
	$(BIN)/python -m infra.package $(STAGE) --out $(OUT)/$(STAGE)

deploy: ## STAGE=dev|prod: package and deploy to your AWS account
	@OUT=$(OUT) bash infra/stack.sh deploy $(STAGE)

destroy: ## STAGE=dev|prod: delete the stack, keeping the table
	@OUT=$(OUT) bash infra/stack.sh destroy $(STAGE)

# Operating a deployed stage (docs/DEPLOY.md). url, logs and rotate-secret check for
# the aws CLI and credentials first, as deploy does; smoke needs them only with STAGE.
url: ## STAGE=dev|prod: print the deployed API's base URL
	@bash infra/stack.sh url $(STAGE)

logs: ## STAGE=dev|prod: follow the function's logs; LOGS_ARGS="--since 1h" goes to aws logs tail
	@bash infra/stack.sh logs $(STAGE) $(LOGS_ARGS)

smoke: venv ## URL=<base URL>, or STAGE=dev|prod: sign up, walk through v1 and v2, clean up
	@$(BIN)/python tools/smoke.py $(if $(URL),--url '$(URL)',$(if $(STAGE),--stage '$(STAGE)',--url http://127.0.0.1:$(PORT))) \
		$(if $(RESOLVE),--resolve '$(RESOLVE)')

# The dev stage deployed offline to LocalStack (infra/emulator/, docs/DEPLOY.md).
emulate: venv ## LocalStack on 127.0.0.1:EMULATOR_PORT (4566), the dev stage deployed to it; needs Python >= 3.13
	@EMULATOR_PORT='$(EMULATOR_PORT)' $(BIN)/python -m infra.emulator.control up

emulate-stop: ## stop the emulator make emulate started
	@EMULATOR_PORT='$(EMULATOR_PORT)' $(PYTHON) -m infra.emulator.control stop

rotate-secret: ## STAGE=dev|prod: a new signing key; the old one verifies until its tokens expire
	@bash infra/stack.sh rotate-secret $(STAGE)

clean: ## remove .venv, .local, out and the tools' caches
	rm -rf $(VENV) .local out .pytest_cache .ruff_cache
