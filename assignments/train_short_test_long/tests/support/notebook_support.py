# Generated from autograder/support/notebook_support.py
# by `python -m autograder build`: edit that file, not this copy.
"""The notebook's helpers (provided, not graded): ``attempt``, ``unanswered``, ``upload_files``, ``readable``.

``attempt`` lets "Run All" reach the end while parts are unfinished or broken;
the ``grader.check`` cell after each part says what is wrong in detail.
``unanswered`` lists the written questions still holding the placeholder, for
the export cell's warning. ``upload_files`` is what the export cell zips: the
graded files and the student's own modules, packages and data, as the grader
takes them, or the grader's reason to refuse them.
"""
import contextlib
import json
import os
import re
import traceback

import manifest
from procedures import readable

# The assignment's manifest, beside this file: the files the student writes.
_MANIFEST = manifest.beside(__file__)
YOUR_FILES = _MANIFEST.submitted_files
# What the kit put in the folder beside the student's work: never part of the upload.
KIT_FILES = frozenset({"README.md", "check.py", "conftest.py", "pytest.ini", "requirements.txt", "environment.yml",
                       "tests", *_MANIFEST.provided_files})
# The grader's bounds on an upload (autograder/grading/engine.py: MAX_UNPACKED_BYTES, MAX_ENTRIES; a test
# holds them equal), less room for the notebook the export adds.
UPLOAD_BYTES, UPLOAD_ENTRIES = 50 * 2**20, 2_000
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
        print(readable(f"{what}: {said}" if "not implemented" in said else f"{what}: not implemented yet ({said})"))
    except Exception as error:
        plt.close("all")
        yours = [f for f in traceback.extract_tb(error.__traceback__) if os.path.basename(f.filename) in YOUR_FILES]
        where = f"\n  at {os.path.basename(yours[-1].filename)}, line {yours[-1].lineno}: {yours[-1].line}" if yours else ""
        print(readable(f"{what}: {type(error).__name__}: {error}{where}"))


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


def _left_out(name):
    """What the grader leaves out of a working folder (autograder/support/submission_layout.py)."""
    return name.startswith(".") or name in ("__pycache__", "__MACOSX", "ignored_by_grader") \
        or name.endswith((".pyc", ".ipynb", ".zip"))


def upload_files(folder="."):
    """(files, problem): the paths, relative to ``folder``, of the graded files and of the student's own
    files beside them (modules, packages, data), as the grader takes them; ``problem`` is the grader's
    reason to refuse the upload (too many files, too large), or None."""
    files, size = [], 0
    stack = [""]
    while stack:
        relative = stack.pop()
        for entry in sorted(os.scandir(os.path.join(folder, relative)), key=lambda e: e.name):
            if _left_out(entry.name) or (not relative and entry.name in KIT_FILES):
                continue
            path = os.path.join(relative, entry.name)
            if entry.is_dir(follow_symlinks=False):
                stack.append(path)
            elif entry.is_file(follow_symlinks=False):
                files.append(path)
                size += entry.stat(follow_symlinks=False).st_size
    if len(files) + 1 > UPLOAD_ENTRIES:
        return files, f"it holds more than {UPLOAD_ENTRIES} files and folders"
    if size > UPLOAD_BYTES:
        return files, f"it unpacks to more than {UPLOAD_BYTES >> 20} MB"
    return files, None
