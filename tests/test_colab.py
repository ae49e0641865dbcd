"""Colab: every notebook's badge and set-up lines come from the one repository setting,
in both sets (notebooks/solutions/ and the learner edition in notebooks/)."""

import importlib.util
import sys
import time
import types
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent


def load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


colab = load("colab")
colab_setup = load("colab_setup")
SOURCES = colab.notebooks()
SOLUTIONS = sorted((ROOT / "notebooks" / "solutions").glob("[0-9][0-9]_*.ipynb"))


def test_both_sets_are_stamped():
    assert set(SOLUTIONS) <= set(SOURCES)
    assert {p.parent.name for p in SOURCES} <= {"notebooks", "solutions"}


def name(path: Path) -> str:
    return path.relative_to(ROOT / "notebooks").as_posix()


@pytest.mark.parametrize("path", SOURCES, ids=name)
def test_badge_opens_this_notebook_from_the_setting(path):
    repo = colab.setting()
    first = nbformat.read(path, as_version=4).cells[0]
    own = path.relative_to(ROOT).as_posix()  # notebooks/NN_… or notebooks/solutions/NN_…
    assert first.metadata.tags == ["colab-badge"]
    assert first.source == colab.badge(own, repo)
    assert (f"colab.research.google.com/github/{repo['repository']}/blob/{repo['branch']}/"
            f"{own})") in first.source


@pytest.mark.parametrize("path", SOURCES, ids=name)
def test_first_code_cell_opens_with_the_colab_setup(path):
    cell = next(c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    assert "setup" in cell.metadata.tags
    assert cell.source.startswith(colab.setup_lines(colab.setting()))
    assert "import helpers" in cell.source


def run_setup_lines(monkeypatch, in_colab: bool) -> list:
    """Execute the generated lines with subprocess and runpy recorded, not run."""
    calls = []
    monkeypatch.setattr("subprocess.run", lambda *a, **k: calls.append(("run", a, k)))
    monkeypatch.setattr("runpy.run_path", lambda *a, **k: calls.append(("run_path", a, k)))
    if in_colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(colab.setup_lines(colab.setting()), {})
    return calls


def test_setup_lines_in_colab_clone_the_course_and_run_its_setup(monkeypatch):
    repo = colab.setting()
    calls = run_setup_lines(monkeypatch, in_colab=True)
    (kind, args, kwargs), (kind2, args2, kwargs2) = calls
    assert kind == "run" and kwargs["check"] is True
    assert f"https://github.com/{repo['repository']}" in args[0]
    assert f"-b {repo['branch']}" in args[0] and "test -d" in args[0]
    assert kind2 == "run_path" and args2[0].endswith("/scripts/colab_setup.py")
    assert kwargs2["run_name"] == "__main__"


def test_setup_lines_elsewhere_do_nothing_and_are_quick(monkeypatch):
    start = time.perf_counter()
    assert run_setup_lines(monkeypatch, in_colab=False) == []
    assert time.perf_counter() - start < 0.5


def test_a_stale_badge_is_found_and_restamped(tmp_path):
    nb = nbformat.read(SOURCES[0], as_version=4)
    other = {"repository": "someone/fork", "branch": "teaching"}
    colab.stamp(nb, "notebooks/solutions/01_load_the_data.ipynb", other)
    assert "github/someone/fork/blob/teaching/notebooks/solutions/01" in nb.cells[0].source
    code = next(c for c in nb.cells if c.cell_type == "code")
    assert code.source.count(colab.END) == 1 and "someone/fork" in code.source
    assert len(nb.cells) == len(nbformat.read(SOURCES[0], as_version=4).cells)


REQUIREMENTS = """\
tensorflow-cpu==2.21.0; platform_machine == "x86_64"
keras==3.15.1
scikit-learn==1.9.1
mlxtend==0.25.0
ipycanvas==0.14.3
pytest==9.0.3
"""


def test_missing_lists_only_absent_lesson_packages_at_their_pins():
    have = {"keras", "sklearn"}
    assert colab_setup.missing(REQUIREMENTS, lambda module: module in have) == [
        "mlxtend==0.25.0", "ipycanvas==0.14.3"]


def test_colab_setup_installs_enables_widgets_and_moves_into_notebooks(tmp_path, monkeypatch):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "requirements.txt").write_text(REQUIREMENTS)
    monkeypatch.setattr(colab_setup, "ROOT", tmp_path)
    monkeypatch.setattr(colab_setup, "missing", lambda text: ["mlxtend==0.25.0"]
                        if "mlxtend" in text else [])
    installed, enabled = [], []
    monkeypatch.setattr(colab_setup.subprocess, "run", lambda cmd, **k: installed.append(cmd))
    google = types.ModuleType("google")
    output = types.SimpleNamespace(enable_custom_widget_manager=lambda: enabled.append(1))
    google_colab = types.ModuleType("google.colab")
    google_colab.output = output
    monkeypatch.setitem(sys.modules, "google", google)
    monkeypatch.setitem(sys.modules, "google.colab", google_colab)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    colab_setup.main()
    assert installed == [[sys.executable, "-m", "pip", "install", "-q", "mlxtend==0.25.0"]]
    assert enabled == [1]
    assert Path.cwd() == tmp_path / "notebooks" and sys.path[0] == str(tmp_path)
