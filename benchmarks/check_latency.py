"""Benchmark: how long a student waits for ``grader.check("<question>")``.

    python benchmarks/check_latency.py [--assignment NAME] [--repeats 20]

For every assignment (or the one named), copies the student releases to a temporary folder, once with the reference
solutions in place (every check passes) and once with the untouched stubs
(every check fails, with its messages), and times ``grader.check`` for each
question the way the notebook calls it, in one process after a warm-up call.
Prints the median and the slowest call in milliseconds. Figures, not assertions.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# As on a student's machine: imports read cached bytecode, whatever PYTHONDONTWRITEBYTECODE says here
# (each check imports the student's modules afresh, and compiling them would double some figures).
sys.dont_write_bytecode = False

from autograder import assignment as course  # noqa: E402
from autograder.build.release import MACHINERY, course_copy  # noqa: E402

TARGET_MS = 50


def measure(assignment, folder, repeats):
    """{question: [milliseconds per call]} for grader.check run inside ``folder``."""
    import otter

    os.chdir(folder)
    sys.path[:0] = [str(folder / MACHINERY), str(folder)]
    grader = otter.Notebook(tests_dir="tests")
    timings = {}
    for question in assignment.question_names:
        grader.check(question)  # warm-up: the first call imports the student's modules and reads fixtures
        calls = []
        for _ in range(repeats):
            start = time.perf_counter()
            result = grader.check(question)
            calls.append(1000 * (time.perf_counter() - start))
        timings[question] = (calls, result.grade)
    sys.path.remove(str(folder))
    sys.path.remove(str(folder / MACHINERY))
    loaded = assignment.submitted_files + assignment.provided_files + assignment.reference_files + (
        "checking.py", "procedures.py", "plugin.py", "manifest.py", "calls.py")
    for file in loaded:  # the student's modules (graded and provided ones) and the checks' own
        sys.modules.pop(file[:-3], None)
    return timings


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--assignment", choices=course.names(), help="default: every assignment")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    print(f"grader.check latency, median and slowest of {args.repeats} calls after one warm-up (target: "
          f"under {TARGET_MS} ms)")
    print(f"{'assignment':<19}{'code':<10}{'question':<16}{'grade':>6}{'median ms':>11}{'max ms':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for assignment in [course.load(args.assignment)] if args.assignment else course.every():
            for code in ("solutions", "stubs"):
                # every assignment side by side: a later one imports an earlier one's modules
                folder = course_copy(Path(tmp) / assignment.name / code, solutions=code == "solutions") / assignment.name
                for question, (calls, grade) in measure(assignment, folder, args.repeats).items():
                    print(f"{assignment.name:<19}{code:<10}{question:<16}{grade:>6.2f}"
                          f"{statistics.median(calls):>11.1f}{max(calls):>9.1f}")
                os.chdir(ROOT)


if __name__ == "__main__":
    main()
