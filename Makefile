# make generate: set up .venv and compile the bundled project.toml
# make test:     set up .venv and the pinned wrangler, then run every test
# make deploy ENV=staging [DRY_RUN=1] [ONLY=a,b] [FROM=worker] [SECRETS=file]:
#                 confgen deploy: the plan carried out with your wrangler (docs/deploy.md)
# make surface:  re-derive the wrangler key surface after bumping wrangler
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: generate check deploy test wrangler surface sarif golden bench lint templates

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

generate: $(STAMP)
	$(BIN)/confgen generate --manifest project.toml

check: $(STAMP)
	$(BIN)/confgen generate --check --manifest project.toml

deploy: $(STAMP)
	$(BIN)/confgen deploy --manifest project.toml $(if $(ENV),--env $(ENV)) \
		$(if $(DRY_RUN),--dry-run) $(if $(ONLY),--only $(ONLY)) $(if $(FROM),--from $(FROM)) \
		$(if $(SECRETS),--secrets-file $(SECRETS))

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

# check-jsonschema only for the comparison table, in its own venv (not a confgen dependency)
BENCH := .cache/bench

$(BENCH)/bin/check-jsonschema:
	$(PYTHON) -m venv $(BENCH)
	$(BENCH)/bin/python -m pip install --quiet check-jsonschema==0.39.0

bench: $(STAMP) wrangler $(BENCH)/bin/check-jsonschema
	$(BIN)/python benchmarks/scale.py
	$(BIN)/python benchmarks/growth.py
	$(BIN)/python benchmarks/large_string.py
	$(BIN)/python benchmarks/router.py
	$(BIN)/python benchmarks/deploy.py

templates: $(STAMP)
	$(BIN)/python scripts/compile-templates

lint: $(STAMP)
	$(BIN)/python -m pip install --quiet mypy ruff
	$(BIN)/ruff check confgen tests benchmarks
	$(BIN)/mypy confgen
