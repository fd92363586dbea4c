"""The notebook's helpers (provided, not graded): ``attempt`` and ``unanswered``.

``attempt`` lets "Run All" reach the end while parts are unfinished or broken;
the ``grader.check`` cell after each part says what is wrong in detail.
``unanswered`` lists the written questions still holding the placeholder, for
the export cell's warning.
"""
import contextlib
import json
import os
import re
import tomllib
import traceback

# The assignment's manifest, beside this file: the files the student writes.
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "assignment.toml"), "rb") as _manifest:
    YOUR_FILES = tuple(question["file"] for question in tomllib.load(_manifest)["questions"])
# What a written answer cell holds until the student types into it (autograder/grading/written.py).
PLACEHOLDER = "_Type your answer here, replacing this text._"


@contextlib.contextmanager
def attempt(what):
    """Run the block; print one line instead of a traceback when it raises."""
    import matplotlib.pyplot as plt

    try:
        yield
    except NotImplementedError as error:
        plt.close("all")  # a figure begun before the part raised would show up empty, as "<Figure ... 0 Axes>"
        said = str(error)  # a stub's says which function: "rnn_step is not implemented yet"
        print(f"{what}: {said}" if "not implemented" in said else f"{what}: not implemented yet ({said})")
    except Exception as error:
        plt.close("all")
        yours = [f for f in traceback.extract_tb(error.__traceback__) if os.path.basename(f.filename) in YOUR_FILES]
        where = f"\n  at {os.path.basename(yours[-1].filename)}, line {yours[-1].lineno}: {yours[-1].line}" if yours else ""
        print(f"{what}: {type(error).__name__}: {error}{where}")


def unanswered(path):
    """The written questions whose answer, in the notebook ``path`` as last saved, is still the placeholder or empty."""
    with open(path, encoding="utf-8") as f:
        cells = json.load(f).get("cells", [])
    left, name, typed = [], None, False
    for cell in cells:
        text = "".join(cell.get("source", "")).strip()
        marker = text.split("\n", 1)[0]
        if marker.startswith("<!--") and "BEGIN QUESTION" in marker:
            found = re.search(r"Question `(\w+)`", text)
            name = found.group(1) if found else "?"
            typed = bool(re.split(r"^_Points:_.*$", text, flags=re.M)[-1].strip())  # typed into the prompt
        elif marker.startswith("<!--") and "END QUESTION" in marker:
            if name and not typed:
                left.append(name)
            name = None
        elif name and text and text != PLACEHOLDER:
            typed = True
    return left
