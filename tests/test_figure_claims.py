"""Every figure of every notebook says what its data shows, on axes where it can be seen.

The figures are those of the session's headless run of each notebook with the
reference solutions (conftest's ``solved_notebook``, recorded at each
``plt.show()`` by tests/notebook_figures.py); a notebook changed by a bug runs
here, in this process (shell and ``grader`` lines left out). For each figure a
claim function of its assignment (``CLAIMS`` in ``tests/<assignment>/figure_claims.py``, written with
the notebook) reads the lines the figure draws and checks its title against them: the title is
computed from the data in the notebook, and these checks say which statement the data must make
with the reference (who survives, who is solved, what ends below the baseline), with margins that
hold on any CPU.
"""
import contextlib
import importlib.util
import io
import os
import sys
from pathlib import Path

import matplotlib
import pytest

import buglib
from autograder import assignment as course
from autograder.build import notebook
from autograder.build.release import course_copy
from figure_reading import title

SKIPPED_LINES = ("%", "!", "grader", "import otter")


def drawn_figures(assignment, root, bug=None):
    """The figures the notebook of ``assignment`` draws with the reference solutions (changed as the bug
    library's entry ``bug`` says, if given), in order."""
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = course_copy(root, solutions=True) / assignment.name
    if bug:
        buglib.write_submission(assignment, buglib.load(assignment)[bug], folder)
    shown = []
    show, here, environment = plt.show, os.getcwd(), dict(os.environ)  # the set-up cell sets a variable
    plt.show = lambda *args, **kwargs: shown.append(plt.gcf()) or plt.figure()
    # As in a fresh kernel: no module of the same name that other tests imported from elsewhere.
    names = {path.stem for path in folder.parent.glob("*/*.py")}
    others = {name: sys.modules.pop(name) for name in names if name in sys.modules}
    imported_before, path_before = set(sys.modules), list(sys.path)  # the set-up cell adds the kit's helpers
    sys.path.insert(0, str(folder))
    os.chdir(folder)
    try:
        namespace = {}
        for cell in notebook.notebook(assignment).cells:
            if cell.cell_type == "code":
                source = "\n".join(line for line in cell.source.splitlines()
                                   if not line.lstrip().startswith(SKIPPED_LINES))
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(compile(source, cell.id, "exec"), namespace)  # noqa: S102 - the course's own notebook
    finally:
        os.chdir(here)
        os.environ.clear()
        os.environ.update(environment)
        sys.path[:] = path_before
        plt.show = show
        for name in set(sys.modules) - imported_before:
            del sys.modules[name]  # the kit's notebook_support, manifest, ...: another kit's test imports its own
        sys.modules.update(others)
    return shown


def claims_of(name):
    """The claims of assignment ``name``'s figures, one per figure in order (``CLAIMS`` of its
    tests/<name>/figure_claims.py, written with its notebook), or none."""
    path = Path(__file__).parent / name / "figure_claims.py"
    if not path.exists():
        return []
    spec = importlib.util.spec_from_file_location(f"figure_claims_of_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CLAIMS


@pytest.mark.parametrize("name", course.names())
def test_each_figures_title_states_what_its_data_shows(solved_figures, name):
    """Every figure has a title; an assignment's claims (``claims_of``) say which
    statement each title must make of the data."""
    drawn = solved_figures(course.load(name))
    assert drawn, "the notebook showed no figure (or its run recorded none)"
    assert all(title(figure).strip() for figure in drawn), [title(figure) for figure in drawn]
    claims = claims_of(name)
    assert len(drawn) == len(claims) or not claims
    for number, (figure, claim) in enumerate(zip(drawn, claims), start=1):
        try:
            claim(figure)
        except AssertionError as error:
            raise AssertionError(f"{name} figure {number} ({title(figure)!r}): {error}") from None


def test_every_assignments_claims_file_is_read():
    written = sorted(path.parent.name for path in Path(__file__).parent.glob("*/figure_claims.py"))
    assert written and all(claims_of(name) for name in written)
    assert set(written) <= set(course.names())  # a folder of the claims of an assignment the course holds


def test_a_figure_drawn_with_a_students_wrong_function_says_it_departs_from_the_text(tmp_path):
    """The clipping run uses the student's rnn_backward: with a bptt bug its title says the loss does not end
    below 1/6 as the reference's does, and the text above the figure says whose functions it uses."""
    rnn = course.load("rnn_shortcomings")
    clipping = drawn_figures(rnn, tmp_path, bug="bptt_without_tanh_derivative")[3]
    assert "not below 1/6 as with the reference functions" in title(clipping)
    cells = [cell.source for cell in notebook.notebook(rnn).cells]
    text = next(source for source in cells if "Clipping in a training run" in source)
    assert "This text describes the reference solutions" in text and "**your**" in text
