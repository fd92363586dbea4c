"""Where this assignment's mutants come from: its student blocks, not the argument checks around them."""
import importlib.util

import pytest

from autograder import assignment as course
from autograder.build import mutants

TRAIN_SHORT = course.load("train_short_test_long")

pytestmark = pytest.mark.skipif(importlib.util.find_spec("cosmic_ray") is None,
                                reason="the mutation extra is not installed: pip install -e '.[mutation]'")


def test_the_slopes_and_the_windows_are_mutated_inside_their_blocks_only():
    found = mutants.generate(TRAIN_SHORT, ["positions.py", "lm_loss.py"],
                             only=lambda op: op in ("NumberReplacer", "ReplaceComparisonOperator_Lt_LtE"))
    assert {m.file for m in found} == {"positions.py", "lm_loss.py"}
    # the argument checks of alibi_slopes, sinusoidal_encoding and window_nats sit outside the blocks
    assert not any(check in m.before for m in found for check in ("H < 1", "d < 2", "L < 1", "stride <= L"))
    # the geometric sequence of n heads, np.arange(1, n + 1), both ends both ways
    assert {m.after for m in found if m.before == "slopes = (2.0 ** (-8.0 / n)) ** np.arange(1, n + 1)"
            and "arange(1, n + 1)" not in m.after} == {
        "slopes = (2.0 ** (-8.0 / n)) ** np.arange( 2, n + 1)", "slopes = (2.0 ** (-8.0 / n)) ** np.arange( 0, n + 1)",
        "slopes = (2.0 ** (-8.0 / n)) ** np.arange(1, n + 2)", "slopes = (2.0 ** (-8.0 / n)) ** np.arange(1, n + 0)"}
    # window_nats' loop over the windows after the first
    assert {m.after for m in found if m.before == "while end < M - 1:"} == {
        "while end <= M - 1:", "while end < M - 2:", "while end < M - 0:"}
