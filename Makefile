# The README's commands. `make run` and `make test` do all the set-up a fresh clone needs.
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip
export DJANGO_SETTINGS_MODULE := vschool.settings

.PHONY: run test setup venv assets migrate seed serve bench lint

venv: .venv/.installed
.venv/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv .venv
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed
	npm run --silent build

setup: venv assets

migrate: setup
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

# First run: SQLite, Celery eager, demo data, served on http://127.0.0.1:8000
run: export DATABASE_URL :=
run: export REDIS_URL :=
run: seed
	$(PY) manage.py runserver 127.0.0.1:8000

test: setup
	$(PY) -m ruff check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

bench: setup
	$(PY) manage.py benchmark

lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
