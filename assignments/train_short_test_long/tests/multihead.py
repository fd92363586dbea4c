# Generated from solutions/train_short_test_long/grading/checks/multihead.py
# by `python -m autograder build`: edit that file, not this copy.
import sys

if "tests/support" not in sys.path:  # the checks' machinery, from the assignment's folder
    sys.path.insert(0, "tests/support")

OK_FORMAT = False

from otter.test_files import test_case

from checking import (expect_backward_repeatable, expect_case, expect_edge_case, expect_finite_difference_gradients,
                      expect_inputs_unchanged, expect_value_error, needs_right_outputs)

name = "multihead"

# The cases give the scheme as scheme_index (calls.SCHEMES); the procedures pass its name to the function.
SCHEMES_NOTE = ' (In the inputs above, scheme_index 0 is "none", 1 "sinusoidal", 2 "rope", 3 "alibi".)'
FORWARD_HINT = ("Q = X @ Wq, K = X @ Wk, V = X @ Wv, each (T, N, H*dh) reshaped to (T, N, H, dh) (head h: column "
                "block h); for \"rope\" rotate Q and K; per head the second assignment's attention_weights(Q[:, :, h], "
                "K[:, :, h], slope), a softmax of q k^T / sqrt(dh) over the keys; the heads' outputs concatenated back "
                "to (T, N, H*dh), then @ Wo." + SCHEMES_NOTE)
BIAS_HINT = ("Head h's slope is alibi_slopes(H)[h] for \"alibi\", 0 (the causal mask alone) for \"none\", "
             "\"sinusoidal\" and \"rope\".")
BACKWARD_HINT = ("Backward through Y = O Wo, the heads' A v, the softmax (dS = A * (dA - sum_j A * dA)), the scale "
                 "1 / sqrt(dh), rope_backward for \"rope\", and the three products that made Q, K and V from X; "
                 "gradcheck.py checks a backward pass entry by entry." + SCHEMES_NOTE)
BACKWARD_HINTS = {
    "dX": "X feeds Q, K and V: its gradient is the sum of three terms, dQ @ Wq.T + dK @ Wk.T + dV @ Wv.T.",
    "dWo": "dWo = O^T dY, with O the heads' outputs concatenated, (T*N, H*dh) rows.",
}


@test_case(name="multihead_forward_small_batch", points=5, hidden=False)
def test_multihead_forward_small_batch():
    expect_case("multihead_attention_forward/rope", hint=FORWARD_HINT)
    expect_case("multihead_attention_forward/alibi", hint=FORWARD_HINT + " " + BIAS_HINT)


@test_case(name="multihead_backward_small_batch", points=6, hidden=False)
def test_multihead_backward_small_batch():
    expect_case("multihead_attention_backward/default", hint=BACKWARD_HINT, hints=BACKWARD_HINTS)
    expect_case("multihead_attention_backward/rope", hint=BACKWARD_HINT, hints=BACKWARD_HINTS)


@test_case(name="multihead_backward_matches_finite_differences", points=0, hidden=False)
def test_multihead_backward_matches_finite_differences():
    # No points: the same backward is paid for by multihead_backward_small_batch; this one shows where.
    expect_finite_difference_gradients("multihead_attention_backward/default", "multihead_attention_forward")
