# The course's commands. See README.md.
#   make course  - set up .venv, then run every notebook in order and summarise
#   make test    - set up .venv, then unit tests and strict nbval on every notebook
#   make lab     - open JupyterLab on the notebooks
#   make student - build the learner edition into editions/student/ (exercises to fill in)
#   make live    - build the live-coding edition into editions/live/ (for instructors)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)

export TF_CPP_MIN_LOG_LEVEL ?= 2

.PHONY: setup course test lab student live colab notebooks diagrams clean

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] >= (3, 11), "Python 3.11+ needed, found " + sys.version' 
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

course: setup
	$(BIN)/python scripts/run_course.py

# The student edition runs under strict nbval too: only its unfilled exercises may fail.
test: setup student live
	$(BIN)/python -m pytest tests notebooks editions/student --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=1200

lab: setup
	$(BIN)/jupyter lab notebooks/

student: setup
	$(BIN)/python scripts/editions.py student

live: setup
	$(BIN)/python scripts/editions.py live

# Maintainers: after changing [tool.digits-course] in pyproject.toml, re-stamp the Colab
# badges and set-up lines, then commit the notebooks.
colab: setup
	$(BIN)/python scripts/colab.py

# Maintainers: re-execute the committed notebooks on the full MNIST (MNIST_NPZ must be set).
notebooks: setup diagrams
	@test -n "$$MNIST_NPZ" || { echo "Set MNIST_NPZ to the full mnist.npz first."; exit 1; }
	$(BIN)/python scripts/run_course.py --in-place

diagrams: setup
	$(BIN)/python scripts/draw_split_diagram.py

clean:
	rm -rf build editions .pytest_cache
