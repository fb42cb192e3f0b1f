# ConfJournal: `make run` serves the journal, `make test` checks everything.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
NODE_STAMP := node_modules/.installed

.PHONY: install install-dev run test cluster-test lint format clean bench-search bench messages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(DEV_STAMP)

# What running needs. Translations: .po -> .mo with Babel (no system gettext needed).
install: $(STAMP)
	$(BIN)/pybabel -q compile -d locale -D django

# What testing needs besides: the dev extras, and axe-core and the Nu HTML Checker
# from npm when npm is there (Debian's npm, or NodeSource's nodejs which brings it).
install-dev: install $(DEV_STAMP)
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(NODE_STAMP); \
	else echo "npm not found: the axe and HTML checks will be skipped (install npm, then make test)"; fi

# No install scripts: vnu-jar's would fetch a Java runtime; the system's java runs it.
$(NODE_STAMP): package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

## run: set up, migrate, load the demo journal, serve on http://127.0.0.1:8000
run: install
	scripts/run

## test: lint, migration check, the test suite on SQLite and (when available) PostgreSQL
test: install-dev
	scripts/test

## cluster-test: two gunicorns on one PostgreSQL, one Redis and one media folder, tested over HTTP
cluster-test: install-dev
	scripts/cluster-test

## bench-search: search on 100,000 generated notes, SQLite and PostgreSQL, vs icontains
bench-search: install-dev
	scripts/bench-search

## bench: pages on a size-L journal: gunicorn + wrk, in-process p50/p95 and queries, vs pretalx
bench: install-dev
	scripts/bench

## messages: add new and changed strings to locale/ko/LC_MESSAGES/django.po (needs GNU gettext)
messages: install
	DEBUG=1 $(BIN)/python manage.py makemessages -l ko --no-obsolete \
		--ignore=tests --ignore=staticfiles --ignore=node_modules --ignore=test-artifacts

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache node_modules test-artifacts
