"""Every assignment's notebook runs headless to the end, with the solutions (checks pass, figures drawn)
and with the untouched stubs (checks fail cleanly, no cell errors)."""
import sys

import nbformat
import pytest

from autograder import assignment as course
from autograder.build import notebook
from autograder.build.release import course_copy

ASSIGNMENTS = course.every()


def text_of(nb):
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    return "\n".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in outputs)


def figures_drawn(assignment):
    """How many figures the notebook's cells show: one per plt.show() (each assignment's own lines its
    tests in tests/<assignment>/ check)."""
    return sum(cell.source.count("plt.show()") for cell in notebook.notebook(assignment).cells
               if cell.cell_type == "code")


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
        assert len(notebook.figures(nb)) == figures_drawn(assignment)
        for question in assignment.question_names:
            assert f"{question} results: All test cases passed!" in text
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
    assert len(begins) == len(ends) == len(assignment.written)
    for begin, end in zip(begins, ends):
        assert begin < end
        assert "_Points:_" in cells[begin].source
        assert cells[begin + 1].source == "_Type your answer here, replacing this text._"
        assert cells[begin].metadata["editable"] is False and cells[end].metadata["deletable"] is False


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


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=course.names())
def test_the_export_takes_the_students_own_files_as_the_grader_does_and_refuses_what_the_grader_would(
        tmp_path, assignment):
    from autograder.build.release import MACHINERY, student_copy
    from autograder.grading import engine

    folder = student_copy(assignment, tmp_path / "work")
    kits_modules = [path.stem for path in (folder / MACHINERY).glob("*.py")]
    others = {name: sys.modules.pop(name) for name in kits_modules if name in sys.modules}  # another kit's copy
    sys.path.insert(0, str(folder / MACHINERY))
    try:
        import notebook_support
    finally:
        sys.path.pop(0)
        for name in kits_modules:
            sys.modules.pop(name, None)
        sys.modules.update(others)
    assert (notebook_support.UPLOAD_BYTES, notebook_support.UPLOAD_ENTRIES) == (engine.MAX_UNPACKED_BYTES,
                                                                                 engine.MAX_ENTRIES)
    for name in ("norm_helper.py", "my_package/__init__.py", "data/one.txt", ".venv/lib/big.py",
                 "__pycache__/x.pyc", f"{assignment.name}_2026.zip", "notes.ipynb"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("x\n")
    files, refused = notebook_support.upload_files(folder)
    graded = list(assignment.submitted_files)
    assert refused is None
    assert sorted(files) == sorted(graded + ["norm_helper.py", "my_package/__init__.py", "data/one.txt"])
    with open(folder / "data" / "big.npy", "wb") as f:
        f.truncate(notebook_support.UPLOAD_BYTES + 1)
    assert notebook_support.upload_files(folder)[1] == "it unpacks to more than 50 MB"
