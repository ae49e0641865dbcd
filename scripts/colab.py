"""Stamp every notebook with its "Open in Colab" badge and its Colab set-up lines.

    python scripts/colab.py          # rewrite both sets from the setting (make colab)
    python scripts/colab.py --check  # exit 1 if a notebook is out of date

Both sets: the lessons with worked solutions (notebooks/solutions/NN_*.ipynb) and the learner
edition (notebooks/NN_*.ipynb, which scripts/editions.py also stamps when it generates it).
Each badge opens its own notebook's path.

Both come from one setting, `[tool.digits-course]` in pyproject.toml: the GitHub repository
and branch. The badge is the notebook's first cell (tagged `colab-badge`). The set-up lines
open its first code cell (tagged `setup`), up to the line `# --- end of Colab set-up ---`:
in Colab they clone the course and run scripts/colab_setup.py; elsewhere they do nothing.
Only those two places change, so stored outputs stay valid.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
END = "# --- end of Colab set-up ---"
CLONE = "/content/digits-with-cnns"


def setting() -> dict[str, str]:
    """The repository ("owner/name") and branch the badges and set-up cells point at."""
    with open(ROOT / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["tool"]["digits-course"]


def url(notebook: str, repo: dict[str, str]) -> str:
    """The address that opens `notebook` (a path from the root) in Colab."""
    return (f"https://colab.research.google.com/github/{repo['repository']}/blob/"
            f"{repo['branch']}/{notebook}")


def badge(notebook: str, repo: dict[str, str]) -> str:
    """The markdown of the badge that opens `notebook` (a path from the root) in Colab."""
    return (f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
            f"({url(notebook, repo)})")


def notebooks() -> list[Path]:
    """Every course notebook: the worked lessons, then the learner edition."""
    folder = ROOT / "notebooks"
    return (sorted((folder / "solutions").glob("[0-9][0-9]_*.ipynb"))
            + sorted(folder.glob("[0-9][0-9]_*.ipynb")))


def setup_lines(repo: dict[str, str]) -> str:
    """The lines that open every notebook's set-up cell."""
    return f"""\
# In Colab, fetch the course and install what it lacks; on your own machine, nothing happens.
import sys
if "google.colab" in sys.modules:
    import runpy, subprocess
    url, clone = "https://github.com/{repo['repository']}", "{CLONE}"
    subprocess.run(f"test -d {{clone}} || git clone -q --depth 1 -b {repo['branch']} {{url}} {{clone}}",
                   shell=True, check=True)
    runpy.run_path(f"{{clone}}/scripts/colab_setup.py", run_name="__main__")
{END}
"""


def stamp(nb: nbformat.NotebookNode, notebook: str, repo: dict[str, str]) -> None:
    """Put the badge and the set-up lines into `nb` (in memory), replacing older ones."""
    if not nb.cells[0].metadata.get("tags") == ["colab-badge"]:
        nb.cells.insert(0, nbformat.v4.new_markdown_cell("", metadata={"tags": ["colab-badge"]}))
    nb.cells[0].source = badge(notebook, repo)
    cell = next(c for c in nb.cells if c.cell_type == "code")
    if "setup" not in cell.metadata.setdefault("tags", []):
        cell.metadata.tags.append("setup")
    rest = cell.source.split(END + "\n", 1)[-1]
    cell.source = setup_lines(repo) + rest


def main() -> int:
    check = "--check" in sys.argv[1:]
    repo, stale = setting(), []
    for path in notebooks():
        nb = nbformat.read(path, as_version=4)
        before = nbformat.writes(nb)
        stamp(nb, path.relative_to(ROOT).as_posix(), repo)
        if nbformat.writes(nb) != before:
            stale.append(path.relative_to(ROOT / "notebooks").as_posix())
            if not check:
                nbformat.write(nb, path)
    verb = "out of date" if check else "stamped"
    print(f"{len(stale)} notebook(s) {verb} for {repo['repository']}@{repo['branch']}"
          + (": " + ", ".join(stale) if stale else ""))
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
