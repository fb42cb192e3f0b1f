# ConfJournal: `make run` serves the journal, `make test` checks everything.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint format clean bench-search

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## run: set up, migrate, load the demo journal, serve on http://127.0.0.1:8000
run: install
	scripts/run

## test: lint, migration check, the test suite on SQLite and (when available) PostgreSQL
test: install
	scripts/test

## bench-search: search on 100,000 generated notes, SQLite and PostgreSQL, vs icontains
bench-search: install
	scripts/bench-search

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
