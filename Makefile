# The two commands the README opens with: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run test lint test-sqlite test-postgres check-catalogues install translations clean

$(BIN)/flask: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/flask

translations: install
	$(BIN)/flask --app elearn translate compile

## Serve the platform with the demo course on SQLite at http://127.0.0.1:5000, with the
## job worker (mail, digests, clean-ups) in the background; Ctrl-C stops both
run: translations
	$(BIN)/flask --app elearn db upgrade
	$(BIN)/flask --app elearn courses import courses/
	$(BIN)/flask --app elearn board demo
	$(BIN)/flask --app elearn jobs worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(BIN)/flask --app elearn run --host 127.0.0.1 --port 5000

## The linter (ruff, configured in pyproject.toml), the catalogues checked by gettext, and
## the whole test suite on SQLite and on PostgreSQL at the same time (a core each): each
## pass writes its own log, shown once both have ended; both must pass
test: lint check-catalogues translations
	@logs=$$(mktemp -d -t elearn-test-XXXXXX); \
	echo "Testing on SQLite and on PostgreSQL at the same time; logs in $$logs"; \
	$(PYTEST_SQLITE) > $$logs/sqlite.log 2>&1 & sqlite=$$!; \
	$(PYTEST_POSTGRES) > $$logs/postgres.log 2>&1 & postgres=$$!; \
	wait $$sqlite; sqlite_status=$$?; wait $$postgres; postgres_status=$$?; \
	echo "======================================== SQLite (make test-sqlite)"; cat $$logs/sqlite.log; \
	echo "======================================== PostgreSQL (make test-postgres)"; cat $$logs/postgres.log; \
	echo "========================================"; \
	echo "SQLite: $$(tail -n 1 $$logs/sqlite.log)"; \
	echo "PostgreSQL: $$(tail -n 1 $$logs/postgres.log)"; \
	test $$sqlite_status -eq 0 && test $$postgres_status -eq 0

## ruff (rules and formatting), mypy on elearn/, and the import layers (pyproject.toml's [tool.importlinter])
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

check-catalogues:
	@command -v msgfmt >/dev/null || { echo "msgfmt missing: apt-get install gettext"; exit 1; }
	for po in translations/*/LC_MESSAGES/messages.po; do msgfmt --check --statistics -o /dev/null $$po || exit 1; done

# Each pass keeps its own pytest cache, so the two can run at the same time.
PYTEST_SQLITE = env -u DATABASE_URL $(BIN)/pytest -q -o cache_dir=.pytest_cache/sqlite
PYTEST_POSTGRES = DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -q -o cache_dir=.pytest_cache/postgres

test-sqlite: translations
	$(PYTEST_SQLITE)

test-postgres: translations
	$(PYTEST_POSTGRES)

clean:
	rm -rf $(VENV) instance .pytest_cache
