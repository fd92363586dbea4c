"""This kit beside the first one's stubs, and alone: what check.py says of the missing first assignment."""
import sys

from autograder import assignment as course
from test_student_kit import run

RNN = course.load("rnn_shortcomings")


def test_an_unfinished_first_assignment_is_named_where_it_raises(tmp_path):
    """The second kit beside the first one's stubs: a check names the stub's file and line, through
    earlier.py, and the line of the student's own file that called it, not the function it checked."""
    from autograder.build.release import student_copy

    second = course.load("beyond_recurrence")
    student_copy(RNN, tmp_path / RNN.name)
    folder = student_copy(second, tmp_path / second.name, second.source)
    check = run(sys.executable, "check.py", "gradient_paths", folder=folder)
    assert "rnn_path_norms stopped: rnn_forward is not implemented yet" in check.stdout, check.stdout[-3000:]
    said = " ".join(check.stdout.split())  # wrapped where the folder's path makes it fit
    assert f"../{RNN.name}/recurrence.py, line " in said
    assert "reached from gradient_paths.py, line " in said


def test_the_second_kit_alone_says_once_why_the_first_assignment_is_missing(tmp_path):
    """Unpacked away from the first kit, every gradient_paths check fails for one reason: the first says
    it in full, without fragments of source code, and the others point back to it."""
    from autograder.build.release import student_copy

    second = course.load("beyond_recurrence")
    folder = student_copy(second, tmp_path / second.name, second.source)
    check = run(sys.executable, "check.py", "gradient_paths", folder=folder)
    assert check.stdout.count("were found neither in") == 1, check.stdout
    assert check.stdout.count("(the same failure as last_step_upstream_small, above)") >= 3, check.stdout
    assert "raise ImportError(" not in check.stdout and "noqa" not in check.stdout, check.stdout
    assert "reached from gradient_paths.py, line " in " ".join(check.stdout.split())  # wrapped where it fits
