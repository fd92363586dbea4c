# Generated from solutions/train_short_test_long/earlier.py
# by `python -m autograder build`: edit that file, not this copy.
"""The second assignment's single head, for this one (provided, not graded).

multihead.py computes each head's attention weights with the second
assignment's ``attention_weights``, from beyond_recurrence's
``attention.py``. Import this module before it: it makes it importable, from
the first folder of these that holds it:

1. this folder (copy your attention.py here; the grader puts the reference
   version here);
2. ``../beyond_recurrence``, the second assignment's folder beside this one,
   as the course's zips unpack side by side.

Your own attention.py is used as it is: a bug there shows in this
assignment's checks on your computer, never in its grades.
"""
import importlib.util
import sys
from pathlib import Path

SECOND_ASSIGNMENT = "beyond_recurrence"
MODULES = ("attention",)
HERE = Path(__file__).resolve().parent


def folder():
    """The folder the second assignment's modules are imported from (None: they are importable already)."""
    for candidate in (HERE, HERE.parent / SECOND_ASSIGNMENT):
        if all((candidate / f"{module}.py").is_file() for module in MODULES):
            return candidate
    if all(importlib.util.find_spec(module) is not None for module in MODULES):
        return None  # e.g. on PYTHONPATH
    raise ImportError(
        f"the second assignment's {', '.join(m + '.py' for m in MODULES)} was found neither in {HERE} nor in "
        f"{HERE.parent / SECOND_ASSIGNMENT}: copy your own attention.py into this folder")


_found = folder()
if _found is not None and str(_found) not in sys.path:
    sys.path.append(str(_found))  # after this folder: its own modules (shapes.py, ...) come first
