"""Sphinx configuration of the course website. Build it with `make site`: scripts/build_site.py
stages the sources in build/site-src/ and runs Sphinx on them with this folder as --conf-dir.
"""

import importlib.util
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("build_site", ROOT / "scripts" / "build_site.py")
build_site = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_site)
REPO = build_site.colab.setting()

project = "Digits with CNNs"
html_title = "Digits with CNNs"
author = "the Digits with CNNs course"
copyright = ""  # no copyright line in the footer
extensions = ["myst_nb", "sphinx.ext.githubpages"]  # githubpages: a .nojekyll file
exclude_patterns = ["_readme/**", "_static/**", "**/.ipynb_checkpoints"]

# The pages show the outputs committed in the notebooks; nothing is executed.
nb_execution_mode = "off"
nb_ipywidgets_js = {}  # no widget scripts from a CDN: the site shows widgets as pictures
myst_enable_extensions = ["dollarmath", "colon_fence"]  # $...$ as in Jupyter; ::: notes
myst_heading_anchors = 3

# MathJax 2 from jupyter-server-mathjax, copied into the site: formulas render offline. That
# package ships the STIX-Web fonts only, so MathJax is told to use them.
mathjax_path = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"
# MyST marks its pages' sections to be ignored except the math it parsed (class "math"); its
# own setting of that is for MathJax 3 and 4, so it is off and this one says the same to 2.
myst_update_mathjax = False
mathjax2_config = {"messageStyle": "none",
                   "tex2jax": {"inlineMath": [["\\(", "\\)"]],
                               "displayMath": [["\\[", "\\]"]],
                               "ignoreClass": "tex2jax_ignore|mathjax_ignore",
                               "processClass": "math|tex2jax_process|mathjax_process"},
                   "HTML-CSS": {"availableFonts": ["STIX-Web"], "preferredFont": "STIX-Web",
                                "webFont": "STIX-Web", "imageFont": None}}

html_theme = "sphinx_book_theme"
html_static_path = [str(build_site.STAGE / "_static")]
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {
    "repository_url": f"https://github.com/{REPO['repository']}",
    "repository_branch": REPO["branch"],
    "use_repository_button": True,
    "use_download_button": False,  # a page's notebook is opened with the launch buttons
    "home_page_in_toc": True,
    "show_toc_level": 2,
}


def add_launch_buttons(app: Sphinx, pagename: str, templatename: str, context: dict,
                       doctree: nodes.document | None) -> None:
    """On a notebook's page, the Colab and Binder buttons for that notebook, first."""
    notebook = build_site.notebook_of(pagename)
    if notebook and "header_buttons" in context:
        context["header_buttons"].insert(0, build_site.launch_buttons(notebook))


class LinkToRepository(SphinxTransform):
    """A link to a file or folder of the repository that is not on the site (a script, the
    worked solutions) opens it on GitHub, instead of being a broken link."""

    default_priority = 500

    def apply(self, **kwargs) -> None:
        for node in list(self.document.findall(addnodes.pending_xref)):
            if node.get("reftype") != "myst" or node.get("refdomain"):
                continue
            url = build_site.repository_link(self.env.docname, node["reftarget"])
            if url:
                node.replace_self(nodes.reference("", "", *node.children, refuri=url))


def setup(app: Sphinx) -> None:
    app.add_transform(LinkToRepository)
    app.connect("html-page-context", add_launch_buttons, priority=600)
