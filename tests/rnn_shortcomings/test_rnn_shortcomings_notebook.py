"""This assignment's notebook: what its run with the solutions prints, and a part that raises."""
from autograder import assignment as course
from autograder.build import notebook
from autograder.build.release import course_copy
from test_notebook import text_of

RNN = course.load("rnn_shortcomings")


def test_the_solved_notebook_prints_the_lectures_exploding_norm(solved_notebook):
    _, nb = solved_notebook(RNN)
    assert "Norm after 10 steps (exploding case): 14.03" in text_of(nb)


def test_notebook_runs_to_the_end_past_a_part_that_raises(tmp_path):
    folder = course_copy(tmp_path, solutions=True) / RNN.name
    broken = folder / "recurrence.py"  # rnn_forward passes a transposed Wx: rnn_step rejects its shape
    broken.write_text(broken.read_text().replace("rnn_step(X[t], h, Wx, Wh, b)", "rnn_step(X[t], h, Wx.T, Wh, b)"))
    text = text_of(notebook.execute(RNN, folder))
    assert "ValueError: Wx has shape" in text and "at recurrence.py, line" in text
    assert "lstm results: All test cases passed!" in text  # the parts after it still ran
