# Generated from solutions/beyond_recurrence/earlier.py
# by `python -m autograder build`: edit that file, not this copy.
"""The first assignment's tanh RNN and LSTM, for this one (provided, not graded).

gradient_paths.py and long_range_attention.py compare the GRU and attention
with the models of the first assignment, rnn_shortcomings, and train them
with its clipping: its ``recurrence.py``, ``bptt.py``, ``clipping.py`` and
``lstm.py``. Import this module before them: it makes them importable, from
the first folder of these that holds all four:

1. this folder (copy your four files here; the grader puts the reference
   versions here);
2. ``../rnn_shortcomings``, the first assignment's folder beside this one,
   as the course's two zips unpack side by side.

Your own first-assignment files are used as they are: a bug there shows in
this assignment's plots of the RNN and the LSTM, never in its grades.
"""
import importlib.util
import sys
from pathlib import Path

FIRST_ASSIGNMENT = "rnn_shortcomings"
MODULES = ("recurrence", "bptt", "clipping", "lstm")
HERE = Path(__file__).resolve().parent


def folder():
    """The folder the first assignment's modules are imported from (None: they are importable already)."""
    for candidate in (HERE, HERE.parent / FIRST_ASSIGNMENT):
        if all((candidate / f"{module}.py").is_file() for module in MODULES):
            return candidate
    if all(importlib.util.find_spec(module) is not None for module in MODULES):
        return None  # e.g. on PYTHONPATH
    raise ImportError(
        f"the first assignment's {', '.join(m + '.py' for m in MODULES)} were found neither in {HERE} nor in "
        f"{HERE.parent / FIRST_ASSIGNMENT}: copy your own four files into this folder")


_found = folder()
if _found is not None and str(_found) not in sys.path:
    sys.path.append(str(_found))  # after this folder: its own modules (shapes.py, ...) come first
