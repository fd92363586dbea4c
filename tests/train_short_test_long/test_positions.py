import numpy as np
import pytest

from finite_differences import assert_close, numeric_gradient
from positions import alibi_biases, alibi_slopes, rope, rope_backward, sinusoidal_encoding


def test_sinusoidal_matches_vaswani_formula_entry_by_entry():
    pos = np.array([0, 1, 5, 37])
    d = 6
    P = sinusoidal_encoding(pos, d)
    for t, p in enumerate(pos):
        for i in range(d // 2):
            angle = p / 10000 ** (2 * i / d)
            assert P[t, 2 * i] == pytest.approx(np.sin(angle), abs=1e-15)
            assert P[t, 2 * i + 1] == pytest.approx(np.cos(angle), abs=1e-15)
    assert P.dtype == np.float64 and sinusoidal_encoding(np.arange(0), 4).shape == (0, 4)


def test_sinusoidal_rejects_odd_width():
    with pytest.raises(ValueError):
        sinusoidal_encoding(np.arange(3), 5)


def test_rope_rotates_interleaved_pairs_by_position_times_frequency():
    X = np.random.default_rng(0).standard_normal((3, 2, 4))
    pos = np.array([0, 2, 7])
    Y = rope(X, pos, base=100.0)
    for t in range(3):
        for i in range(2):
            th = pos[t] * 100.0 ** (-2 * i / 4)
            c, s = np.cos(th), np.sin(th)
            np.testing.assert_allclose(Y[t, :, 2 * i], c * X[t, :, 2 * i] - s * X[t, :, 2 * i + 1])
            np.testing.assert_allclose(Y[t, :, 2 * i + 1], s * X[t, :, 2 * i] + c * X[t, :, 2 * i + 1])
    np.testing.assert_array_equal(Y[0], X[0])  # position 0: identity


def test_rope_scores_depend_on_relative_position_only():
    rng = np.random.default_rng(1)
    q, k = rng.standard_normal(8), rng.standard_normal(8)

    def score(i, j):
        return rope(q[None], np.array([i]))[0] @ rope(k[None], np.array([j]))[0]

    assert score(5, 2) == pytest.approx(score(103, 100), rel=1e-10)
    assert score(5, 2) != pytest.approx(score(5, 3), rel=1e-3)


def test_rope_equals_hf_rotate_half_after_a_fixed_permutation():
    rng = np.random.default_rng(2)
    dh, T = 8, 5
    X = rng.standard_normal((T, dh))
    pos = np.arange(T)
    inv = 10000.0 ** (-np.arange(0, dh, 2) / dh)
    ang = np.concatenate([pos[:, None] * inv] * 2, axis=1)  # HF: cat(freqs, freqs)
    perm = np.concatenate([np.arange(0, dh, 2), np.arange(1, dh, 2)])  # 2i -> i, 2i+1 -> i + dh/2
    Xh = X[:, perm]
    rotate_half = np.concatenate([-Xh[:, dh // 2:], Xh[:, : dh // 2]], axis=1)
    hf = Xh * np.cos(ang) + rotate_half * np.sin(ang)
    np.testing.assert_allclose(hf, rope(X, pos)[:, perm], atol=1e-14)


def test_rope_backward_is_the_gradient_of_rope():
    rng = np.random.default_rng(3)
    X, dY = rng.standard_normal((4, 2, 3, 6)), rng.standard_normal((4, 2, 3, 6))
    pos = np.arange(4)
    num = numeric_gradient(lambda: np.sum(dY * rope(X, pos)), X)
    assert_close(rope_backward(dY, pos), num)


def test_alibi_slopes_follow_the_papers_code():
    np.testing.assert_allclose(alibi_slopes(8), 2.0 ** -np.arange(1, 9))
    np.testing.assert_allclose(alibi_slopes(4), 2.0 ** -np.array([2, 4, 6, 8]))
    np.testing.assert_allclose(alibi_slopes(1), [2.0 ** -8])
    # non-powers of two: ofirpress/attention_with_linear_biases get_slopes(6) and (12)
    np.testing.assert_allclose(alibi_slopes(6), [1 / 4, 1 / 16, 1 / 64, 1 / 256, 1 / 2, 1 / 8])
    s8, s16 = 2.0 ** -np.arange(1, 9), 2.0 ** -(np.arange(1, 17) / 2)
    np.testing.assert_allclose(alibi_slopes(12), np.concatenate([s8, s16[0::2][:4]]))


def test_alibi_biases_per_head():
    B = alibi_biases(3, np.array([0.5, 0.25]))
    assert B.shape == (2, 3, 3)
    np.testing.assert_array_equal(B[0], [[0, -np.inf, -np.inf], [-0.5, 0, -np.inf], [-1, -0.5, 0]])
    np.testing.assert_array_equal(B[1][2], [-0.5, -0.25, 0])
    assert alibi_biases(0, np.ones(3)).shape == (3, 0, 0)
