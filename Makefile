# Open Chair — the two commands are `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

# The first Python >= 3.11 on the PATH.
PYTHON := $(shell for p in python3.13 python3.12 python3.11 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then echo $$p; break; fi; done)

.PHONY: run test bench lint format worker beat install migrate seed clean help screenshots messages lighthouse

help:
	@echo "make run    - install, migrate, load demo data and serve on http://$(HOST):$(PORT)/"
	@echo "make test   - install and run the whole test suite"
	@echo "make bench  - run the benchmarks in bench/ and print their figures"
	@echo "make lint   - ruff and the layer contract (lint-imports)"
	@echo "make messages - gather the marked strings into locale/*.po and compile them (docs/i18n.md)"
	@echo "make lighthouse - Lighthouse scores of the ten main pages (desktop and mobile) on the demo data"
	@echo "make screenshots - run the browser journeys and refresh the user guide's pictures (docs/img/guide/)"
	@echo "make worker / make beat - a Celery worker / beat (needs REDIS_URL)"

$(VENV)/bin/activate:
	@if [ -z "$(PYTHON)" ]; then echo "Open Chair needs Python 3.11 or newer on the PATH." >&2; exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes, so re-running `make run` is fast.
$(VENV)/.installed: pyproject.toml | $(VENV)/bin/activate
	$(PIP) install --quiet ".[dev]"
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	@echo ""
	@echo "  Open Chair is starting on http://$(HOST):$(PORT)/"
	@echo "  Log in with: admin, leader, facilitator, executive (password: open-chair-demo)"
	@echo ""
	$(PY) manage.py runserver $(HOST):$(PORT)

# In parallel, one worker per core, in a random order: pytest-randomly prints the seed,
# and `make test PYTEST_ARGS=--randomly-seed=N` replays an order (-p no:randomly: none).
# HYPOTHESIS_PROFILE=ci runs the fuzz test's 100 examples per form, as CI does (deep: 500).
test: install
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

# The user guide's pictures are taken by the browser journeys themselves.
screenshots: install
	GUIDE_SCREENSHOTS=1 $(PY) -m pytest tests/browser/journeys -p no:randomly -p no:xdist -q $(PYTEST_ARGS)

bench: install
	$(PY) bench/run_all.py

# The translation files: new strings into locale/<lang>/LC_MESSAGES/django.po (file
# names without line numbers, so editing a template does not touch them), then the .mo
# files the app reads, which are committed. CI runs the same and fails on a difference.
messages: install
	$(PY) manage.py makemessages -l de -l fr -l es --no-obsolete --add-location file
	$(PY) manage.py compilemessages

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

worker: install
	$(VENV)/bin/celery -A config worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A config beat --loglevel=INFO

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

# Lighthouse 12.2.3 (pinned in tools/lighthouse/package.json, installed there, never
# globally) on the ten main pages of the demo, desktop and mobile; prints the scores.
# CHROME_PATH picks the browser (default /usr/bin/chromium); reports in artifacts/lighthouse/.
LIGHTHOUSE_PORT ?= 8765
tools/lighthouse/node_modules/.bin/lighthouse: tools/lighthouse/package.json tools/lighthouse/package-lock.json
	cd tools/lighthouse && npm ci --no-audit --no-fund
	@touch $@

lighthouse: seed tools/lighthouse/node_modules/.bin/lighthouse
	CHROME_PATH=$${CHROME_PATH:-/usr/bin/chromium} $(PY) tools/lighthouse/run.py --port $(LIGHTHOUSE_PORT)
