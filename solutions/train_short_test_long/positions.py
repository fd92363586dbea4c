"""Where attention's positions come from: sinusoidal encodings, RoPE and ALiBi.

Attention alone is blind to order: permute the earlier tokens and a causal
head's output at step i does not change. Three ways to give it positions:

- sinusoidal (Vaswani et al., 2017): add a fixed vector per absolute position
  to the token embeddings, before the first layer;
- RoPE (Su et al., RoFormer, 2021): rotate each head's queries and keys by an
  angle proportional to their absolute position, so that q_i . k_j depends on
  i - j only;
- ALiBi (Press et al., 2022): add -slope * (i - j) to the attention scores, a
  different slope per head.

Sequences are time-major: the first axis of X is the step t = 0 .. T-1.
"""
import math

import numpy as np


def sinusoidal_encoding(positions, d):
    """Vaswani et al.'s sinusoidal position encodings.

    Inputs:
    - positions: int array, shape (T,); T may be 0
    - d: the model width, an even int >= 2

    Returns:
    - P: shape (T, d), float64;
      P[t, 2i] = sin(positions[t] / 10000^(2i / d)),
      P[t, 2i+1] = cos(positions[t] / 10000^(2i / d))  (sin, cos interleaved)
    """
    positions = np.asarray(positions)
    if positions.ndim != 1:
        raise ValueError(f"positions must have shape (T,), got {positions.shape}")
    if d < 2 or d % 2:
        raise ValueError(f"d must be an even int >= 2, got {d!r}")
    inv_freq = 10000.0 ** (-np.arange(0, d, 2) / d)  # (d/2,): 10000^(-2i/d)
    angles = positions.astype(np.float64)[:, None] * inv_freq[None, :]
    P = np.empty((positions.shape[0], d))
    P[:, 0::2] = np.sin(angles)
    P[:, 1::2] = np.cos(angles)
    return P


def _rotation(positions, dh, base, ndim):
    """cos and sin of the angles pos_t * base^(-2i/dh), shaped to broadcast
    against an array of ndim axes whose last axis holds the dh/2 pairs."""
    positions = np.asarray(positions)
    if positions.ndim != 1:
        raise ValueError(f"positions must have shape (T,), got {positions.shape}")
    if dh < 2 or dh % 2:
        raise ValueError(f"the last axis of X must be even and >= 2, got {dh}")
    inv_freq = base ** (-np.arange(0, dh, 2) / dh)
    angles = positions.astype(np.float64)[:, None] * inv_freq[None, :]  # (T, dh/2)
    shape = (positions.shape[0],) + (1,) * (ndim - 2) + (dh // 2,)
    return np.cos(angles).reshape(shape), np.sin(angles).reshape(shape)


def _rotate_pairs(X, cos, sin):
    # float32 stays float32 (the provided training model may run in float32);
    # everything else is computed in float64.
    dtype = np.result_type(X.dtype, np.float32)
    cos, sin = cos.astype(dtype, copy=False), sin.astype(dtype, copy=False)
    out = np.empty(X.shape, dtype=dtype)
    even, odd = X[..., 0::2], X[..., 1::2]
    out[..., 0::2] = even * cos - odd * sin
    out[..., 1::2] = even * sin + odd * cos
    return out


def rope(X, positions, base=10000.0):
    """Rotary position embedding: rotate feature pairs by position-dependent angles.

    Pairs (2i, 2i+1) of the last axis are rotated by the angle
    theta = positions[t] * base^(-2i / dh):

        Y[t, ..., 2i]   = X[t, ..., 2i] cos(theta) - X[t, ..., 2i+1] sin(theta)
        Y[t, ..., 2i+1] = X[t, ..., 2i] sin(theta) + X[t, ..., 2i+1] cos(theta)

    This is the RoFormer paper's (and the original LLaMA code's) interleaved
    pairing. Hugging Face's `rotate_half` pairs feature i with i + dh/2 (same
    frequencies base^(-2i/dh)); the two differ by a fixed permutation of the
    features (2i -> i, 2i+1 -> i + dh/2), applied to queries and keys alike, so
    permuting the columns of each head's Wq and Wk turns one model into the other
    (this is what HF's LLaMA weight conversion does). Queries and keys only:
    rotating the values too is a mistake.

    Inputs:
    - X: shape (T, ..., dh), dh even (e.g. (T, N, H, dh) for per-head queries)
    - positions: int array, shape (T,)
    - base: the frequency base, default 10000.0

    Returns:
    - Y: shape of X; q_i . k_j of rotated vectors depends on positions i - j only
    """
    X = np.asarray(X)
    if X.ndim < 2 or X.shape[0] != np.shape(positions)[0]:
        raise ValueError(f"X must have shape (T, ..., dh) with T = len(positions), got {X.shape}")
    cos, sin = _rotation(positions, X.shape[-1], base, X.ndim)
    return _rotate_pairs(X, cos, sin)


def rope_backward(dY, positions, base=10000.0):
    """Backward pass of rope: the rotation is orthogonal, so its transpose,
    the rotation by the opposite angle, carries the gradient back.

    Inputs:
    - dY: upstream gradient, shape (T, ..., dh)
    - positions, base: as given to rope

    Returns:
    - dX: shape of dY
    """
    dY = np.asarray(dY)
    if dY.ndim < 2 or dY.shape[0] != np.shape(positions)[0]:
        raise ValueError(f"dY must have shape (T, ..., dh) with T = len(positions), got {dY.shape}")
    cos, sin = _rotation(positions, dY.shape[-1], base, dY.ndim)
    return _rotate_pairs(dY, cos, -sin)


def alibi_slopes(H):
    """The ALiBi paper's head slopes (get_slopes of ofirpress/attention_with_linear_biases).

    For H a power of two: the geometric sequence starting at 2^(-8/H) with
    ratio 2^(-8/H): 1/2, 1/4, ..., 1/256 for 8 heads; 1/4, 1/16, 1/64, 1/256 for 4.
    Otherwise, with n the largest power of two below H: the n slopes of n heads,
    then every other slope of 2n heads, H - n of them; e.g. for 6 heads
    1/4, 1/16, 1/64, 1/256, 1/2, 1/8 (so only for a power of two is head 0 the
    steepest and the order decreasing).

    Inputs:
    - H: the number of heads, an int >= 1

    Returns:
    - slopes: shape (H,), float64
    """
    if int(H) != H or H < 1:
        raise ValueError(f"H must be an int >= 1, got {H!r}")
    H = int(H)

    def power_of_2(n):
        start = 2 ** (-(2 ** -(math.log2(n) - 3)))
        return [start * start**i for i in range(n)]

    if math.log2(H).is_integer():
        return np.array(power_of_2(H))
    closest = 2 ** math.floor(math.log2(H))
    return np.array(power_of_2(closest) + list(alibi_slopes(2 * closest)[0::2][: H - closest]))


def alibi_biases(T, slopes):
    """The causal ALiBi biases of every head.

    Inputs:
    - T: sequence length, an int >= 0
    - slopes: shape (H,), the slope of each head (>= 0)

    Returns:
    - B: shape (H, T, T); B[h, i, j] = -slopes[h] * (i - j) for j <= i,
      -inf for j > i
    """
    slopes = np.asarray(slopes, dtype=np.float64)
    if slopes.ndim != 1:
        raise ValueError(f"slopes must have shape (H,), got {slopes.shape}")
    distance = np.arange(T)[:, None] - np.arange(T)[None, :]
    return np.where(distance >= 0, -slopes[:, None, None] * distance, -np.inf)
