"""Written answers: read from the notebook as data, whatever its shape, and shown to the graders."""
import json

import pytest

from autograder import assignment as course
from autograder import notebook, written

ASSIGNMENTS = course.every()
RNN = course.load("rnn_shortcomings")
QUESTIONS = [q.name for q in RNN.written]


def course_notebook(answers=None, assignment=RNN):
    """The course's notebook as JSON text, each placeholder replaced by the next of ``answers`` (None: kept)."""
    nb = json.loads(notebook_text(assignment))
    queue = list(answers or [])
    for cell in nb["cells"]:
        if "".join(cell["source"]) == written.PLACEHOLDER and queue:
            answer = queue.pop(0)
            if answer is not None:
                cell["source"] = answer
    return json.dumps(nb)


def notebook_text(assignment):
    import nbformat

    return nbformat.writes(notebook.notebook(assignment))


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=course.names())
def test_the_notebook_holds_exactly_the_manifests_written_questions_in_order(assignment):
    text = notebook_text(assignment)
    nb = json.loads(text)
    begins = [c for c in nb["cells"] if written.BEGIN in "".join(c["source"])]
    named = [written._NAME.search("".join(c["source"])).group(1) for c in begins]
    assert named == [q.name for q in assignment.written]
    assert all(c["metadata"].get("editable") is False for c in begins)  # locked, as Otter Assign locks them


def test_answers_are_read_as_typed_and_placeholders_are_not_answers():
    answers = written.read_answers(course_notebook(["The forget gate keeps $f \\approx 1$.\n\n* a list"]), QUESTIONS)
    assert answers["lstm_gradient"] == written.Answer("The forget gate keeps $f \\approx 1$.\n\n* a list")
    assert answers["counter_example"].text is None
    assert "placeholder" in answers["counter_example"].note


def test_an_answer_in_several_cells_or_code_cells_is_kept_whole():
    nb = json.loads(course_notebook())
    i = next(k for k, c in enumerate(nb["cells"]) if "".join(c["source"]) == written.PLACEHOLDER)
    nb["cells"][i]["source"] = "First part."
    nb["cells"].insert(i + 1, {"cell_type": "code", "source": "print(1)", "metadata": {}, "outputs": []})
    answer = written.read_answers(json.dumps(nb), QUESTIONS)["lstm_gradient"]
    assert answer.text == "First part.\n\n```python\nprint(1)\n```"


def test_an_answer_typed_into_the_prompt_cell_is_found():
    nb = json.loads(course_notebook())
    prompt = next(c for c in nb["cells"] if "Question `lstm_gradient`" in "".join(c["source"]))
    prompt["source"] = "".join(prompt["source"]) + "\n\nMy answer, in the prompt's cell."
    assert written.read_answers(json.dumps(nb), QUESTIONS)["lstm_gradient"].text == "My answer, in the prompt's cell."


@pytest.mark.parametrize("data", [b"not json", b"[1, 2]", b'{"cells": 3}', b"[" * 100_000 + b"]" * 100_000,
                                  b'{"cells": [{"source": 7}, 5, {"source": ["<!-- BEGIN QUESTION -->", 3]}]}'],
                         ids=["text", "a list", "cells not a list", "nested deeper than the parser goes", "odd cells"])
def test_any_notebook_bytes_give_every_question_an_answer_or_a_reason(data):
    answers = written.read_answers(data, QUESTIONS)
    assert set(answers) == set(QUESTIONS)
    assert all(a.text is None and a.note for a in answers.values())


def test_a_long_answer_is_cut_and_says_so():
    answer = written.read_answers(course_notebook(["x" * 50_000]), QUESTIONS)["lstm_gradient"]
    assert len(answer.text) < written.MAX_ANSWER_CHARS + 100 and "cut" in answer.note


def test_the_notebook_is_found_anywhere_and_the_courses_name_wins(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "scratch.ipynb").write_text("{}")
    (tmp_path / "a" / "b" / RNN.notebook).write_text(course_notebook(["deep"]))
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / RNN.notebook).write_text(course_notebook(["old checkpoint"]))
    answers = written.answers_of(tmp_path, RNN.notebook, QUESTIONS)
    assert answers["lstm_gradient"].text == "deep"


def test_no_notebook_says_so(tmp_path):
    assert {a.note for a in written.answers_of(tmp_path, RNN.notebook, QUESTIONS).values()} == {
        "no notebook in the submission"}


def test_the_page_escapes_what_students_type():
    rows = [("alice", written.Answer("<script>alert(1)</script> & $x$")), ("bob", written.Answer(None, "no notebook"))]
    page = written.question_page(RNN.title, RNN.written[0], rows, QUESTIONS)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; $x$" in page
    assert "Content-Security-Policy" in page and "1 of 2 submissions answered" in page
