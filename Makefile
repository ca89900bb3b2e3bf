PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
STAGE ?=
OUT ?= out
BIN := $(VENV)/bin

.PHONY: run test lint format clean package

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

run: $(BIN)/.installed
	$(BIN)/python -m infra.dev_stack --port $(PORT)

test: $(BIN)/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Deployment: package needs only the package index, never AWS.
package:
	@test -n "$(STAGE)" || { echo "usage: make package STAGE=dev|prod" >&2; exit 2; }
	@$(MAKE) --no-print-directory $(BIN)/.installed
	$(BIN)/python -m infra.package $(STAGE) --out $(OUT)/$(STAGE)

clean:
	rm -rf $(VENV) .local out .pytest_cache .ruff_cache
