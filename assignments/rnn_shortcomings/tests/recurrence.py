# Generated from solutions/rnn_shortcomings/grading/checks/recurrence.py
# by `python -m autograder build`: edit that file, not this copy.
import sys

if "tests/support" not in sys.path:  # the checks' machinery, from the assignment's folder
    sys.path.insert(0, "tests/support")

OK_FORMAT = False

from otter.test_files import test_case

from checking import expect_case, expect_edge_case, expect_inputs_unchanged, expect_value_error, needs_right_outputs

name = "recurrence"

STEP_HINT = "Compare each term with the docstring's h = tanh(x @ Wx + h_prev @ Wh + b), one row per sequence."
LOOP_HINT = "Compare your loop with the docstring of rnn_forward, step by step (the rnn_step checks test one step alone)."


@test_case(name="rnn_step_small_batch", points=3, hidden=False)
def test_rnn_step_small_batch():
    expect_case("rnn_step/small", hint=STEP_HINT)


@test_case(name="rnn_forward_small_batch", points=4, hidden=False)
def test_rnn_forward_small_batch():
    expect_case("rnn_forward/small", hint=LOOP_HINT)


@test_case(name="iterate_map_lecture_demo", points=3, hidden=False)
def test_iterate_map_lecture_demo():
    expect_case("iterate_map/lecture", hint="states[0] is h0 and states[k] = tanh(W @ states[k - 1]), column-vector form W @ h.")
