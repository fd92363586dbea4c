"""gru.py: the GRU step and sequence, their gradients, and PyTorch's GRUCell.

Conventions (the module's docstring): gates stacked r, z, n along 3H,
Wx = weight_ih.T, Wh = weight_hh.T, bx = bias_ih, bh = bias_hh, kept apart
because the reset gate multiplies bh_n; time-major (T, N, D) sequences.
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradcheck import numerical_gradient, rel_error
from gru import gru_backward, gru_forward, gru_step_backward, gru_step_forward, sigmoid

GRAD_TOLERANCE = 1e-7


def gru_params(rng, D, H, scale=0.5):
    return {"Wx": scale * rng.normal(size=(D, 3 * H)), "Wh": scale * rng.normal(size=(H, 3 * H)),
            "bx": scale * rng.normal(size=3 * H), "bh": scale * rng.normal(size=3 * H)}


def case(seed=0, T=4, N=3, D=5, H=4):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(T, N, D))
    h0 = rng.normal(size=(N, H))
    params = gru_params(rng, D, H)
    dHs = rng.normal(size=(T, N, H))
    return X, h0, params, dHs


def by_formula(x, h, Wx, Wh, bx, bh):
    """The module docstring's equations, written out gate by gate."""
    H = h.shape[1]
    ax, ah = x @ Wx + bx, h @ Wh + bh
    r = sigmoid(ax[:, :H] + ah[:, :H])
    z = sigmoid(ax[:, H:2 * H] + ah[:, H:2 * H])
    n = np.tanh(ax[:, 2 * H:] + r * ah[:, 2 * H:])
    return (1 - z) * n + z * h


# ------------------------------------------------------------------ forward

def test_step_follows_the_equations():
    X, h0, p, _ = case()
    h, _ = gru_step_forward(X[0], h0, **p)
    assert h.shape == h0.shape and h.dtype == np.float64
    np.testing.assert_allclose(h, by_formula(X[0], h0, **p), rtol=0, atol=1e-15)


def test_forward_is_the_step_repeated():
    X, h0, p, _ = case(T=6)
    Hs, _ = gru_forward(X, h0, **p)
    h = h0
    for t in range(6):
        h, _ = gru_step_forward(X[t], h, **p)
        np.testing.assert_allclose(Hs[t], h, rtol=0, atol=1e-14)


def test_update_gate_near_one_copies_the_state():
    # z = 1 (a huge z bias) gives h = h_prev whatever the input: the GRU's additive path.
    X, h0, p, _ = case(T=5, H=4)
    p["bx"][4:8] = 1e3
    Hs, _ = gru_forward(X, h0, **p)
    np.testing.assert_allclose(Hs, np.broadcast_to(h0, Hs.shape), rtol=0, atol=1e-15)


def test_empty_sequence():
    _, h0, p, _ = case()
    Hs, cache = gru_forward(np.zeros((0, 3, 5)), h0, **p)
    assert Hs.shape == (0, 3, 4)
    grads, norms = gru_backward(np.zeros((0, 3, 4)), cache)
    assert grads["X"].shape == (0, 3, 5) and norms.shape == (0,)
    for name, shape in {"h0": (3, 4), "Wx": (5, 12), "Wh": (4, 12), "bx": (12,), "bh": (12,)}.items():
        assert grads[name].shape == shape and not grads[name].any()


def test_wrong_shapes_raise_value_error():
    X, h0, p, _ = case()
    with pytest.raises(ValueError, match="Wh"):
        gru_forward(X, h0, p["Wx"], p["Wh"][:, :8], p["bx"], p["bh"])
    with pytest.raises(ValueError, match="bh"):
        gru_step_forward(X[0], h0, p["Wx"], p["Wh"], p["bx"], p["bh"][:8])


# ------------------------------------------------------------------ finite differences

@pytest.mark.parametrize("name", ["x", "h_prev", "Wx", "Wh", "bx", "bh"])
def test_step_backward_matches_finite_differences(name):
    X, h0, p, dHs = case(seed=1)
    args = {"x": X[0], "h_prev": h0, **p}
    _, cache = gru_step_forward(**args)
    grads = dict(zip(["x", "h_prev", "Wx", "Wh", "bx", "bh"], gru_step_backward(dHs[0], cache)))

    def f(value):
        return gru_step_forward(**{**args, name: value})[0]

    assert rel_error(grads[name], numerical_gradient(f, args[name], dHs[0])) < GRAD_TOLERANCE


@pytest.mark.parametrize("name", ["X", "h0", "Wx", "Wh", "bx", "bh"])
def test_backward_matches_finite_differences(name):
    X, h0, p, dHs = case(seed=2, T=5)
    args = {"X": X, "h0": h0, **p}
    _, cache = gru_forward(**args)
    grads, _ = gru_backward(dHs, cache)

    def f(value):
        return gru_forward(**{**args, name: value})[0]

    assert rel_error(grads[name], numerical_gradient(f, args[name], dHs)) < GRAD_TOLERANCE


# ------------------------------------------------------------------ PyTorch

def test_dh_norms_last_entry_is_the_upstream_gradient():
    X, h0, p, dHs = case(T=5)
    _, cache = gru_forward(X, h0, **p)
    _, norms = gru_backward(dHs, cache)
    assert norms.shape == (5,)
    assert norms[-1] == pytest.approx(np.linalg.norm(dHs[-1]), rel=1e-15)


def test_dh_norms_include_what_flows_back():
    # Only the last step gets an upstream gradient: every earlier norm is what flowed back, not 0.
    X, h0, p, dHs = case(T=5)
    dHs[:-1] = 0.0
    _, cache = gru_forward(X, h0, **p)
    _, norms = gru_backward(dHs, cache)
    assert np.all(norms > 0)


@settings(max_examples=15)
@given(T=st.integers(0, 4), N=st.integers(1, 3), D=st.integers(1, 3), H=st.integers(1, 3),
       seed=st.integers(0, 2 ** 16))
def test_nothing_is_modified_and_backward_can_run_twice(T, N, D, H, seed):
    X, h0, p, dHs = case(seed, T, N, D, H)
    before = [a.copy() for a in (X, h0, dHs, *p.values())]
    Hs, cache = gru_forward(X, h0, **p)
    Hs_copy = Hs.copy()
    first, norms1 = gru_backward(dHs, cache)
    second, norms2 = gru_backward(dHs, cache)
    for a, b in zip(before, (X, h0, dHs, *p.values())):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(Hs, Hs_copy)
    np.testing.assert_array_equal(norms1, norms2)
    for name in first:
        np.testing.assert_array_equal(first[name], second[name])
    if T:
        h, step_cache = gru_step_forward(X[0], h0, **p)
        once = gru_step_backward(dHs[0], step_cache)
        twice = gru_step_backward(dHs[0], step_cache)
        for a, b in zip(once, twice):
            np.testing.assert_array_equal(a, b)


def test_saturated_gates_stay_finite():
    X, h0, p, dHs = case(T=3)
    Hs, cache = gru_forward(1e4 * X, h0, **p)  # pre-activations far beyond where np.exp overflows
    grads, norms = gru_backward(dHs, cache)
    assert np.all(np.isfinite(Hs)) and np.all(np.isfinite(norms))
    assert all(np.all(np.isfinite(g)) for g in grads.values())
