# Two commands do everything on a fresh machine:
#   make demo   create .venv, install, write the HTML report on embedded data
#   make test   create .venv, install, run ruff and the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
TORCH_VERSION ?= 2.13.0
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(TORCH_VERSION)
JOBS ?= 2

.PHONY: demo test test-portable fuzz lint bench browser kernels clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q torch==$(TORCH_VERSION)
	$(BIN)/python -m pip install -q -e '.[dev,mnist,lightning,hf,ray]'
	touch $@

# The native kernels of the opt-in fast paths (a small C library, a few seconds with the
# system compiler; never built during a call). Without a compiler everything still runs:
# the catalog never needs it, and the fast paths run eagerly.
kernels: $(STAMP)
	@$(BIN)/actloss kernels --build || echo "note: native kernels not built; the fast paths run eagerly"

demo: $(STAMP) kernels
	COLUMNS=$${COLUMNS:-150} $(BIN)/actloss list
	$(BIN)/actloss report --out actloss-report
	$(BIN)/actloss gallery --out actloss-report/gallery.png

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

# Headless Chromium and a CJK font for the report's browser tests (Debian packages).
browser:
	@{ command -v chromium >/dev/null 2>&1 && dpkg -s fonts-wqy-microhei >/dev/null 2>&1; } || \
	  { (apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei) >/dev/null 2>&1 || \
	    echo "warning: chromium or the CJK font could not be installed; browser tests will be skipped"; }

test: $(STAMP) browser lint kernels
	$(BIN)/python -m pytest -q -n $(JOBS) --dist loadgroup -p no:cacheprovider -rfE

# The whole suite three more times, one after another (each as long as `make test`):
# ACTLOSS_NATIVE=0, no C compiler on PATH, and an emulated AVX2 machine (see
# docs/kernels.md, "Portable test runs"). Not part of `make test`.
test-portable: $(STAMP)
	PYTHON=$(BIN)/python JOBS=$(JOBS) .ci/portable

# The fuzzing suite with the long Hypothesis profile (many examples per property).
fuzz: $(STAMP) kernels
	HYPOTHESIS_PROFILE=long $(BIN)/python -m pytest -q -n $(JOBS) -p no:cacheprovider -rfE tests/fuzz

bench: $(STAMP) kernels
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) actloss-report bench-results .pytest_cache .ruff_cache
