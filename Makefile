PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
STAGE ?=
OUT ?= out
BIN := $(VENV)/bin

.PHONY: run test lint format clean package deploy destroy

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
