"""Print an nbgitpuller link for each notebook of the learner edition, for a JupyterHub.

    python scripts/links.py https://hub.example.edu     # make links HUB=https://hub.example.edu

A student who follows a link logs in to the hub, gets their server started, and nbgitpuller
(https://nbgitpuller.readthedocs.io) pulls the course into their home as ~/<name>/, where
<name> is the repository's name, then opens the notebook. The first time it clones; later it
merges the instructor's new commits without touching what the student changed (a file both
changed keeps the student's version). The repository and branch come from the one setting,
`[tool.digits-course]` in pyproject.toml (scripts/colab.py's setting()), as the Colab and
Binder badges do; classroom/config.yaml's default URL is made by default_url() here.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent

_spec = importlib.util.spec_from_file_location("colab", ROOT / "scripts" / "colab.py")
colab = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(colab)


def git_url(repo: dict[str, str]) -> str:
    """The address git clones the course from."""
    return f"https://github.com/{repo['repository']}"


def folder(repo: dict[str, str]) -> str:
    """The folder nbgitpuller pulls into, in each student's home: the repository's name."""
    return repo["repository"].rstrip("/").split("/")[-1]


def pull_path(path: str, repo: dict[str, str], git: str | None = None) -> str:
    """The path, on a student's server, that pulls the course and then opens `path`.

    `path` is relative to the course's root (a notebook, or a folder such as "notebooks");
    `git` is where to pull from (default: the repository on GitHub; a test passes a local
    one). nbgitpuller's folder is named after the last part of `git`.
    """
    git = git or git_url(repo)
    target = git.rstrip("/").split("/")[-1]
    return "git-pull?" + urlencode({"repo": git, "branch": repo["branch"],
                                    "urlpath": f"lab/tree/{target}/{path}"})


def link(hub: str, notebook: str, repo: dict[str, str], git: str | None = None) -> str:
    """The link to give students: through the hub to their own server, then pull_path."""
    parts = urlsplit(hub)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        raise ValueError(f"HUB={hub!r} is not a hub's address: give its https:// URL, "
                         "such as HUB=https://hub.example.edu (a path after it is fine).")
    return f"{hub.rstrip('/')}/hub/user-redirect/{pull_path(notebook, repo, git)}"


def default_url(repo: dict[str, str]) -> str:
    """The single-user default URL (classroom/config.yaml): pull, then open notebooks/."""
    return "/" + pull_path("notebooks", repo)


def learner_notebooks() -> list[str]:
    """The learner edition's notebooks, as paths from the course's root."""
    return [p.relative_to(ROOT).as_posix()
            for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))]


def main(argv: list[str]) -> int:
    """Print one link per learner notebook for the hub in argv; 2 if it is not one."""
    if len(argv) != 1 or not argv[0]:
        print("usage: python scripts/links.py HUB   (make links HUB=https://hub.example.edu)",
              file=sys.stderr)
        return 2
    repo = colab.setting()
    try:
        for notebook in learner_notebooks():
            print(f"{Path(notebook).stem}: {link(argv[0], notebook, repo)}")
    except ValueError as err:
        print(err, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
