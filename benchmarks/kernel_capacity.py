"""Measure what each notebook's kernel costs a hub, and how many students fit on a node.

    .venv/bin/python benchmarks/kernel_capacity.py           # every notebook (make capacity)
    .venv/bin/python benchmarks/kernel_capacity.py 01 04     # a quick look at some: writes nothing
    .venv/bin/python benchmarks/kernel_capacity.py --render  # re-write the outputs from capacity.json

Each notebook of the worked-solutions edition (notebooks/solutions/: every exercise answered, so
its cells do what a student's finished answers do) runs top to bottom in a fresh kernel, as
`make course` runs it, in the data mode of this shell (MNIST_NPZ, or the offline default).
When it has run, the kernel process is read (and before and after each exercise cell):
  - CPU seconds: user + system time of the kernel and of its children that have finished
    (psutil's cpu_times);
  - peak memory: VmHWM in /proc/PID/status, the most resident memory (RSS) the kernel held at
    any moment since it started (Linux).
The exercise cells (tagged `solution`) are also summed apart: in the learner edition those
cells start as stubs that cost nothing, so "exercises" is what a class adds once it answers
them. A Jupyter server (JupyterLab with this environment's extensions, what each student's
single-user server runs) is started once and its memory read too.

From these, for a node of C cores and M GiB:
  guarantee = server + the heaviest kernel, rounded up to a quarter GiB: what each student
              is promised, so a node full of students all running the heaviest notebook
              never runs out of memory;
  limit     = server + the two heaviest kernels (a student who left the previous notebook's
              kernel running), rounded up: past it the student's kernel is killed;
  students per node = (M - 2 GiB for the system) / guarantee;
  n students running the same notebook at once: CPU-bound, so each waits about its CPU
              seconds x n / C (never less than its CPU seconds over two cores: alone, a
              kernel keeps about two cores busy at most).

Writes (full run only): benchmarks/capacity.json (the measurements), benchmarks/CAPACITY.md,
the capacity table in README.md (between its capacity markers) and the memory settings in
classroom/config.yaml; tests/test_classroom_config.py checks those agree with capacity.json.
Prints one JSON object as its last line.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, Callable

import nbformat
import psutil
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "notebooks" / "solutions"
JSON_OUT = ROOT / "benchmarks" / "capacity.json"
MARKDOWN_OUT = ROOT / "benchmarks" / "CAPACITY.md"
README = ROOT / "README.md"
CONFIG = ROOT / "classroom" / "config.yaml"
TABLE_START = "<!-- capacity table: written by benchmarks/kernel_capacity.py -->"
TABLE_END = "<!-- end of capacity table -->"
MIB = 2**20
GIB = 2**30
RESERVE_GIB = 2.0    # kept for the operating system, the hub and the proxy on every node
CLASS_SIZE = 60      # the class the README's worked example starts notebook 05 with
HEAVY = "05"         # the training notebook
LIGHT_CPU_S = 60     # a notebook whose whole run costs at most this is light
NODES = (("this machine", 2, 24), ("a common node", 8, 64))  # (name, cores, GiB)


def _script(name: str):
    """A module of scripts/ (not a package), e.g. run_course for its kernel manager."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cpu_description() -> dict[str, Any]:
    """This CPU's model name, its core count, and whether it has bfloat16 instructions."""
    try:
        info = Path("/proc/cpuinfo").read_text()
    except OSError:  # not Linux
        info = ""
    model = re.search(r"^model name\s*:\s*(.+)$", info, re.M)
    bf16 = sorted({flag for flag in ("avx512_bf16", "amx_bf16")
                   if re.search(rf"\b{flag}\b", info)})
    return {"model": model.group(1).strip() if model else platform.processor() or "unknown",
            "cores": os.cpu_count(), "memory_gib": round(psutil.virtual_memory().total / GIB, 1),
            "bfloat16": bf16}


def peak_rss(pid: int) -> int:
    """The most resident memory the process has held since it started, in bytes (VmHWM)."""
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
    if not match:
        raise RuntimeError(f"/proc/{pid}/status has no VmHWM line: this needs Linux.")
    return int(match.group(1)) * 1024


def cpu_seconds(process: psutil.Process) -> float:
    """User + system CPU seconds of the process and of its children that have finished."""
    t = process.cpu_times()
    return t.user + t.system + t.children_user + t.children_system


def measure_notebook(path: Path, timeout: int = 1800) -> dict[str, Any]:
    """Run one notebook in a fresh kernel; return its seconds, CPU seconds and peak RSS."""
    run_course = _script("run_course")
    nb = nbformat.read(path, as_version=4)
    sockets = Path(tempfile.mkdtemp(prefix="capacity-"))
    km, _ = run_course.kernel_manager(sockets)
    samples: dict[str, float] = {"exercise_cpu_s": 0.0}
    state: dict[str, float] = {}

    def kernel() -> psutil.Process:
        """The kernel's process."""
        return psutil.Process(km.provisioner.process.pid)

    def on_cell_start(cell: nbformat.NotebookNode, cell_index: int) -> None:
        """Before a cell: the kernel's CPU time so far."""
        state["cpu"] = cpu_seconds(kernel())

    def on_cell_executed(cell: nbformat.NotebookNode, cell_index: int,
                         execute_reply: dict[str, Any]) -> None:
        """After a cell: what an exercise cell added."""
        if "solution" in cell.metadata.get("tags", []):
            samples["exercise_cpu_s"] += cpu_seconds(kernel()) - state["cpu"]

    # The kernel manager is ours, so the kernel outlives execute() until it is read and shut down.
    client = NotebookClient(nb, km=km, timeout=timeout, on_cell_start=on_cell_start,
                            on_cell_executed=on_cell_executed,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    try:
        with open(sockets / "kernel.log", "w") as log:
            client.execute(stderr=log)
        wall = time.perf_counter() - start
        process = kernel()
        children = process.children(recursive=True)
        result = {
            "notebook": path.name, "wall_s": round(wall, 1),
            "cpu_s": round(cpu_seconds(process) + sum(cpu_seconds(c) for c in children), 1),
            "peak_rss_mib": round((peak_rss(process.pid)
                                   + sum(c.memory_info().rss for c in children)) / MIB),
            "exercise_cpu_s": round(samples["exercise_cpu_s"], 1),
            "exercises": sum("solution" in c.metadata.get("tags", []) for c in nb.cells),
        }
    finally:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
        shutil.rmtree(sockets, ignore_errors=True)
    text = run_course.text_of(nb)
    result["data"] = next(iter(re.findall(r"^Data: (.*)$", text, re.M)), "")
    return result


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure_server() -> int:
    """Resident memory (MiB) of an idle JupyterLab server with this environment's extensions,
    after it served the lab page once: the part of a student's server that is not a kernel."""
    home = Path(tempfile.mkdtemp(prefix="capacity-server-"))
    port, token = free_port(), "capacity"
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"),
               JUPYTER_DATA_DIR=str(home / "data"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               IPYTHONDIR=str(home / "ipython"))
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
         f"--port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={home}",
         *(["--allow-root"] if os.geteuid() == 0 else [])],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/lab?token={token}"
        for _ in range(240):
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    response.read()
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError("jupyter lab exited before it served a page")
                time.sleep(0.5)
        else:
            raise RuntimeError("jupyter lab did not answer within 2 minutes")
        time.sleep(1)
        return round(psutil.Process(server.pid).memory_info().rss / MIB)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(home, ignore_errors=True)


def quarter_gib_up(mib: float) -> float:
    """MiB rounded up to a whole quarter GiB, in GiB."""
    return math.ceil(mib / 256) / 4


def memory_settings(capacity: dict[str, Any]) -> dict[str, float]:
    """Each student's memory guarantee and limit (GiB), from the measured peaks."""
    peaks = sorted((n["peak_rss_mib"] for n in capacity["notebooks"]), reverse=True)
    server = capacity["server_rss_mib"]
    return {"guarantee_gib": quarter_gib_up(server + peaks[0]),
            "limit_gib": quarter_gib_up(server + peaks[0] + (peaks[1] if len(peaks) > 1 else 0))}


def gib_text(gib: float) -> str:
    """GiB as Kubernetes writes a quantity: 2.25 -> '2304Mi', 3.0 -> '3Gi'."""
    return f"{int(gib)}Gi" if gib == int(gib) else f"{round(gib * 1024)}Mi"


def students_per_node(memory_gib: float, guarantee_gib: float) -> int:
    """How many students' guarantees fit in a node's memory after the system's share."""
    return max(0, math.floor((memory_gib - RESERVE_GIB) / guarantee_gib))


def at_once_seconds(notebook: dict[str, Any], students: int, cores: int) -> float:
    """About how long each of `students` running the notebook together on `cores` waits:
    CPU-bound, so the node's cores are shared out (never less than one student's CPU time
    spread over at most two cores, what a kernel uses alone here)."""
    return notebook["cpu_s"] * max(students / cores, 1 / min(cores, 2))


def minutes(seconds: float) -> str:
    """Seconds in words a reader takes in: '40 s', '3 min', '1 h 20 min'."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    total = round(seconds / 60)
    return f"{total} min" if total < 60 else f"{total // 60} h {total % 60:02d} min"


def heavy(capacity: dict[str, Any]) -> dict[str, Any]:
    """The training notebook's measurements."""
    return next(n for n in capacity["notebooks"] if n["notebook"].startswith(HEAVY))


def light(capacity: dict[str, Any]) -> list[dict[str, Any]]:
    """The notebooks whose whole run costs at most LIGHT_CPU_S CPU seconds."""
    return [n for n in capacity["notebooks"] if n["cpu_s"] <= LIGHT_CPU_S]


def readme_table(capacity: dict[str, Any]) -> str:
    """The README's table of students per node, with the markers around it."""
    memory = memory_settings(capacity)
    g, train, easy = memory["guarantee_gib"], heavy(capacity), light(capacity)
    easy_cpu = max((n["cpu_s"] for n in easy), default=0.0)
    per_node = {m: students_per_node(m, g) for _, _, m in NODES}
    train_gib = train["peak_rss_mib"] / 1024
    header = "| | " + " | ".join(f"{name} ({cores} cores, {mem} GiB)"
                                   for name, cores, mem in NODES) + " |"
    rows = [header, "| --- |" + " --- |" * len(NODES)]

    def row(label: str, cell: Callable[[int, int], str]) -> None:
        """One row: its label, then `cell(cores, GiB)` for each node."""
        rows.append(f"| {label} | " + " | ".join(cell(c, m) for _, c, m in NODES) + " |")

    row(f"students per node (memory: {g:g} GiB guaranteed to each, {RESERVE_GIB:g} GiB kept "
        "for the system)", lambda c, m: f"**{per_node[m]}**")
    row(f"all of them press *Run All* together on a light notebook "
        f"({', '.join(n['notebook'][:2] for n in easy)}: at most {easy_cpu:.0f} CPU s each)",
        lambda c, m: f"each waits about {minutes(max(at_once_seconds(n, per_node[m], c) for n in easy))}"
        if easy else "(none is light)")
    row(f"all of them start notebook {HEAVY}'s training together ({train['cpu_s']:.0f} CPU s "
        f"each, peak {train_gib:.1f} GiB)",
        lambda c, m: f"each waits about {minutes(at_once_seconds(train, per_node[m], c))}")
    def class_at_once(c: int, m: int) -> str:
        """The whole class on notebook 05: memory first, then the wait."""
        nodes = math.ceil(CLASS_SIZE / max(per_node[m], 1))
        need = CLASS_SIZE * train_gib
        fits = "fits in" if need <= m - RESERVE_GIB else "is more than"
        wait = minutes(at_once_seconds(train, math.ceil(CLASS_SIZE / nodes), c))
        return (f"{CLASS_SIZE} × {train_gib:.1f} GiB = {need:.0f} GiB {fits} the "
                f"{m - RESERVE_GIB:g} GiB it has for students: {nodes} such node"
                f"{'s' if nodes > 1 else ''}, each student waiting about {wait}")

    row(f"{CLASS_SIZE} students start notebook {HEAVY} at once", class_at_once)
    cpu = capacity["cpu"]
    bf16 = ", ".join(cpu["bfloat16"]) if cpu["bfloat16"] else "no bfloat16 instructions"
    peaks = sorted(capacity["notebooks"], key=lambda n: n["peak_rss_mib"], reverse=True)
    note = (f"Measured by `make capacity` on {cpu['model']} ({cpu['cores']} cores, {bf16}); "
            f"data: {capacity['data'].rstrip('.')}. Memory guarantee {g:g} GiB: a student's "
            f"server ({capacity['server_rss_mib']} MiB) and the heaviest kernel "
            f"({peaks[0]['notebook'][:2]}, {peaks[0]['peak_rss_mib']} MiB at its peak); limit "
            f"{memory['limit_gib']:g} GiB: room for a second kernel left running "
            f"({peaks[1]['notebook'][:2] if len(peaks) > 1 else '-'}, the next heaviest). "
            "`classroom/config.yaml` carries both. Waits assume CPU-bound work and the node's "
            "cores shared evenly. Per notebook: "
            "[`benchmarks/CAPACITY.md`](benchmarks/CAPACITY.md).")
    return "\n".join([TABLE_START, "", *rows, "", note, "", TABLE_END])


def markdown_report(capacity: dict[str, Any]) -> str:
    """benchmarks/CAPACITY.md: every notebook's measurements and what follows from them."""
    cpu = capacity["cpu"]
    memory = memory_settings(capacity)
    lines = [
        "# What each notebook's kernel costs a hub", "",
        "Command: `make capacity` (`.venv/bin/python benchmarks/kernel_capacity.py`)", "",
        f"CPU: {cpu['model']}, {cpu['cores']} cores, {cpu['memory_gib']} GiB; bfloat16 "
        f"instructions: {', '.join(cpu['bfloat16']) or 'none (float32)'}. "
        f"Data: {capacity['data'].rstrip('.')}. Measured {capacity['date']}, with a load "
        f"average of {capacity['load_average'][0]:.1f} before and "
        f"{capacity['load_average'][1]:.1f} after (above {cpu['cores']}, other work shared "
        "the cores: *seconds* grew, CPU seconds and memory hardly).", "",
        "Each notebook of the worked-solutions edition ran top to bottom in a fresh kernel. "
        "*CPU s* is the kernel's user + system time, *cores busy* that over the run's "
        "seconds; *peak RSS* the most memory it held at once (VmHWM). *Exercises* are "
        "the cells tagged `solution`: in the learner edition they start as stubs that cost "
        "nothing, so this is what a class adds once it answers them (the peak includes them).",
        "", "| notebook | seconds | CPU s | cores busy | peak RSS | exercises: CPU s |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for n in capacity["notebooks"]:
        lines.append(f"| {n['notebook']} | {n['wall_s']:.1f} | {n['cpu_s']:.1f} | "
                     f"{n['cpu_s'] / max(n['wall_s'], 0.1):.2f} | {n['peak_rss_mib']} MiB | "
                     f"{n['exercise_cpu_s']:.1f} ({n['exercises']} cells) |")
    lines += [
        "", f"A student's Jupyter server (JupyterLab, idle, after serving the page once): "
        f"{capacity['server_rss_mib']} MiB.", "",
        f"Per student: guarantee {memory['guarantee_gib']:g} GiB (server + heaviest kernel), "
        f"limit {memory['limit_gib']:g} GiB (server + the two heaviest kernels), each rounded "
        "up to a quarter GiB; `classroom/config.yaml` carries them.", "",
        "## Students per node", "", readme_table(capacity).replace(
            "[`benchmarks/CAPACITY.md`](benchmarks/CAPACITY.md)", "the table above"), ""]
    return "\n".join(lines)


def replace_table(readme: str, table: str) -> str:
    """The README with the text between the capacity markers replaced by `table`."""
    if TABLE_START not in readme or TABLE_END not in readme:
        raise ValueError(f"README.md lacks the capacity markers {TABLE_START!r} ... "
                         f"{TABLE_END!r}: put them where the table goes.")
    head, rest = readme.split(TABLE_START, 1)
    return head + table + rest.split(TABLE_END, 1)[1]


def write_config(memory: dict[str, float], path: Path = CONFIG) -> None:
    """Set singleuser.memory.guarantee and .limit in the Zero to JupyterHub config, keeping
    its comments (ruamel.yaml's round trip)."""
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # keep long lines (the default URL) on one line
    config = yaml.load(path.read_text())
    config["singleuser"]["memory"]["guarantee"] = gib_text(memory["guarantee_gib"])
    config["singleuser"]["memory"]["limit"] = gib_text(memory["limit_gib"])
    with open(path, "w") as file:
        yaml.dump(config, file)


def write_outputs(capacity: dict[str, Any]) -> None:
    """CAPACITY.md, the README's table and config.yaml's memory, all from `capacity`."""
    MARKDOWN_OUT.write_text(markdown_report(capacity))
    README.write_text(replace_table(README.read_text(), readme_table(capacity)))
    write_config(memory_settings(capacity))


def main() -> int:
    """Measure (or --render), write the outputs, print the JSON; 0 on success."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help="measure only notebooks whose name has this")
    parser.add_argument("--render", action="store_true",
                        help="measure nothing: re-write the outputs from capacity.json")
    args = parser.parse_args()
    if args.render:
        capacity = json.loads(JSON_OUT.read_text())
        write_outputs(capacity)
        print(json.dumps(capacity))
        return 0

    paths = sorted(SOLUTIONS.glob("[0-9][0-9]_*.ipynb"))
    if args.only:
        paths = [p for p in paths if any(o in p.name for o in args.only)]
    if not paths:
        print(f"No notebook in notebooks/solutions/ matches {args.only}.", file=sys.stderr)
        return 2
    results, load_before = [], os.getloadavg()[0]
    for path in paths:
        print(f"measuring {path.name} ...", flush=True)
        result = measure_notebook(path)
        results.append(result)
        print(f"  {result['wall_s']:.1f} s, {result['cpu_s']:.1f} CPU s, peak RSS "
              f"{result['peak_rss_mib']} MiB; exercises {result['exercise_cpu_s']:.1f} CPU s",
              flush=True)
    data = next((r["data"] for r in results if r["data"]), "not reported by the notebooks")
    capacity = {"date": time.strftime("%Y-%m-%d"), "cpu": cpu_description(), "data": data,
                "server_rss_mib": measure_server(), "notebooks": results,
                "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)]}
    capacity["memory"] = memory_settings(capacity)
    if args.only:
        print("(some notebooks only: nothing written)")
    else:
        JSON_OUT.write_text(json.dumps(capacity, indent=1) + "\n")
        write_outputs(capacity)
        print(f"wrote {JSON_OUT.relative_to(ROOT)}, {MARKDOWN_OUT.relative_to(ROOT)}, "
              f"the README's capacity table and {CONFIG.relative_to(ROOT)}'s memory")
    print(json.dumps(capacity))
    return 0


if __name__ == "__main__":
    sys.exit(main())
