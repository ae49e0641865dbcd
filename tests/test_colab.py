"""Colab: every notebook's badge and set-up lines come from the one repository setting,
in both sets (notebooks/solutions/ and the learner edition in notebooks/)."""

import base64
import importlib.util
import re
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


# --- pictures: written into the notebooks, so they show in Colab, offline and on a website ---

def markdown_pictures(nb) -> list[str]:
    """Every markdown image of a notebook, as its target: what is between ]( and )."""
    return [target for cell in nb.cells if cell.cell_type == "markdown"
            for target in re.findall(r"!\[[^\]]*\]\(([^)]*)\)", cell.source)]


@pytest.mark.parametrize("path", SOURCES, ids=name)
def test_pictures_from_images_are_written_into_the_notebook(path):
    """Colab opens a notebook without images/, and ignores markdown cell attachments: each
    picture is a data: URI of the file in images/ that its title names."""
    nb = nbformat.read(path, as_version=4)
    for target in markdown_pictures(nb):
        if "colab-badge.svg" in target:  # the badge: an image on Colab's own server
            continue
        assert not target.startswith(("../", "attachment:")), f"{name(path)}: {target[:60]}"
        match = re.fullmatch(r'data:image/[\w+.-]+;base64,([A-Za-z0-9+/=]+) "images/([\w.-]+)"',
                             target)
        assert match, f"{name(path)}: a picture that is not from images/: {target[:80]}"
        assert base64.b64decode(match[1]) == (ROOT / "images" / match[2]).read_bytes(), (
            f"{name(path)}: images/{match[2]} changed since it was written in: run make colab")


def test_notebook_01_shows_the_split_diagram_in_both_sets():
    for path in (SOLUTIONS[0], ROOT / "notebooks" / SOLUTIONS[0].name):
        titles = [t.rsplit(" ", 1)[-1] for t in markdown_pictures(nbformat.read(path, 4))]
        assert '"images/train_test_split.png"' in titles, name(path)


def test_a_linked_picture_is_embedded_and_refreshed_and_a_missing_one_named(tmp_path,
                                                                           monkeypatch):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "split.png").write_bytes(b"\x89PNG first")
    monkeypatch.setattr(colab, "ROOT", tmp_path)
    source = "Before.\n\n![the split](../../images/split.png)\n\n![later](../images/none.png)"
    once = colab.embed_images(source)
    first = base64.b64encode(b"\x89PNG first").decode()
    assert f'![the split](data:image/png;base64,{first} "images/split.png")' in once
    assert once.startswith("Before.") and once.endswith("![later](../images/none.png)")
    assert colab.embed_images(once) == once  # stamping twice changes nothing
    (tmp_path / "images" / "split.png").write_bytes(b"\x89PNG redrawn")
    again = colab.embed_images(once)
    assert base64.b64encode(b"\x89PNG redrawn").decode() in again and first not in again
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(again)])
    assert colab.missing_images(nb) == ["images/none.png"]


def test_the_learner_edition_keeps_the_pictures():
    editions = load("editions")
    nb = nbformat.read(SOLUTIONS[0], as_version=4)
    learner = editions.learner(nb, SOLUTIONS[0].name)
    assert markdown_pictures(learner)[1:] == markdown_pictures(nb)[1:]  # all but the badge


# --- Google Drive keeps notebook 05's model for 06 and 08, each in a Colab runtime of its own ---

class StandInDrive:
    """google.colab.drive as Colab has it: mount() asks the learner, then mounts MyDrive."""

    def __init__(self, accept: bool):
        self.accept, self.mounted = accept, []

    def mount(self, mountpoint: str) -> None:
        self.mounted.append(mountpoint)
        if not self.accept:  # what Colab raises when the learner says no
            raise ValueError("mount failed")
        (Path(mountpoint) / "MyDrive").mkdir(parents=True)


@pytest.fixture
def drive(tmp_path, monkeypatch):
    """Colab's Drive folder in tmp_path, and a stand-in google.colab while `colab(accept)`."""
    from helpers import models
    monkeypatch.setattr(models, "DRIVE", tmp_path / "drive")

    def in_colab(accept: bool = True) -> StandInDrive:
        stand_in = StandInDrive(accept)
        module = types.ModuleType("google.colab")
        module.drive = stand_in
        monkeypatch.setitem(sys.modules, "google.colab", module)
        return stand_in
    return in_colab


def digit_model():
    """A small untrained model shaped like the course's: (None, 28, 28, 1) -> (None, 10)."""
    import keras
    inputs = keras.Input((28, 28, 1))
    outputs = keras.layers.Dense(10, activation="softmax")(keras.layers.Flatten()(inputs))
    return keras.Model(inputs, outputs)


def test_locally_models_stay_in_the_course_folder(drive, tmp_path, capsys, monkeypatch):
    from helpers.data import course_path
    from helpers.models import keep_models_in_drive, models_dir
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    (tmp_path / "drive" / "MyDrive").mkdir(parents=True)  # a Drive folder alone is not Colab
    keep_models_in_drive()
    assert models_dir() == course_path("models")
    assert capsys.readouterr().out == ("Models are kept in models/ in the course folder, where "
                                       "every notebook finds them.\n")


def test_in_colab_with_drive_notebook_05s_model_reaches_another_runtime(drive, tmp_path,
                                                                        capsys):
    import numpy as np
    from helpers.models import keep_models_in_drive, load_or_train, models_dir, save_new
    stand_in = drive(accept=True)
    keep_models_in_drive()  # notebook 05's runtime: the learner allows Drive
    folder = tmp_path / "drive" / "MyDrive" / "digits-with-cnns" / "models"
    assert stand_in.mounted == [str(tmp_path / "drive")] and models_dir() == folder
    assert "kept in your Google Drive, in digits-with-cnns/models/" in capsys.readouterr().out
    assert save_new(digit_model()) == folder / "course_cnn.keras"
    keep_models_in_drive()  # notebook 06's runtime, with Drive already mounted: no second ask
    assert stand_in.mounted == [str(tmp_path / "drive")]
    model = load_or_train(np.zeros((2, 28, 28, 1), "float32"), np.zeros(2, "uint8"))
    assert model.output_shape == (None, 10)
    assert capsys.readouterr().out.endswith(
        "Loaded the model notebook 05 saved: digits-with-cnns/models/course_cnn.keras in your "
        "Google Drive.\n")


def test_in_colab_without_drive_models_stay_in_the_runtime_and_it_says_so(drive, capsys):
    from helpers.data import course_path
    from helpers.models import keep_models_in_drive, models_dir
    stand_in = drive(accept=False)
    keep_models_in_drive()
    out = capsys.readouterr().out
    assert stand_in.mounted and models_dir() == course_path("models")
    assert out.startswith("Google Drive is not mounted (ValueError: mount failed).\n")
    assert "lost when it ends" in out and "Run this cell again" in out


DRIVE_NOTEBOOKS = ["05_train_the_network.ipynb", "06_visualise_predictions.ipynb",
                   "08_your_own_digits.ipynb"]


@pytest.mark.parametrize("notebook", DRIVE_NOTEBOOKS)
def test_notebooks_that_save_or_load_a_model_offer_drive_first(notebook):
    """The offer comes before the first save or load, is kept in the live edition, and its
    stored output is the local one (nbval compares it)."""
    for path in (ROOT / "notebooks" / "solutions" / notebook, ROOT / "notebooks" / notebook):
        code = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
        offer = next(i for i, c in enumerate(code) if "keep_models_in_drive()" in c.source)
        uses = [i for i, c in enumerate(code)
                if re.search(r"\b(load_or_train|save_new|models_dir)\(", c.source)]
        assert uses and offer < min(uses), name(path)
        assert "live-keep" in code[offer].metadata.get("tags", [])
        assert [o.get("text") for o in code[offer].outputs] == [
            "Models are kept in models/ in the course folder, where every notebook finds them.\n"]


# --- the run on a copy of Colab's runtime (scripts/colab_runtime.py, make test-colab) ---

colab_runtime = load("colab_runtime")
FREEZE = """\
# header
# python: 3.13
absl-py==1.4.0
google-colab @ file:///colabtools/dist/google_colab-1.0.0.tar.gz
ipykernel==6.17.1
ipython==7.34.0
ipywidgets==7.7.1
jupyter_client==7.4.9
keras==3.13.2
matplotlib==3.10.0
mlxtend==0.23.4
nbformat==5.11.1
numpy==2.1.3
pandas==2.2.3
pillow==11.3.0
pytest==8.4.2
scikit-learn==1.6.1
tensorflow==2.20.0
torch @ https://download.pytorch.org/whl/cpu/torch-2.11.0%2Bcpu-cp313-cp313-manylinux_2_28_x86_64.whl
"""


def test_the_freeze_gives_colabs_versions_and_python():
    pins, python = colab_runtime.read_freeze(FREEZE)
    assert python == "3.13"
    assert pins["jupyter-client"] == "7.4.9" and pins["ipywidgets"] == "7.7.1"
    assert "torch" not in pins and "google-colab" not in pins  # URLs: not installable here
    with pytest.raises(ValueError, match="no `# python: X.Y` line"):
        colab_runtime.read_freeze(FREEZE.replace("# python: 3.13\n", ""))


def test_the_run_installs_the_course_at_colabs_versions_and_the_rest_as_constraints():
    pins, _ = colab_runtime.read_freeze(FREEZE)
    wanted, constraints = colab_runtime.selection(pins, "nbval==0.11.0\nkeras==3.15.1\n")
    assert wanted == ["tensorflow-cpu==2.20.0", "keras==3.13.2", "numpy==2.1.3",
                      "pandas==2.2.3", "scikit-learn==1.6.1", "matplotlib==3.10.0",
                      "pillow==11.3.0", "mlxtend==0.23.4", "ipywidgets==7.7.1",
                      "ipykernel==6.17.1", "ipython==7.34.0", "pytest==8.4.2",
                      "nbformat==5.11.1", "nbval==0.11.0"]
    assert constraints == ["absl-py==1.4.0", "jupyter-client==7.4.9"]
    with pytest.raises(ValueError, match="nbval is neither in Colab's freeze nor pinned"):
        colab_runtime.selection(pins, "keras==3.15.1\n")


def test_a_setup_that_changes_colabs_packages_is_caught():
    pins = {"ipywidgets": "7.7.1", "numpy": "2.1.3"}
    before = {"ipywidgets": "7.7.1", "numpy": "2.1.3", "nbval": "0.11.0"}
    after = {"ipywidgets": "8.1.9", "numpy": "2.1.3", "nbval": "0.11.0", "ipycanvas": "0.14.3"}
    assert colab_runtime.changed_by_setup(before, after, pins) == ["ipywidgets 7.7.1 -> 8.1.9"]
    assert colab_runtime.changed_by_setup(before, dict(before, ipycanvas="0.14.3"), pins) == []


def test_every_test_of_helpers_runs_on_colabs_runtime_or_says_why_not():
    importing = {p.name for p in (ROOT / "tests").glob("test_*.py")
                 if re.search(r"(?m)^\s*(from|import) helpers\b", p.read_text())}
    chosen = set(colab_runtime.UNIT_TESTS)
    assert importing - chosen <= set(colab_runtime.NOT_ON_COLAB), (
        "add these to UNIT_TESTS (or to NOT_ON_COLAB, saying why) in scripts/colab_runtime.py:"
        f" {sorted(importing - chosen - set(colab_runtime.NOT_ON_COLAB))}")
    assert all((ROOT / path).is_file() for path in colab_runtime.unit_tests())


def test_a_missing_python_fails_the_run_when_required(monkeypatch, capsys):
    monkeypatch.setattr(colab_runtime, "find_python", lambda version: None)
    monkeypatch.setenv("COLAB_TESTS", "required")
    assert colab_runtime.main() == 1
    assert "FAILED" in capsys.readouterr().err
    monkeypatch.delenv("COLAB_TESTS")
    assert colab_runtime.main() == 0
    assert "SKIPPED the run on Colab's runtime: Colab runs Python 3.13" in capsys.readouterr().out
