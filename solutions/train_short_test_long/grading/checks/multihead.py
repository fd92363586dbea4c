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


@test_case(name="multihead_forward_every_scheme", points=3, hidden=True)
def test_multihead_forward_every_scheme():
    expect_case("multihead_attention_forward/none", hint=FORWARD_HINT + " " + BIAS_HINT)
    expect_case("multihead_attention_forward/sinusoidal", hint=FORWARD_HINT + " \"sinusoidal\" is \"none\" here: "
                                                                               "its encodings go into X, before.")


@test_case(name="multihead_forward_head_counts", points=3, hidden=True)
def test_multihead_forward_head_counts():
    expect_case("multihead_attention_forward/six_heads", hint=FORWARD_HINT + " " + BIAS_HINT)
    expect_case("multihead_attention_forward/one_head", hint=FORWARD_HINT)


@test_case(name="multihead_forward_edges", points=2, hidden=True)
def test_multihead_forward_edges():
    expect_case("multihead_attention_forward/one_step", hint=FORWARD_HINT + " With T = 1 the step attends to itself.")
    expect_case("multihead_attention_forward/far_negative_scores", hint=(
        "Scores below -1000 in every visible entry must give finite outputs: subtract each row's own largest "
        "score (S.max(axis=-1, keepdims=True, initial=-np.inf)) before np.exp, not 0, or every exp underflows "
        "to 0 and 0 / 0 is nan."))
    expect_edge_case("multihead_attention_forward/empty", needs="multihead_attention_forward/one_step", hint=(
        "T may be 0: Y then has shape (0, N, D). Take the sizes from the arrays, and mind np.max of an empty "
        "row (initial=-np.inf)."))


@test_case(name="multihead_rejects_wrong_shapes", points=1, hidden=True)
def test_multihead_rejects_wrong_shapes():
    needs_right_outputs("multihead_attention_forward/default", hint=FORWARD_HINT)  # raising pays beside right outputs
    expect_value_error("multihead_attention_forward/default", "multihead_attention_forward", "Wk")
    expect_value_error("multihead_attention_forward/default", "multihead_attention_forward", "Wo")


@test_case(name="multihead_backward_other_schemes", points=4, hidden=True)
def test_multihead_backward_other_schemes():
    expect_case("multihead_attention_backward/six_heads", hint=BACKWARD_HINT, hints=BACKWARD_HINTS)
    expect_case("multihead_attention_backward/sharp", hint=BACKWARD_HINT, hints=BACKWARD_HINTS)
    expect_case("multihead_attention_backward/sinusoidal", hints=BACKWARD_HINTS,
                hint=BACKWARD_HINT + " \"sinusoidal\" is \"none\" here: no rope_backward.")


@test_case(name="multihead_backward_one_head", points=3, hidden=True)
def test_multihead_backward_one_head():
    expect_case("multihead_attention_backward/one_head", hint=BACKWARD_HINT, hints=BACKWARD_HINTS)


@test_case(name="multihead_backward_long_sequence", points=2, hidden=True)
def test_multihead_backward_long_sequence():
    expect_case("multihead_attention_backward/long", hint=BACKWARD_HINT, hints=BACKWARD_HINTS)


@test_case(name="multihead_does_not_modify_inputs", points=1, hidden=True)
def test_multihead_does_not_modify_inputs():
    expect_inputs_unchanged("multihead_attention_backward/six_heads", hint=BACKWARD_HINT)


@test_case(name="multihead_backward_twice_on_the_same_cache", points=2, hidden=True)
def test_multihead_backward_twice_on_the_same_cache():
    expect_backward_repeatable("multihead_attention_backward/one_head", "multihead_attention_forward")
