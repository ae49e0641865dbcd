"""Execute every notebook in order, headless, in a fresh kernel each, and summarise.

    python scripts/run_course.py             # executed copies go to build/executed/
    python scripts/run_course.py --in-place  # maintainers: refresh the committed notebooks

Exits non-zero if any notebook fails. The committed notebooks are left untouched
unless --in-place is given.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
OUT = ROOT / "build" / "executed"


def text_of(nb: nbformat.NotebookNode) -> str:
    """All printed text of an executed notebook, for the summary to search."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", "") or out.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def run(path: Path, in_place: bool, timeout: int) -> tuple[bool, float, str]:
    """Execute one notebook; return (ok, seconds, its printed text)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    start = time.perf_counter()
    ok = True
    try:
        client.execute()
    except CellExecutionError as err:
        ok = False
        print(str(err).splitlines()[-1] if str(err) else "a cell failed", file=sys.stderr)
    seconds = time.perf_counter() - start
    # A failed run never overwrites a committed notebook: it goes to build/executed/.
    target = path if (in_place and ok) else OUT / path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    return ok, seconds, text_of(nb)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--in-place", action="store_true",
                        help="write outputs back into notebooks/ (maintainers only)")
    parser.add_argument("--timeout", type=int, default=1200, help="seconds per cell")
    parser.add_argument("only", nargs="*", help="run only notebooks whose name has this")
    args = parser.parse_args()

    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if args.only:
        paths = [p for p in paths if any(o in p.name for o in args.only)]
    rows, data_line, accuracy, failed = [], "", "", []
    for path in paths:
        print(f"running {path.name} ...", flush=True)
        ok, seconds, text = run(path, args.in_place, args.timeout)
        rows.append((path.name, seconds, "ok" if ok else "FAILED"))
        if not ok:
            failed.append(path.name)
        data_line = data_line or next(iter(re.findall(r"^Data: .*$", text, re.M)), "")
        found = re.findall(r"[Tt]est accuracy: ([\d.]+ ?%)", text)
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
