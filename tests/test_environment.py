"""The pip pins (requirements.txt) and the conda pins (environment.yml) agree."""

from pathlib import Path

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def pins(lines: list[str]) -> dict[str, str]:
    """Map 'name; marker' to its exact version for each requirement line."""
    result = {}
    for line in lines:
        line = line.split("#")[0].strip()
        if not line:
            continue
        req = Requirement(line)
        (spec,) = req.specifier  # exactly one specifier: a pin
        assert spec.operator == "==", f"{line!r} is not pinned with =="
        result[f"{req.name.lower()}; {req.marker}"] = spec.version
    return result


def test_conda_and_pip_pin_the_same_versions():
    pip_pins = pins((ROOT / "requirements.txt").read_text().splitlines())
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pins(pip_section) == pip_pins
    assert "python=3.11" in env["dependencies"]


def test_key_packages_are_pinned():
    names = {key.split(";")[0] for key in pins(
        (ROOT / "requirements.txt").read_text().splitlines())}
    for needed in ("tensorflow-cpu", "tensorflow", "keras", "jupyterlab", "ipywidgets",
                   "matplotlib", "nbval", "mlxtend", "pandas"):
        assert needed in names, f"{needed} is not pinned"
