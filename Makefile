# Two commands matter: `make run` and `make test`. Everything else is a step they use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: run test test-postgres audit lint check-migrations pytest setup setup-dev browser gettext java messages bench bench-cluster wrk eval-news clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

# PDFs (WeasyPrint) need Debian's Pango; installed with apt when missing and we can (root).
setup: $(VENV)/.installed
	@scripts/ensure-pango
setup-dev: $(VENV)/.installed-dev
	@scripts/ensure-pango

## make run: set up, migrate, load demo content, start the worker and serve http://$(HOST):$(PORT)
run: setup
	DEBUG=$${DEBUG:-1} $(BIN)/clarion migrate --noinput
	DEBUG=$${DEBUG:-1} $(BIN)/clarion demo --if-empty
	DEBUG=$${DEBUG:-1} $(BIN)/clarion worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	DEBUG=$${DEBUG:-1} PORT=$(PORT) $(BIN)/clarion runserver $(HOST):$(PORT)

# Tests run with production-like settings (DEBUG off) and a throwaway secret.
TEST_ENV := SECRET_KEY=clarion-test-only-secret DEBUG=0 CLARION_VAR_DIR=$(CURDIR)/var/test

## make test: set up and run every check
test: setup-dev browser gettext java lint check-migrations pytest

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

check-migrations:
	$(TEST_ENV) $(BIN)/clarion makemigrations --check --dry-run

pytest:
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

# The PostgreSQL pass: the same pytest suite against a PostgreSQL server (CI runs it
# after `make test`). pytest-django creates and drops test_<name> on that server.
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/clarion_test

## make test-postgres: run pytest again on PostgreSQL (POSTGRES_URL=postgres://...)
test-postgres: setup-dev
	$(TEST_ENV) DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest --postgres-pass $(PYTEST_ARGS)

# GNU gettext, for `make messages` and the test that the catalogues are up to date.
gettext:
	@scripts/ensure-gettext

## make messages: update every language's catalogue from the code and templates, and compile it
# The compiled .mo files are committed, so `make run` needs no gettext. The catalogue
# test (tests/core/test_i18n.py) runs makemessages with the same options.
messages: setup-dev gettext
	cd clarion && $(TEST_ENV) ../$(BIN)/clarion makemessages --all --add-location=file --no-obsolete
	cd clarion && $(TEST_ENV) ../$(BIN)/clarion compilemessages

# The browser test needs Debian's Chromium; install it when we can (root + apt).
browser:
	@scripts/ensure-chromium

# The HTML test runs the Nu HTML checker, a Java program; install Java when we can.
java:
	@scripts/ensure-java

## make audit: check the installed dependencies against known vulnerabilities (needs network)
audit: setup-dev
	$(BIN)/pip install --quiet pip-audit
	# --strict: a package the service can't look up is a failure, not a pass.
	$(BIN)/pip-audit --strict --skip-editable --progress-spinner off

## make bench: the site under load (bench/web.py) on SQLite, then on PostgreSQL with Redis if reachable
# BENCH_ARGS passes options, e.g. BENCH_ARGS="--seconds 30" or "--profile"; see bench/web.py.
BENCH_PG_URL ?= postgres://postgres@127.0.0.1:5432/clarion_bench
# Its own database number: RQ names its keys itself, and the bench's must not meet a site's.
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/8
bench: setup-dev wrk
	$(BIN)/python bench/web.py $(BENCH_ARGS)
	$(BIN)/python bench/web.py --database-url $(BENCH_PG_URL) --redis-url $(BENCH_REDIS_URL) $(BENCH_ARGS)

## make bench-cluster: two servers and two workers on one PostgreSQL and Redis, and checks that they agree
# Its own database (dropped and created each run) and Redis database (emptied each run).
CLUSTER_PG_URL ?= postgres://postgres@127.0.0.1:5432/clarion_cluster
CLUSTER_REDIS_URL ?= redis://127.0.0.1:6379/7
bench-cluster: setup-dev wrk
	$(BIN)/python bench/cluster.py --database-url $(CLUSTER_PG_URL) --redis-url $(CLUSTER_REDIS_URL) $(BENCH_ARGS)

## make eval-news: score the news desk on real coverage (eval/news/), fresh database each run
# EVAL_ARGS passes options, e.g. EVAL_ARGS="--half a --verbose"; see eval/news/run.py.
eval-news: setup
	$(BIN)/python eval/news/run.py $(EVAL_ARGS)

# The load generator; installed with apt when missing and we can (root).
wrk:
	@scripts/ensure-wrk

clean:
	rm -rf $(VENV) var build *.egg-info
