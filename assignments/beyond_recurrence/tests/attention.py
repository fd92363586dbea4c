# Generated from solutions/beyond_recurrence/grading/checks/attention.py
# by `python -m autograder build`: edit that file, not this copy.
import sys

if "tests/support" not in sys.path:  # the checks' machinery, from the assignment's folder
    sys.path.insert(0, "tests/support")

OK_FORMAT = False

from otter.test_files import test_case

from checking import (expect_backward_repeatable, expect_case, expect_edge_case, expect_finite_difference_gradients,
                      expect_inputs_unchanged, expect_value_error, needs_right_outputs)

name = "attention"

BIAS_HINT = ("B[i, j] = -slope * (i - j) for j <= i (0 on the diagonal) and -inf for j > i; build the -inf "
             "entries with np.where, since 0 * inf is nan.")
WEIGHTS_HINT = ("A[n, i, :] = softmax over j of Q[i, n] . K[j, n] / sqrt(d) + B[i, j], for each query i: the "
                "scores divided by sqrt(d), the bias added, the softmax over the last axis (the keys).")
FORWARD_HINT = ("Q = X @ Wq, K = X @ Wk, V = X @ Wv; the weights A from attention_weights(Q, K, slope); Y[i, n] = "
                "sum_j A[n, i, j] V[j, n], time-major again (T, N, dv).")
BACKWARD_HINT = ("Backward through Y = A V, the softmax (dS = A * (dA - sum_j A * dA)), the scaling by 1 / sqrt(d) "
                 "and the three products that made Q, K and V from X; gradcheck.py checks a backward pass entry "
                 "by entry.")
BACKWARD_HINTS = {
    "dX": "X feeds Q, K and V: its gradient is the sum of three terms, dQ @ Wq.T + dK @ Wk.T + dV @ Wv.T.",
}


@test_case(name="alibi_bias_small", points=4, hidden=False)
def test_alibi_bias_small():
    expect_case("alibi_bias/small", hint=BIAS_HINT)


@test_case(name="attention_weights_small_batch", points=6, hidden=False)
def test_attention_weights_small_batch():
    expect_case("attention_weights/small", hint=WEIGHTS_HINT)
    expect_case("attention_weights/alibi", hint=WEIGHTS_HINT + " " + BIAS_HINT)


@test_case(name="attention_forward_small_batch", points=6, hidden=False)
def test_attention_forward_small_batch():
    expect_case("attention_forward/small", hint=FORWARD_HINT)


@test_case(name="attention_backward_small_batch", points=8, hidden=False)
def test_attention_backward_small_batch():
    expect_case("attention_backward/small", hint=BACKWARD_HINT, hints=BACKWARD_HINTS)


@test_case(name="attention_backward_matches_finite_differences", points=0, hidden=False)
def test_attention_backward_matches_finite_differences():
    # No points: the same backward is paid for by attention_backward_small_batch; this one shows where.
    expect_finite_difference_gradients("attention_backward/small", "attention_forward")
