OK_FORMAT = False

from otter.test_files import test_case

from checking import (expect_backward_repeatable, expect_case, expect_edge_case, expect_finite_difference_gradients,
                      expect_inputs_unchanged)

name = "lstm"

GATES_HINT = ("Slice the 4H pre-activations in the order i, f, g, o (PyTorch's order, not CS231n's i, f, o, g); "
              "sigmoid on i, f, o and tanh on g; c = f * c_prev + i * g; h = o * tanh(c).")
STEP_BACKWARD_HINT = ("The total gradient on c is dc + dh * o * (1 - tanh(c)**2): h depends on c too. "
                      "c_prev gets that total through the forget gate, and each gate's gradient goes through its own nonlinearity.")
BACKWARD_HINT = ("Walk back from t = T-1 carrying both dh and dc; dHs[t] plus the carried dh is the total "
                 "gradient on h_{t+1}, whose norm goes in dh_norms[t].")


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
    expect_finite_difference_gradients("lstm_backward/small", "lstm_forward")
