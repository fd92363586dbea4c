"""Grading through the real path: the built autograder zip, `python -m autograder grade` and `otter run`.

One session-wide run of the command line grades the reference solutions, the
untouched stubs, awkward layouts, every bug of the bug library and every
correct alternative; the tests then read its gradebook, results.json files and
feedback.
"""
import csv
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import buglib
from autograder import assignment as course
from autograder import package
from autograder.grade import question_points
from autograder.release import student_copy

RNN = course.load("rnn_shortcomings")

POINTS = question_points(RNN.checks, RNN.question_names)
LIBRARY = buglib.load(RNN)
CORRECT = buglib.load(RNN, buglib.CORRECT)


@pytest.fixture(scope="session")
def autograder_zip(tmp_path_factory):
    return package.build_autograder(RNN, tmp_path_factory.mktemp("dist") / "autograder.zip")


@pytest.fixture(scope="session")
def submissions(tmp_path_factory, exported_submission):
    root = tmp_path_factory.mktemp("submissions")
    subs = {
        "reference": student_copy(RNN, root / "reference", RNN.source),
        "stubs": student_copy(RNN, root / "stubs"),
    }
    # what the notebook's last cell packs (notebook, Otter's log, the five files), under a name the rows can use
    subs["exported"] = Path(shutil.copyfile(exported_submission, root / "exported.zip"))
    nested = root / "nested.zip"  # files inside one folder, next to a notebook, as students zip them
    with zipfile.ZipFile(nested, "w") as archive:
        for name in RNN.submitted_files:
            archive.write(RNN.source / name, f"my work/{name}")
        archive.writestr("my work/rnn_shortcomings.ipynb", "{}")
    subs["nested"] = nested
    broken = root / "broken.zip"
    broken.write_bytes(b"this is not a zip file")
    subs["broken"] = broken
    for name, entry in {**LIBRARY, **CORRECT}.items():
        subs[name] = buglib.write_submission(RNN, entry, root / name)
    return subs


@pytest.fixture(scope="session")
def graded(tmp_path_factory, autograder_zip, submissions):
    out = tmp_path_factory.mktemp("grades")
    run = subprocess.run(
        [sys.executable, "-m", "autograder", "grade", *map(str, submissions.values()),
         "--out", str(out), "--autograder", str(autograder_zip)],
        capture_output=True, text=True,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    with open(out / "grades.csv") as f:
        rows = {row["submission"]: row for row in csv.DictReader(f)}
    return out, rows


def scores(row):
    return {q: float(row[q]) for q in RNN.question_names}


def results(out, name):
    return json.loads((out / name / "results.json").read_text())


def test_reference_solutions_get_full_marks(graded):
    _, rows = graded
    assert scores(rows["reference"]) == {q: float(p) for q, p in POINTS.items()}
    assert float(rows["reference"]["total"]) == 100 and rows["reference"]["status"] == "ok"


def test_untouched_stubs_get_zero(graded):
    _, rows = graded
    assert scores(rows["stubs"]) == {q: 0.0 for q in RNN.question_names}
    assert rows["stubs"]["status"] == "ok"


def test_files_inside_a_folder_next_to_a_notebook_grade_like_flat_files(graded):
    _, rows = graded
    assert float(rows["nested"]["total"]) == 100
    assert "my work" in rows["nested"]["message"]


def test_a_broken_submission_is_an_error_with_zero_and_the_rest_still_grades(graded, submissions):
    _, rows = graded
    assert rows["broken"]["status"] == "error" and float(rows["broken"]["total"]) == 0
    assert "zip" in rows["broken"]["message"]
    assert len(rows) == len(submissions) == 5 + len(LIBRARY) + len(CORRECT)  # reference, stubs, exported, nested, broken


@pytest.mark.parametrize("bug", sorted(LIBRARY))
def test_each_bug_loses_its_own_questions_points_and_no_others(graded, bug):
    _, rows = graded
    expected = {q: float(LIBRARY[bug]["scores"].get(q, POINTS[q])) for q in RNN.question_names}
    assert scores(rows[bug]) == expected
    for question, score in LIBRARY[bug]["scores"].items():
        assert score < POINTS[question], f"{bug} is listed as breaking {question} but keeps full marks"


def test_the_libraries_are_apart_and_every_bug_breaks_something():
    assert not set(LIBRARY) & set(CORRECT)
    assert all(LIBRARY[bug]["scores"] and LIBRARY[bug]["hint"] for bug in LIBRARY)
    assert all("scores" not in entry and entry["says"] for entry in CORRECT.values())
    assert len(CORRECT) >= 12


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_each_correct_alternative_gets_full_marks_and_passes_every_check(graded, name):
    out, rows = graded
    assert scores(rows[name]) == {q: float(p) for q, p in POINTS.items()}
    assert float(rows[name]["total"]) == 100 and rows[name]["status"] == "ok"
    feedback = (out / name / "feedback.txt").read_text()
    assert "FAILED" not in feedback and "Hint:" not in feedback  # the checks worth 0 points too


CHECK_HEADING = re.compile(r"(?m)^(\w+) \(\d+ pts?\): (passed|failed)$")


def first_failed_check(output):
    """The message of the first failed check in a question's output ("name (N pts): failed" and what follows)."""
    headings = list(CHECK_HEADING.finditer(output))
    for heading, following in zip(headings, headings[1:] + [None]):
        if heading.group(2) == "failed":
            return output[heading.start():following.start() if following else len(output)]
    return None


def first_failure_seen(tests, question):
    """The first failed check of a question as the student meets it: public checks first, then the hidden ones."""
    outputs = {t["name"]: t["output"] for t in tests}
    return first_failed_check(outputs[f"{question} (public checks)"]) or first_failed_check(outputs[question])


@pytest.mark.parametrize("bug", sorted(LIBRARY))
def test_each_bug_is_named_by_the_first_failed_check_of_each_question_it_breaks(graded, bug):
    out, _ = graded
    tests = results(out, bug)["tests"]
    for question in LIBRARY[bug]["scores"]:
        message = first_failure_seen(tests, question)
        assert message is not None, (bug, question)
        assert LIBRARY[bug]["hint"] in message, (bug, question, message)


@pytest.mark.parametrize("bug", sorted(LIBRARY))
def test_no_bug_gets_a_hint_naming_another_mistake(graded, bug):
    out, _ = graded
    text = " ".join(t["output"] for t in results(out, bug)["tests"]) + (out / bug / "feedback.txt").read_text()
    same = set(LIBRARY[bug].get("same_as", []))
    named = [other for other in sorted(LIBRARY) if other != bug and other not in same
             and LIBRARY[other]["hint"] in text]
    assert not named, f"the feedback of {bug} names the mistake of {named}"


def test_same_as_lists_bugs_of_the_library_both_ways():
    for bug, entry in LIBRARY.items():
        for other in entry.get("same_as", []):
            assert other in LIBRARY and other != bug, (bug, other)
            assert bug in LIBRARY[other].get("same_as", []), f"{other} should list {bug} in same_as too"


@pytest.mark.parametrize("bug", sorted(name for name in LIBRARY if LIBRARY[name].get("not_hint")))
def test_no_bug_gets_a_hint_that_misleads(graded, bug):
    out, _ = graded
    text = " ".join(t["output"] for t in results(out, bug)["tests"]) + (out / bug / "feedback.txt").read_text()
    for phrase in LIBRARY[bug]["not_hint"]:
        assert phrase not in text, (bug, phrase)


def test_feedback_shows_the_checks_messages_not_their_code(graded):
    out, _ = graded
    for name in ("stubs", *LIBRARY):
        text = " ".join(t["output"] for t in results(out, name)["tests"]) + (out / name / "feedback.txt").read_text()
        for code in ("Error at line", "expect_case(", "expect_printed_lines(", "CheckFailed:"):
            assert code not in text, (name, code)


@pytest.mark.parametrize("name", ["reference", "clipping_clamps_like_pytorch", "clipping_without_eps"])
def test_both_readings_of_a_nan_total_norm_get_the_point(graded, name):
    # The reference returns the gradients unchanged for a nan norm, PyTorch's clamped form all nan.
    out, _ = graded
    clipping = next(t["output"] for t in results(out, name)["tests"] if t["name"] == "clipping")
    assert "nonfinite_norm_without_error (1 pt): passed" in clipping


def test_results_json_is_gradescope_format_with_question_named_tests(graded):
    out, rows = graded
    for name in ("reference", "stubs", "missing_bias"):
        data = results(out, name)
        assert data["score"] == float(rows[name]["total"])
        assert all(t["name"].split(" ")[0] in RNN.question_names for t in data["tests"])
        scored = [t for t in data["tests"] if "max_score" in t]
        assert sorted(t["name"] for t in scored) == sorted(RNN.question_names)
        assert sum(t["score"] for t in scored) == data["score"]
        assert all(t["visibility"] in ("visible", "hidden", "after_published") for t in data["tests"])


def test_what_students_see_names_no_hidden_check(graded):
    out, _ = graded
    hidden = {line.split("]")[1].split(":")[0].strip()
              for line in (out / "stubs" / "feedback.txt").read_text().splitlines() if "[hidden]" in line}
    assert len(hidden) >= 15
    for name in ("stubs", "missing_bias", "lstm_cs231n_gate_order"):
        visible = " ".join(t["output"] for t in results(out, name)["tests"] if t["visibility"] == "visible")
        assert not any(h in visible for h in hidden)
        feedback = (out / name / "feedback.txt").read_text()
        for line in feedback.splitlines():
            if "[hidden]" in line:
                assert line.rstrip().endswith(("passed", "FAILED"))


def test_the_notebooks_export_zip_grades_full_marks(graded):
    _, rows = graded
    assert float(rows["exported"]["total"]) == 100 and rows["exported"]["status"] == "ok"


@pytest.mark.parametrize("name", ["reference", "stubs", "missing_bias", "lstm_backward_drops_h_to_c", "exported"])
def test_otter_run_on_the_built_zip_gives_the_same_scores(graded, submissions, autograder_zip, tmp_path, name):
    _, rows = graded
    submission = tmp_path / "submission.zip"
    if zipfile.is_zipfile(submissions[name]):
        submission = submissions[name]  # as uploaded, the student's notebook inside
    else:
        with zipfile.ZipFile(submission, "w") as archive:
            for file in RNN.submitted_files:
                archive.write(submissions[name] / file, file)
    subprocess.run(["otter", "run", "-a", str(autograder_zip), str(submission), "-o", str(tmp_path), "--no-logo"],
                   check=True, capture_output=True)
    otter_scores = {t["name"]: t["score"] for t in json.loads((tmp_path / "results.json").read_text())["tests"]
                    if t["name"] in RNN.question_names}
    assert otter_scores == scores(rows[name])
