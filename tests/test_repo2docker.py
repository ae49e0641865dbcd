"""What repo2docker (Binder's builder, and the hub image's in classroom/config.yaml) would
build from this repository, checked without Docker.

`repo2docker --no-build` picks a buildpack and prints the Dockerfile it would build, which
needs no Docker daemon. Here it picks the conda buildpack, for environment.yml: Python 3.11 and
the course's pins (its pip section, which tests/test_environment.py keeps equal to
requirements.txt: one list of pins), then it runs postBuild, which installs helpers as
`make setup` does. postBuild itself runs here too, in a fresh virtual environment, and then
`helpers` is found from any folder.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_environment import pins  # noqa: E402  (one reading of a list of pins)


@pytest.fixture(scope="module")
def dry_run() -> tuple[str, str]:
    """repo2docker's Dockerfile for this repository (stdout) and its log (stderr)."""
    run = subprocess.run(
        [sys.executable, "-m", "repo2docker", "--no-build", "--user-name", "jovyan",
         "--user-id", "1000", str(ROOT)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    return run.stdout, run.stderr


def test_the_image_is_python_311_from_environment_yml(dry_run):
    dockerfile, log = dry_run
    assert "Building conda environment for python=3.11" in log
    # The base environment repo2docker starts from is its lock file for that Python...
    assert re.search(r"COPY .*environment-2epy-2d3-2e11-2dlinux-2d64-2elock\S* "
                     r"/tmp/env/environment\.lock", dockerfile), dockerfile[:3000]
    # ...and then the course's own file updates it, pip section (the pins) included.
    assert "COPY --chown=1000:1000 src/environment.yml ${REPO_DIR}/environment.yml" in dockerfile
    assert re.search(r'env update -p \$\{NB_PYTHON_PREFIX\} --file "environment.yml"',
                     dockerfile)
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pins(pip_section) == pins((ROOT / "requirements.txt").read_text().splitlines())
    assert "nbgitpuller" in {key.split(";")[0] for key in pins(pip_section)}
    # No second list: requirements.txt's pins reach the image through environment.yml only.
    assert "requirements.txt" not in dockerfile


def test_postbuild_runs_last_as_the_user(dry_run):
    dockerfile, _ = dry_run
    copy = dockerfile.index("COPY --chown=1000:1000 src/ ${REPO_DIR}/")
    update = dockerfile.index('--file "environment.yml"')
    post = dockerfile.index("RUN ./postBuild")
    assert update < copy < post
    assert dockerfile.rindex("USER ${NB_USER}", 0, post) > dockerfile.rindex("USER root", 0, post)
    assert os.access(ROOT / "postBuild", os.X_OK), "postBuild must be executable (chmod +x)"


def test_postbuild_makes_helpers_importable_from_any_folder(tmp_path):
    # The image's copy of the repository, as far as installing helpers goes.
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("pyproject.toml", "postBuild"):
        shutil.copy2(ROOT / name, repo / name)
    shutil.copytree(ROOT / "helpers", repo / "helpers",
                    ignore=shutil.ignore_patterns("__pycache__"))
    # A fresh environment whose python and pip come first on PATH, as the image's do.
    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=True)
    path = f"{env_dir / 'bin'}{os.pathsep}{os.environ['PATH']}"
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    build = subprocess.run(["./postBuild"], cwd=repo, env=dict(environ, PATH=path),
                           capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stdout + build.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    found = subprocess.run(
        [str(env_dir / "bin" / "python"), "-c",
         "import importlib.util; print(importlib.util.find_spec('helpers').origin)"],
        cwd=elsewhere, env=environ, capture_output=True, text=True, check=True)
    assert Path(found.stdout.strip()) == repo / "helpers" / "__init__.py"
