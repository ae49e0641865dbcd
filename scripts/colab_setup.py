"""Run by each notebook's first cell in Colab only: make the cloned course importable.

It installs, at the course's pinned versions, the packages Colab lacks (Colab already has
TensorFlow, Keras, NumPy and friends, and changing those would need a runtime restart), turns
on Colab's manager for third-party widgets, and moves into the course's notebooks folder.
Standard library only: it runs before anything is installed.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent

# What the lessons import, as (distribution in requirements.txt, module to look for).
LESSON_PACKAGES = [
    ("keras", "keras"), ("numpy", "numpy"), ("pandas", "pandas"),
    ("scikit-learn", "sklearn"), ("matplotlib", "matplotlib"), ("pillow", "PIL"),
    ("mlxtend", "mlxtend"), ("ipywidgets", "ipywidgets"), ("ipycanvas", "ipycanvas"),
]


def pinned_versions(requirements: str) -> dict[str, str]:
    """{distribution: version} for each `name==version` line of a requirements file."""
    pins = {}
    for line in requirements.splitlines():
        match = re.match(r"\s*([A-Za-z0-9_.-]+)\s*==\s*([^\s;#]+)", line)
        if match:
            pins[match.group(1).lower()] = match.group(2)
    return pins


def missing(requirements: str, is_installed: Callable[[str], bool] | None = None) -> list[str]:
    """The `name==version` requirements for lesson packages that are not importable."""
    if is_installed is None:
        is_installed = lambda module: importlib.util.find_spec(module) is not None  # noqa: E731
    pins = pinned_versions(requirements)
    return [f"{dist}=={pins[dist]}" for dist, module in LESSON_PACKAGES
            if dist in pins and not is_installed(module)]


def main() -> None:
    """Install what is missing, enable widgets, and make `helpers` importable."""
    needed = missing((ROOT / "requirements.txt").read_text())
    if needed:
        print("Installing what Colab lacks:", " ".join(needed))
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", *needed], check=True)
    try:
        from google.colab import output  # type: ignore[import-not-found]
        output.enable_custom_widget_manager()
    except ImportError:
        pass
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.chdir(ROOT / "notebooks")
    print(f"Course ready in {ROOT}.")


if __name__ == "__main__":
    main()
