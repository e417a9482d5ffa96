# The README's commands. `make run` and `make test` do all the set-up a fresh clone needs.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
PY := .venv/bin/python
PIP := .venv/bin/pip
export DJANGO_SETTINGS_MODULE := vschool.settings
# Extra pytest arguments, e.g. `make test PYTEST_ARGS="tests/roll -x"`.
PYTEST_ARGS ?=
CHILDREN ?= 2000

.PHONY: run test setup venv assets migrate seed serve bench lint format ci compose-check

venv: .venv/.installed
.venv/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv .venv
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

# GOV.UK Frontend + MOJ Frontend + each app's partial, compiled into static/dist (generated, not committed).
assets: node_modules/.installed
	npm run --silent build

setup: venv assets

migrate: setup
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

# First run: SQLite file, Celery eager (no broker), demo data, served on http://127.0.0.1:8000
run: export DATABASE_URL :=
run: export REDIS_URL :=
run: export CELERY_TASK_ALWAYS_EAGER := true
run: seed
	@echo "Serving vschool on http://127.0.0.1:8000/ (Ctrl-C to stop)"
	$(PY) manage.py runserver 127.0.0.1:8000

# Same as run, without migrating or seeding again.
serve: export DATABASE_URL :=
serve: export REDIS_URL :=
serve: export CELERY_TASK_ALWAYS_EAGER := true
serve: setup
	$(PY) manage.py runserver 127.0.0.1:8000

# Lint, missing migrations, then the whole suite (DATABASE_URL / REDIS_URL honoured when set).
# Tasks run eagerly inside tests even with a broker configured; the real-worker test starts its own worker.
# pytest exit 5 (no tests collected) is a failure, never a pass.
test: export CELERY_TASK_ALWAYS_EAGER ?= true
test: setup
	$(PY) -m ruff check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -p no:randomly --durations=15 $(PYTEST_ARGS) || { rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing" >&2; fi; exit $$rc; }

# Timings against the configured database (PostgreSQL for meaningful numbers): one JSON report on stdout.
bench: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py benchmark --children $(CHILDREN)

lint: venv
	$(PY) -m ruff check .

format: venv
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

compose-check:
	docker-compose -f docker-compose.yml config -q

# What CI runs: system packages, PostgreSQL + Redis + Chromium required, then `make test`.
ci:
	bash .ci/run
