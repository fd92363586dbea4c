# Generated from autograder/support/verdicts.py
# by `python -m autograder build`: edit that file, not this copy.
"""What a check says of its property: the verdicts, defined once for the checks and the grader's reports.

Otter records a check as passed or not; a failed check of this course says one of three things,
which ``checking`` decides (by the class of what it raises) and the reports write as they are.
"""
import enum


class Verdict(enum.Enum):
    """A check's verdict; its value heads the check's line in the reports (``rnn_step_small (3 pts): FAILED``)."""
    PASSED = "passed"
    FAILED = "FAILED"  # the property was judged, and it does not hold
    NOT_CHECKED = "not checked:"  # not judged: what it builds on is wrong first (the details say what)
    NOT_RUN = "not run:"  # its call was not made: the question's time was used up (the details say by what)

    @property
    def prefix(self):
        """What the student's message of a check with this verdict starts with: the verdict, unless it failed."""
        return "" if self in (Verdict.PASSED, Verdict.FAILED) else f"{self.value} "
