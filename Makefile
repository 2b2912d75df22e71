# Tribune: `make run` serves the demo site, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: run test check lint format bench install clean

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed" or 0)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# uv installs the same packages in half pip's time (and compiles them, as
	# pip does); where it cannot be had or fails, pip does it.
	( $(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9 \
	  && $(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode \
	       -r requirements-dev.txt ) \
	|| $(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py load_demo_site
	$(BIN)/python manage.py serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: $(STAMP) lint
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run
	TRIBUNE_PRODUCTION=1 ALLOWED_HOSTS=news.example.org SITE_URL=https://news.example.org \
	  SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(60))') \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/pytest
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== PostgreSQL leg (tests marked postgres): $$TEST_DATABASE_URL, cache $${TEST_REDIS_URL:-local memory}"; \
	  DATABASE_URL="$$TEST_DATABASE_URL" REDIS_URL="$$TEST_REDIS_URL" \
	    $(BIN)/pytest -m postgres -p no:cacheprovider; \
	else \
	  echo "== PostgreSQL leg SKIPPED: TEST_DATABASE_URL is not set (CI sets it)."; \
	fi

# Public standards against a running `make run` server (Nu HTML checker, axe-core,
# Lighthouse). Needs Java, Node.js and chromium; see README.
check: $(STAMP)
	$(BIN)/python -m checks.standards

bench: $(STAMP)
	bench/run.sh

clean:
	rm -rf $(VENV) var/static
