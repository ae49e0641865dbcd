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

It also writes every picture a markdown cell shows from images/ into the cell, as a data: URI:
Colab opens a notebook without the repository's other files, so a link such as
`![...](../../images/train_test_split.png)` shows nothing there, and Colab ignores markdown
cell attachments (googlecolab/colabtools#3836). A data: URI shows in Colab (its own way of
pasting a picture), in Jupyter offline, and on a Sphinx site. Maintainers keep writing the
relative link; the stamp turns it into `![...](data:image/png;base64,... "images/NAME.png")`,
whose title names the source file, so a later stamp refreshes it when images/ changes.

Only those places change, so stored outputs stay valid.
"""

from __future__ import annotations

import base64
import re
import sys
import tomllib
from pathlib import Path
from urllib.parse import quote

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


def binder_url(notebook: str, repo: dict[str, str]) -> str:
    """The address that opens `notebook` (a path from the root) in JupyterLab on mybinder.org."""
    return (f"https://mybinder.org/v2/gh/{repo['repository']}/{repo['branch']}"
            f"?labpath={quote(notebook)}")


def badge(notebook: str, repo: dict[str, str]) -> str:
    """The markdown of the badge that opens `notebook` (a path from the root) in Colab."""
    return (f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
            f"({url(notebook, repo)})")


# A picture from images/, linked (as maintainers write it) or already embedded by embed_images.
PICTURE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
                 "svg": "image/svg+xml"}
_NAME = r"(?P<name>[\w.-]+\.(?:" + "|".join(PICTURE_TYPES) + r"))"
LINKED = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?:\.\./)+images/" + _NAME + r"\)")
EMBEDDED = re.compile(r"!\[(?P<alt>[^\]]*)\]\(data:[\w/+.-]+;base64,[A-Za-z0-9+/=]*"
                      r" \"images/" + _NAME + r"\"\)")


def embedded(alt: str, name: str) -> str:
    """Markdown that shows images/NAME as a data: URI, with the file's path as its title."""
    data = base64.b64encode((ROOT / "images" / name).read_bytes()).decode("ascii")
    kind = PICTURE_TYPES[name.rsplit(".", 1)[1].lower()]
    return f'![{alt}](data:{kind};base64,{data} "images/{name}")'


def embed_images(source: str) -> str:
    """`source` (markdown) with each picture from images/ written in as a data: URI.

    A link to a file that is not in images/ is left as it is (missing_images() names it),
    so a notebook that links to a picture not drawn yet still builds.
    """
    def swap(match: re.Match) -> str:
        if not (ROOT / "images" / match["name"]).is_file():
            return match[0]
        return embedded(match["alt"], match["name"])
    return EMBEDDED.sub(swap, LINKED.sub(swap, source))


def missing_images(nb: nbformat.NotebookNode) -> list[str]:
    """The pictures a notebook's markdown links to in images/ that are not there."""
    return sorted({f"images/{m['name']}" for cell in nb.cells if cell.cell_type == "markdown"
                   for m in LINKED.finditer(cell.source)
                   if not (ROOT / "images" / m["name"]).is_file()})


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
    """Put the badge, the set-up lines and the pictures into `nb` (in memory), replacing
    older ones."""
    if not nb.cells[0].metadata.get("tags") == ["colab-badge"]:
        nb.cells.insert(0, nbformat.v4.new_markdown_cell("", metadata={"tags": ["colab-badge"]}))
    nb.cells[0].source = badge(notebook, repo)
    cell = next(c for c in nb.cells if c.cell_type == "code")
    if "setup" not in cell.metadata.setdefault("tags", []):
        cell.metadata.tags.append("setup")
    rest = cell.source.split(END + "\n", 1)[-1]
    cell.source = setup_lines(repo) + rest
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = embed_images(cell.source)


def main() -> int:
    check = "--check" in sys.argv[1:]
    repo, stale, missing = setting(), [], []
    for path in notebooks():
        nb = nbformat.read(path, as_version=4)
        before = nbformat.writes(nb)
        stamp(nb, path.relative_to(ROOT).as_posix(), repo)
        missing += [f"{path.relative_to(ROOT).as_posix()}: {name}" for name in missing_images(nb)]
        if nbformat.writes(nb) != before:
            stale.append(path.relative_to(ROOT / "notebooks").as_posix())
            if not check:
                nbformat.write(nb, path)
    verb = "out of date" if check else "stamped"
    print(f"{len(stale)} notebook(s) {verb} for {repo['repository']}@{repo['branch']}"
          + (": " + ", ".join(stale) if stale else ""))
    if missing:
        print("Pictures linked but not in images/ (draw them, e.g. make diagrams, or fix the "
              "link):\n  " + "\n  ".join(missing), file=sys.stderr)
    return 1 if (check and stale) or missing else 0


if __name__ == "__main__":
    sys.exit(main())
