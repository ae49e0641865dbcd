# The course's commands. See README.md.
#   make course  - set up .venv, then run every notebook in order and summarise
#   make test    - set up .venv, then unit tests and strict nbval on every notebook
#   make lab     - open JupyterLab on the notebooks

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)

export TF_CPP_MIN_LOG_LEVEL ?= 2

.PHONY: setup course test lab notebooks diagrams clean

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] >= (3, 10), "Python 3.10+ needed (3.11 recommended), found " + sys.version' 
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

course: setup
	$(BIN)/python scripts/run_course.py

test: setup
	$(BIN)/python -m pytest tests notebooks --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=1200

lab: setup
	$(BIN)/jupyter lab notebooks/

# Maintainers: re-execute the committed notebooks on the full MNIST (MNIST_NPZ must be set).
notebooks: setup diagrams
	@test -n "$$MNIST_NPZ" || { echo "Set MNIST_NPZ to the full mnist.npz first."; exit 1; }
	$(BIN)/python scripts/run_course.py --in-place

diagrams: setup
	$(BIN)/python scripts/draw_split_diagram.py

clean:
	rm -rf build .pytest_cache
