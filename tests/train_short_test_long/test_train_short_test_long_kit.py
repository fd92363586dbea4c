"""This kit beside the second one's, and alone: multihead.py's heads are the second assignment's
attention_weights, found by earlier.py as the second kit finds the first one's modules."""
import sys

from autograder import assignment as course
from autograder.build.release import student_copy
from test_student_kit import run

SECOND = course.load("beyond_recurrence")
THIRD = course.load("train_short_test_long")


def finished_third_kit(root):
    """The third kit with the reference solutions in place of its stubs, in ``root``."""
    return student_copy(THIRD, root / THIRD.name, THIRD.source)


def test_an_unfinished_second_assignment_is_named_where_it_raises(tmp_path):
    """Beside the second kit's stubs, a multihead check names attention.py's stub, its file and line,
    and the line of the student's multihead.py that called it."""
    student_copy(SECOND, tmp_path / SECOND.name)
    check = run(sys.executable, "check.py", "multihead", folder=finished_third_kit(tmp_path))
    text = " ".join(check.stdout.split())
    assert "multihead_attention_forward stopped: attention_weights is not implemented yet" in text, text[-3000:]
    assert f"../{SECOND.name}/attention.py, line " in text
    assert "reached from multihead.py, line " in text


def test_the_students_own_attention_is_used_and_this_folders_copy_first(tmp_path):
    """A wrong attention_weights in the second kit fails the third's checks on the student's computer (the
    grader runs the reference attention.py: library/correct.toml's multihead_beside_a_wrong_attention);
    a right attention.py copied into the third's folder is found before it."""
    second = student_copy(SECOND, tmp_path / SECOND.name, SECOND.source)
    wrong = (SECOND.source / "attention.py").read_text().replace("A /= A.sum(axis=-1, keepdims=True)",
                                                                 "A /= A.sum(axis=-2, keepdims=True)")
    (second / "attention.py").write_text(wrong)
    folder = finished_third_kit(tmp_path)
    check = run(sys.executable, "check.py", "multihead", folder=folder)
    assert check.returncode == 1 and "❌ multihead_forward_small_batch" in check.stdout, check.stdout[-3000:]

    (folder / "attention.py").write_bytes((SECOND.source / "attention.py").read_bytes())
    check = run(sys.executable, "check.py", "multihead", folder=folder)
    assert check.returncode == 0 and "all public checks passed" in check.stdout, check.stdout[-3000:]


def test_the_third_kit_alone_says_once_why_the_second_assignment_is_missing(tmp_path):
    """Unpacked away from the second kit, every multihead check fails for one reason: the first says it in
    full, without fragments of source code, and the others point back to it. The other questions do not
    need the second assignment."""
    folder = finished_third_kit(tmp_path)
    check = run(sys.executable, "check.py", "multihead", folder=folder)
    text = " ".join(check.stdout.split())
    assert text.count("the second assignment's attention.py was found neither in") == 1, text
    assert text.count("(the same failure as multihead_forward_small_batch, above)") >= 2, text
    assert "raise ImportError(" not in text and "noqa" not in text, text
    assert "reached from multihead.py, line " in text
    for question in ("positions", "language_model"):
        assert run(sys.executable, "check.py", question, folder=folder).returncode == 0
