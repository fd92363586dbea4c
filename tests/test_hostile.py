"""Hostile and broken submissions get a correct, unforged score and a clear message, through the real paths.

The library is graded once by `python -m autograder grade` (as root here, so
with privilege dropping and hidden paths); a few entries also go through the
Gradescope entry point of the built zip.
"""
import csv
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile

import pytest

import buglib
from autograder import paths, sandbox
from autograder.grade import question_points

POINTS = question_points(paths.PACKAGE)
LIBRARY = buglib.load(buglib.HOSTILE)
FORGED_SCORE = "999"


@pytest.fixture(scope="session")
def autograder_zip(tmp_path_factory):
    from autograder import package

    return package.build_autograder(tmp_path_factory.mktemp("dist") / "autograder.zip")


def hostile_env(out):
    return {**os.environ, "REPO_ROOT": str(paths.ROOT),
            "FORGE_TARGET": str(out / "forges_results_later" / "results.json")}


@pytest.fixture(scope="session")
def graded(tmp_path_factory, autograder_zip):
    root = tmp_path_factory.mktemp("hostile")
    submissions = [buglib.write_submission(entry, root / name) for name, entry in LIBRARY.items()]
    out = tmp_path_factory.mktemp("grades")
    run = subprocess.run(
        [sys.executable, "-m", "autograder", "grade", *map(str, submissions), "--out", str(out),
         "--autograder", str(autograder_zip)],
        capture_output=True, text=True, env=hostile_env(out), timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    time.sleep(4)  # give anything left running the time to try its forgery
    with open(out / "grades.csv") as f:
        rows = {row["submission"]: row for row in csv.DictReader(f)}
    return out, rows


def expected_scores(name):
    return {q: float(LIBRARY[name]["scores"].get(q, POINTS[q])) for q in paths.QUESTIONS}


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_hostile_submission_gets_its_correct_score_and_status(graded, name):
    _, rows = graded
    assert {q: float(rows[name][q]) for q in paths.QUESTIONS} == expected_scores(name)
    assert rows[name]["status"] == LIBRARY[name]["status"]


@pytest.mark.parametrize("name", sorted(n for n in LIBRARY if "says" in LIBRARY[n]))
def test_hostile_submission_is_told_what_happened(graded, name):
    out, _ = graded
    question = next(iter(LIBRARY[name]["scores"]))
    report = json.loads((out / name / "results.json").read_text())
    output = next(t["output"] for t in report["tests"] if t["name"] == question)
    assert LIBRARY[name]["says"] in output


def test_nothing_forges_a_result_even_later(graded):
    out, rows = graded
    report = json.loads((out / "forges_results_later" / "results.json").read_text())
    assert report["score"] == 100 and float(rows["forges_results_later"]["total"]) == 100
    for path in out.rglob("*"):
        if path.is_file():
            assert FORGED_SCORE not in path.read_text(errors="replace") or path.name == "feedback.txt"


@pytest.mark.skipif(not sandbox.is_root(), reason="privilege dropping needs root")
def test_student_code_cannot_read_tests_solutions_or_reference_values(graded):
    out, _ = graded
    report = (out / "reads_hidden_tests_and_answers" / "results.json").read_text()
    assert "NOTHING FOUND" in report and "LEAKED /" not in report


@pytest.mark.skipif(not sandbox.is_root(), reason="privilege dropping needs root")
def test_no_process_of_a_submission_outlives_its_grading(graded):
    leftovers = subprocess.run(["ps", "-eo", "uid=,pid=,args="], capture_output=True, text=True).stdout
    uids = [int(line.split()[0]) for line in leftovers.splitlines() if line.strip()]
    assert not [u for u in uids if u >= sandbox.UID_BASE]


def test_visible_feedback_holds_no_hidden_check_and_is_capped(graded):
    out, _ = graded
    hidden_sources = hidden_test_sources()
    for name in LIBRARY:
        report = json.loads((out / name / "results.json").read_text())
        visible = [t["output"] for t in report["tests"] if t["visibility"] == "visible"] + [report["output"]]
        visible.append((out / name / "feedback.txt").read_text())
        for text in visible:
            assert len(text) < 30_000
            for source_line in hidden_sources:
                assert source_line not in text, (name, source_line)


def hidden_test_sources():
    """Distinctive lines of the hidden checks: their statements that no public check has."""
    import ast

    from autograder import release

    lines = set()
    for path, node, source in release.hidden_test_functions():
        public_text = (paths.RELEASE / "tests" / path.name).read_text()
        for statement in node.body:
            first_line = ast.get_source_segment(source, statement).split("\n")[0]
            if first_line not in public_text:
                lines.add(first_line)
    return lines


def run_gradescope(autograder_zip, submission_folder, root, env=None):
    """Grade like Gradescope: the zip in root/source, the submission in root/submission."""
    with zipfile.ZipFile(autograder_zip) as archive:
        archive.extractall(root / "source")
    shutil.copytree(submission_folder, root / "submission")
    run = subprocess.run([sys.executable, str(root / "source" / "run_otter.py")], capture_output=True, text=True,
                         env={**(env or os.environ), "AUTOGRADER_ROOT": str(root)}, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    return root / "results" / "results.json"


@pytest.mark.parametrize("name", ["import_infinite_loop", "import_calls_sys_exit", "function_calls_os_exit",
                                  "forges_results_later", "monkeypatches_numpy_and_the_checks"])
def test_gradescope_entry_grades_hostile_submissions_the_same(graded, autograder_zip, tmp_path, name):
    _, rows = graded
    submission = buglib.write_submission(LIBRARY[name], tmp_path / "work")
    results_json = run_gradescope(autograder_zip, submission, tmp_path / "autograder",
                                  env={**hostile_env(tmp_path), "FORGE_TARGET": str(tmp_path / "autograder" / "results" / "results.json")})
    time.sleep(4 if name == "forges_results_later" else 0)
    report = json.loads(results_json.read_text())
    scored = {t["name"]: t["score"] for t in report["tests"] if "score" in t}
    assert scored == {q: float(rows[name][q]) for q in paths.QUESTIONS}
    assert report["score"] == float(rows[name]["total"])
