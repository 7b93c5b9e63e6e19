# make generate: set up .venv and compile the bundled project.toml
# make test:     set up .venv and the pinned wrangler, then run every test
# make surface:  re-derive the wrangler key surface after bumping wrangler
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: generate check test wrangler surface sarif golden bench lint

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

generate: $(STAMP)
	$(BIN)/confgen generate --manifest project.toml

check: $(STAMP)
	$(BIN)/confgen generate --check --manifest project.toml

wrangler:
	scripts/install-wrangler

# after bumping wrangler: re-derive schemas/wrangler-keys.json and docs/wrangler-keys.md
surface: wrangler
	scripts/wrangler-surface

sarif:
	scripts/install-sarif

test: $(STAMP) wrangler sarif
	$(BIN)/python -m pytest

golden: $(STAMP)
	$(BIN)/python tests/golden/regenerate.py

bench: $(STAMP)
	$(BIN)/python benchmarks/validate.py
	$(BIN)/python benchmarks/router.py

lint: $(STAMP)
	$(BIN)/python -m pip install --quiet mypy ruff
	$(BIN)/ruff check confgen tests benchmarks
	$(BIN)/mypy confgen
