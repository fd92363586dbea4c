"""attention.py: causal scaled dot-product attention with ALiBi, its gradients, and PyTorch.

PyTorch's scaled_dot_product_attention with a float attn_mask adds the mask
to the scaled scores before the softmax: with alibi_bias as the mask it
computes exactly what attention_forward does, batch first.
"""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attention import alibi_bias, attention_backward, attention_forward, attention_weights
from gradcheck import numerical_gradient, rel_error

GRAD_TOLERANCE = 1e-7
SLOPES = [0.0, 0.25]


def case(seed=0, T=5, N=3, D=4, d=3, dv=2, scale=0.7):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(T, N, D))
    weights = {"Wq": scale * rng.normal(size=(D, d)), "Wk": scale * rng.normal(size=(D, d)),
               "Wv": scale * rng.normal(size=(D, dv))}
    dY = rng.normal(size=(T, N, dv))
    return X, weights, dY


# ------------------------------------------------------------------ the bias

def test_alibi_bias_values():
    B = alibi_bias(4, 0.5)
    inf = np.inf
    np.testing.assert_array_equal(B, [[0.0, -inf, -inf, -inf],
                                      [-0.5, 0.0, -inf, -inf],
                                      [-1.0, -0.5, 0.0, -inf],
                                      [-1.5, -1.0, -0.5, 0.0]])


def test_alibi_bias_with_slope_zero_is_the_causal_mask():
    B = alibi_bias(5, 0.0)
    assert not np.isnan(B).any()
    np.testing.assert_array_equal(np.isneginf(B), np.triu(np.ones((5, 5), bool), k=1))
    assert np.all(B[np.tril_indices(5)] == 0.0)


def test_alibi_bias_edges():
    assert alibi_bias(0, 1.0).shape == (0, 0)
    np.testing.assert_array_equal(alibi_bias(1, 3.0), [[0.0]])
    with pytest.raises(ValueError):
        alibi_bias(-1, 0.0)
    for slope in (-0.1, np.nan, np.inf):
        with pytest.raises(ValueError, match="slope"):
            alibi_bias(3, slope)


# ------------------------------------------------------------------ the weights

@pytest.mark.parametrize("slope", SLOPES)
def test_weights_are_the_softmax_of_the_biased_scores(slope):
    X, w, _ = case()
    Q, K = X @ w["Wq"], X @ w["Wk"]
    A = attention_weights(Q, K, slope)
    T, N, d = Q.shape
    for n in range(N):
        for i in range(T):
            scores = np.array([Q[i, n] @ K[j, n] / math.sqrt(d) - slope * (i - j) for j in range(i + 1)])
            expected = np.exp(scores) / np.exp(scores).sum()
            np.testing.assert_allclose(A[n, i, :i + 1], expected, rtol=1e-13)
            assert np.all(A[n, i, i + 1:] == 0.0)


def test_weights_are_stable_for_huge_scores():
    Q = np.full((3, 1, 2), 1e3)
    K = np.array([[[1e3, 1e3]], [[-1e3, -1e3]], [[2e3, 2e3]]])  # scores up to 2.8e6: exp overflows
    A = attention_weights(Q, K)
    assert np.all(np.isfinite(A))
    np.testing.assert_allclose(A[0], [[1, 0, 0], [1, 0, 0], [0, 0, 1]], atol=1e-300)


def test_default_slope_is_plain_causal_attention():
    X, w, _ = case()
    Q, K = X @ w["Wq"], X @ w["Wk"]
    np.testing.assert_array_equal(attention_weights(Q, K), attention_weights(Q, K, 0.0))


def test_alibi_lowers_the_weight_of_distant_steps():
    # Equal scores everywhere: weights fall off geometrically, by exp(-slope) per step back.
    Q = np.zeros((6, 1, 2))
    A = attention_weights(Q, Q, slope=0.5)[0]
    np.testing.assert_allclose(A[5, :5] / A[5, 1:6], np.exp(-0.5), rtol=1e-14)


# ------------------------------------------------------------------ finite differences

@pytest.mark.parametrize("slope", SLOPES)
@pytest.mark.parametrize("name", ["X", "Wq", "Wk", "Wv"])
def test_backward_matches_finite_differences(name, slope):
    X, w, dY = case(seed=1)
    args = {"X": X, **w}
    _, cache = attention_forward(**args, slope=slope)
    grads = attention_backward(dY, cache)

    def f(value):
        return attention_forward(**{**args, name: value}, slope=slope)[0]

    assert rel_error(grads[name], numerical_gradient(f, args[name], dY)) < GRAD_TOLERANCE


# ------------------------------------------------------------------ PyTorch

def test_torch_default_scale_is_one_over_sqrt_d():
    torch = pytest.importorskip("torch", reason="the torch extra is not installed")
    rng = np.random.default_rng(5)
    q, k, v = (torch.tensor(rng.normal(size=(2, 4, 3))) for _ in range(3))
    default = torch.nn.functional.scaled_dot_product_attention(q, k, v)
    explicit = torch.nn.functional.scaled_dot_product_attention(q, k, v, scale=1 / math.sqrt(3))
    unscaled = torch.nn.functional.scaled_dot_product_attention(q, k, v, scale=1.0)
    assert torch.allclose(default, explicit, rtol=0, atol=1e-15)
    assert not torch.allclose(default, unscaled, atol=1e-3)


# ------------------------------------------------------------------ properties

shapes = st.tuples(st.integers(1, 6), st.integers(1, 3), st.integers(1, 4), st.integers(1, 3), st.integers(1, 3))


@settings(max_examples=20)
@given(shape=shapes, slope=st.sampled_from([0.0, 0.1, 2.0]), seed=st.integers(0, 2 ** 16))
def test_rows_sum_to_one_and_the_future_gets_no_weight(shape, slope, seed):
    X, w, _ = case(seed, *shape, scale=3.0)
    A = attention_weights(X @ w["Wq"], X @ w["Wk"], slope)
    T, N = shape[:2]
    assert A.shape == (N, T, T)
    np.testing.assert_allclose(A.sum(axis=-1), 1.0, rtol=1e-14)
    assert np.all(A >= 0)
    assert np.all(A[:, np.triu_indices(T, k=1)[0], np.triu_indices(T, k=1)[1]] == 0.0)


@settings(max_examples=20)
@given(shape=shapes, slope=st.sampled_from([0.0, 0.3]), seed=st.integers(0, 2 ** 16), data=st.data())
def test_causal_changing_the_future_does_not_change_the_past(shape, slope, seed, data):
    X, w, _ = case(seed, *shape)
    T = shape[0]
    i = data.draw(st.integers(0, T - 1))
    changed = X.copy()
    changed[i + 1:] = np.random.default_rng(seed + 1).normal(size=changed[i + 1:].shape) * 10
    Y, _ = attention_forward(X, **w, slope=slope)
    Y_changed, _ = attention_forward(changed, **w, slope=slope)
    np.testing.assert_array_equal(Y[:i + 1], Y_changed[:i + 1])


@settings(max_examples=20)
@given(shape=shapes, slope=st.sampled_from([0.0, 0.3]), seed=st.integers(0, 2 ** 16))
def test_the_gradient_never_reaches_the_future(shape, slope, seed):
    # The loss reads only Y[i]: inputs after step i get exactly zero gradient.
    X, w, _ = case(seed, *shape)
    T = shape[0]
    Y, cache = attention_forward(X, **w, slope=slope)
    for i in range(T):
        dY = np.zeros_like(Y)
        dY[i] = 1.0
        assert not attention_backward(dY, cache)["X"][i + 1:].any()


def test_one_step_outputs_its_own_value():
    X, w, dY = case(T=1)
    Y, cache = attention_forward(X, **w, slope=0.5)
    np.testing.assert_allclose(Y, X @ w["Wv"], rtol=1e-15)
    grads = attention_backward(dY, cache)
    # One key only: its weight is 1 whatever the score, so Wq and Wk get no gradient.
    np.testing.assert_allclose(grads["X"], dY @ w["Wv"].T, rtol=1e-14)
    assert np.allclose(grads["Wq"], 0.0, atol=1e-15) and np.allclose(grads["Wk"], 0.0, atol=1e-15)


def test_empty_sequence():
    X, w, _ = case(T=0)
    Y, cache = attention_forward(X, **w, slope=0.1)
    assert Y.shape == (0, 3, 2)
    assert attention_weights(X @ w["Wq"], X @ w["Wk"]).shape == (3, 0, 0)
    grads = attention_backward(np.zeros((0, 3, 2)), cache)
    assert grads["X"].shape == (0, 3, 4)
    for name in ("Wq", "Wk", "Wv"):
        assert grads[name].shape == w[name].shape and not grads[name].any()


@settings(max_examples=15)
@given(shape=shapes, slope=st.sampled_from([0.0, 0.3]), seed=st.integers(0, 2 ** 16))
def test_nothing_is_modified_and_backward_can_run_twice(shape, slope, seed):
    X, w, dY = case(seed, *shape)
    before = [a.copy() for a in (X, dY, *w.values())]
    Y, cache = attention_forward(X, **w, slope=slope)
    Y_copy = Y.copy()
    first = attention_backward(dY, cache)
    second = attention_backward(dY, cache)
    for a, b in zip(before, (X, dY, *w.values())):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(Y, Y_copy)
    for name in first:
        np.testing.assert_array_equal(first[name], second[name])
    Q, K = X @ w["Wq"], X @ w["Wk"]
    Q_copy, K_copy = Q.copy(), K.copy()
    attention_weights(Q, K, slope)
    np.testing.assert_array_equal(Q, Q_copy)
    np.testing.assert_array_equal(K, K_copy)


def test_wrong_shapes_raise_value_error():
    X, w, dY = case()
    with pytest.raises(ValueError, match="Wk"):
        attention_forward(X, w["Wq"], w["Wk"][:, :2], w["Wv"])
    with pytest.raises(ValueError, match="K"):
        attention_weights(X @ w["Wq"], (X @ w["Wk"])[:4])
    _, cache = attention_forward(X, **w)
    with pytest.raises(ValueError, match="dY"):
        attention_backward(dY[:, :, :1], cache)
