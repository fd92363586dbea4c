"""Every assignment's notebook runs headless to the end, with the solutions (checks pass, figures drawn)
and with the untouched stubs (checks fail cleanly, no cell errors)."""
import sys

import nbformat
import pytest

from autograder import assignment as course
from autograder.build import notebook
from autograder.build.release import course_copy

ASSIGNMENTS = course.every()
RNN = course.load("rnn_shortcomings")
# What a run with the solutions shows: its figures, a line its printed check prints, its written questions.
EXPECTED = {
    # iterate_map, Jacobian powers, RNN vs LSTM gradient norms, clipping in training, adding problem
    "rnn_shortcomings": {"figures": 5, "printed": "Norm after 10 steps (exploding case): 14.03", "written": 2},
    # GRU vs RNN and LSTM gradient norms, attention weights, gradient paths, the adding problem at T = 200
    "beyond_recurrence": {"figures": 4, "printed": "attention: gradient norm at distance 50: ", "written": 1},
}


def text_of(nb):
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    return "\n".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in outputs)


def test_every_assignment_has_its_expectations_here():
    assert sorted(EXPECTED) == sorted(course.names())


@pytest.mark.parametrize("files_from", ["solutions", "stubs"])
@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=course.names())
def test_notebook_runs_to_the_end(assignment, files_from, tmp_path, solved_notebook):
    if files_from == "solutions":
        _, nb = solved_notebook(assignment)  # the run the export zip comes from
    else:
        nb = notebook.execute(assignment, course_copy(tmp_path) / assignment.name)
    # notebook.execute raises CellExecutionError on any cell error
    text = text_of(nb)
    if files_from == "solutions":
        assert len(notebook.figures(nb)) == EXPECTED[assignment.name]["figures"]
        for question in assignment.question_names:
            assert f"{question} results: All test cases passed!" in text
        assert EXPECTED[assignment.name]["printed"] in text
        for question in assignment.written:  # the placeholders are still there: the export cell says so
            assert f"Warning: your answer to the written question {question.name} is still the placeholder" in text
    else:
        assert notebook.figures(nb) == []
        assert "<Figure" not in text  # no empty figure left by a part that could not run
        assert "not implemented yet" in text
        assert "All test cases passed" not in text


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=course.names())
def test_written_questions_are_marked_for_manual_grading_as_otter_assign_marks_them(assignment):
    cells = notebook.notebook(assignment).cells
    begins = [i for i, c in enumerate(cells) if c.source.startswith("<!-- BEGIN QUESTION -->")]
    ends = [i for i, c in enumerate(cells) if c.source.startswith("<!-- END QUESTION -->")]
    assert len(begins) == len(ends) == EXPECTED[assignment.name]["written"]
    for begin, end in zip(begins, ends):
        assert begin < end
        assert "_Points:_" in cells[begin].source
        assert cells[begin + 1].source == "_Type your answer here, replacing this text._"
        assert cells[begin].metadata["editable"] is False and cells[end].metadata["deletable"] is False


def test_notebook_runs_to_the_end_past_a_part_that_raises(tmp_path):
    folder = course_copy(tmp_path, solutions=True) / RNN.name
    broken = folder / "recurrence.py"  # rnn_forward passes a transposed Wx: rnn_step rejects its shape
    broken.write_text(broken.read_text().replace("rnn_step(X[t], h, Wx, Wh, b)", "rnn_step(X[t], h, Wx.T, Wh, b)"))
    text = text_of(notebook.execute(RNN, folder))
    assert "ValueError: Wx has shape" in text and "at recurrence.py, line" in text
    assert "lstm results: All test cases passed!" in text  # the parts after it still ran


def test_the_second_notebook_alone_says_once_why_and_each_part_fails_in_one_line(tmp_path):
    import shutil

    beyond = course.load("beyond_recurrence")
    folder = course_copy(tmp_path) / beyond.name
    shutil.rmtree(folder.parent / RNN.name)  # the second kit unpacked alone, without the first one's files
    text = text_of(notebook.execute(beyond, folder))
    assert "The first assignment's modules: ImportError: the first assignment's" in text
    assert "NameError" not in text and "Traceback" not in text
    assert "rnn_forward / rnn_backward (first assignment): ImportError: recurrence.py is not available" in text


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=course.names())
def test_the_figures_command_runs_the_notebook_beside_every_assignment(assignment, tmp_path, monkeypatch):
    # As students unpack the zips: a later assignment's notebook imports an earlier one's modules.
    seen = {}

    def execute(given, folder):
        seen["folders"] = sorted(p.name for p in folder.parent.iterdir())
        seen["solutions"] = all((folder / f).read_text() == (assignment.source / f).read_text()
                                for f in assignment.submitted_files)
        return notebook.nbformat.v4.new_notebook()

    monkeypatch.setattr(notebook, "execute", execute)
    written = notebook.save_figures(assignment, tmp_path)
    assert seen == {"folders": sorted(course.names()), "solutions": True}
    assert [p.name for p in written] == [f"{assignment.name}.executed.ipynb"]


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=course.names())
def test_the_notebook_holds_what_jupyterlab_would_write_into_it_on_opening(assignment):
    """JupyterLab marks a notebook modified when opening it adds metadata (seen in JupyterLab 4.6.6):
    the kernelspec and language_info must be ipykernel's, but for the student's Python version."""
    import ipykernel.ipkernel
    import ipykernel.kernelspec

    metadata = nbformat.read(str(assignment.release / assignment.notebook), as_version=4).metadata
    spec = ipykernel.kernelspec.get_kernel_dict()
    assert metadata.kernelspec == {"name": "python3", "display_name": spec["display_name"], "language": spec["language"]}
    expected = {k: v for k, v in ipykernel.ipkernel.IPythonKernel.language_info.items() if k != "version"}
    assert metadata.language_info == expected


def test_the_export_takes_the_students_own_files_as_the_grader_does_and_refuses_what_the_grader_would(tmp_path):
    from autograder.build.release import MACHINERY, student_copy
    from autograder.grading import engine

    folder = student_copy(course.load("rnn_shortcomings"), tmp_path / "work")
    sys.path.insert(0, str(folder / MACHINERY))
    try:
        import notebook_support
    finally:
        sys.path.pop(0)
        sys.modules.pop("notebook_support", None)  # the kit's copy: other assignments have their own
    assert (notebook_support.UPLOAD_BYTES, notebook_support.UPLOAD_ENTRIES) == (engine.MAX_UNPACKED_BYTES,
                                                                                 engine.MAX_ENTRIES)
    for name in ("norm_helper.py", "my_package/__init__.py", "data/one.txt", ".venv/lib/big.py",
                 "__pycache__/x.pyc", "rnn_shortcomings_2026.zip", "notes.ipynb"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("x\n")
    files, refused = notebook_support.upload_files(folder)
    graded = [q.file for q in course.load("rnn_shortcomings").questions]
    assert refused is None
    assert sorted(files) == sorted(graded + ["norm_helper.py", "my_package/__init__.py", "data/one.txt"])
    with open(folder / "data" / "big.npy", "wb") as f:
        f.truncate(notebook_support.UPLOAD_BYTES + 1)
    assert notebook_support.upload_files(folder)[1] == "it unpacks to more than 50 MB"
