# The README's commands. Both set up what they need first (idempotent, fast when done).
VENV ?= .venv
BIN := $(VENV)/bin
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup setup-test demo test lint typecheck unit bench clean

setup:
	@./scripts/bootstrap.sh

## Start the whole system with demo data on the embedded default (SQLite in instance/).
demo: setup
	$(BIN)/madoguchi demo

## The whole test suite: lint, types, architecture, tests (PostgreSQL ones when configured).
test: setup-test lint typecheck unit

# The tests also need Debian's Chromium for the browser tests (Playwright drives it).
setup-test:
	@WANT_BROWSER=1 ./scripts/bootstrap.sh

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck:
	$(BIN)/mypy

unit:
	$(BIN)/pytest -q -n 2 --dist loadfile

## Benchmarks: each prints its own figures and the ratio to a baseline measured in the same run.
bench: setup
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/pdf.py
	$(BIN)/python bench/worklist.py
	$(BIN)/python bench/filing.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
