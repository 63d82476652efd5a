# Polku: the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.9
UV := $(PYTHON) -m uv
PORT ?= 8501

.PHONY: help run test lint typecheck pytest venv system-deps db bench bench-quick bench-national load clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

venv: ## virtual environment with the locked dependencies (.venv)
	@$(UV) --version 2>/dev/null | grep -q "$(UV_VERSION)" || $(PYTHON) -m pip install -q "uv==$(UV_VERSION)"
	$(UV) sync --frozen

node_modules: package.json package-lock.json ## test tools from npm (axe-core), as locked
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js and npm (apt-get install npm); the accessibility test needs axe-core from npm" >&2; exit 1; }
	npm ci --no-audit --no-fund
	@touch node_modules

system-deps: ## Debian packages the tests need (PostgreSQL server)
	bash scripts/install-system-deps

db: venv ## create or migrate the database and load the project plan plus sample data
	$(UV) run python -m polku init --sample

run: db ## the app with sample data in demo mode on http://localhost:8501
	POLKU_DEMO=1 $(UV) run streamlit run streamlit_app.py --server.port $(PORT)

lint: venv ## ruff lint and format check, import layers (import-linter)
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run lint-imports

typecheck: venv ## mypy over polku/, models.py, app_pages/ and streamlit_app.py
	$(UV) run mypy

pytest: venv system-deps node_modules ## the test suite, on SQLite and a PostgreSQL server it starts
	$(UV) run pytest

test: lint typecheck pytest ## everything CI runs

bench: venv system-deps ## performance at ten times the project's size (~15 min; not part of test)
	$(UV) run python -m benchmarks.run; status=$$?; \
	  $(UV) run python -m benchmarks.board_pack || status=1; \
	  $(UV) run python -m benchmarks.report --write && exit $$status

load: venv system-deps ## 25 sessions on one app process at scale 10 on PostgreSQL for 60 s (~5 min)
	$(UV) run python -m benchmarks.load; status=$$?; \
	  $(UV) run python -m benchmarks.report --write && exit $$status

bench-quick: venv system-deps ## every benchmark code path on small data, once (results/quick.json)
	$(UV) run python -m benchmarks.run --quick

bench-national: venv system-deps ## scale 100 (550 000 clients), PostgreSQL (results/national.json)
	$(UV) run python -m benchmarks.run --national

clean: ## remove the virtual environment and caches (keeps data/)
	rm -rf .venv .pytest_cache .mypy_cache .ruff_cache node_modules
