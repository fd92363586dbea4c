# Generated from solutions/beyond_recurrence/grading/checks/gradient_paths.py
# by `python -m autograder build`: edit that file, not this copy.
import sys

if "tests/support" not in sys.path:  # the checks' machinery, from the assignment's folder
    sys.path.insert(0, "tests/support")

OK_FORMAT = False

from otter.test_files import test_case

from checking import expect_case, expect_edge_case, expect_inputs_unchanged

name = "gradient_paths"

UPSTREAM_HINT = ("The loss is sum(Ys[-1]): its gradient is 1 on every entry of the last step and 0 on every other "
                 "step, in a new array shaped like Ys.")
DISTANCE_HINT = ("norms[k] is the Frobenius norm of dX[T-1-k], the whole (N, D) gradient of the input k steps "
                 "before the last: norms[0] belongs to the last step.")
PATH_HINT = ("Run the model's forward pass, backpropagate last_step_upstream of its outputs with its backward "
             "pass, and return distance_norms of the gradient on X. " + DISTANCE_HINT)
# The RNN and the LSTM are the first assignment's: in a student's folder, their own (found by earlier.py).
EARLIER_HINT = (" In your folder this runs your first assignment's functions (the grader runs the reference ones): "
                "if `python check.py` fails in ../rnn_shortcomings, fix that first.")


@test_case(name="last_step_upstream_small", points=1, hidden=False)
def test_last_step_upstream_small():
    expect_case("last_step_upstream/small", hint=UPSTREAM_HINT)


@test_case(name="distance_norms_small", points=1, hidden=False)
def test_distance_norms_small():
    expect_case("distance_norms/small", hint=DISTANCE_HINT)


@test_case(name="rnn_path_norms_small", points=2, hidden=False)
def test_rnn_path_norms_small():
    expect_case("rnn_path_norms/small", hint=PATH_HINT + EARLIER_HINT)


@test_case(name="attention_path_norms_small", points=1, hidden=False)
def test_attention_path_norms_small():
    expect_case("attention_path_norms/small", hint=PATH_HINT + " attention_backward returns the dict alone.")
