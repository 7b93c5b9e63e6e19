# make generate: set up .venv and compile the bundled project.toml
# make test:     set up .venv and the pinned wrangler, then run every test
# make deploy ENV=staging [DRY_RUN=1] [ONLY=a,b] [FROM=worker] [SECRETS=file]:
#                 confgen deploy: the plan carried out with your wrangler (docs/deploy.md)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: generate check deploy test wrangler sarif golden bench lint

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

sarif:
	scripts/install-sarif

test: $(STAMP) wrangler sarif
	$(BIN)/python -m pytest

golden: $(STAMP)
	$(BIN)/python tests/golden/regenerate.py

bench: $(STAMP)
	$(BIN)/python benchmarks/validate.py
	$(BIN)/python benchmarks/router.py
	$(BIN)/python benchmarks/deploy.py

lint: $(STAMP)
	$(BIN)/python -m pip install --quiet mypy ruff
	$(BIN)/ruff check confgen tests benchmarks
	$(BIN)/mypy confgen
