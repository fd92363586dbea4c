"""Question ``positions``: where attention's positions come from.

Attention alone is blind to order: permute the earlier tokens and a causal
head's output at step i does not change. Three ways to give it positions:

- sinusoidal (Vaswani et al., 2017): add a fixed vector per absolute position
  to the token embeddings, before the first layer;
- RoPE (Su et al., RoFormer, 2021): rotate each head's queries and keys by
  angles proportional to their absolute position, so that q_i . k_j depends
  on i - j only;
- ALiBi (Press et al., 2022, "Train short, test long"): add -slope * (i - j)
  to the attention scores, with a different slope per head.

The fourth scheme, "none" (NoPE), is the causal mask alone: alibi_biases with
every slope 0. Sequences are time-major: the first axis of X is the step
t = 0 .. T-1. Inputs of any real dtype give float64 outputs; inputs are never
modified.
"""
import math

import numpy as np

from shapes import check_shapes, check_steps


def _positions(positions):
    """positions as a float64 array of shape (T,), or ValueError naming them."""
    (positions,) = check_shapes(positions=(positions, "T"))
    return positions


def _pairs(name, X, positions):
    """X as a float64 array (T, ..., dh) with T = len(positions) and dh even, or ValueError naming it."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim < 2 or X.shape[0] != positions.shape[0] or X.shape[-1] % 2:
        raise ValueError(f"{name} must have shape (T, ..., dh) with T = len(positions) = {positions.shape[0]} "
                         f"and dh even, got {X.shape}")
    return X


def sinusoidal_encoding(positions, d):
    """Vaswani et al.'s sinusoidal position encodings.

    Inputs:
    - positions: the positions t, shape (T,) (ints, e.g. np.arange(T)); T may be 0
    - d: the model width, an even int >= 2

    Returns:
    - P: shape (T, d), float64, sin and cos interleaved: with
      w_i = 10000^(-2i / d) for i = 0 .. d/2 - 1,
      P[t, 2i] = sin(positions[t] * w_i) and P[t, 2i+1] = cos(positions[t] * w_i)
    """
    positions = _positions(positions)
    if isinstance(d, bool) or int(d) != d or d < 2 or d % 2:
        raise ValueError(f"d must be an even int >= 2, got {d!r}")
    d = int(d)
    # BEGIN SOLUTION
    # HINT: the d/2 frequencies are 10000.0 ** (-np.arange(0, d, 2) / d); the angles are the outer
    # HINT: product of the positions (T,) and the frequencies (d/2,). Fill the even columns with the
    # HINT: sines and the odd ones with the cosines (P[:, 0::2] = ...): interleaved, not two halves.
    frequencies = 10000.0 ** (-np.arange(0, d, 2) / d)
    angles = positions[:, None] * frequencies[None, :]
    P = np.empty((positions.shape[0], d))
    P[:, 0::2] = np.sin(angles)
    P[:, 1::2] = np.cos(angles)
    # END SOLUTION
    return P


def rope(X, positions, base=10000.0):
    """Rotary position embedding (RoPE): rotate pairs of features by position-dependent angles.

    The pairs are interleaved, (2i, 2i+1) of the last axis, as in the RoFormer
    paper and Meta's original LLaMA code. With theta = positions[t] * base^(-2i / dh):

        Y[t, ..., 2i]   = X[t, ..., 2i] cos(theta) - X[t, ..., 2i+1] sin(theta)
        Y[t, ..., 2i+1] = X[t, ..., 2i] sin(theta) + X[t, ..., 2i+1] cos(theta)

    Hugging Face's ``rotate_half`` pairs feature i with i + dh/2 instead (same
    frequencies): the two differ by one fixed permutation of the features, the
    same for queries and keys, which is not this function's result.

    Inputs:
    - X: shape (T, ..., dh), dh even: any axes between time and features
      (e.g. (T, N, H, dh), the queries of H heads)
    - positions: the positions t, shape (T,)
    - base: the frequency base, a float > 0 (default 10000.0)

    Returns:
    - Y: shape of X, float64. Rotated queries and keys have dot products
      q_i . k_j that depend on positions i - j only.
    """
    positions = _positions(positions)
    X = _pairs("X", X, positions)
    # BEGIN SOLUTION
    # HINT: the angles (T, dh/2) are the outer product of the positions and base ** (-np.arange(0, dh, 2) / dh).
    # HINT: Give them the axes of X (reshape to (T, 1, ..., 1, dh/2)) so that they broadcast, then
    # HINT: rotate the even features X[..., 0::2] and the odd ones X[..., 1::2] together, into a new array.
    dh = X.shape[-1]
    angles = positions[:, None] * base ** (-np.arange(0, dh, 2) / dh)
    angles = angles.reshape(X.shape[:1] + (1,) * (X.ndim - 2) + (dh // 2,))
    cos, sin = np.cos(angles), np.sin(angles)
    even, odd = X[..., 0::2], X[..., 1::2]
    Y = np.empty_like(X)
    Y[..., 0::2] = even * cos - odd * sin
    Y[..., 1::2] = even * sin + odd * cos
    # END SOLUTION
    return Y


def rope_backward(dY, positions, base=10000.0):
    """Backward pass of rope.

    Each rotation is orthogonal: its transpose, the rotation by the opposite
    angle -theta, carries the gradient back. The positions and the base get no
    gradient.

    Inputs:
    - dY: upstream gradient on rope's output, shape (T, ..., dh), dh even
    - positions: the positions given to rope, shape (T,)
    - base: the base given to rope

    Returns:
    - dX: shape of dY, float64, the gradient on rope's input X
    """
    positions = _positions(positions)
    dY = _pairs("dY", dY, positions)
    # BEGIN SOLUTION
    # HINT: rotating by -theta is rotating the positions -t: one call of your rope does it.
    dX = rope(dY, -positions, base)
    # END SOLUTION
    return dX


def alibi_slopes(H):
    """The ALiBi paper's slopes of H heads (get_slopes of ofirpress/attention_with_linear_biases).

    For H a power of two, the geometric sequence that starts at 2^(-8/H) with
    ratio 2^(-8/H): 1/2, 1/4, ..., 1/256 for 8 heads; 1/4, 1/16, 1/64, 1/256
    for 4. Otherwise, with n the largest power of two below H: the n slopes of
    n heads, then every other slope of 2n heads (the 1st, 3rd, ...), H - n of
    them. For 6 heads: 1/4, 1/16, 1/64, 1/256, then 1/2, 1/8. So the slopes
    decrease from head to head only when H is a power of two: do not sort them.

    Inputs:
    - H: the number of heads, an int >= 1

    Returns:
    - slopes: shape (H,), float64
    """
    if isinstance(H, bool) or int(H) != H or H < 1:
        raise ValueError(f"H must be an int >= 1, got {H!r}")
    H = int(H)
    # BEGIN SOLUTION
    # HINT: 2 ** math.floor(math.log2(H)) is n, the largest power of two <= H; the geometric
    # HINT: sequence of m heads is r ** np.arange(1, m + 1) with r = 2 ** (-8 / m). Take all n of n
    # HINT: heads, then (when H > n) the sequence of 2n heads [0::2], its first H - n entries.
    n = 2 ** math.floor(math.log2(H))
    slopes = (2.0 ** (-8.0 / n)) ** np.arange(1, n + 1)
    if H > n:
        extra = (2.0 ** (-8.0 / (2 * n))) ** np.arange(1, 2 * n + 1)
        slopes = np.concatenate([slopes, extra[0::2][:H - n]])
    # END SOLUTION
    return slopes


def alibi_biases(T, slopes):
    """The causal ALiBi biases of every head, added to its attention scores.

    Inputs:
    - T: the sequence length, an int >= 0
    - slopes: the slope of each head, shape (H,), each >= 0 (all 0: the causal
      mask alone, the scheme "none")

    Returns:
    - B: shape (H, T, T), float64; B[h, i, j] = -slopes[h] * (i - j) for
      j <= i (0 on the diagonal) and -inf for j > i (the future is masked)
    """
    T = check_steps(T)
    (slopes,) = check_shapes(slopes=(slopes, "H"))
    # BEGIN SOLUTION
    # HINT: np.arange(T)[:, None] - np.arange(T)[None, :] is the matrix of i - j; multiply it by
    # HINT: slopes[:, None, None] for every head at once. Fill the entries with j > i with -np.inf
    # HINT: by np.where, not by multiplying a mask by inf: 0 * inf is nan.
    distance = np.arange(T)[:, None] - np.arange(T)[None, :]
    B = np.where(distance >= 0, -slopes[:, None, None] * distance, -np.inf)
    # END SOLUTION
    return B
