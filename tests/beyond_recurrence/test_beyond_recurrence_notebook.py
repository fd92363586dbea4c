"""This assignment's notebook: what its run with the solutions prints, and its run without the first kit."""
import shutil

from autograder import assignment as course
from autograder.build import notebook
from autograder.build.release import course_copy
from test_notebook import text_of

BEYOND = course.load("beyond_recurrence")


def test_the_solved_notebook_prints_attentions_gradient_at_distance_50(solved_notebook):
    _, nb = solved_notebook(BEYOND)
    assert "attention: gradient norm at distance 50: " in text_of(nb)


def test_the_second_notebook_alone_says_once_why_and_each_part_fails_in_one_line(tmp_path):
    folder = course_copy(tmp_path) / BEYOND.name
    for other in BEYOND.other_sources:  # the second kit unpacked alone, without the first one's files
        shutil.rmtree(folder.parent / other.name)
    text = text_of(notebook.execute(BEYOND, folder))
    assert "The first assignment's modules: ImportError: the first assignment's" in text
    assert "NameError" not in text and "Traceback" not in text
    assert "rnn_forward / rnn_backward (first assignment): ImportError: recurrence.py is not available" in text
