# PRAP Tracker: two commands do everything.
#   make run   - create .venv, install, migrate, load reference + demo data, serve on :8000
#   make test  - install test dependencies and run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs on every core, at most eight (pytest-xdist; each worker flushes a Redis test
# database of its own, tests/redis_db.py). PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= auto
XDIST := -n $(PYTEST_WORKERS) --maxprocesses 8
# Local development defaults; real deployments set these in the environment instead.
export DEBUG ?= true
export SECURE_SSL_REDIRECT ?= false

.PHONY: run test test-at install install-test migrate data lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Local settings for a developer machine (gitignored), so that any manage.py command works
# without setting variables by hand. Real deployments set values in their environment.
.env:
	@printf '%s\n' '# Local development settings (not committed). See README, "Configuration".' \
		'DEBUG=true' > .env
	@echo "Created .env for local development (DEBUG=true)."

migrate: install .env
	$(BIN)/python manage.py migrate --noinput

data: migrate
	$(BIN)/python manage.py load_reference
	$(BIN)/python manage.py seed_demo --if-empty

# The web server and, beside it, the task worker that sends e-mail (README, "Background
# tasks"); Ctrl+C stops both.
run: data
	@echo ""
	@echo "PRAP Tracker is running at http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	@echo "The task worker (manage.py db_worker) sends queued e-mail beside it."
	@echo ""
	@export SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}"; \
	$(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install-test
	@if [ -x /usr/bin/chromium ]; then \
		echo "Browser tests: chromium found, running them."; \
	else \
		echo "Browser tests: SKIPPED - /usr/bin/chromium is not installed (apt-get install -y chromium)."; \
	fi
	@command -v java >/dev/null || echo "HTML check: SKIPPED - Java is not installed (apt-get install -y default-jre-headless)."
	DEBUG=false $(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)

# The whole suite with the system clock moved for the whole process tree (server, tests and
# chromium) by libfaketime: make test-at WHEN=+400d, or WHEN="@2027-04-01 00:05:00" (the clock
# starts there and runs). Needs Debian's faketime package (apt-get install -y faketime).
LIBFAKETIME ?= $(firstword $(wildcard /usr/lib/*/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1))
test-at: install-test
	@test -n "$(WHEN)" || (echo 'Say when: make test-at WHEN=+400d' >&2; exit 2)
	@test -n "$(LIBFAKETIME)" || (echo 'libfaketime is missing: apt-get install -y faketime' >&2; exit 2)
	@echo "Running the suite with the clock at $(WHEN): $$(env LD_PRELOAD=$(LIBFAKETIME) FAKETIME='$(WHEN)' date -u)"
	DEBUG=false LD_PRELOAD=$(LIBFAKETIME) FAKETIME='$(WHEN)' $(BIN)/python -m pytest -p no:cacheprovider $(XDIST) $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .hypothesis

bench: install-test
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m bench
