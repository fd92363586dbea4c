"""Where this assignment's mutants come from: its student blocks, not the argument checks around them."""
import importlib.util

import pytest

from autograder import assignment as course
from autograder.build import mutants

RNN = course.load("rnn_shortcomings")

pytestmark = pytest.mark.skipif(importlib.util.find_spec("cosmic_ray") is None,
                                reason="the mutation extra is not installed: pip install -e '.[mutation]'")


def test_clipping_and_the_recurrence_are_mutated_inside_their_blocks_only():
    found = mutants.generate(RNN, ["recurrence.py", "clipping.py"], only=lambda op: op in ("NumberReplacer", "AddNot"))
    assert {m.file for m in found} == {"recurrence.py", "clipping.py"}
    # clip_by_global_norm's argument check sits outside the block: never mutated
    assert not any("max_norm < 0" in m.before or "clip_value >= 0" in m.before for m in found)
    # iterate_map's range(1, steps + 1), both ways
    assert {m.after for m in found if m.before == "for k in range(1, steps + 1):"} == {
        "for k in range( 2, steps + 1):", "for k in range( 0, steps + 1):",
        "for k in range(1, steps + 2):", "for k in range(1, steps + 0):"}
