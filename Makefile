# govhall — the two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
STAMP := $(VENV)/.installed
MO := src/govhall/locale/zh_Hans/LC_MESSAGES/django.mo
export DJANGO_SETTINGS_MODULE ?= govhall.conf.base

.PHONY: run test venv assets system-deps lint types contracts migrations-check check bench faults load audit e2e clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

# Browser assets (htmx, bpmn-js) from the npm registry, pinned by assets/package-lock.json.
assets:
	bash scripts/assets.sh

system-deps:
	bash scripts/system-deps.sh

$(MO): src/govhall/locale/zh_Hans/LC_MESSAGES/django.po $(STAMP)
	cd src/govhall && ../../$(BIN)/govhall compilemessages -l zh_Hans -v 0

run: $(STAMP) system-deps assets $(MO)
	mkdir -p var
	$(BIN)/govhall migrate --noinput -v 0
	$(BIN)/govhall collectstatic --noinput -v 0
	$(BIN)/govhall demo-load
	@echo ""
	@echo "govhall is starting on http://$(HOST):$(PORT)/"
	@echo "  portal       http://$(HOST):$(PORT)/"
	@echo "  admin        http://$(HOST):$(PORT)/admin/"
	@echo "  API docs     http://$(HOST):$(PORT)/api/v1/docs"
	@echo "  OpenAPI      http://$(HOST):$(PORT)/api/v1/openapi.json"
	@echo "press Ctrl-C to stop"
	@bash scripts/serve.sh "$(HOST)" "$(PORT)"

test: $(STAMP) assets $(MO)
	bash scripts/system-deps.sh --browser
	DJANGO_SETTINGS_MODULE=govhall.conf.test $(BIN)/pytest -p no:randomly $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(STAMP)
	$(BIN)/mypy src/govhall

contracts: $(STAMP)
	$(BIN)/lint-imports

migrations-check: $(STAMP)
	$(BIN)/govhall makemigrations --check --dry-run

check: lint types contracts migrations-check

# Known vulnerabilities of requirements.lock (pip-audit; scripts/audit.py says what fails, what
# only warns, and what happens when no vulnerability service can be reached).
audit: $(STAMP)
	$(BIN)/python scripts/audit.py

bench: $(STAMP) system-deps
	bash bench/run.sh

# Crash safety (docs/faults.md): the production profile on PostgreSQL, SIGKILLed at random
# moments while applications are submitted and processed; exact checks afterwards.
# CI runs FAULTS_ARGS="--submissions 60 --seconds 90 --seed 7".
faults: $(STAMP) system-deps $(MO)
	timeout --kill-after=30 1500 $(BIN)/python faults/crash_test.py $(FAULTS_ARGS)

# Mixed traffic (guides, searches, submissions, staff actions) against the production profile
# on PostgreSQL, with 1 and 2 granian workers (docs/performance.md, "Load test (issue 7)").
load: $(STAMP) system-deps $(MO)
	timeout --kill-after=30 1200 $(BIN)/python bench/bench_load.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) var
