# Maillage — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint format bench lock messages clean-db browser

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found). Set PYTHON=/path/to/python3.11."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.lock
	@touch $(STAMP)

run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: $(STAMP)
	@mkdir -p var/mail
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo --if-empty
	@echo "Maillage : http://127.0.0.1:$(PORT)/  (e-mails envoyés : var/mail/)"
	@# The background worker (text extraction, indexing, e-mails) runs beside Daphne and stops
	@# with it: no separate service to start for the demo.
	@trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py db_worker --no-startup-delay --interval 1 & worker=$$!; \
	$(BIN)/daphne -b 127.0.0.1 -p $(PORT) extranet.asgi:application

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy extranet documents calendars forums directory training

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Debian's Chromium for the browser tests (needs root or sudo; never downloads a browser build).
browser:
	bash scripts/install-browser.sh

# Regenerate the pinned lock from pyproject.toml in a throw-away environment.
lock:
	rm -rf var/lockenv && $(PYTHON) -m venv var/lockenv
	var/lockenv/bin/pip install --quiet --upgrade pip
	var/lockenv/bin/pip install --quiet ".[dev]"
	var/lockenv/bin/pip freeze --exclude maillage > requirements.lock
	rm -rf var/lockenv

APPS_WITH_MESSAGES := extranet documents calendars forums directory training

messages: $(STAMP)
	for app in $(APPS_WITH_MESSAGES); do \
		(cd $$app && ../$(BIN)/django-admin makemessages -l en --no-obsolete && \
		 ../$(BIN)/django-admin compilemessages -l en) || exit 1; \
	done

# Back to an empty demo: database, stored documents, search index, calendars and e-mails.
clean-db:
	rm -rf var/maillage.sqlite3 var/maillage.sqlite3-wal var/maillage.sqlite3-shm \
		var/documents var/search var/radicale var/mail
