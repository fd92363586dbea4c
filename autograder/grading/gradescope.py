"""Gradescope's entry point: grade /autograder/submission into /autograder/results/results.json.

The zip's ``run_otter.py`` calls ``main``. The autograder's own files
(tests, reference values) and the results folder are made root-only first,
student code runs in sandboxed workers as an unprivileged uid, and
results.json is written once, at the end, by this process, whatever
happened before.
"""
import json
import os
import sys
from pathlib import Path

from autograder import assignment as course
from autograder.grading import results
from autograder.isolation import sandbox

ROOT = Path("/autograder")


def main(root=ROOT):
    root = Path(root)
    source, results_dir = root / "source", root / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    for private in (source, results_dir):
        os.chmod(private, 0o700)
    points = {}
    try:
        from autograder.grading.engine import Lane

        lane = Lane(source)
        points = lane.points
        try:
            outcome = lane.grade(root / "submission", "submission", uid=sandbox.fresh_uid_base(1))
        finally:
            lane.close()
    except Exception as error:  # the grader's own failure: still a results.json, and a clear one
        outcome = results.Outcome("submission", status="error", message=f"the autograder failed: {error!r}")
    report = results.gradescope_results(outcome, points or _no_points(source), _written_questions(source))
    (results_dir / "results.json").write_text(json.dumps(report, indent=2))
    # Gradescope shows this stdout to instructors only: the sandbox's missing layers go here.
    print(f"score {outcome.total:g}, status {outcome.status}. {outcome.log_message}")


def _shipped(source):
    """The assignment of the zip's manifest, or None when it cannot be read: the score still goes out."""
    try:
        return course.Assignment(source / "files" / course.MANIFEST)
    except Exception:  # noqa: BLE001 - the manifest itself is what failed
        return None


def _written_questions(source):
    assignment = _shipped(source)
    return assignment.written if assignment else ()


def _no_points(source):
    """Every question at 0 points, for a results.json written when the lane could not start."""
    assignment = _shipped(source)
    return {q: 0 for q in assignment.question_names} if assignment else {}


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ROOT)
