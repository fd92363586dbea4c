"""Where things are in the repository, and the one assignment it builds."""
import os
from pathlib import Path

ASSIGNMENT = "rnn_shortcomings"
ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "autograder"
SUPPORT = PACKAGE / "support"
OTTER_TESTS = PACKAGE / "tests"
SOLUTIONS = ROOT / "solutions" / ASSIGNMENT
RELEASE = ROOT / "assignments" / ASSIGNMENT
DIST = ROOT / "dist" / ASSIGNMENT

# The files a student edits and submits, one graded question each.
SUBMITTED_FILES = ("recurrence.py", "bptt.py", "clipping.py", "lstm.py", "gradient_norms.py")
# Provided complete: shipped with the release and with the autograder, never graded.
PROVIDED_FILES = ("shapes.py", "gradcheck.py", "long_range.py")
QUESTIONS = ("recurrence", "bptt", "clipping", "lstm", "printed_norms")


def env_with_path(*folders):
    """A copy of the environment with ``folders`` in front of PYTHONPATH."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(f) for f in folders] + [env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env
