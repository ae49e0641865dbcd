"""scripts/run_course.py: `make course` speaks plainly: progress, summary, and a short error."""

import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent

# Runs the runner on one notebook in a process of its own, so that everything the kernel
# process writes to the terminal (its stderr is inherited) is captured too.
DRIVER = """
import importlib.util, sys
from pathlib import Path
spec = importlib.util.spec_from_file_location("run_course", sys.argv[1])
run_course = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run_course)
run_course.OUT = Path(sys.argv[3]) / "failed"  # not into build/
result = run_course.run(Path(sys.argv[2]), Path(sys.argv[3]) / "done.ipynb", 60)
print("RESULT", result[0])
print("ERROR", result[-1])
"""


def run_tiny(tmp_path, *sources: str) -> tuple[str, Path]:
    notebook = tmp_path / "tiny.ipynb"
    nbformat.write(nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(s) for s in sources]), notebook)
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, str(ROOT / "scripts" / "run_course.py"),
         str(notebook), str(tmp_path)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path)
    return done.stdout + done.stderr, tmp_path / "done.ipynb"


def test_a_successful_run_prints_nothing_of_its_own(tmp_path):
    output, done = run_tiny(tmp_path, "print('hello from the kernel')")
    assert "without encryption" not in output and "eavesdropping" not in output, output
    assert output.splitlines() == ["RESULT True", "ERROR "], output
    cell = nbformat.read(done, as_version=4).cells[0]
    assert cell.outputs[0].text == "hello from the kernel\n"
    assert "execution" in cell.metadata  # nbclient's timestamps, for scripts/estimate_time.py


def test_a_failing_cell_is_reported_in_a_few_lines_and_not_written(tmp_path):
    output, done = run_tiny(
        tmp_path, "x = 1",
        "def load():\n    raise ValueError('mnist.npz lacks x_train: use Keras\\' file')\nload()")
    assert "RESULT False" in output
    error = output.split("ERROR ", 1)[1]
    assert "code cell 2 failed, line 3: load()" in error  # the cell's own failing line
    assert "ValueError: mnist.npz lacks x_train: use Keras' file" in error
    assert "Traceback" not in error and len(error.splitlines()) <= 4
    assert not done.exists()  # the target is written only after a clean run
    assert (tmp_path / "failed" / "tiny.ipynb").is_file()  # kept for its full traceback


def test_the_kernel_transport_falls_back_from_ipc_to_curve_to_tcp(tmp_path, monkeypatch):
    import importlib.util
    spec = importlib.util.spec_from_file_location("run_course",
                                                  ROOT / "scripts" / "run_course.py")
    run_course = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run_course)
    km, how = run_course.kernel_manager(tmp_path)
    if how == "ipc":  # Linux and macOS
        assert km.transport == "ipc" and km.ip == str(tmp_path / "kernel")
    monkeypatch.setattr(run_course.zmq, "has", lambda feature: feature == "curve")
    km, how = run_course.kernel_manager(tmp_path)
    assert how == "curve" and km.transport == "tcp" and km.transport_encryption == "auto"
    monkeypatch.setattr(run_course.zmq, "has", lambda feature: False)
    km, how = run_course.kernel_manager(tmp_path)
    assert how == "tcp" and km.transport_encryption == "disabled"
