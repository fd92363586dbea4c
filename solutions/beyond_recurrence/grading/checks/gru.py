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


@test_case(name="gru_step_unusual_sizes", points=2, hidden=True)
def test_gru_step_unusual_sizes():
    expect_case("gru_step_forward/single", hint=CELL_HINT)
    expect_case("gru_step_backward/wide", hint=STEP_BACKWARD_HINT, hints=BACKWARD_HINTS)


@test_case(name="gru_forward_long_sequence", points=2, hidden=True)
def test_gru_forward_long_sequence():
    expect_case("gru_forward/long", hint=CELL_HINT)


@test_case(name="gru_backward_long_sequence", points=2, hidden=True)
def test_gru_backward_long_sequence():
    expect_case("gru_backward/one_step", hint=BACKWARD_HINT, hints=BACKWARD_HINTS)
    expect_case("gru_backward/long", hint=BACKWARD_HINT, hints=BACKWARD_HINTS)


@test_case(name="gru_does_not_modify_inputs", points=1, hidden=True)
def test_gru_does_not_modify_inputs():
    expect_inputs_unchanged("gru_step_backward/wide", hint=STEP_BACKWARD_HINT)
    expect_inputs_unchanged("gru_backward/long", hint=BACKWARD_HINT)


@test_case(name="gru_rejects_wrong_shapes", points=1, hidden=True)
def test_gru_rejects_wrong_shapes():
    needs_right_outputs("gru_forward/long", hint=CELL_HINT)  # raising pays only beside right outputs
    needs_right_outputs("gru_step_forward/single", hint=CELL_HINT)
    expect_value_error("gru_step_forward/single", "gru_step_forward", "Wh")
    expect_value_error("gru_forward/long", "gru_forward", "bh")


@test_case(name="gru_saturated_gates", points=1, hidden=True)
def test_gru_saturated_gates():
    # Batch row 0 of X is scaled by 1000: pre-activations around +-1000, far beyond exp's overflow (709).
    expect_edge_case("gru_backward/saturated", needs="gru_backward/long", hint=(
        "Pre-activations of +-1000 must give finite values: a formula like (exp(x) - exp(-x)) / (exp(x) + exp(-x)) "
        "or exp(x) / (1 + exp(x)) overflows to inf / inf = nan. Use np.tanh and the provided sigmoid."))


@test_case(name="gru_empty_sequence", points=1, hidden=True)
def test_gru_empty_sequence():
    hint = ("T may be 0: Hs has shape (0, N, H); gru_backward then returns dX of shape (0, N, D), dh_norms of shape "
            "(0,), zero weight gradients and dh0 = 0. Take the sizes from the arrays (dHs, the weights), not from "
            "the first step's cache.")
    # Zeros are the right answer at T = 0: the point needs a right answer on a long sequence too.
    expect_edge_case("gru_forward/empty", needs="gru_forward/long", hint=hint)
    expect_edge_case("gru_backward/empty", needs="gru_backward/long", hint=hint)


@test_case(name="gru_backward_twice_on_the_same_cache", points=1, hidden=True)
def test_gru_backward_twice_on_the_same_cache():
    expect_backward_repeatable("gru_step_backward/wide", "gru_step_forward")
    expect_backward_repeatable("gru_backward/long", "gru_forward")
