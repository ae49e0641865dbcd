# The course's commands. See README.md.
#   make course    - set up .venv, then run every lesson (with its worked solutions) and summarise
#   make test      - set up .venv, then unit tests and strict nbval on every notebook, both sets
#   make lab       - open JupyterLab on the learner edition, notebooks/
#   make live      - build the live-coding edition into editions/live/ (for instructors)
#   make notebooks - maintainers: re-execute notebooks/solutions/, regenerate notebooks/, in
#                    float32 on any CPU (DIGITS_COURSE_PRECISION), as most learners' CPUs compute;
#                    earlier models, submissions and made Kaggle files are set aside first, so
#                    that each edition stores a first run's file names (scripts/set_aside.py)
#   make site      - build the course website into build/site/ from the committed notebooks

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)
DEV_STAMP := $(VENV)/.dev-installed-$(shell cat requirements-dev.txt tests/node/package-lock.json | cksum | cut -d' ' -f1)

export TF_CPP_MIN_LOG_LEVEL ?= 2

.PHONY: setup setup-dev course test test-colab lab live colab notebooks diagrams site widget-pictures links nbgrader capacity clean

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
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
	--nbval-cell-timeout=1200
# Two passes: the unit tests and the worked lessons (notebooks/solutions/), then the learner
# edition (notebooks/), whose lessons are the same: DIGITS_COURSE_EPOCHS=2 shortens its run
# of notebook 05's training so that make test does not train the full-length model twice.
# Both passes always run; make test fails if either failed.
# PYTEST_ARGS adds to the first pass, e.g. PYTEST_ARGS='-m "not offline_data"'.
test: setup setup-dev
	@$(BIN)/python -m pytest tests notebooks/solutions $(NBVAL) $(PYTEST_ARGS); first=$$?; \
	DIGITS_COURSE_EPOCHS=2 $(BIN)/python -m pytest notebooks --ignore=notebooks/solutions \
		$(NBVAL); second=$$?; test $$first -eq 0 -a $$second -eq 0
	@if [ "$(COLAB_RUNTIME)" != skip ]; then $(MAKE) --no-print-directory test-colab; fi

# The course on a copy of Colab's runtime (scripts/colab_runtime.py): Colab's published freeze
# (tests/colab/pip-freeze.txt) in build/colab-venv with Colab's Python, the notebooks' own
# Colab set-up, then the helpers' unit tests and strict nbval of notebooks/solutions/ on the
# offline data. `make test` ends with it; COLAB_RUNTIME=skip leaves it out (CI's full-MNIST
# pass: the run ignores MNIST_NPZ, so one pass is enough). Without Python 3.13 it is skipped,
# unless COLAB_TESTS=required.
test-colab: setup
	$(BIN)/python scripts/colab_runtime.py

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
	$(BIN)/python scripts/set_aside.py before $(ONLY)
	DIGITS_COURSE_PRECISION=float32 $(BIN)/python scripts/run_course.py --in-place $(ONLY)
	$(BIN)/python scripts/set_aside.py solutions $(ONLY)
	DIGITS_COURSE_PRECISION=float32 $(BIN)/python scripts/editions.py learner $(ONLY)

diagrams: setup
	$(BIN)/python scripts/draw_split_diagram.py

# The course website (README, "Website"): Sphinx with myst-nb builds build/site/ from the
# committed learner notebooks, offline, executing nothing. Rebuilt only when an input changed.
site: setup-dev
	$(BIN)/python scripts/build_site.py --if-stale

# Maintainers: the widgets' pictures the website shows (images/widget_*.png), taken in
# JupyterLab in headless Chromium (needs /usr/bin/chromium). Commit them.
widget-pictures: setup-dev
	$(BIN)/python scripts/widget_pictures.py

# The course in a classroom (README, "In a classroom"):
#   make links HUB=https://hub.example.edu - an nbgitpuller link per learner notebook
#   make nbgrader - an nbgrader course folder in build/nbgrader/, one source assignment per lesson
#   make capacity - measure every notebook's kernel (memory, CPU) in the shell's data mode and
#                   write benchmarks/CAPACITY.md, the README's table and classroom/config.yaml
links: $(if $(HUB),setup)
	@test -n "$(HUB)" || { echo "Give the hub's address: make links HUB=https://hub.example.edu"; exit 2; }
	@$(BIN)/python scripts/links.py "$(HUB)"

nbgrader: setup-dev
	$(BIN)/python scripts/nbgrader_assignment.py

capacity: setup-dev
	$(BIN)/python benchmarks/kernel_capacity.py

clean:
	rm -rf build editions .pytest_cache
