"""Every backward pass of the reference solutions agrees with centred finite differences."""
import numpy as np
import pytest

from bptt import rnn_backward
from gradcheck import numerical_gradient, rel_error
from lstm import lstm_backward, lstm_forward, lstm_step_backward, lstm_step_forward
from recurrence import rnn_forward

SHAPES = [  # (T, N, D, H)
    (4, 3, 5, 6),
    (1, 2, 3, 4),
    (6, 1, 2, 3),
    (3, 2, 1, 1),
    (15, 2, 3, 4),
]
TOLERANCE = 1e-6


def rnn_inputs(rng, T, N, D, H):
    return dict(X=rng.normal(size=(T, N, D)), h0=rng.normal(size=(N, H)),
                Wx=rng.normal(0, 0.5, (D, H)), Wh=rng.normal(0, 0.5, (H, H)), b=rng.normal(size=H))


def lstm_inputs(rng, T, N, D, H):
    return dict(X=rng.normal(size=(T, N, D)), h0=rng.normal(size=(N, H)), c0=rng.normal(size=(N, H)),
                Wx=rng.normal(0, 0.5, (D, 4 * H)), Wh=rng.normal(0, 0.5, (H, 4 * H)), b=rng.normal(size=4 * H))


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "T%d-N%d-D%d-H%d" % s)
@pytest.mark.parametrize("forward, backward, make_inputs", [
    (rnn_forward, rnn_backward, rnn_inputs),
    (lstm_forward, lstm_backward, lstm_inputs),
], ids=["rnn", "lstm"])
def test_sequence_backward_matches_finite_differences(forward, backward, make_inputs, shape):
    rng = np.random.default_rng(sum(shape))
    inputs = make_inputs(rng, *shape)
    Hs, cache = forward(**inputs)
    dHs = rng.normal(size=Hs.shape)
    grads, _ = backward(dHs, cache)
    for name, value in inputs.items():
        numeric = numerical_gradient(lambda v: forward(**{**inputs, name: v})[0], value, dHs)
        assert rel_error(grads[name], numeric) < TOLERANCE, name


@pytest.mark.parametrize("N, D, H", [(3, 4, 5), (1, 1, 1), (2, 6, 3)])
def test_lstm_step_backward_matches_finite_differences(N, D, H):
    rng = np.random.default_rng(N * 100 + D * 10 + H)
    inputs = dict(x=rng.normal(size=(N, D)), h_prev=rng.normal(size=(N, H)), c_prev=rng.normal(size=(N, H)),
                  Wx=rng.normal(0, 0.5, (D, 4 * H)), Wh=rng.normal(0, 0.5, (H, 4 * H)), b=rng.normal(size=4 * H))
    dh, dc = rng.normal(size=(N, H)), rng.normal(size=(N, H))
    _, _, cache = lstm_step_forward(**inputs)
    got = dict(zip(("x", "h_prev", "c_prev", "Wx", "Wh", "b"), lstm_step_backward(dh, dc, cache)))

    def loss_weights(v, name):
        h, c, _ = lstm_step_forward(**{**inputs, name: v})
        return np.concatenate([h, c])

    upstream = np.concatenate([dh, dc])
    for name, value in inputs.items():
        numeric = numerical_gradient(lambda v: loss_weights(v, name), value, upstream)
        assert rel_error(got[name], numeric) < TOLERANCE, name


@pytest.mark.parametrize("forward, backward, make_inputs", [
    (rnn_forward, rnn_backward, rnn_inputs),
    (lstm_forward, lstm_backward, lstm_inputs),
], ids=["rnn", "lstm"])
def test_dh_norms_are_norms_of_the_total_gradient_on_each_state(forward, backward, make_inputs):
    """dh_norms[0] = ||dL/dh_1||: dHs[0] plus the gradient of the rest of the sequence, run from h_1."""
    rng = np.random.default_rng(7)
    T, N, D, H = 5, 2, 3, 4
    inputs = make_inputs(rng, T, N, D, H)
    Hs, cache = forward(**inputs)
    dHs = rng.normal(size=Hs.shape)
    _, dh_norms = backward(dHs, cache)
    assert dh_norms.shape == (T,)
    assert dh_norms[-1] == pytest.approx(np.linalg.norm(dHs[-1]))
    later = {**inputs, "X": inputs["X"][1:], "h0": Hs[0]}
    if "c0" in inputs:  # the LSTM's rest of the sequence also starts from c_1
        later["c0"] = lstm_step_forward(inputs["X"][0], inputs["h0"], inputs["c0"],
                                        inputs["Wx"], inputs["Wh"], inputs["b"])[1]
    numeric = numerical_gradient(lambda h: forward(**{**later, "h0": h})[0], Hs[0], dHs[1:])
    assert dh_norms[0] == pytest.approx(np.linalg.norm(numeric + dHs[0]), rel=1e-6)


def test_vanishing_rnn_gradient_shrinks_geometrically():
    """The lecture's point on a real RNN: with a contractive Wh and no upstream gradient but at the end,
    the gradient norm decays with the distance from the end."""
    rng = np.random.default_rng(0)
    T, N, D, H = 30, 1, 2, 4
    inputs = rnn_inputs(rng, T, N, D, H)
    inputs["Wh"] = 0.3 * np.eye(H)
    Hs, cache = rnn_forward(**inputs)
    dHs = np.zeros_like(Hs)
    dHs[-1] = 1.0
    _, dh_norms = rnn_backward(dHs, cache)
    assert np.all(np.diff(dh_norms) > 0)  # grows towards the end, i.e. vanishes going back
    assert dh_norms[0] < 1e-12 * dh_norms[-1]
