"""Grade a folder of submissions without Docker: ``python -m autograder grade SUBMISSION... --out DIR``.

The built autograder zip is unpacked into a private folder; one grading
process per core (a ``Lane``: tests, reference values and numpy loaded once)
takes submissions one after another, running every call into student code
in a fresh, limited worker. Writes ``DIR/<submission>/results.json``
(Gradescope format), ``DIR/<submission>/feedback.txt`` (what the student may
see) and ``DIR/grades.csv``. A broken submission gets status ``error`` or
``timeout`` and the points it earned; it never stops the run.
"""
import atexit
import errno
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import zipfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from tqdm import tqdm

from autograder import paths, results, sandbox
from autograder.engine import ISOLATION_WARNING

_LANE = None


def submission_names(submissions):
    """A distinct, file-system-safe name per submission (its file or folder name)."""
    names, seen = [], {}
    for path in submissions:
        base = Path(path).name.removesuffix(".zip") or "submission"
        base = "".join(c if c.isalnum() or c in "-_." else "_" for c in base)
        seen[base] = seen.get(base, 0) + 1
        names.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return names


def unpack_autograder(autograder_zip, target):
    """The autograder zip, unpacked where only this user can read it."""
    os.chmod(target, 0o700)
    with zipfile.ZipFile(autograder_zip) as archive:
        archive.extractall(target)
    return Path(target)


def _start_lane(autograder_dir):
    global _LANE
    from autograder.engine import Lane

    _LANE = Lane(autograder_dir)
    # The lane's zygote reads the unpacked autograder while it starts, and grade() deletes that
    # folder once the pool has joined its processes. Closing the lane as its process exits makes
    # that join wait for the zygote too (a spawned process exits through atexit).
    atexit.register(_LANE.close)


def _grade_in_lane(submission, name, uid):
    return _LANE.grade(submission, name, uid)


def question_points(autograder_dir):
    """Points per question, from the Otter test files (without importing Otter)."""
    import re

    points = {}
    for question in paths.QUESTIONS:
        text = (Path(autograder_dir) / "tests" / f"{question}.py").read_text()
        points[question] = sum(int(p) for p in re.findall(r"@test_case\([^)]*points=(\d+)", text))
    return points


def prepare_out_dir(out_dir):
    """Create ``out_dir`` and make sure files can be written in it; raise OSError if not.

    Checked before grading, so that a bad ``--out`` costs nothing rather than a whole run.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "it is a file, not a folder", str(out_dir))
    out_dir.mkdir(parents=True, exist_ok=True)
    tempfile.TemporaryFile(dir=out_dir).close()  # permissions, a read-only file system
    return out_dir


def grade(submissions, out_dir, autograder_zip=paths.DIST / "autograder.zip", jobs=None, progress=True):
    """Grade every submission; write the per-submission files and grades.csv; return the outcomes."""
    out_dir = prepare_out_dir(out_dir)
    names = submission_names(submissions)
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(submissions)))
    if not sandbox.is_root() and progress:
        print(f"warning: {ISOLATION_WARNING}", file=sys.stderr)
    uid_base = sandbox.fresh_uid_base(len(submissions))
    work = [(str(Path(s).resolve()), n, uid_base + i) for i, (s, n) in enumerate(zip(submissions, names))]
    private = Path(tempfile.mkdtemp(prefix="autograder-"))
    outcomes = {}
    try:
        autograder_dir = unpack_autograder(autograder_zip, private)
        points = question_points(autograder_dir)
        with tqdm(total=len(work), desc="grading", unit="submission", disable=not progress, file=sys.stderr) as bar:
            # A grading process that dies (it should not) takes the pool with it: the submissions
            # it left ungraded go to a fresh pool, one at a time, then count as errors.
            for attempt_jobs in (jobs, 1):
                left = [w for w in work if w[1] not in outcomes]
                if not left:
                    break
                for outcome in _grade_in_pool(left, autograder_dir, attempt_jobs):
                    outcomes[outcome.name] = outcome
                    _write_submission_files(out_dir, outcome, points)
                    bar.update()
        for _, name, _ in work:
            if name not in outcomes:
                outcomes[name] = results.Outcome(name, status="error", message="its grading process died twice")
                _write_submission_files(out_dir, outcomes[name], points)
    finally:
        shutil.rmtree(private, ignore_errors=True)
    ordered = [outcomes[n] for n in names]
    results.write_gradebook(out_dir / "grades.csv", ordered)
    return ordered


def _grade_in_pool(work, autograder_dir, jobs):
    """Yield the outcomes of ``work`` as lanes finish them; stop quietly if the pool breaks."""
    context = multiprocessing.get_context("spawn")  # lanes start clean, sharing nothing
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_lane, initargs=(autograder_dir,)) as pool:
        futures = [pool.submit(_grade_in_lane, *item) for item in work]
        for future in as_completed(futures):
            try:
                yield future.result()
            except BrokenProcessPool:
                continue


def _write_submission_files(out_dir, outcome, points):
    folder = out_dir / outcome.name
    folder.mkdir(exist_ok=True)
    (folder / "results.json").write_text(json.dumps(results.gradescope_results(outcome, points), indent=2))
    (folder / "feedback.txt").write_text(results.feedback_text(outcome, points))
