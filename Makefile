# 阳光信访 · Sunshine Petitions
# `make run` and `make test` do all the set-up on a fresh Debian machine.

SHELL := /bin/bash
# The interpreter .venv is made from: the distribution's python3 when it is new
# enough, else the first python3 on PATH. Debian builds its python3 with PGO and
# LTO and links it statically; a plain source build (pyenv's default) is neither,
# and served an online petition with ~10% more CPU in the portal bench (median
# of interleaved pairs: bench/portal_only.py with each venv's python).
SYSTEM_PY := /usr/bin/python3
PY ?= $(shell $(SYSTEM_PY) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && echo $(SYSTEM_PY) || echo python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
VENDOR := static/vendor

.PHONY: run test test-sqlite test-postgres bench lint typecheck assets deps test-deps system-deps browser-deps postgres env clean

## run: install everything, migrate, load the Wuxi demo and start web + worker on SQLite
run: deps assets system-deps env
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo ""
	@echo "  阳光信访 is starting at http://127.0.0.1:$(PORT)/  (Ctrl-C stops web and worker)"
	@echo ""
	@set -m; $(BIN)/python manage.py db_worker --interval 1 --no-reload > var/worker.log 2>&1 & WORKER=$$!; \
	  $(BIN)/python manage.py run_scheduler > var/scheduler.log 2>&1 & SCHED=$$!; \
	  trap "kill $$WORKER $$SCHED 2>/dev/null" EXIT INT TERM; \
	  $(BIN)/python manage.py runserver 0.0.0.0:$(PORT) --noreload

## test: install test dependencies and run the whole suite on SQLite and PostgreSQL
test: test-deps assets browser-deps postgres
	@mkdir -p var
	@rc=0; \
	echo "=== ruff and mypy ==="; \
	$(BIN)/ruff check . || rc=1; \
	SECRET_KEY=typecheck FIELD_ENCRYPTION_KEY=typecheck $(BIN)/mypy xinfang config || rc=1; \
	echo "=== SQLite ==="; \
	env -u DATABASE_URL DEBUG=0 $(BIN)/python -m pytest -p no:randomly $(PYTEST_ARGS) || rc=1; \
	echo "=== PostgreSQL ==="; \
	DATABASE_URL=$(PG_URL) DEBUG=0 $(BIN)/python -m pytest $(PYTEST_ARGS) || rc=1; \
	exit $$rc

test-sqlite: test-deps assets browser-deps
	env -u DATABASE_URL $(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: test-deps assets browser-deps postgres
	DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest $(PYTEST_ARGS)

## bench: benchmarks on PostgreSQL with generated data (prints figures)
bench: test-deps postgres
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	@command -v redis-server >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
	$(BIN)/python bench/run.py

lint: test-deps
	$(BIN)/ruff check .

typecheck: test-deps
	SECRET_KEY=typecheck FIELD_ENCRYPTION_KEY=typecheck $(BIN)/mypy xinfang config

# A venv made by another interpreter (PY changed) is made again, with its packages.
PY_STAMP := $(VENV)/.made-by$(subst /,-,$(shell command -v $(PY)))
$(PY_STAMP):
	rm -rf $(VENV)
	@# Debian's python3 makes venvs only with python3-venv (ensurepip) installed.
	@if [ "$(PY)" = "$(SYSTEM_PY)" ] && ! $(PY) -c 'import ensurepip' 2>/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv python3-dev >/dev/null; fi
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	@touch $@

# Reinstall only when pyproject.toml changes.
$(VENV)/.deps: pyproject.toml $(PY_STAMP)
	$(BIN)/pip install --quiet -e .
	@touch $@
$(VENV)/.test-deps: pyproject.toml $(PY_STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.deps

deps: $(VENV)/.deps
test-deps: $(VENV)/.test-deps

## assets: front-end libraries from npm (lock file), copied into static/ — no CDN
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

assets: node_modules/.package-lock.json
	@mkdir -p $(VENDOR)/bootstrap $(VENDOR)/htmx $(VENDOR)/echarts
	@cp node_modules/bootstrap/dist/css/bootstrap.min.css $(VENDOR)/bootstrap/
	@cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js $(VENDOR)/bootstrap/
	@cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	@cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/

# Debian packages: CJK fonts for official PDFs; pango for WeasyPrint.
system-deps:
	@dpkg -s fonts-arphic-uming >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-arphic-uming fonts-arphic-ukai >/dev/null; }
	@dpkg -s libpango-1.0-0 libpangoft2-1.0-0 >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; }

# Debian's chromium for the Playwright browser tests (never a downloaded browser).
browser-deps: system-deps
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done

## env: a local .env with fresh random keys (kept, so the demo data stays readable)
env:
	@test -f .env || { printf 'DEBUG=1\nSECRET_KEY=%s\nFIELD_ENCRYPTION_KEY=%s\n' \
	  "$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(40))')" \
	  "$$($(PY) -c 'import secrets; print(secrets.token_hex(16))')" > .env; echo "wrote .env with new keys"; }

clean:
	rm -rf var/staticfiles var/test*.sqlite3 $(VENDOR)
