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


@test_case(name="lstm_step_unusual_sizes", points=1, hidden=True)
def test_lstm_step_unusual_sizes():
    expect_case("lstm_step_forward/single", hint=GATES_HINT)
    expect_case("lstm_step_backward/wide", hint=STEP_BACKWARD_HINT)


@test_case(name="lstm_forward_long_sequence", points=1, hidden=True)
def test_lstm_forward_long_sequence():
    expect_case("lstm_forward/long", hint=GATES_HINT)


@test_case(name="lstm_backward_one_step", points=1, hidden=True)
def test_lstm_backward_one_step():
    expect_case("lstm_backward/one_step", hint=BACKWARD_HINT)


@test_case(name="lstm_backward_long_sequence", points=2, hidden=True)
def test_lstm_backward_long_sequence():
    expect_case("lstm_backward/long", hint=BACKWARD_HINT)


@test_case(name="lstm_does_not_modify_inputs", points=2, hidden=True)
def test_lstm_does_not_modify_inputs():
    expect_inputs_unchanged("lstm_step_forward/single", hint=GATES_HINT)
    expect_inputs_unchanged("lstm_step_backward/wide", hint=STEP_BACKWARD_HINT)
    expect_inputs_unchanged("lstm_backward/long", hint=BACKWARD_HINT)


@test_case(name="lstm_saturated_gates", points=1, hidden=True)
def test_lstm_saturated_gates():
    # Batch row 0 of X and c0 is scaled by 1000: pre-activations around +-1000, far beyond exp's overflow (709).
    expect_edge_case("lstm_backward/saturated", needs="lstm_backward/long", hint=(
        "Pre-activations of +-1000 must give finite values: a formula like (exp(x) - exp(-x)) / (exp(x) + exp(-x)) "
        "or exp(x) / (1 + exp(x)) overflows to inf / inf = nan. Use np.tanh and the provided sigmoid."))


@test_case(name="lstm_empty_sequence", points=1, hidden=True)
def test_lstm_empty_sequence():
    hint = ("T may be 0: Hs has shape (0, N, H); lstm_backward then returns dX of shape (0, N, D), dh_norms of shape "
            "(0,), zero weight gradients, dh0 = 0 and dc0 = 0. Take the sizes from the arrays (dHs, the weights), "
            "not from the first step's cache.")
    # Zeros are the right answer at T = 0: the point needs a right answer on a long sequence too.
    expect_edge_case("lstm_forward/empty", needs="lstm_forward/long", hint=hint)
    expect_edge_case("lstm_backward/empty", needs="lstm_backward/long", hint=hint)


@test_case(name="lstm_backward_twice_on_the_same_cache", points=1, hidden=True)
def test_lstm_backward_twice_on_the_same_cache():
    expect_backward_repeatable("lstm_step_backward/wide", "lstm_step_forward")
    expect_backward_repeatable("lstm_backward/long", "lstm_forward")
