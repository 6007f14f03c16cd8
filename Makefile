# Set-up and everyday commands. `make run` serves the site; `make test` runs the suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format migrate check-python serve secret bench stateless

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=python3.11")'

$(STAMP): requirements.txt requirements-dev.txt | check-python
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

# Local development only: debug on, SQLite unless DATABASE_URL says otherwise.
run: export DJANGO_DEBUG ?= true
run: install compilemessages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py loaddata shanghai_webinar
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install compilemessages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The suite with a coverage report (slower: Python 3.11 traces every line).
.PHONY: coverage
coverage: install compilemessages
	$(BIN)/python -m pytest --cov --cov-report=term:skip-covered $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Backups (see README, "Security and reliability"): a timestamped .tar.gz of every record,
# user, group and uploaded file in var/backups/; restore refuses a non-empty database.
.PHONY: backup restore
backup: install
	$(BIN)/python manage.py backup_records

restore: install
	@test -n "$(FILE)" || { echo 'Name the backup: make restore FILE=var/backups/records-….tar.gz' >&2; exit 2; }
	$(BIN)/python manage.py restore_records "$(FILE)" $(if $(FORCE),--force,)
# --- Production serving ----------------------------------------------------------------------
# `make serve`: debug off, hashed and compressed static files, gunicorn with workers from the
# core count (GUNICORN_WORKERS to change). Defaults suit plain http on this machine; behind a
# TLS proxy set DJANGO_SECURE_SSL_REDIRECT, DJANGO_SECURE_COOKIES and the HSTS seconds.
serve: export DJANGO_DEBUG = false
serve: export DJANGO_SECURE_SSL_REDIRECT ?= false
serve: export DJANGO_SECURE_COOKIES ?= false
serve: export DJANGO_SECURE_HSTS_SECONDS ?= 0
serve: export DJANGO_ALLOWED_HOSTS ?= 127.0.0.1,localhost
serve: export GUNICORN_BIND ?= $(HOST):$(PORT)
# One cache for every worker, so a record change retires cached pages in all of them.
serve: export CACHE_URL ?= filecache://$(CURDIR)/var/cache
serve: install secret compilemessages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/gunicorn -c deploy/gunicorn.conf.py

# A secret key in .env if neither the environment nor .env has one (never overwrites one).
secret: install
	@if [ -z "$$DJANGO_SECRET_KEY" ] && ! grep -qs '^DJANGO_SECRET_KEY=..*' .env; then \
		touch .env; sed -i '/^DJANGO_SECRET_KEY=$$/d' .env; \
		echo "DJANGO_SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" >> .env; \
		echo "Wrote a new DJANGO_SECRET_KEY to .env"; \
	fi

# Load benchmark (bench/README.md): demo data in SQLite and PostgreSQL, gunicorn, wrk.
# BENCH_POSTGRES_URL, BENCH_EVENTS, BENCH_DURATION… are read from the environment.
BENCH_STAMP := $(VENV)/.bench-$(shell cat bench/requirements.txt | cksum | cut -d' ' -f1)
$(BENCH_STAMP): bench/requirements.txt | install
	$(BIN)/python -m pip install --quiet -r bench/requirements.txt
	rm -f $(VENV)/.bench-*
	touch $@

bench: install $(BENCH_STAMP)
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	$(BIN)/python bench/run.py

# Open data at 10,000 events (bench/data.py): building the downloads and a dump, then each
# download against a static file of the same bytes (BENCH_DATA_STREAMED=1: streamed too).
.PHONY: bench-data
bench-data: install $(BENCH_STAMP)
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	$(BIN)/python bench/data.py

# Import, backup and restore at scale (bench/records.py): BENCH_RECORDS_DATABASE_URL (demo
# data), BENCH_RECORDS_RESTORE_URL and BENCH_RECORDS_IMPORT_URL (empty, migrated) and
# BENCH_RECORDS_FIXTURE (a natural-key dump) from the environment.
.PHONY: bench-records
bench-records: install
	$(BIN)/python bench/records.py

# Public pages under 32 connections for 60 s while an editor saves through the admin
# (bench/load_under_edit.py; LOAD_DATABASE_URL, LOAD_EVENTS, LOAD_PORT… from the environment).
.PHONY: bench-edit
bench-edit: install
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	$(BIN)/python bench/load_under_edit.py

# Faults under load (bench/faults.py): Redis stopped and frozen, PostgreSQL stopped, a worker
# killed, edits and unpublishing; starts its own PostgreSQL cluster and Redis on their own ports.
.PHONY: bench-faults
bench-faults: install
	$(BIN)/python bench/faults.py

# Two app servers, one PostgreSQL, one Redis: an edit through one shows on the other at once.
stateless: install
	$(BIN)/python bench/stateless.py

# Varnish (deploy/varnish.vcl) in front of two app servers: cached pages answered with the app
# servers frozen, and an edit purges exactly the pages that show the record (bench/edge.py).
.PHONY: edge
edge: install
	@{ command -v varnishd >/dev/null && ls /usr/lib/*/varnish/vmods/libvmod_xkey.so >/dev/null 2>&1; } || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq varnish varnish-modules >/dev/null; }
	$(BIN)/python bench/edge.py
# Public site: Lighthouse scores of the event page (by hand; not part of CI).
.PHONY: lighthouse
lighthouse:
	bash .ci/lighthouse

# --- Languages (README, "Languages") ----------------------------------------------------------
# The catalogues in locale/ are committed as .po files; the .mo files are built here. Django's
# compilemessages needs GNU gettext (msgfmt); without it, polib (pure Python, installed by
# `make install`) writes the same files, so a machine with only Python can still run the site.
.PHONY: compilemessages messages
compilemessages: install
	@if command -v msgfmt >/dev/null; then \
		DJANGO_DEBUG=true $(BIN)/python manage.py compilemessages --verbosity 0 \
			--ignore=.venv --ignore=node_modules; \
	else \
		$(BIN)/python -c 'import pathlib, polib; [polib.pofile(str(p)).save_as_mofile(str(p.with_suffix(".mo"))) for p in pathlib.Path("locale").glob("*/LC_MESSAGES/*.po")]'; \
	fi

# After changing interface text: collect new strings into both catalogues (needs GNU gettext),
# translate them, and `make test` checks that none is left untranslated or fuzzy.
messages: install
	DJANGO_DEBUG=true $(BIN)/python manage.py makemessages --locale en --locale zh_Hans \
		--no-obsolete --ignore=.venv --ignore=node_modules --ignore=tests --ignore=bench \
		--ignore=var --ignore=staticfiles --ignore=media --ignore=artifacts
