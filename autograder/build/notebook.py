"""The student notebook: written with nbformat by the release build from the cells of the
assignment's ``grading/notebook.py`` (``CELLS``, each ``(kind, source)``), and run headless.
"""
import base64
import os
import subprocess
import tempfile
from pathlib import Path

import nbformat

from autograder.grading import written


# The first code cell of every assignment's notebook: its imports, Otter's grader, and the helpers
# ``attempt`` (lets "Run All" reach the end while parts are unfinished or broken) and ``unanswered``.
SETUP = r"""import os
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy: small matrices run faster on one thread
%load_ext autoreload
%autoreload 2
%matplotlib inline
import sys
import runpy
import numpy as np
import matplotlib.pyplot as plt
import otter

sys.path.insert(0, "tests/support")  # the checks' machinery, and this notebook's helpers
from notebook_support import YOUR_FILES, attempt, readable, unanswered, upload_files

# Colours that stay distinct for colour-blind readers (Okabe and Ito): RNN, LSTM, GRU, attention, ...
plt.rcParams["axes.prop_cycle"] = plt.cycler(color=["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7",
                                                    "#56B4E9", "#F0E442", "#000000"])

{IMPORTS}

NOTEBOOK = {NOTEBOOK}
grader = otter.Notebook(NOTEBOOK, tests_dir="tests")"""


def setup_cell(assignment, imports):
    """The notebook's set-up cell for ``assignment``, importing its modules with the line ``imports``."""
    return SETUP.replace("{IMPORTS}", imports).replace("{NOTEBOOK}", repr(assignment.notebook))


# The last cell of every notebook: the zip to upload, after a warning for each written answer not typed yet.
EXPORT = r"""for name in unanswered(NOTEBOOK):
    print(readable(f"Warning: your answer to the written question {name} is still the placeholder (in the "
                   "notebook as last saved). Double-click its answer cell, type your answer, save (Ctrl-S / "
                   "Cmd-S), then run this cell again."))
files, refused = upload_files()
if refused:
    print(readable(f"The grader would refuse this upload: {refused}. Move what your code does not need "
                   "(large data, a .venv) out of this folder, then run this cell again."))
grader.export(pdf=False, files=files) if not refused else None"""


def _expanded(assignment):
    """The assignment's cells, each ``("written", name)`` replaced by that written question's cells."""
    written_questions = {q.name: q for q in assignment.written}
    for kind, source in assignment.grading_module("notebook").CELLS:
        if kind == "written":
            yield from written.notebook_cells(written_questions[source])
        else:
            yield kind, source


def notebook(assignment):
    cells = []
    for index, (kind, source) in enumerate(_expanded(assignment)):
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        cell = make(source, id=f"cell-{index:02d}")
        if source.startswith(("<!-- BEGIN QUESTION -->", "<!-- END QUESTION -->")):
            # Locked, as Otter Assign locks them: `otter export` cuts the PDF for manual grading at these.
            cell.metadata.update(deletable=False, editable=False)
        cells.append(cell)
    nb = nbformat.v4.new_notebook(cells=cells)
    # What JupyterLab writes into the notebook when ipykernel's kernel starts: a notebook holding less
    # opens marked modified. The Python version is the student's own: JupyterLab adds it then.
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python", "mimetype": "text/x-python", "file_extension": ".py",
                                    "codemirror_mode": {"name": "ipython", "version": 3},
                                    "pygments_lexer": "ipython3", "nbconvert_exporter": "python"}
    return nb


def write(assignment, path):
    nbformat.write(notebook(assignment), str(path))


def execute(assignment, folder, timeout=600, env=None):
    """Run the notebook of the release copy in ``folder`` headless, in place; return it executed.

    ``env``: variables added to the kernel's environment. Raises nbclient's CellExecutionError if
    any cell fails.
    """
    import nbclient

    path = Path(folder) / assignment.notebook
    nb = nbformat.read(str(path), as_version=4)
    # One BLAS thread: the notebook multiplies small matrices, where a second thread
    # only waits, and stalls the run (seen: 4x slower) when another process holds the core.
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", **(env or {})}
    client = nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                     resources={"metadata": {"path": str(folder)}})
    # The kernel's own stderr is only ipykernel's start-up warnings; cell errors come back in `nb`.
    client.execute(env=env, stderr=subprocess.DEVNULL)
    return nb


def figures(nb):
    """The PNG images the executed notebook ``nb`` displayed, in order, as bytes."""
    return [base64.b64decode(output["data"]["image/png"])
            for cell in nb.cells if cell.cell_type == "code"
            for output in cell.get("outputs", []) if "image/png" in output.get("data", {})]


def save_figures(assignment, out):
    """Execute the release notebook with the reference solutions; write its figures and itself to ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        from autograder.build.release import course_copy

        # every assignment beside it, as students unpack them: a later one imports an earlier one's modules
        nb = execute(assignment, course_copy(tmp, solutions=True) / assignment.name)
    written = []
    for number, png in enumerate(figures(nb), start=1):
        written.append(out / f"figure-{number}.png")
        written[-1].write_bytes(png)
    written.append(out / f"{assignment.name}.executed.ipynb")
    nbformat.write(nb, str(written[-1]))
    return written
