"""Benchmark: the wall time of the slowest submission there can be.

    python benchmarks/slowest_submission.py

Grades, alone, a submission built to use every time limit to the end: each
module sleeps just under the call limit while it is imported, every function
sleeps for an hour, and the script never finishes. Prints the wall time of
the grading run, the limits it met and the scores (all 0). A figure, not an
assertion: docs/isolation.md quotes it.
"""
import csv
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
from autograder.build import package  # noqa: E402
from autograder.isolation import sandbox  # noqa: E402

RNN = course.load("rnn_shortcomings")

IMPORT_SLEEP_S = sandbox.CALL_TIMEOUT_S - 0.5
SLEEP_EVERYWHERE = f'''

import time as _time

_time.sleep({IMPORT_SLEEP_S})  # importing takes almost the whole call limit


def _sleeps(*args, **kwargs):
    _time.sleep(3600)


for _name, _value in list(globals().items()):
    if callable(_value) and getattr(_value, "__module__", None) == __name__ and not _name.startswith("_"):
        globals()[_name] = _sleeps
'''


def main():
    work = Path(tempfile.mkdtemp(prefix="slowest-"))
    submission = buglib.write_submission(RNN, {}, work / "slowest")
    for name in RNN.submitted_files:
        path = submission / name
        if name == "gradient_norms.py":
            path.write_text(path.read_text().replace(buglib.IMPORT_LINE, buglib.IMPORT_LINE + "import time\ntime.sleep(3600)\n", 1))
        else:
            path.write_text(path.read_text() + SLEEP_EVERYWHERE)
    autograder_zip = package.build_autograder(RNN, work / "autograder.zip")
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "autograder", "grade", str(submission), "--out", str(work / "out"),
                    "--autograder", str(autograder_zip), "--jobs", "1"], check=True, capture_output=True)
    seconds = time.monotonic() - started
    with open(work / "out" / "grades.csv") as f:
        row = next(csv.DictReader(f))
    print(f"limits: {sandbox.CALL_TIMEOUT_S} s a call, {sandbox.SCRIPT_TIMEOUT_S} s the script, "
          f"{sandbox.QUESTION_BUDGET_S} s a question; {len(RNN.submitted_files) - 1} modules imported first")
    print(f"slowest submission: {seconds:.1f} s wall clock, status {row['status']}, total {row['total']}")


if __name__ == "__main__":
    main()
