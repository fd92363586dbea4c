# Generated from solutions/rnn_shortcomings/grading/checks/clipping.py
# by `python -m autograder build`: edit that file, not this copy.
import sys

if "tests/support" not in sys.path:  # the checks' machinery, from the assignment's folder
    sys.path.insert(0, "tests/support")

OK_FORMAT = False

import numpy as np
from otter.test_files import test_case

from checking import CheckFailed, expect_case, expect_edge_case, expect_inputs_unchanged, needs_right_outputs, run

name = "clipping"

GLOBAL_HINT = ("As the docstring says: total_norm = global_norm(grads), and every array is multiplied by "
               "coef = max_norm / (total_norm + eps) when coef < 1.")


@test_case(name="global_norm_of_a_dict", points=2, hidden=False)
def test_global_norm_of_a_dict():
    expect_case("global_norm/dict", hint="sqrt of the sum of squares of every entry of every array.")


@test_case(name="clip_by_global_norm_scales_large_gradients", points=3, hidden=False)
def test_clip_by_global_norm_scales_large_gradients():
    expect_case("clip_by_global_norm/large", hint=GLOBAL_HINT, hints={
        "total_norm": "total_norm is global_norm of the gradients as they were given.",
    })


@test_case(name="clip_by_global_norm_leaves_small_gradients", points=3, hidden=False)
def test_clip_by_global_norm_leaves_small_gradients():
    expect_case("clip_by_global_norm/small", hint=GLOBAL_HINT)
