"""Benchmark: `python -m autograder similarity` on a class-sized batch.

    python benchmarks/similarity.py [--count 300]

Writes ``count`` submissions of the first assignment: the bug library's
entries (the reference solution with one change each) over and over, so
each entry is copied 5 or 6 times, plus one more copy of the first with its
variables renamed and its functions reversed (tests/test_similarity.py's
disguise). Prints the wall time of the command, its peak memory, and its top
pairs: a timing, not a test of the ranking (tests/test_similarity.py is).
"""
import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import buglib  # noqa: E402
from autograder import assignment as course  # noqa: E402
from test_similarity import disguise  # noqa: E402

RNN = course.load("rnn_shortcomings")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="similarity-bench-") as work:
        work = Path(work)
        entries = sorted(buglib.load(RNN).items())
        folders = []
        for index in range(args.count - 1):
            name, entry = entries[index % len(entries)]
            folders.append(buglib.write_submission(RNN, entry, work / "in" / f"{index:03d}-{name}"))
        copy = work / "in" / f"{args.count - 1:03d}-copy-of-{folders[0].name}"
        copy.mkdir()
        for path in folders[0].iterdir():
            copy.joinpath(path.name).write_text(disguise(path.read_text()) if path.suffix == ".py" else path.read_text())
        folders.append(copy)
        started = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "autograder", "similarity", "--assignment", RNN.name,
                              *map(str, folders), "--out", str(work / "out")], capture_output=True, text=True, cwd=ROOT)
        elapsed = time.perf_counter() - started
        if run.returncode:
            raise SystemExit(run.stderr[-2000:])
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        pairs = len(folders) * (len(folders) - 1) // 2
        print(f"{len(folders)} submissions, {pairs} pairs: {elapsed:.1f} s wall clock, peak memory {peak:.0f} MB")
        print(run.stdout)


if __name__ == "__main__":
    main()
