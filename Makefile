PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
STAGE ?=
OUT ?= out
BIN := $(VENV)/bin

.PHONY: run test test-unit lint format clean package deploy destroy load bench

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

run: $(BIN)/.installed
	$(BIN)/python -m infra.dev_stack --port $(PORT)

test: $(BIN)/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The in-process suite only: use cases on in-memory stores, routes on moto.
test-unit: $(BIN)/.installed
	$(BIN)/python -m pytest tests/unit tests/routes $(PYTEST_ARGS)

# Performance (docs/PERFORMANCE.md). load drives make run's server, or a
# private stack of its own when nothing answers on PORT; bench rewrites the doc.
load: $(BIN)/.installed
	$(BIN)/python -m tests.perf.load --url http://127.0.0.1:$(PORT) $(LOAD_ARGS)

bench: $(BIN)/.installed
	$(BIN)/python -m tests.perf.bench $(BENCH_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Deployment (docs/DEPLOY.md). package needs only the package index; deploy and
# destroy check for the aws CLI and credentials before doing anything else.
package:
	@test -n "$(STAGE)" || { echo "usage: make package STAGE=dev|prod" >&2; exit 2; }
	@$(MAKE) --no-print-directory $(BIN)/.installed
	$(BIN)/python -m infra.package $(STAGE) --out $(OUT)/$(STAGE)

deploy:
	@OUT=$(OUT) bash infra/stack.sh deploy $(STAGE)

destroy:
	@OUT=$(OUT) bash infra/stack.sh destroy $(STAGE)

clean:
	rm -rf $(VENV) .local out .pytest_cache .ruff_cache
