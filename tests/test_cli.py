"""The command line as a TA meets it: `python -m autograder ...` run as a subprocess, its messages read."""
import csv
import os
import re
import subprocess
import sys

import pytest

from autograder import assignment as course
from autograder.build.release import student_copy
from autograder.grading.results import format_score

ASSIGNMENTS = course.every()


def autograder(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)],
                          capture_output=True, text=True, timeout=300, **kwargs)


def test_grading_leaves_no_traceback_and_no_temporary_folder(autograder_zip, tmp_path):
    # A missing submission ends the run while the lane's zygote may still be starting: the
    # run must wait for it instead of deleting the files it is importing. (Any assignment's zip
    # starts a lane; the first one's will do.)
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    for attempt in range(10):
        run = autograder("grade", "/no/such/path", "--out", tmp_path / "grades",
                         "--autograder", autograder_zip(ASSIGNMENTS[0]), env=env)
        assert run.returncode == 0, run.stderr
        assert "Traceback" not in run.stderr, f"attempt {attempt}:\n{run.stderr}"
        assert list(temp.iterdir()) == [], f"attempt {attempt} left {list(temp.iterdir())}"


@pytest.fixture(scope="session", params=ASSIGNMENTS, ids=course.names())
def graded_run(request, tmp_path_factory, autograder_zip):
    """An assignment, and a missing path, an empty folder and its reference solutions graded in one run."""
    assignment = request.param
    root = tmp_path_factory.mktemp("submissions")
    (root / "empty").mkdir()
    reference = student_copy(assignment, root / "reference", assignment.source)
    out = tmp_path_factory.mktemp("grades")
    # Links planted where the grader writes, as a process of the TA's own user could: written
    # through, they would replace a file and fill a folder outside --out.
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "forged.csv").write_text("forged\n")
    (out / "grades.csv").symlink_to(elsewhere / "forged.csv")
    (out / "reference").symlink_to(elsewhere, target_is_directory=True)
    run = autograder("grade", root / "no_such_submission", root / "empty", reference, "--out", out,
                     "--autograder", autograder_zip(assignment))
    with open(out / "grades.csv") as f:
        rows = {row["submission"]: row for row in csv.DictReader(f)}
    return assignment, run, rows, out, elsewhere


@pytest.fixture(scope="session")
def graded(graded_run):
    return graded_run[1:3]


def test_links_planted_in_out_are_replaced_not_followed(graded_run):
    _, _, _, out, elsewhere = graded_run
    assert sorted(p.name for p in elsewhere.iterdir()) == ["forged.csv"]
    assert (elsewhere / "forged.csv").read_text() == "forged\n"
    assert not (out / "grades.csv").is_symlink() and not (out / "reference").is_symlink()
    assert (out / "reference" / "results.json").is_file()
    assert not [p for p in out.rglob(".*")]  # no temporary file left behind


def test_a_missing_submission_is_an_error_saying_so_and_the_rest_still_grades(graded):
    run, rows = graded
    assert run.returncode == 0, run.stderr
    assert rows["no_such_submission"]["status"] == "error"
    assert rows["no_such_submission"]["message"].endswith("no_such_submission does not exist")
    assert "does not exist" in run.stdout  # the console table shows why, not only "error"
    assert rows["reference"]["total"] == "100" and rows["reference"]["status"] == "ok"


def test_an_empty_folder_is_an_error_not_a_graded_submission(graded_run):
    assignment, _, rows, _, _ = graded_run
    assert rows["empty"]["status"] == "error"
    expected = f"no submission files found (expected {', '.join(assignment.submitted_files)}"
    assert rows["empty"]["message"].startswith(expected), rows["empty"]["message"]


def test_the_gradebook_writes_every_score_the_same_way(graded_run):
    assignment, _, rows, _, _ = graded_run
    for row in rows.values():  # error rows included: "0", as for a submission that scored nothing
        assert all(re.fullmatch(r"\d+", row[column]) for column in (*assignment.question_names, "total")), row
    assert [format_score(s) for s in (0, 0.0, 25, 25.0, 12.5, 1 / 3, 99.999999)] == \
        ["0", "0", "25", "25", "12.5", "0.3333", "100"]


@pytest.mark.parametrize("where", ["under_a_file", "a_file"])
def test_an_out_folder_that_cannot_be_written_fails_at_once_in_one_line(tmp_path, where):
    a_file = tmp_path / "a_file"
    a_file.write_text("not a folder")
    out = a_file / "grades" if where == "under_a_file" else a_file
    missing_zip = tmp_path / "autograder.zip"  # would be built first if the check came late
    run = autograder("grade", tmp_path, "--out", out, "--autograder", missing_zip)
    assert run.returncode == 2
    assert run.stderr.startswith(f"error: cannot write to --out {out}: ") and run.stderr.count("\n") == 1, run.stderr
    assert run.stdout == "" and not missing_zip.exists()


@pytest.mark.parametrize("command", ["", "build", "figures", "grade", "crosscheck"])
def test_every_help_is_plain_text_with_a_description(command):
    run = autograder(*command.split(), "--help")
    assert run.returncode == 0, run.stderr
    assert "``" not in run.stdout and "`" not in run.stdout
    description = run.stdout.split("\n\n")[1]  # argparse: usage, blank line, description, blank line, ...
    assert not description.startswith(("positional arguments:", "options:")), run.stdout
    assert len(description.split()) >= 8, description
