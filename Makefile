# Two commands do everything on a fresh machine:
#   make demo   create .venv, install, write the HTML report on embedded data
#   make test   create .venv, install, run ruff and the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
TORCH_VERSION ?= 2.13.0
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(TORCH_VERSION)
JOBS ?= 2

.PHONY: demo test lint bench browser kernels clean

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

# Headless Chromium for the report's browser test (Debian package).
browser:
	@command -v chromium >/dev/null 2>&1 || \
	  { (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null 2>&1 || \
	    echo "warning: chromium could not be installed; the browser test will be skipped"; }

test: $(STAMP) browser lint kernels
	$(BIN)/python -m pytest -q -n $(JOBS) --dist loadgroup -p no:cacheprovider -rfE

bench: $(STAMP) kernels
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) actloss-report bench-results .pytest_cache .ruff_cache
