# Generated from solutions/beyond_recurrence/grading/checks/gru.py
# by `python -m autograder build`: edit that file, not this copy.
import sys

if "tests/support" not in sys.path:  # the checks' machinery, from the assignment's folder
    sys.path.insert(0, "tests/support")

OK_FORMAT = False

from otter.test_files import test_case

from checking import (expect_backward_repeatable, expect_case, expect_edge_case, expect_finite_difference_gradients,
                      expect_inputs_unchanged, expect_value_error, needs_right_outputs)

name = "gru"

CELL_HINT = ("Compare each line with the docstring's formulas: ax = x @ Wx + bx and ah = h_prev @ Wh + bh, stacked "
             "r, z, n; r and z are sigmoids of ax + ah; n = tanh(ax_n + r * ah_n), with bh_n inside the product; "
             "h = (1 - z) * n + z * h_prev.")
STEP_BACKWARD_HINT = ("Apply the chain rule to each of the docstring's formulas in turn, from h back to the gates "
                      "(1 - n**2 for tanh, s * (1 - s) for sigmoid); gradcheck.py checks a backward pass entry by entry.")
BACKWARD_HINT = ("Walk back from t = T-1 with gru_step_backward's formulas, adding the gradient carried back from "
                 "step t+1 to dHs[t] (dh_norms as the docstring defines it); gradcheck.py checks a backward pass "
                 "entry by entry.")
BACKWARD_HINTS = {
    "dh_norms": "dh_norms[t] is the norm of dHs[t] plus the gradient carried back from step t+1.",
    "dbh": "bh_n sits inside r * (h_prev @ Wh_n + bh_n): its gradient is r times the gradient on n's pre-activation, "
           "unlike bx_n's.",
}


@test_case(name="gru_step_forward_small_batch", points=5, hidden=False)
def test_gru_step_forward_small_batch():
    expect_case("gru_step_forward/small", hint=CELL_HINT)


@test_case(name="gru_step_backward_small_batch", points=6, hidden=False)
def test_gru_step_backward_small_batch():
    expect_case("gru_step_backward/small", hint=STEP_BACKWARD_HINT, hints=BACKWARD_HINTS)


@test_case(name="gru_forward_small_batch", points=5, hidden=False)
def test_gru_forward_small_batch():
    expect_case("gru_forward/small", hint=CELL_HINT + " Carry h from step to step, starting from h0.")


@test_case(name="gru_backward_small_batch", points=8, hidden=False)
def test_gru_backward_small_batch():
    expect_case("gru_backward/small", hint=BACKWARD_HINT, hints=BACKWARD_HINTS)


@test_case(name="gru_backward_matches_finite_differences", points=0, hidden=False)
def test_gru_backward_matches_finite_differences():
    # No points: the same backward is paid for by gru_backward_small_batch; this one shows where it goes wrong.
    expect_finite_difference_gradients("gru_backward/small", "gru_forward")
