"""The course tested on a copy of Colab's runtime, built from the freeze Colab publishes.

    python scripts/colab_runtime.py          # make test-colab: build (if stale), set up, test
    python scripts/colab_runtime.py --build  # only build build/colab-venv and run the set-up

Colab keeps its own TensorFlow, Keras, NumPy and ipywidgets, which are not the course's pins,
and the notebooks' Colab set-up (scripts/colab_setup.py) installs only what Colab lacks. This
script builds that situation here, and runs the tests in it:

1. **Python** at Colab's version, the `# python:` line of tests/colab/pip-freeze.txt, found as
   pythonX.Y on the PATH or in pyenv (or named by COLAB_PYTHON). Without it the run is skipped
   with a message, unless COLAB_TESTS=required (CI sets it), which makes that a failure.
2. **A virtual environment**, build/colab-venv, with at Colab's versions:
   - what the course imports on Colab (COURSE) and the kernel that runs it (KERNEL);
   - what the test itself needs: pytest and nbformat, which Colab has, at Colab's versions, and
     nbval, which Colab lacks, at requirements.txt's pin (TEST_TOOLS);
   - whatever those pull in: the freeze is pip's constraints file, so every dependency comes
     at the version Colab has too.
   tensorflow-cpu replaces tensorflow (RENAMED): the same release, without Colab's GPU
   libraries. Nothing else of the freeze is installed: some 600 packages the course never
   imports (PyTorch, JAX, CUDA libraries, cloud clients, ...), many without wheels outside
   Colab, stay constraints that nothing asks for; the lines that are not `name==version`
   (Colab's own builds, given by URL) are dropped, as pip cannot install them (read_freeze).
3. **The notebooks' own Colab set-up**: scripts/colab_setup.py runs in it with a stand-in
   google.colab module, so that it installs what Colab lacks (ipycanvas) as in Colab. Then
   every installed package that Colab has must still be at Colab's version: a set-up that
   changed one (pip upgrading ipywidgets for ipycanvas, say) would need a runtime restart in
   Colab, and fails here.
4. **The tests**, on the offline data (MNIST_NPZ unset, Keras pointed at an empty cache), with
   the course importable as in Colab (its root on sys.path, not installed):
   - the unit tests of helpers and tests/test_colab.py (UNIT_TESTS);
   - strict nbval of the worked lessons, notebooks/solutions/ (every lesson cell and every
     exercise's solution), with the same sanitizer as `make test` (tests/nbval_sanitize.cfg):
     the outputs committed from TensorFlow 2.21 and Keras 3.15 match Colab's versions' as
     they are, so no cell needs an exception of its own.
   Left out, to keep CI's time: the learner edition (the same lessons; its exercise cells are
   stubs) and the tests of the scripts and of the browser, which do not run in Colab.

The kernels run without google.colab, so the notebooks take their local branch and their
committed outputs, made locally, are what is compared. tests/test_colab.py runs the Colab
branch with stand-ins: the set-up lines, colab_setup.py, and Google Drive for the models.
"""

from __future__ import annotations

import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
FREEZE = ROOT / "tests" / "colab" / "pip-freeze.txt"
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"
VENV = ROOT / "build" / "colab-venv"

# What the course imports, as the freeze names them (scripts/colab_setup.py's LESSON_PACKAGES
# that Colab has, and TensorFlow, which Keras runs on).
COURSE = ["tensorflow", "keras", "numpy", "pandas", "scikit-learn", "matplotlib", "pillow",
          "mlxtend", "ipywidgets"]
# The kernel that runs the notebooks: Colab's IPython and ipykernel, not the course's pins.
KERNEL = ["ipykernel", "ipython"]
# What the test itself needs, taken from the freeze where Colab has it.
TEST_TOOLS = ["pytest", "nbformat", "nbval"]
# Packages installed under another name: Colab's tensorflow wheel carries GPU libraries;
# tensorflow-cpu is the same release without them.
RENAMED = {"tensorflow": "tensorflow-cpu"}


# The other scripts of this folder import as modules, as in estimate_time.py (scripts/ is
# not a package).
sys.path.insert(0, str(Path(__file__).resolve().parent))


def read_freeze(text: str) -> tuple[dict[str, str], str]:
    """({canonical name: version} of the freeze's `name==version` lines, Python version).

    Lines that name a URL instead of a version (`name @ URL`: Colab's own builds, such as
    google-colab and its kernel gateway, and wheels from other indexes, such as PyTorch's)
    are dropped: pip cannot fetch them here, and the course does not import them.
    """
    python = re.search(r"^#\s*python:\s*(\d+\.\d+)\s*$", text, re.M)
    if not python:
        raise ValueError(f"{FREEZE.relative_to(ROOT)} has no `# python: X.Y` line in its "
                         "header: add the Python version Colab runs (Colab's os-info.txt).")
    pins = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        requirement = Requirement(line)
        pinned = [spec.version for spec in requirement.specifier if spec.operator == "=="]
        if requirement.url is None and len(pinned) == 1:
            pins[canonicalize_name(requirement.name)] = pinned[0]
    return pins, python.group(1)


def selection(pins: dict[str, str], requirements: str) -> tuple[list[str], list[str]]:
    """(the requirements to install, the constraints for what they pull in).

    Each of COURSE, KERNEL and TEST_TOOLS at Colab's version, renamed per RENAMED; a test tool
    Colab lacks at the course's pin; the constraints are every other pin of the freeze.
    """
    import colab_setup
    course_pins = colab_setup.pinned_versions(requirements)
    wanted = []
    for name in COURSE + KERNEL + TEST_TOOLS:
        key = canonicalize_name(name)
        if key in pins:
            wanted.append(f"{RENAMED.get(name, name)}=={pins[key]}")
        elif name in TEST_TOOLS and key in course_pins:
            wanted.append(f"{name}=={course_pins[key]}")
        else:
            raise ValueError(f"{name} is neither in Colab's freeze nor pinned in "
                             "requirements.txt: the Colab run cannot choose its version.")
    chosen = {canonicalize_name(w.split("==")[0]) for w in wanted} | set(map(canonicalize_name,
                                                                              RENAMED))
    constraints = [f"{name}=={version}" for name, version in sorted(pins.items())
                   if name not in chosen]
    return wanted, constraints


def changed_by_setup(before: dict[str, str], after: dict[str, str],
                     pins: dict[str, str]) -> list[str]:
    """Colab's packages whose version the set-up changed: `name before -> after` lines."""
    return [f"{name} {before[name]} -> {after.get(name, 'removed')}" for name in sorted(before)
            if name in pins and after.get(name) != before[name]]


def find_python(version: str) -> str | None:
    """A Python interpreter of `version` ("3.13"): COLAB_PYTHON, PATH, or pyenv's versions."""
    pyenv = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates = [os.environ.get("COLAB_PYTHON"), shutil.which(f"python{version}"),
                  *sorted(glob.glob(f"{pyenv}/versions/{version}*/bin/python{version}"))]
    for candidate in filter(None, candidates):
        try:
            found = subprocess.run([candidate, "-c", "import sys; print(*sys.version_info[:2],"
                                    " sep='.')"], capture_output=True, text=True, timeout=60)
        except OSError:
            continue
        if found.returncode == 0 and found.stdout.strip() == version:
            return candidate
    return None


def installed(python: Path) -> dict[str, str]:
    """{canonical name: version} of what `python`'s environment holds."""
    listing = subprocess.run([str(python), "-m", "pip", "list", "--format=freeze",
                              "--disable-pip-version-check"],
                             capture_output=True, text=True, check=True).stdout
    return {canonicalize_name(n): v for n, v in re.findall(r"(?m)^(\S+)==(\S+)$", listing)}


STAND_IN = """\
# scripts/colab_runtime.py: run the notebooks' Colab set-up as Colab would, with a stand-in
# for Colab's own module (only what colab_setup.py uses: output.enable_custom_widget_manager).
import runpy, sys, types
colab = types.ModuleType("google.colab")
colab.output = types.SimpleNamespace(
    enable_custom_widget_manager=lambda: print("(stand-in) Colab's custom widget manager on"))
sys.modules["google.colab"] = colab
runpy.run_path(sys.argv[1], run_name="__main__")
"""


def build(python: str, pins: dict[str, str]) -> Path:
    """Create build/colab-venv (unless it is current), install, run the Colab set-up."""
    wanted, constraints = selection(pins, (ROOT / "requirements.txt").read_text())
    digest = hashlib.sha256("\n".join([python, *wanted, *constraints,
                                       (ROOT / "requirements.txt").read_text(),
                                       (ROOT / "scripts" / "colab_setup.py").read_text()])
                            .encode()).hexdigest()[:16]
    stamp = VENV / f".built-{digest}"
    venv_python = VENV / "bin" / "python"
    if stamp.exists():
        print(f"== {VENV.relative_to(ROOT)} is current", flush=True)
        return venv_python
    shutil.rmtree(VENV, ignore_errors=True)
    print(f"== building {VENV.relative_to(ROOT)} with {python}: " + " ".join(wanted), flush=True)
    subprocess.run([python, "-m", "venv", str(VENV)], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        constraints_file = Path(tmp) / "colab-constraints.txt"
        constraints_file.write_text("\n".join(constraints) + "\n")
        subprocess.run([str(venv_python), "-m", "pip", "install", "--quiet",
                        "--disable-pip-version-check", "-c", str(constraints_file), *wanted],
                       check=True)
        before = installed(venv_python)
        print("== the notebooks' Colab set-up (scripts/colab_setup.py), as in Colab", flush=True)
        stand_in = Path(tmp) / "colab_stand_in.py"
        stand_in.write_text(STAND_IN)
        subprocess.run([str(venv_python), str(stand_in), str(ROOT / "scripts" / "colab_setup.py")],
                       check=True, cwd=tmp)
    after = installed(venv_python)
    changed = changed_by_setup(before, after, pins)
    if changed:
        raise SystemExit("The Colab set-up changed packages Colab already has (in Colab that "
                         "needs a runtime restart): " + "; ".join(changed))
    others = sorted(f"{n}=={v}" for n, v in after.items()
                    if pins.get(n) != v and n not in ("pip", "setuptools"))
    print("== as Colab has them, except: " + ", ".join(others), flush=True)
    stamp.touch()
    return venv_python


# The unit tests of helpers, and of the Colab set-up (tests/test_colab.py). tests/test_colab.py
# checks that every test file importing helpers is here or in NOT_ON_COLAB.
UNIT_TESTS = ["test_check_unsure_mistakes.py", "test_checks.py", "test_colab.py",
              "test_core_checks_01_03.py", "test_core_checks_05_06.py",
              "test_core_checks_07_08.py", "test_data.py", "test_handwriting.py",
              "test_kaggle.py", "test_learning_checks.py", "test_models.py",
              "test_plots_and_widgets.py", "test_plots_layers.py", "test_plots_training.py",
              "test_prepare_and_model_checks.py"]
NOT_ON_COLAB = {"test_nbgrader.py": "nbgrader grades in a classroom's JupyterHub, not in Colab",
                "test_recipe_variants.py": "a benchmark's table, kept by the course's own "
                                           "environment; it only reads the recipe from helpers"}


def unit_tests() -> list[str]:
    """UNIT_TESTS, as paths from the course's root."""
    return [f"tests/{name}" for name in UNIT_TESTS]


def test(venv_python: Path) -> int:
    """Run the unit tests and strict nbval of notebooks/solutions/ on the offline data."""
    with tempfile.TemporaryDirectory() as empty_cache:
        env = {k: v for k, v in os.environ.items() if k not in ("MNIST_NPZ", "PYTHONPATH")}
        env.update(KERAS_HOME=empty_cache, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="2",
                   PYDEVD_DISABLE_FILE_VALIDATION="1")
        command = [str(venv_python), "-m", "pytest", *unit_tests(), "notebooks/solutions",
                   "--nbval", "--nbval-current-env", "--nbval-sanitize-with", str(SANITIZE),
                   "--nbval-cell-timeout=1200",
                   # Colab's matplotlib 3.10.0 calls pyparsing names its 3.3 deprecates.
                   "-W", "ignore::DeprecationWarning"]
        print("== tests on Colab's runtime, offline data: " + " ".join(command[3:]), flush=True)
        return subprocess.run(command, cwd=ROOT, env=env).returncode


def main() -> int:
    pins, version = read_freeze(FREEZE.read_text())
    python = find_python(version)
    if python is None:
        message = (f"Colab runs Python {version} (tests/colab/pip-freeze.txt), and no "
                   f"python{version} was found on the PATH or in pyenv: install it (e.g. "
                   f"`pyenv install {version}`) or set COLAB_PYTHON to one.")
        if os.environ.get("COLAB_TESTS") == "required":
            print(f"FAILED: {message}", file=sys.stderr)
            return 1
        print(f"SKIPPED the run on Colab's runtime: {message}")
        return 0
    start = time.perf_counter()
    venv_python = build(python, pins)
    print(f"== built and set up in {time.perf_counter() - start:.0f} s", flush=True)
    if "--build" in sys.argv[1:]:
        return 0
    start = time.perf_counter()
    failed = test(venv_python)
    print(f"== tests on Colab's runtime: {time.perf_counter() - start:.0f} s", flush=True)
    return failed


if __name__ == "__main__":
    sys.exit(main())
