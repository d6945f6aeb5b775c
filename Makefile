# `make run` and `make test` each do all set-up on a fresh machine: a .venv with the pinned
# dependencies, the database migrated, then the server or the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install fonts browser migrate run test lint image-test clean

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

# The tests and benchmarks draw screenshots with CJK fonts (Debian packages; needs root on a fresh machine).
CJK_FONTS := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc /usr/share/fonts/truetype/wqy/wqy-microhei.ttc /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc

fonts:
	@ls $(CJK_FONTS) >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk fonts-wqy-microhei fonts-wqy-zenhei; }

# The browser tests drive Debian's Chromium through Playwright (whose own browser download needs the internet).
CHROMIUM := /usr/bin/chromium

browser:
	@test -x $(CHROMIUM) || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

test: install fonts browser
	$(BIN)/lint-imports
	$(BIN)/pytest

image-test: install
	bash docker/image_test.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/hadolint Dockerfile

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
