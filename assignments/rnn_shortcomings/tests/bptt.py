# Generated from solutions/rnn_shortcomings/grading/checks/bptt.py
# by `python -m autograder build`: edit that file, not this copy.
import sys

if "tests/support" not in sys.path:  # the checks' machinery, from the assignment's folder
    sys.path.insert(0, "tests/support")

OK_FORMAT = False

from otter.test_files import test_case

from checking import (expect_backward_on_empty_sequence, expect_backward_repeatable, expect_case, expect_edge_case,
                      expect_finite_difference_gradients, expect_inputs_unchanged, needs_right_outputs)

name = "bptt"

NORMS_HINT = "norms[t - 1] = ||(W.T)^t v||: multiply by W.T once per step, starting from v, then take the 2-norm."
BACKWARD_HINTS = {
    "dh_norms": "dh_norms[t] is the norm of dHs[t] plus the gradient carried back from step t+1, measured before the tanh derivative.",
    "dWh": "dWh sums h_{t-1}.T @ da_t over all steps, with h_0 = h0 at the first step and da_t = dh_t * (1 - h_t**2).",
    "dh0": "The gradient reaching h0 is what the first step sends back: da_1 @ Wh.T.",
}
BACKWARD_HINT = "Compare each line with the docstring's formulas; gradcheck.py checks a backward pass entry by entry."


@test_case(name="jacobian_power_norms_lecture", points=3, hidden=False)
def test_jacobian_power_norms_lecture():
    expect_case("jacobian_power_norms/vanishing", hint=NORMS_HINT, rtol=1e-9)
    expect_case("jacobian_power_norms/exploding", hint=NORMS_HINT, rtol=1e-9)


@test_case(name="rnn_backward_small_batch", points=8, hidden=False)
def test_rnn_backward_small_batch():
    expect_case("rnn_backward/small", hint=BACKWARD_HINT, hints=BACKWARD_HINTS)


@test_case(name="rnn_backward_matches_finite_differences", points=0, hidden=False)
def test_rnn_backward_matches_finite_differences():
    # No points: a bug in rnn_step (question recurrence) also breaks this
    # agreement, and the points of bptt are for rnn_backward alone.
    expect_finite_difference_gradients("rnn_backward/small", "rnn_forward")
