"""Execute every lesson in order, headless, in a fresh kernel each, and summarise.

    python scripts/run_course.py             # make course: executed copies go to build/executed/
    python scripts/run_course.py --in-place  # maintainers: refresh notebooks/solutions/
    python scripts/run_course.py 01 03       # only the notebooks whose name has 01 or 03

It runs the lessons with their worked solutions (notebooks/solutions/), so every exercise
runs too. Exits non-zero if any notebook fails. Committed notebooks are left untouched unless
--in-place is given, and a notebook that fails is never written back.

On success it prints one progress line per notebook and the summary; on failure, the failing
cell's error in a few lines (the full traceback is in the executed copy).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

import nbformat
import zmq
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "notebooks" / "solutions"
OUT = ROOT / "build" / "executed"

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # the kernels inherit it: no TF start-up log


def kernel_manager(sockets: Path) -> tuple[KernelManager, str]:
    """A kernel manager whose kernel talks to us privately, and how it does (for a note).

    The kernel warns at start-up when it is reached over plain TCP. jupyter_client offers two
    ways around that (jupyter_client/connect.py, manager.py): `transport="ipc"`, Unix-domain
    sockets (files that only this user can open), where ZeroMQ supports them (Linux, macOS);
    or, elsewhere (Windows), TCP with CurveZMQ keys that the manager provisions when the
    kernelspec declares "curve" support, as ipykernel's does (`transport_encryption="auto"`).
    """
    if os.name != "nt" and zmq.has("ipc"):
        # An absolute, short socket path: Unix sockets allow about 100 characters.
        return KernelManager(kernel_name="python3", transport="ipc",
                             ip=str(sockets / "kernel")), "ipc"
    if zmq.has("curve"):
        return KernelManager(kernel_name="python3", transport_encryption="auto"), "curve"
    return KernelManager(kernel_name="python3"), "tcp"


_noted: list[str] = []  # the plain-TCP note is printed once per run


class Result(NamedTuple):
    ok: bool
    seconds: float
    text: str      # all printed text, for the summary to search
    error: str     # on failure: which cell failed and its error, in a few lines


def text_of(nb: nbformat.NotebookNode) -> str:
    """All printed text of an executed notebook."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", "") or out.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def first_error(nb: nbformat.NotebookNode) -> str:
    """The first unexpected error, in a few lines: which cell, which of its lines, what error."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    for number, cell in enumerate(code, 1):
        if "raises-exception" in cell.metadata.get("tags", []):
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                # IPython marks the failing line of each frame with "---->"; the first is the
                # cell's own.
                lines = ANSI.sub("", "\n".join(out.get("traceback", []))).splitlines()
                arrow = next((line for line in lines if line.startswith("---->")), "")
                where = re.sub(r"^---->\s*(\d+)\s*", r"line \1: ", arrow).strip()
                return (f"code cell {number} failed" + (f", {where[:90]}" if where else "")
                        + f"\n    {out.get('ename')}: {out.get('evalue')}")
    return ""


def run(path: Path, target: Path | None, timeout: int = 1200, name: str = "",
        cwd: Path | None = None) -> Result:
    """Execute one notebook in a fresh kernel started in `cwd` (default: its own folder).

    The executed notebook is written to `target` (if given) only when every cell ran;
    otherwise to build/executed/<name or its file name>, so a failure never overwrites a
    committed notebook.
    """
    nb = nbformat.read(path, as_version=4)
    sockets = Path(tempfile.mkdtemp(prefix="digits-"))
    km, how = kernel_manager(sockets)
    client = NotebookClient(nb, km=km, timeout=timeout,
                            resources={"metadata": {"path": str(cwd or path.parent)}})
    ok, error = True, ""
    start = time.perf_counter()
    # What the kernel process itself writes to its stderr before it captures its own output
    # (start-up notices) goes to a log, not over the progress lines.
    with open(sockets / "kernel.log", "w+") as log:
        try:
            client.execute(stderr=log)
        except CellExecutionError as err:
            ok, error = False, first_error(nb) or f"{err.ename}: {err.evalue}"
        except DeadKernelError:
            log.seek(0)
            tail = "\n    ".join(log.read().strip().splitlines()[-5:])
            ok, error = False, "the kernel died (out of memory?)" + (
                f"; its last words:\n    {tail}" if tail else "")
    seconds = time.perf_counter() - start
    shutil.rmtree(sockets, ignore_errors=True)
    if how == "tcp" and not _noted:
        _noted.append(how)
        print("  (note: this ZeroMQ has neither IPC nor CurveZMQ; the kernel used plain "
              "TCP on 127.0.0.1)", file=sys.stderr)
    out = target if (ok and target is not None) else OUT / (name or path.name)
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out)
    if not ok:
        shown = out.relative_to(ROOT) if out.is_relative_to(ROOT) else out
        error += f"\n    (the whole traceback: {shown})"
    return Result(ok, seconds, text_of(nb), error)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--in-place", action="store_true",
                        help="write outputs back into notebooks/solutions/ (maintainers only)")
    parser.add_argument("--timeout", type=int, default=1200, help="seconds per cell")
    parser.add_argument("only", nargs="*", help="run only notebooks whose name has this")
    args = parser.parse_args()

    paths = sorted(SOLUTIONS.glob("[0-9][0-9]_*.ipynb"))
    if args.only:
        paths = [p for p in paths if any(o in p.name for o in args.only)]
    rows, data_line, accuracy, failed = [], "", "", []
    for path in paths:
        print(f"running {path.name} ...", flush=True)
        result = run(path, path if args.in_place else OUT / path.name, args.timeout)
        rows.append((path.name, result.seconds, "ok" if result.ok else "FAILED"))
        if not result.ok:
            failed.append(path.name)
            print(f"  {path.name}: {result.error}", flush=True)
        data_line = data_line or next(iter(re.findall(r"^Data: .*$", result.text, re.M)), "")
        found = re.findall(r"[Tt]est accuracy: ([\d.]+ ?%)", result.text)
        accuracy = found[-1] if found else accuracy

    print("\nCourse summary")
    print(f"  {data_line or 'Data: (no notebook reported its data)'}")
    for name, seconds, status in rows:
        print(f"  {name:<40} {seconds:7.1f} s  {status}")
    print(f"  final test accuracy: {accuracy or 'no notebook trained a model yet'}")
    if not args.in_place:
        print(f"  executed copies: {OUT.relative_to(ROOT)}/")
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
