"""A check's points are counted once, from its @test_case(...) (engine.declared_points), as Otter reads them."""
import pytest
from otter.test_files import ExceptionTestFile

from autograder import assignment as course
from autograder.grading.engine import declared_points, question_points

CHECKS = '''from otter.test_files import test_case

name = "q"

@test_case(name="half", points=0.5, hidden=False)
def test_half():
    pass


@test_case(name="after(a parenthesis)", hidden=True, points=2)
def test_after_a_parenthesis():
    pass
'''


def test_the_points_read_are_otters_own_whole_or_not_whatever_comes_before_them(tmp_path):
    (tmp_path / "q.py").write_text(CHECKS)
    otter = ExceptionTestFile.from_file(str(tmp_path / "q.py"))
    assert declared_points(CHECKS) == {case.name: case.points for case in otter.test_cases} == {
        "half": 0.5, "after(a parenthesis)": 2}
    assert question_points(tmp_path, ["q"]) == {"q": 2.5}


def test_a_check_without_points_is_refused_by_name():
    with pytest.raises(ValueError, match="unpriced states no points"):
        declared_points('@test_case(name="unpriced")\ndef test_unpriced():\n    pass\n')


@pytest.mark.parametrize("assignment", course.every(), ids=lambda a: a.name)
def test_every_questions_checks_add_up_to_the_manifests_points(assignment):
    assert question_points(assignment.checks, assignment.question_names) == assignment.points
