"""This kit's check.py, pytest and Otter's check on one bug, and check.py's help and totals."""
import sys

import buglib
from autograder import assignment as course
from test_student_kit import run

RNN = course.load("rnn_shortcomings")


def test_check_py_pytest_and_grader_check_give_one_verdict_on_a_failing_zero_point_check(tmp_path):
    """The bias left out of rnn_step fails a 0-point public check of bptt: every tool says so."""
    import buglib
    from autograder.build.release import student_copy

    folder = student_copy(RNN, tmp_path / "work", RNN.source)
    buglib.write_submission(RNN, buglib.load(RNN)["missing_bias"], folder)
    check = run(sys.executable, "check.py", "bptt", folder=folder)
    assert check.returncode == 1 and "all public checks passed" not in check.stdout, check.stdout[-2000:]
    tests = run(sys.executable, "-m", "pytest", "-q", "-k", "bptt", "-p", "no:cacheprovider", folder=folder)
    assert tests.returncode == 1, tests.stdout[-2000:]
    in_notebook = run(sys.executable, "-c", "import otter; r = otter.Notebook(tests_dir='tests').check('bptt'); "
                      "print(all(c.passed for c in r.test_case_results))", folder=folder)
    assert in_notebook.stdout.strip().endswith("False"), in_notebook.stdout[-2000:]


def test_check_py_answers_help_and_shows_each_checks_points_and_the_questions_total(tmp_path):
    from autograder.build.release import student_copy

    folder = student_copy(RNN, tmp_path / "work")
    usage = run(sys.executable, "check.py", "--help", folder=folder)
    assert usage.returncode == 0 and "usage: python check.py [QUESTION ...]" in usage.stdout
    assert all(q in usage.stdout for q in RNN.question_names) and "20 points   recurrence.py" in usage.stdout
    assert max(map(len, usage.stdout.splitlines())) <= 100
    unknown = run(sys.executable, "check.py", "--nope", folder=folder)
    assert unknown.returncode == 1 and "unknown question(s): --nope" in unknown.stderr
    stubs = run(sys.executable, "check.py", "recurrence", folder=folder)
    assert stubs.returncode == 1 and "❌ rnn_step_small_batch (3 pts)" in stubs.stdout
    assert buglib.says("recurrence: some public checks failed: 0 pts of the 10 pts its public checks are worth "
                       "(the question is worth 20 pts; hidden checks decide the rest)", stubs.stdout)
    assert max(map(len, stubs.stdout.splitlines())) <= 110, stubs.stdout
