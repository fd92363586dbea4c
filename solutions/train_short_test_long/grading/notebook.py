"""The student notebook's cells, as Python data: ``autograder/build/notebook.py`` writes them with nbformat.

Each cell is ``(kind, source)``: ``"markdown"`` or ``"code"`` with its text,
or ``("written", name)`` for the manifest's written question ``name`` (its
prompt, answer cell and Otter's BEGIN/END QUESTION cells). Code cells must run
to the end even when the student has implemented nothing yet: ``attempt``
turns NotImplementedError into a one-line message, so later cells (and the
checks) still run. The first code cell is ``setup_cell`` (imports and Otter's
grader), the last ``EXPORT`` (the zip to upload).
"""
from pathlib import Path

from autograder import assignment as course
from autograder.build.notebook import EXPORT, setup_cell

assignment = course.load(Path(__file__).resolve().parents[1].name)  # this folder's assignment

CELLS = [
    ("markdown", f"""# {assignment.title}

Implement the `TODO` block of `softmax.py`; the part ends with the public
checks of its question. `python check.py` or `pytest` run the same checks
outside the notebook."""),
    ("code", setup_cell(assignment, "import softmax")),
    ("markdown", r"""## 1. Softmax (`softmax.py`)

`softmax(scores)` turns each row of scores into probabilities:
$p_c = e^{s_c} / \sum_k e^{s_k}$. Below, the probabilities of three
classes as the score of the first one grows."""),
    ("code", r"""first = np.linspace(-4, 4, 81)
scores = np.stack([first, np.zeros_like(first), np.ones_like(first)], axis=1)
with attempt("softmax"):
    probs = softmax.softmax(scores)
    plt.figure(figsize=(6, 3.5))
    plt.plot(first, probs, label=["class 0", "class 1", "class 2"])
    plt.xlabel("score of class 0"); plt.ylabel("probability"); plt.legend()
    plt.title("Softmax: raising one score takes probability from the others")
    plt.show()"""),
    ("code", r"""grader.check("softmax")"""),
    ("written", "shift"),  # prompt and points: the manifest's [[written]]
    ("markdown", r"""## Submit

Save the notebook (Ctrl-S / Cmd-S), then run the cell below. It writes a zip
holding this notebook and your file, and shows a link to it: upload that zip.
The autograder grades the file; your written answer is read from the
notebook."""),
    ("code", EXPORT),
]
