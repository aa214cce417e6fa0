# hvmdoc — every target sets up .venv itself when it is missing or stale.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The workshop wheelhouse's stamps (defined before any rule names them).
WHEEL_DEPS := wheelhouse/.deps
WHEEL_OWN := wheelhouse/.hvmdoc
HVMDOC_SOURCES := $(shell find hvmdoc -type f ! -path '*/__pycache__/*' 2>/dev/null)
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help setup serve site site-offline test lint bench fuzz clean

help:
	@echo "make serve        set up, then serve the site at http://127.0.0.1:8000"
	@echo "make test         set up, then run every test"
	@echo "make site         build the site into site/"
	@echo "make site-offline build a copy that works opened from disk (site-offline/)"
	@echo "make lint         ruff + mypy"
	@echo "make bench        benchmarks: table on stdout, bench/results.json"
	@echo "make fuzz         long fuzz runs of the parsers"

$(STAMP): pyproject.toml requirements/constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

serve: $(STAMP)
	$(BIN)/mkdocs serve --strict -a 127.0.0.1:8000

site: $(STAMP)
	$(BIN)/mkdocs build --strict --site-dir site

site-offline: $(STAMP)
	HVMDOC_OFFLINE=true $(BIN)/mkdocs build --strict --site-dir site-offline

test: $(STAMP) $(WHEEL_OWN)
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

lint: $(STAMP)
	$(BIN)/ruff check hvmdoc tests examples bench
	$(BIN)/ruff format --check hvmdoc tests examples bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench

fuzz: $(STAMP)
	HVMDOC_FUZZ_EXAMPLES=$${HVMDOC_FUZZ_EXAMPLES:-100000} $(BIN)/python -m pytest -q -m fuzz tests/fuzz -p no:xdist

clean:
	rm -rf site site-offline test-output .mypy_cache .ruff_cache

# Workshop kit: wheels of hvmdoc and its runtime dependencies, for a room with no
# network (pip install --no-index --find-links wheelhouse hvmdoc). Two stamps: the
# dependency wheels are downloaded once (again only when the pins change); hvmdoc's
# own wheel is rebuilt, offline (--no-deps --no-build-isolation, with the pinned
# setuptools of the dev extras), only when its sources change. So `make test` on a
# warm .venv needs no network.

$(WHEEL_DEPS): pyproject.toml requirements/constraints.txt | $(STAMP)
	mkdir -p wheelhouse
	rm -f wheelhouse/hvmdoc-*.whl
	$(BIN)/python -m pip wheel --quiet --no-build-isolation -c requirements/constraints.txt --wheel-dir wheelhouse .
	touch $@

$(WHEEL_OWN): $(WHEEL_DEPS) $(HVMDOC_SOURCES) README.md LICENSE
	rm -f wheelhouse/hvmdoc-*.whl
	$(BIN)/python -m pip wheel --quiet --no-deps --no-build-isolation --wheel-dir wheelhouse .
	touch $@

.PHONY: wheelhouse
wheelhouse: $(WHEEL_OWN)
