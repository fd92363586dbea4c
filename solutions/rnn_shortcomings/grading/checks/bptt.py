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


@test_case(name="jacobian_power_norms_nonsymmetric", points=3, hidden=True)
def test_jacobian_power_norms_nonsymmetric():
    expect_case("jacobian_power_norms/nonsymmetric", hint=NORMS_HINT, rtol=1e-9)


@test_case(name="rnn_backward_one_step", points=2, hidden=True)
def test_rnn_backward_one_step():
    expect_case("rnn_backward/one_step", hint=BACKWARD_HINT, hints=BACKWARD_HINTS)


@test_case(name="rnn_backward_long_sequence", points=3, hidden=True)
def test_rnn_backward_long_sequence():
    expect_case("rnn_backward/long", hint=BACKWARD_HINT, hints=BACKWARD_HINTS)


@test_case(name="rnn_backward_single_unit", points=2, hidden=True)
def test_rnn_backward_single_unit():
    expect_case("rnn_backward/single", hint=BACKWARD_HINT, hints=BACKWARD_HINTS)


@test_case(name="bptt_does_not_modify_inputs", points=2, hidden=True)
def test_bptt_does_not_modify_inputs():
    expect_inputs_unchanged("rnn_backward/long", hint=BACKWARD_HINT)
    expect_inputs_unchanged("jacobian_power_norms/nonsymmetric", hint=NORMS_HINT)


@test_case(name="bptt_empty_sequence_and_zero_steps", points=1, hidden=True)
def test_bptt_empty_sequence_and_zero_steps():
    # Zeros are the right answer at T = 0 and steps = 0: the point needs right answers elsewhere too.
    needs_right_outputs("jacobian_power_norms/nonsymmetric", hint=NORMS_HINT, rtol=1e-9)
    needs_right_outputs("rnn_backward/long", hint=BACKWARD_HINT, hints=BACKWARD_HINTS)
    expect_edge_case("jacobian_power_norms/zero_steps", hint="With steps = 0 there is no multiplication: norms has shape (0,).")
    expect_backward_on_empty_sequence(
        "rnn_backward/empty", hint="T may be 0: then dX has shape (0, N, D), dh_norms shape (0,), the weight "
        "gradients and dh0 are zeros. The states before each step are h0, Hs[0], ..., Hs[T-2]: "
        "np.concatenate([h0[None], Hs])[:-1] has T rows for every T, [h0[None], Hs[:-1]] has 1 at T = 0.")


@test_case(name="rnn_backward_twice_on_the_same_cache", points=1, hidden=True)
def test_rnn_backward_twice_on_the_same_cache():
    expect_backward_repeatable("rnn_backward/long", "rnn_forward")
