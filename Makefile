# Patroon: the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_HOUSEHOLDS ?= 120
DEMO_YEARS ?= 4
DEMO_SEED ?= 2025
# ASGI (uvicorn): pages over HTTP and the hotline chat over WebSocket. Without REDIS_URL the
# chat's channel layer lives in memory, so one process; with REDIS_URL several may serve.
# The one web process also serves the victim devices (/device/v1/); with several, devices go
# through MQTT and `patroon proximity worker` (docs/proximity.md).
WEB_WORKERS ?= $(if $(REDIS_URL),2,1)
DEVICE_HTTP := $(if $(filter 1,$(WEB_WORKERS)),web,off)

.PHONY: install run test test-sqlite test-vault test-postgres lint fmt messages openapi clean

install: $(STAMP)

# Creates the virtual environment if missing; reinstalls only when pyproject.toml changes,
# so later runs work offline.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: install
	PATROON_HTTPS=0 $(BIN)/patroon migrate
	PATROON_HTTPS=0 $(BIN)/patroon demo load --households $(DEMO_HOUSEHOLDS) --years $(DEMO_YEARS) --seed $(DEMO_SEED)
	@# The demo world was linked on exact rules until a model exists: train one, re-link.
	PATROON_HTTPS=0 $(BIN)/patroon link train --if-untrained && PATROON_HTTPS=0 $(BIN)/patroon link rebuild
	PATROON_HTTPS=0 $(BIN)/patroon cases demo
	PATROON_HTTPS=0 $(BIN)/patroon proximity demo
	PATROON_HTTPS=0 $(BIN)/patroon demo hotline
	PATROON_HTTPS=0 $(BIN)/patroon manage collectstatic --noinput --verbosity 0
	@echo "Patroon runs on http://$(HOST):$(PORT)/  (Ctrl-C stops the web server and the task worker)"
	@PATROON_HTTPS=0 $(BIN)/patroon manage db_worker --queue-name default & worker=$$!; \
	PATROON_HTTPS=0 $(BIN)/patroon patterns sweep --every 300 >/dev/null & sweeper=$$!; \
	PATROON_HTTPS=0 $(BIN)/patroon cases remind --every 300 >/dev/null & reminder=$$!; \
	PATROON_HTTPS=0 $(BIN)/patroon proximity escalate --every 5 >/dev/null & escalator=$$!; \
	trap "kill $$worker $$sweeper $$reminder $$escalator 2>/dev/null" EXIT INT TERM; \
	PATROON_HTTPS=0 PATROON_DEVICE_HTTP=$(DEVICE_HTTP) $(BIN)/uvicorn patroon.asgi:application --host $(HOST) --port $(PORT) --workers $(WEB_WORKERS) --no-access-log --log-level warning

test: install lint
	@$(MAKE) --no-print-directory test-sqlite
	@$(MAKE) --no-print-directory test-vault
	@if [ -n "$$DATABASE_URL" ]; then $(MAKE) --no-print-directory test-postgres; \
	else echo "DATABASE_URL is not set: the PostgreSQL leg was not run (CI runs it)."; fi

test-sqlite: install
	env -u DATABASE_URL PATROON_HTTPS=0 $(BIN)/pytest -q

# The identity vault in a database of its own: everything must work the same.
test-vault: install
	@rm -f var/test-vault.sqlite3
	env -u DATABASE_URL PATROON_HTTPS=0 DATABASE_URL_VAULT=sqlite:///$(CURDIR)/var/test-vault.sqlite3 $(BIN)/pytest -q --ignore=tests/browser

test-postgres: install
	PATROON_HTTPS=0 $(BIN)/pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check src tests

fmt: install
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix .

messages: install
	cd src/patroon && ../../$(BIN)/patroon manage makemessages -l nl -l en --no-obsolete --ignore '*/vendor/*' --ignore 'demo/*'
	cd src/patroon && ../../$(BIN)/patroon manage compilemessages

openapi: install
	$(BIN)/patroon docs openapi
	$(BIN)/patroon docs permissions

clean:
	rm -rf $(VENV) var/static .pytest_cache .ruff_cache
