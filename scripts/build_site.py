"""Build the course website into build/site/ from the committed notebooks (`make site`).

    python scripts/build_site.py             # stage and build, always (make site)
    python scripts/build_site.py --if-stale  # only if an input changed since the last build

Sphinx with myst-nb and sphinx-book-theme (site/conf.py). It never executes a notebook and
needs no network: the pages show the outputs committed in the learner edition,
notebooks/NN_*.ipynb, the edition that each page's Colab and Binder buttons open.

The sources are staged in build/site-src/ (the committed files are never changed), laid out
like the repository, so a relative link in README.md or a notebook means on the site what it
means in the repository:

    index.md, instructors.md, results.md   copied from site/
    _readme/<section>.md                   README sections those pages include (course map, ...)
    notebooks/NN_*.ipynb                   the learner edition, made static by site_notebook()
    notebooks/NN_*_attachments/            its markdown cells' attachments, as files
    images/                                the pictures the notebooks link to as ../images/
    benchmarks/*.md                        the measured speed and accuracy
    _static/mathjax/                       MathJax, served by the site itself (no CDN)

A link to a repository file that is not on the site (a script, the worked solutions) opens it
on GitHub (repository_link, used by site/conf.py).
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
from markdown_it import MarkdownIt
from nbconvert.preprocessors import ExtractAttachmentsPreprocessor

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"
STAGE = ROOT / "build" / "site-src"
OUT = ROOT / "build" / "site"
DOCTREES = ROOT / "build" / "site-doctrees"
DIGEST = OUT / ".inputs-sha256"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
# README sections the pages include, by their `## ` heading, and the file each becomes.
README_SECTIONS = {
    "Course map": "course-map.md",
    "The two commands": "the-two-commands.md",
    "For instructors": "for-instructors.md",
    "How fast, how accurate": "how-fast-how-accurate.md",
}


# The other scripts of this folder import as modules, as in estimate_time.py (scripts/ is
# not a package).
sys.path.insert(0, str(Path(__file__).resolve().parent))


import colab  # noqa: E402
import widget_pictures  # noqa: E402


def learner_notebooks() -> list[Path]:
    """The notebooks the site shows, in course order: the learner edition."""
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def readme_sections(markdown: str) -> dict[str, str]:
    """Each `## ` section of a markdown text, by its heading: the lines up to the next
    heading of level 1 or 2 (markdown-it finds the headings, so `## ` in code is no heading)."""
    lines = markdown.splitlines(keepends=True)
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    heads = [(t.tag, t.map, tokens[i + 1].content) for i, t in enumerate(tokens)
             if t.type == "heading_open" and t.tag in ("h1", "h2")]
    sections = {}
    for k, (tag, (start, end), title) in enumerate(heads):
        if tag == "h2":
            stop = heads[k + 1][1][0] if k + 1 < len(heads) else len(lines)
            sections[title] = "".join(lines[end:stop]).strip() + "\n"
    return sections


def readme_section(title: str, markdown: str | None = None) -> str:
    """One `## ` section of README.md (or of `markdown`), without its heading."""
    sections = readme_sections((ROOT / "README.md").read_text() if markdown is None
                               else markdown)
    if title not in sections:
        raise KeyError(f"README.md has no section '## {title}' for the website; its sections "
                       f"are {sorted(sections)}. Rename README_SECTIONS in "
                       f"scripts/build_site.py to match.")
    return sections[title]


def github_url(path: str, repo: dict[str, str]) -> str:
    """The address of a file or folder of the repository (a path from the root) on GitHub."""
    kind = "tree" if (ROOT / path).is_dir() else "blob"
    return f"https://github.com/{repo['repository']}/{kind}/{repo['branch']}/{path}"


def repository_link(docname: str, target: str) -> str | None:
    """Where a relative link `target` on page `docname` goes, if it names a file or folder of
    the repository that is not on the site: that file on GitHub. None for anything else
    (an address with a scheme, an anchor, a path that is not in the repository)."""
    if not target or urlsplit(target).scheme or target.startswith("#"):
        return None
    path, _, anchor = target.partition("#")
    full = posixpath.normpath(posixpath.join(posixpath.dirname(docname), path))
    if full.startswith("..") or not (ROOT / full).exists():
        return None
    return github_url(full, colab.setting()) + (f"#{anchor}" if anchor else "")


def notebook_of(pagename: str) -> str | None:
    """The notebook (path from the root) a page of the site shows, or None."""
    path = ROOT / f"{pagename}.ipynb"
    return f"{pagename}.ipynb" if path.parent == ROOT / "notebooks" and path.exists() else None


def launch_buttons(notebook: str) -> dict:
    """The theme's header group of launch buttons that open `notebook` (a path from the root)
    in Colab and on Binder, with the addresses scripts/colab.py makes from the setting."""
    repo = colab.setting()
    return {"type": "group", "tooltip": "Run this notebook", "icon": "fas fa-rocket",
            "label": "launch-buttons", "buttons": [
                {"type": "link", "text": "Colab", "tooltip": "Open in Colab",
                 "icon": "_static/images/logo_colab.png", "url": colab.url(notebook, repo)},
                {"type": "link", "text": "Binder", "tooltip": "Launch on Binder",
                 "icon": "_static/images/logo_binder.svg",
                 "url": colab.binder_url(notebook, repo)}]}


def widget_note(widget: widget_pictures.Widget) -> nbformat.NotebookNode:
    """The markdown cell that stands, on the site, for a widget's output: its picture."""
    name = widget.what.split(":")[0]  # "the digit browser"
    return nbformat.v4.new_markdown_cell(
        ":::{note}\n"
        f"**This runs in Jupyter.** The cell above makes {widget.what}. A static page cannot "
        "run it, so here is a picture of it: open this notebook in Colab or on Binder (the "
        "rocket button at the top of the page), or on your machine with `make lab`, to use "
        "it.\n:::\n\n"
        f":::{{figure}} ../{widget.picture}\n:alt: A picture of {name}\n\n"
        f"A picture of {name}, taken in JupyterLab.\n:::\n",
        metadata={"tags": ["widget-picture"]})


def widget_in(cell: nbformat.NotebookNode, notebook: str) -> widget_pictures.Widget:
    """The widget (scripts/widget_pictures.py's WIDGETS) whose output a code cell shows."""
    found = [w for w in widget_pictures.WIDGETS
             if re.search(rf"\b{w.function}\(", cell.source)]
    if len(found) != 1:
        raise ValueError(
            f"{notebook}: a cell shows a widget but calls {len(found)} of the widgets the "
            f"site has pictures of ({[w.function for w in found] or 'none'}):\n{cell.source}\n"
            "Add it to WIDGETS in scripts/widget_pictures.py, then `make widget-pictures`.")
    return found[0]


def site_notebook(nb: nbformat.NotebookNode, name: str) -> tuple[nbformat.NotebookNode,
                                                                  dict[str, bytes]]:
    """A copy of a learner notebook, made for a static page, and its attachments as files.

    The Colab badge (an image on Google's server) goes: the page's own launch buttons
    replace it. A widget's output is dropped, and a note with the widget's committed picture
    follows its cell; the widget state goes too, so no widget script is loaded. Markdown
    attachments become files in NN_*_attachments/ (nbconvert's extractor), which myst-nb,
    unlike Jupyter, does not read from the notebook.
    """
    nb = nbformat.from_dict(nb)  # a deep copy
    nb.metadata.pop("widgets", None)
    cells = []
    for cell in nb.cells:
        if "colab-badge" in cell.metadata.get("tags", []):
            continue
        cells.append(cell)
        if cell.cell_type == "code" and any(WIDGET_MIME in out.get("data", {})
                                            for out in cell.get("outputs", [])):
            cell.outputs = [out for out in cell.outputs if WIDGET_MIME not in out.get("data", {})]
            cells.append(widget_note(widget_in(cell, name)))
    nb.cells = cells
    extractor = ExtractAttachmentsPreprocessor(use_separate_dir=True)
    nb, resources = extractor.preprocess(nb, {"unique_key": Path(name).stem})
    return nb, resources["attachments"]


def _write_text(target: Path, text: str) -> None:
    """Write `text` to `target`, making its folder first."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)


def _copy_if_exists(source: Path, target: Path) -> None:
    """Copy a file or a folder, if it exists."""
    if source.is_dir():
        shutil.copytree(source, target)
    elif source.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def mathjax_folder() -> Path:
    """MathJax's files, as jupyter-server-mathjax (requirements-dev.txt) ships them."""
    import jupyter_server_mathjax
    folder = Path(jupyter_server_mathjax.__file__).parent / "static"
    if not (folder / "MathJax.js").exists():
        raise FileNotFoundError(f"no MathJax.js in {folder}: run `make setup-dev`")
    return folder


def stage(stage_dir: Path = STAGE) -> None:
    """Lay out the website's sources in `stage_dir`, from scratch."""
    shutil.rmtree(stage_dir, ignore_errors=True)
    stage_dir.mkdir(parents=True)
    for page in SITE.glob("*.md"):
        shutil.copy2(page, stage_dir / page.name)
    readme = (ROOT / "README.md").read_text()
    for title, filename in README_SECTIONS.items():
        _write_text(stage_dir / "_readme" / filename, readme_section(title, readme))
    (stage_dir / "notebooks").mkdir()
    for path in learner_notebooks():
        nb, attachments = site_notebook(nbformat.read(path, as_version=4), path.name)
        nbformat.write(nb, stage_dir / "notebooks" / path.name)
        for relative, data in attachments.items():
            (stage_dir / "notebooks" / relative).parent.mkdir(parents=True, exist_ok=True)
            (stage_dir / "notebooks" / relative).write_bytes(data)
    _copy_if_exists(ROOT / "images", stage_dir / "images")
    for results in sorted((ROOT / "benchmarks").glob("*.md")):
        _copy_if_exists(results, stage_dir / "benchmarks" / results.name)
    shutil.copytree(mathjax_folder(), stage_dir / "_static" / "mathjax")


def inputs() -> list[Path]:
    """Every file the website is made from (a change to any of them makes it stale)."""
    files = [ROOT / "README.md", ROOT / "pyproject.toml", ROOT / "requirements-dev.txt",
             *(ROOT / "scripts" / f"{name}.py" for name in ("build_site", "colab",
                                                             "widget_pictures")),
             *learner_notebooks(), *(ROOT / "benchmarks").glob("*.md")]
    for folder in (SITE, ROOT / "images"):
        files += [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return sorted(set(files))


def inputs_digest() -> str:
    """A SHA-256 of the website's inputs: their paths and contents."""
    digest = hashlib.sha256()
    for path in inputs():
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def is_stale(out: Path = OUT) -> bool:
    """Whether the website in `out` is missing or was built from other inputs."""
    digest = out / DIGEST.name
    return not digest.exists() or digest.read_text().strip() != inputs_digest()


def build(out: Path = OUT) -> None:
    """Stage the sources and build the website into `out` with Sphinx, from scratch.
    Any Sphinx warning (a broken reference, a missing picture) fails the build."""
    from sphinx.cmd.build import build_main

    digest = inputs_digest()
    stage()
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(DOCTREES, ignore_errors=True)
    status = build_main(["--builder", "html", "--fail-on-warning", "--quiet",
                         "--conf-dir", str(SITE), "--doctree-dir", str(DOCTREES),
                         str(STAGE), str(out)])
    if status:
        raise SystemExit(f"Sphinx could not build the website (exit {status}); see above.")
    (out / DIGEST.name).write_text(digest + "\n")


def main(argv: list[str]) -> int:
    if "--if-stale" in argv and not is_stale():
        print(f"{OUT.relative_to(ROOT)}/ is up to date")
        return 0
    build()
    print(f"built {OUT.relative_to(ROOT)}/index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
