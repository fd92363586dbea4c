# Generated from solutions/rnn_shortcomings/grading/checks/lstm.py
# by `python -m autograder build`: edit that file, not this copy.
import sys

if "tests/support" not in sys.path:  # the checks' machinery, from the assignment's folder
    sys.path.insert(0, "tests/support")

OK_FORMAT = False

from otter.test_files import test_case

from checking import (expect_backward_repeatable, expect_case, expect_edge_case, expect_finite_difference_gradients,
                      expect_inputs_unchanged)

name = "lstm"

GATES_HINT = ("Compare each line with the docstring's formulas: the 4H pre-activations stacked i, f, g, o; "
              "sigmoid on i, f, o and tanh on g; c = f * c_prev + i * g; h = o * tanh(c).")
STEP_BACKWARD_HINT = ("Apply the chain rule to each of the docstring's formulas in turn; gradcheck.py checks a "
                      "backward pass entry by entry.")
BACKWARD_HINT = ("Walk back from t = T-1 with lstm_step_backward's formulas, carrying both dh and dc "
                 "(dh_norms as the docstring defines it); gradcheck.py checks a backward pass entry by entry.")


@test_case(name="lstm_step_forward_small_batch", points=3, hidden=False)
def test_lstm_step_forward_small_batch():
    expect_case("lstm_step_forward/small", hint=GATES_HINT)


@test_case(name="lstm_step_backward_small_batch", points=3, hidden=False)
def test_lstm_step_backward_small_batch():
    expect_case("lstm_step_backward/small", hint=STEP_BACKWARD_HINT)


@test_case(name="lstm_forward_small_batch", points=3, hidden=False)
def test_lstm_forward_small_batch():
    expect_case("lstm_forward/small", hint=GATES_HINT + " Carry both h and c from step to step.")


@test_case(name="lstm_backward_small_batch", points=4, hidden=False)
def test_lstm_backward_small_batch():
    expect_case("lstm_backward/small", hint=BACKWARD_HINT)


@test_case(name="lstm_backward_matches_finite_differences", points=2, hidden=False)
def test_lstm_backward_matches_finite_differences():
    expect_finite_difference_gradients("lstm_backward/small", "lstm_forward", forward_must_be_right=True)
