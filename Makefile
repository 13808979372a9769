# Two commands for a fresh machine (Python 3.11): `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test lint bench clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Set up and start the app on the demo data (built on first start).
run: $(BIN)/.installed
	$(BIN)/streamlit run app.py --server.port $(PORT)

# Set up and run every test (unit, integration, AppTest, real browser). The browser tests need
# Debian's chromium and axe-core (npm): installed where this user may, else one line says what is skipped.
test: $(BIN)/.installed
	@.ci/browser-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 -q

lint: $(BIN)/.installed
	$(BIN)/ruff check .

bench: $(BIN)/.installed
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
