"""classroom/ and the README's "In a classroom" agree with the chart's documented keys, the
measured capacity (benchmarks/capacity.json) and the course's one setting
([tool.digits-course] in pyproject.toml); `make links` prints the students' links."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import links  # noqa: E402

_spec = importlib.util.spec_from_file_location("kernel_capacity",
                                               ROOT / "benchmarks" / "kernel_capacity.py")
capacity_script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(capacity_script)

CONFIG = ROOT / "classroom" / "config.yaml"
QUANTITY = {"type": ["number", "string", "null"],
            "pattern": r"^[0-9]+(\.[0-9]+)?(E|P|T|G|M|k|Ei|Pi|Ti|Gi|Mi|Ki)?$"}
ENABLED = {"type": "object", "additionalProperties": False, "required": ["enabled"],
           "properties": {"enabled": {"type": "boolean"}}}
# The keys config.yaml sets, as the jupyterhub Helm chart's values.schema.yaml documents them
# (github.com/jupyterhub/zero-to-jupyterhub-k8s, jupyterhub/values.schema.yaml; reference:
# https://z2jh.jupyter.org/en/stable/resources/reference.html). No package on PyPI ships that
# schema and nothing may be downloaded here, so this is its part for these keys, with the
# chart's `additionalProperties: false` wherever the chart has it: a misspelt or invented key
# fails. The memory quantities add the Kubernetes quantity format.
CHART_SCHEMA = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "singleuser": {
            "type": "object", "additionalProperties": False,
            "properties": {
                "image": {"type": "object", "additionalProperties": False,
                          "required": ["name", "tag"],
                          "properties": {"name": {"type": "string"},
                                         "tag": {"type": "string"},
                                         "pullPolicy": {"enum": [None, "", "IfNotPresent",
                                                                 "Always", "Never"]},
                                         "pullSecrets": {"type": "array"}}},
                "memory": {"type": "object", "additionalProperties": False,
                           "properties": {"limit": QUANTITY, "guarantee": QUANTITY}},
                "cpu": {"type": "object", "additionalProperties": False,
                        "properties": {"limit": {"type": ["number", "null"]},
                                       "guarantee": {"type": ["number", "null"]}}},
                "defaultUrl": {"type": ["string", "null"]},
                "extraEnv": {"type": ["object", "array"]},
                "storage": {"type": "object", "additionalProperties": False,
                            "properties": {"capacity": {"type": ["string", "null"]}}},
            },
        },
        "cull": {"type": "object", "additionalProperties": False, "required": ["enabled"],
                 "properties": {"enabled": {"type": "boolean"},
                                "users": {"type": ["boolean", "null"]},
                                "timeout": {"type": ["integer", "null"]},
                                "every": {"type": ["integer", "null"]},
                                "maxAge": {"type": ["integer", "null"]}}},
        "prePuller": {"type": "object", "additionalProperties": False,
                      "properties": {"hook": ENABLED, "continuous": ENABLED}},
        "scheduling": {"type": "object", "additionalProperties": False,
                       "properties": {"userScheduler": ENABLED}},
    },
}


@pytest.fixture(scope="module")
def config() -> dict:
    return yaml.safe_load(CONFIG.read_text())


@pytest.fixture(scope="module")
def capacity() -> dict:
    return json.loads(capacity_script.JSON_OUT.read_text())


def test_config_uses_only_keys_the_chart_documents(config):
    jsonschema.validate(config, CHART_SCHEMA)
    with pytest.raises(jsonschema.ValidationError):  # the schema does catch a misspelt key
        jsonschema.validate({"singleuser": {"memory": {"guarantees": "1Gi"}}}, CHART_SCHEMA)


def test_config_runs_the_course_and_culls_idle_servers(config):
    user = config["singleuser"]
    assert user["image"]["tag"] not in ("", "latest"), "pin the image with a tag of its own"
    assert user["defaultUrl"] == links.default_url(links.colab.setting())
    assert user["extraEnv"]["PYTHONPATH"] == f"/home/jovyan/{links.folder(links.colab.setting())}"
    assert config["cull"]["enabled"] and 0 < config["cull"]["every"] <= config["cull"]["timeout"]


def test_config_memory_is_what_the_capacity_benchmark_measured(config, capacity):
    memory = capacity_script.memory_settings(capacity)
    assert capacity["memory"] == memory
    assert config["singleuser"]["memory"] == {
        "guarantee": capacity_script.gib_text(memory["guarantee_gib"]),
        "limit": capacity_script.gib_text(memory["limit_gib"])}, \
        "run `make capacity` (or benchmarks/kernel_capacity.py --render) to write them"
    heaviest = max(n["peak_rss_mib"] for n in capacity["notebooks"])
    assert memory["guarantee_gib"] * 1024 >= capacity["server_rss_mib"] + heaviest


def test_memory_not_cpu_decides_how_many_students_fit(config, capacity):
    guarantee = capacity_script.memory_settings(capacity)["guarantee_gib"]
    for name, cores, gib in capacity_script.NODES:
        students = capacity_script.students_per_node(gib, guarantee)
        assert students > 0, f"no student fits on {name}"
        assert config["singleuser"]["cpu"]["guarantee"] * students <= cores, name


def test_readme_and_capacity_md_show_the_measurements(capacity):
    readme = (ROOT / "README.md").read_text()
    assert capacity_script.readme_table(capacity) in readme, \
        "run benchmarks/kernel_capacity.py --render to rewrite the README's capacity table"
    assert capacity_script.MARKDOWN_OUT.read_text() == capacity_script.markdown_report(capacity)


def test_capacity_names_the_machine_the_data_and_every_notebook(capacity):
    assert capacity["cpu"]["model"] and capacity["cpu"]["cores"] >= 1
    assert set(capacity["cpu"]["bfloat16"]) <= {"avx512_bf16", "amx_bf16"}
    assert re.search(r"\d training and [\d,]+ test images from", capacity["data"])
    measured = [n["notebook"] for n in capacity["notebooks"]]
    assert measured == sorted(p.name for p in (ROOT / "notebooks" / "solutions").glob(
        "[0-9][0-9]_*.ipynb"))
    for n in capacity["notebooks"]:
        assert n["peak_rss_mib"] > 0 and n["cpu_s"] > 0 and n["exercises"] > 0, n
        assert 0 <= n["exercise_cpu_s"] <= n["cpu_s"], n


def test_replacing_the_table_needs_its_markers():
    with pytest.raises(ValueError, match="lacks the capacity markers"):
        capacity_script.replace_table("# README without markers\n", "table")
    marked = f"a\n{capacity_script.TABLE_START}\nold\n{capacity_script.TABLE_END}\nb\n"
    assert capacity_script.replace_table(marked, "new") == "a\nnew\nb\n"


def test_kubernetes_quantities():
    assert capacity_script.gib_text(3.0) == "3Gi"
    assert capacity_script.gib_text(2.25) == "2304Mi"
    assert capacity_script.quarter_gib_up(1025) == 1.25


def test_tljh_snippet_pulls_like_the_chart_config(config):
    namespace = {"get_config": lambda: type("Config", (), {"Spawner": type("S", (), {})()})()}
    exec((ROOT / "classroom" / "tljh_config.py").read_text(), namespace)
    spawner = namespace["c"].Spawner
    assert spawner.default_url == config["singleuser"]["defaultUrl"]
    student = type("Spawner", (), {"user": type("User", (), {"name": "ada"})()})()
    assert spawner.environment["PYTHONPATH"](student) == "/home/jupyter-ada/" + links.folder(
        links.colab.setting())
    recipe = (ROOT / "classroom" / "TLJH.md").read_text()
    repo = links.colab.setting()
    assert (f"https://raw.githubusercontent.com/{repo['repository']}/{repo['branch']}/"
            "requirements.txt") in recipe


def test_make_links_prints_a_pull_link_for_each_learner_notebook():
    plan = subprocess.run(["make", "-n", "links", "HUB=https://hub.example.edu"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout
    assert 'scripts/links.py "https://hub.example.edu"' in plan
    run = subprocess.run([sys.executable, "scripts/links.py", "https://hub.example.edu/"],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    repo = links.colab.setting()
    lines = run.stdout.splitlines()
    names = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert [line.split(": ", 1)[0] for line in lines] == names
    for name, line in zip(names, lines):
        url = urlsplit(line.split(": ", 1)[1])
        assert (url.scheme, url.netloc, url.path) == (
            "https", "hub.example.edu", "/hub/user-redirect/git-pull")
        assert parse_qs(url.query) == {
            "repo": [f"https://github.com/{repo['repository']}"], "branch": [repo["branch"]],
            "urlpath": [f"lab/tree/{links.folder(repo)}/notebooks/{name}.ipynb"]}


@pytest.mark.parametrize("argv", [[], [""], ["hub.example.edu"], ["https://hub.example.edu/?x=1"],
                                  ["https://a.edu", "https://b.edu"]])
def test_links_need_one_hub_address(argv, capsys):
    assert links.main(argv) == 2
    out, err = capsys.readouterr()
    assert not out and ("HUB=https://hub.example.edu" in err or "usage" in err), err


def test_make_links_without_hub_says_how():
    run = subprocess.run(["make", "-s", "links"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode != 0 and "make links HUB=https://hub.example.edu" in run.stdout


def test_readme_binder_badge_follows_the_setting():
    badge = ("[![Binder](https://mybinder.org/badge_logo.svg)]("
             + links.colab.binder_url("notebooks/01_load_the_data.ipynb", links.colab.setting())
             + ")")
    assert badge in (ROOT / "README.md").read_text(), f"the README's Binder badge should be {badge}"


def test_students_per_node_and_waits():
    assert capacity_script.students_per_node(24, 2.25) == 9  # (24 - 2) / 2.25
    assert capacity_script.students_per_node(2, 2.25) == 0
    training = {"cpu_s": 600.0}
    assert capacity_script.at_once_seconds(training, 8, 2) == 2400  # 8 students share 2 cores
    assert capacity_script.at_once_seconds(training, 1, 8) == 300   # alone: two cores at most
    assert [capacity_script.minutes(s) for s in (40, 300, 4900)] == ["40 s", "5 min",
                                                                      "1 h 22 min"]
