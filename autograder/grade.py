"""Grade a folder of submissions without Docker: ``python -m autograder grade SUBMISSION... --out DIR``.

Each submission (a folder or a ``.zip``) is copied, its files set in place
the way the Gradescope autograder does it, and graded by ``otter run`` with
the built autograder zip in a child process with a time limit, several at
once. Writes ``DIR/<submission>/results.json`` (Gradescope format),
``DIR/<submission>/feedback.txt`` (what the student may see) and
``DIR/grades.csv`` (one row per submission). A broken submission gets status
``error`` or ``timeout`` and zero; it never stops the run.
"""
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from autograder import paths

sys.path.insert(0, str(paths.SUPPORT))
import submission_layout  # noqa: E402  (shared with the Gradescope zip and the driver notebook)

MAX_UNPACKED_BYTES = 50 * 2**20
DEFAULT_TIMEOUT_S = 300


@dataclass
class Outcome:
    name: str
    status: str = "ok"  # ok, timeout or error
    scores: dict = field(default_factory=dict)
    cases: list = field(default_factory=list)
    message: str = ""

    @property
    def total(self):
        return round(sum(self.scores.values()), 5)


def question_points():
    """Points of each question, read from the Otter test files."""
    points = {}
    for question in paths.QUESTIONS:
        namespace = {}
        exec(compile((paths.OTTER_TESTS / f"{question}.py").read_text(), question, "exec"), namespace)
        points[question] = sum(v.points for v in namespace.values() if type(v).__name__ == "test_case")
    return points


def submission_names(submissions):
    """A distinct, file-system-safe name per submission (its file or folder name)."""
    names, seen = [], {}
    for path in submissions:
        base = Path(path).name.removesuffix(".zip") or "submission"
        base = "".join(c if c.isalnum() or c in "-_." else "_" for c in base)
        seen[base] = seen.get(base, 0) + 1
        names.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return names


def _unpack(submission, target):
    """Copy a submission folder or unpack a zip into ``target`` (no links, no escaping paths, size capped)."""
    submission = Path(submission)
    if submission.is_dir():
        total = 0
        for path in submission.rglob("*"):
            if path.is_file() and not path.is_symlink():
                total += path.stat().st_size
                if total > MAX_UNPACKED_BYTES:
                    raise ValueError(f"the submission is larger than {MAX_UNPACKED_BYTES >> 20} MB")
                destination = target / path.relative_to(submission)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, destination)
        return
    if not zipfile.is_zipfile(submission):
        raise ValueError(f"{submission.name} is neither a folder nor a zip file")
    with zipfile.ZipFile(submission) as archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
            raise ValueError(f"the zip unpacks to more than {MAX_UNPACKED_BYTES >> 20} MB")
        for member in members:
            relative = Path(member.filename)
            if relative.is_absolute() or ".." in relative.parts:
                continue
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as source, open(destination, "wb") as out:
                shutil.copyfileobj(source, out)


def prepare(submission, workdir):
    """A zip of the submission's graded files, laid out as Otter expects; and notes on the layout."""
    unpacked = workdir / "unpacked"
    unpacked.mkdir()
    _unpack(submission, unpacked)
    notes = submission_layout.normalize(unpacked)
    prepared = workdir / "submission.zip"
    with zipfile.ZipFile(prepared, "w") as archive:
        for name in submission_layout.GRADED_FILES:
            if (unpacked / name).is_file():
                archive.write(unpacked / name, name)
    return prepared, notes


def grade_one(submission, name, autograder_zip, timeout):
    """Grade one submission in a child process; never raises."""
    outcome = Outcome(name)
    with tempfile.TemporaryDirectory(prefix="grade-") as workdir:
        workdir = Path(workdir)
        try:
            prepared, notes = prepare(submission, workdir)
        except (OSError, ValueError, zipfile.BadZipFile) as error:
            outcome.status, outcome.message = "error", f"could not read the submission: {error}"
            return outcome
        job = workdir / "job.json"
        try:
            run = subprocess.run(
                [sys.executable, "-m", "autograder.otter_job", str(autograder_zip), str(prepared), str(job)],
                capture_output=True, text=True, timeout=timeout, cwd=workdir,
                env=paths.env_with_path(paths.ROOT), stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            outcome.status, outcome.message = "timeout", f"grading did not finish within {timeout} s"
            return outcome
        if run.returncode != 0 or not job.exists():
            last = (run.stderr.strip().splitlines() or ["no error output"])[-1]
            outcome.status, outcome.message = "error", f"the grader failed: {last[:300]}"
            return outcome
        result = json.loads(job.read_text())
    outcome.cases = result["cases"]
    for test in result["gradescope"]["tests"]:
        if test.get("name") in paths.QUESTIONS:
            outcome.scores[test["name"]] = test["score"]
    outcome.message = "; ".join(notes)
    return outcome


def gradescope_results(outcome, points):
    """Gradescope's results.json: per question a scored entry (all checks, hidden from students
    until published) and a visible entry with the public checks' feedback."""
    tests = []
    for question in paths.QUESTIONS:
        cases = [c for c in outcome.cases if c["question"] == question]
        public = [c for c in cases if not c["hidden"]]
        tests.append({
            "name": f"{question} (public checks)",
            "visibility": "visible",
            "status": "passed" if all(c["passed"] for c in public) else "failed",
            "output": _case_report(public) or outcome.message or "not graded",
        })
        tests.append({
            "name": question,
            "score": outcome.scores.get(question, 0.0),
            "max_score": points[question],
            "visibility": "after_published",
            "output": _case_report(cases) or outcome.message or "not graded",
        })
    return {
        "score": outcome.total, "visibility": "visible", "stdout_visibility": "hidden",
        "output": f"Status: {outcome.status}. {outcome.message}".strip(), "tests": tests,
    }


def _case_report(cases):
    return "\n\n".join(
        f"{c['name']} ({c['points']} pt{'s' if c['points'] != 1 else ''}): "
        + ("passed" if c["passed"] else "failed\n" + c["message"].replace("❌ Test case failed\n", ""))
        for c in cases
    )


def feedback_text(outcome, points):
    """What a student may read: scores, public checks in full, hidden checks by name only."""
    lines = [f"Submission: {outcome.name}", f"Status: {outcome.status}"]
    if outcome.message:
        lines.append(f"Note: {outcome.message}")
    lines.append(f"Total: {outcome.total:g} / {sum(points.values())}\n")
    for question in paths.QUESTIONS:
        lines.append(f"== {question}: {outcome.scores.get(question, 0):g} / {points[question]}")
        for case in (c for c in outcome.cases if c["question"] == question):
            verdict = "passed" if case["passed"] else "FAILED"
            if case["hidden"]:
                lines.append(f"  [hidden] {case['name']}: {verdict}")
            else:
                lines.append(f"  {case['name']}: {verdict}")
                if not case["passed"]:
                    message = case["message"].replace("❌ Test case failed\n", "")
                    lines.extend("      " + line for line in message.splitlines())
        lines.append("")
    return "\n".join(lines)


def grade(submissions, out_dir, autograder_zip=paths.DIST / "autograder.zip", jobs=None,
          timeout=DEFAULT_TIMEOUT_S, progress=True):
    """Grade every submission; write the per-submission files and grades.csv; return the outcomes."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    autograder_zip = Path(autograder_zip).resolve()
    points = question_points()
    names = submission_names(submissions)
    outcomes = {}
    with ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
        futures = {
            pool.submit(grade_one, Path(s).resolve(), n, autograder_zip, timeout): n
            for s, n in zip(submissions, names)
        }
        for future in tqdm(as_completed(futures), total=len(futures), desc="grading", unit="submission",
                           disable=not progress, file=sys.stderr):
            outcome = future.result()
            outcomes[outcome.name] = outcome
            folder = out_dir / outcome.name
            folder.mkdir(exist_ok=True)
            (folder / "results.json").write_text(json.dumps(gradescope_results(outcome, points), indent=2))
            (folder / "feedback.txt").write_text(feedback_text(outcome, points))
    ordered = [outcomes[n] for n in names]
    with open(out_dir / "grades.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["submission", *paths.QUESTIONS, "total", "status", "message"])
        for o in ordered:
            writer.writerow([o.name, *(o.scores.get(q, 0.0) for q in paths.QUESTIONS), o.total, o.status, o.message])
    return ordered
