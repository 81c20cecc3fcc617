# The single entry point. Every target that runs code depends on the venv, so any of
# them works as the first command on a fresh machine.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
ARGS   ?=
SYSTEMS := churn ensemble rag drift fairness algorithms serving abtest compression
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export MPLBACKEND := Agg

.PHONY: setup test test-slow lint claims bench clean tune-worker tune-cluster serve verify mutate $(SYSTEMS)

setup: $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "setup: $(PYTHON) not found; install Python 3.11 or run make PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# pytest exits 5 when it collected nothing: that is a failure, and says so.
test: $(STAMP)
	@$(PY) -m pytest -m "not slow" -q; s=$$?; \
	if [ $$s -eq 5 ]; then echo "make test: pytest collected no tests (exit 5)"; fi; exit $$s

test-slow: $(STAMP)
	$(PY) -m pytest -m slow -q

lint: $(STAMP)
	$(PY) -m ruff check systems algorithms data tests
	$(PY) -m ruff format --check systems algorithms data tests

# A system that is not built yet has no __main__.py: say so and fail, never fake a run.
$(SYSTEMS): $(STAMP)
	@if [ -f systems/$@/__main__.py ]; then \
		$(PY) -m systems.$@ $(ARGS); \
	else \
		echo "make $@: the $@ system is not built yet (no systems/$@/__main__.py)"; exit 2; \
	fi

# One more Optuna worker on the ensemble's shared study (ARGS="--storage URL --study NAME").
tune-worker: $(STAMP)
	$(PY) -m systems.ensemble.worker $(ARGS)

# The churn model as an HTTP service on loopback (ARGS="--model PATH --port N").
serve: $(STAMP)
	$(PY) -m systems.serving serve $(ARGS)

# Optuna on a throwaway PostgreSQL server with N workers (ARGS="--workers N --trials T").
tune-cluster: $(STAMP)
	$(PY) -m systems.ensemble.cluster $(ARGS)

# Verdict stability: each system's quick profile for seeds 0..SEEDS-1.
SEEDS ?= 5
VERIFY_SYSTEMS ?= $(SYSTEMS)
verify: $(STAMP)
	$(PY) -m systems.core.verify --seeds $(SEEDS) --systems "$(if $(filter command line,$(origin SYSTEMS)),$(SYSTEMS),$(VERIFY_SYSTEMS))" $(ARGS)

# Mutation testing of the derivations and the core (slow; not part of make test).
mutate: $(STAMP)
	$(PY) -m tests.mutation $(ARGS)

claims: $(STAMP)
	$(PY) -m systems.core.claims_report

bench: $(STAMP)
	$(PY) -m systems.core.bench $(ARGS)

clean:
	rm -rf reports .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -not -path "./$(VENV)/*" -exec rm -rf {} +
