import numpy as np
import pytest

from finite_differences import assert_close, numeric_gradient
from multihead import SCHEMES, multihead_attention_backward, multihead_attention_forward
from positions import alibi_slopes


def setup(seed=0, T=5, N=2, D=6, H=2, dh=4):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((T, N, D))
    W = [rng.standard_normal((D, H * dh)) * 0.7 for _ in range(3)]
    Wo = rng.standard_normal((H * dh, D)) * 0.5
    return X, W, Wo


@pytest.mark.parametrize("scheme", SCHEMES)
def test_gradients_match_finite_differences(scheme):
    X, (Wq, Wk, Wv), Wo = setup()
    dY = np.random.default_rng(9).standard_normal((5, 2, 6))
    Y, cache = multihead_attention_forward(X, Wq, Wk, Wv, Wo, 2, scheme)
    grads = multihead_attention_backward(dY, cache)
    for name, arr in dict(X=X, Wq=Wq, Wk=Wk, Wv=Wv, Wo=Wo).items():
        f = lambda: np.sum(dY * multihead_attention_forward(X, Wq, Wk, Wv, Wo, 2, scheme)[0])
        assert_close(grads[name], numeric_gradient(f, arr))


def reference(X, Wq, Wk, Wv, Wo, H, slopes=None):
    """Loops over sequences, heads and steps: the definition, slowly."""
    T, N, D = X.shape
    dh = Wq.shape[1] // H
    Y = np.zeros((T, N, D))
    for n in range(N):
        O = np.zeros((T, H * dh))
        for h in range(H):
            cols = slice(h * dh, (h + 1) * dh)
            Q, K, V = X[:, n] @ Wq[:, cols], X[:, n] @ Wk[:, cols], X[:, n] @ Wv[:, cols]
            for i in range(T):
                s = np.array([Q[i] @ K[j] / np.sqrt(dh) - (0 if slopes is None else slopes[h] * (i - j))
                              for j in range(i + 1)])
                a = np.exp(s - s.max()); a /= a.sum()
                O[i, cols] = a @ V[: i + 1]
        Y[:, n] = O @ Wo
    return Y


def test_alibi_gives_head_h_the_h_th_slope():
    X, (Wq, Wk, Wv), Wo = setup(1, H=4, dh=2)
    Y, _ = multihead_attention_forward(X, Wq, Wk, Wv, Wo, 4, "alibi")
    np.testing.assert_allclose(Y, reference(X, Wq, Wk, Wv, Wo, 4, alibi_slopes(4)), atol=1e-12)
    Yn, _ = multihead_attention_forward(X, Wq, Wk, Wv, Wo, 4, "none")
    np.testing.assert_allclose(Yn, reference(X, Wq, Wk, Wv, Wo, 4), atol=1e-12)
    Ys, _ = multihead_attention_forward(X, Wq, Wk, Wv, Wo, 4, "sinusoidal")
    np.testing.assert_array_equal(Ys, Yn)


def test_stable_for_huge_scores_and_empty_sequences():
    X, (Wq, Wk, Wv), Wo = setup(2)
    Y, _ = multihead_attention_forward(X * 1e3, Wq, Wk, Wv, Wo, 2, "rope")
    assert np.isfinite(Y).all()
    Y0, c0 = multihead_attention_forward(X[:0], Wq, Wk, Wv, Wo, 2, "alibi")
    assert Y0.shape == (0, 2, 6)
    g = multihead_attention_backward(np.zeros((0, 2, 6)), c0)
    assert g["X"].shape == (0, 2, 6) and not g["Wq"].any()


def test_causal_the_past_ignores_the_future():
    X, (Wq, Wk, Wv), Wo = setup(3)
    for scheme in SCHEMES:
        Y, _ = multihead_attention_forward(X, Wq, Wk, Wv, Wo, 2, scheme)
        X2 = X.copy(); X2[3:] += 5.0
        Y2, _ = multihead_attention_forward(X2, Wq, Wk, Wv, Wo, 2, scheme)
        np.testing.assert_array_equal(Y[:3], Y2[:3])
