# The course's commands. See README.md.
#   make course    - set up .venv, then run every lesson (with its worked solutions) and summarise
#   make test      - set up .venv, then unit tests and strict nbval on every notebook, both sets
#   make lab       - open JupyterLab on the learner edition, notebooks/
#   make live      - build the live-coding edition into editions/live/ (for instructors)
#   make notebooks - maintainers: re-execute notebooks/solutions/, regenerate notebooks/

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)
DEV_STAMP := $(VENV)/.dev-installed-$(shell cat requirements-dev.txt tests/node/package-lock.json | cksum | cut -d' ' -f1)

export TF_CPP_MIN_LOG_LEVEL ?= 2

.PHONY: setup setup-dev course test lab live colab notebooks diagrams clean

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] >= (3, 11), "Python 3.11+ needed, found " + sys.version' 
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

# Tools for the tests and maintainers: requirements-dev.txt into .venv, and the npm tools
# (tests/node/package-lock.json) into tests/node/node_modules.
setup-dev: $(DEV_STAMP)

$(DEV_STAMP): $(STAMP) requirements-dev.txt tests/node/package-lock.json
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	npm ci --prefix tests/node --no-audit --no-fund --loglevel=error
	rm -f $(VENV)/.dev-installed-*
	touch $@

course: setup
	@$(BIN)/python scripts/run_course.py

# pytest collects notebooks/ (the learner edition: only its exercise stubs may fail) and
# notebooks/solutions/ (the worked lessons); .ipynb_checkpoints/ is skipped (pytest's default
# norecursedirs leaves out hidden folders).
test: setup setup-dev
	$(BIN)/python -m pytest tests notebooks --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=1200

# Served from the course's root, so the notebooks' ../images/ links resolve; opens on notebooks/.
lab: setup
	$(BIN)/jupyter lab --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks

live: setup
	$(BIN)/python scripts/editions.py live

# Maintainers: after changing [tool.digits-course] in pyproject.toml, re-stamp the Colab
# badges and set-up lines of both sets, then commit the notebooks.
colab: setup
	$(BIN)/python scripts/colab.py

# Maintainers, after editing notebooks/solutions/ (MNIST_NPZ must name the full MNIST): stamp
# the Colab lines, execute every solutions notebook in place, then generate every learner
# notebook from it and execute that in place. A notebook that fails is not written.
# ONLY="01 03" limits the last two steps to the notebooks whose names contain 01 or 03.
notebooks: setup diagrams
	@test -n "$$MNIST_NPZ" || { echo "Set MNIST_NPZ to the full mnist.npz first."; exit 1; }
	$(BIN)/python scripts/colab.py
	$(BIN)/python scripts/run_course.py --in-place $(ONLY)
	$(BIN)/python scripts/editions.py learner $(ONLY)

diagrams: setup
	$(BIN)/python scripts/draw_split_diagram.py

clean:
	rm -rf build editions .pytest_cache
