# Two commands for a newcomer: `make run` and `make test`. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCAL := DJANGO_SETTINGS_MODULE=config.settings.local

.PHONY: run test lint install guide-screenshots messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the declared dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

## Set up, load the seed page, create demo users and serve on http://127.0.0.1:8000/
run: install
	$(LOCAL) $(BIN)/python manage.py migrate --no-input
	$(LOCAL) $(BIN)/python manage.py import_seed
	$(LOCAL) $(BIN)/python manage.py create_demo_users
	$(LOCAL) $(BIN)/python manage.py runserver 127.0.0.1:8000

## Run the test suite (SQLite, or PostgreSQL when DATABASE_URL is set)
test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(LOCAL) $(BIN)/python manage.py makemigrations --check --dry-run

## Take the editors' guide's screenshots again, into docs/editors-guide/ (needs Chromium and npm ci)
guide-screenshots: install
	REFRESH_GUIDE_SCREENSHOTS=1 REQUIRE_BROWSER=1 $(BIN)/pytest tests/browser/test_editors_guide.py

## Regenerate the Spanish catalogue of the site's own words and compile it (needs GNU gettext)
messages: install
	$(LOCAL) $(BIN)/python -m config.messages --update
