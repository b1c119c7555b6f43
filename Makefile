# Aftercare: `make run` opens the app, `make test` runs the whole suite offscreen.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test check lint typecheck bench installer demo clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python main.py

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n 2 -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy desktop main.py benchmarks

check: lint typecheck test

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks

installer: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[installer]'
	$(BIN)/pyinstaller --noconfirm --clean installer.spec
	QT_QPA_PLATFORM=offscreen dist/Aftercare/Aftercare smoke --db "$$(mktemp -d)/smoke.aftercare"

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
