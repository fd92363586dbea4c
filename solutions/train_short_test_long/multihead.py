"""Question ``multihead``: multi-head causal self-attention, with a choice of positions.

The second assignment's single head, H times side by side, then mixed by Wo:

    Q = X @ Wq, K = X @ Wk, V = X @ Wv        (T, N, H*dh): head h owns the
                                              columns h*dh .. (h+1)*dh - 1
    (scheme "rope": rotate each head's queries and keys, positions 0 .. T-1)
    A[n, h] = attention_weights(Q[:, :, h], K[:, :, h], slopes[h])    (N, T, T)
            = softmax_j(Q[i, n, h] . K[j, n, h] / sqrt(dh) - slopes[h] * (i - j)), j <= i
    O[i, n, h] = sum_j A[n, h, i, j] V[j, n, h]    the heads concatenated: (T, N, H*dh)
    Y = O @ Wo                                     (T, N, D)

Each head's weights are the second assignment's attention_weights (its
attention.py, found by earlier.py: your own, or the grader's reference
version): the head's own queries and keys, and its own ALiBi slope, the
slopes alibi_slopes(H) for "alibi" (head h gets slope h) and 0 for the others
(the causal mask alone). "sinusoidal" is "none" at this level: its encodings
are added to the token embeddings, before the first layer. The scale is
1 / sqrt(dh), the width of one head (PyTorch's default). There are no biases.
Sequences are time-major (T, N, D); the weights are batch first, as in
PyTorch's scaled_dot_product_attention.

The backward pass is this module's own: the second assignment's
attention_backward starts from X and one head's weights, while here the
gradients must reach the rotated queries and keys of every head.
"""
import numpy as np

import earlier  # noqa: F401 - makes the second assignment's attention.py importable (see earlier.py)
from attention import attention_weights
from positions import alibi_slopes, rope, rope_backward
from shapes import check_shape, check_shapes

SCHEMES = ("none", "sinusoidal", "rope", "alibi")


def multihead_attention_forward(X, Wq, Wk, Wv, Wo, n_heads, scheme="none"):
    """Multi-head causal self-attention over a batch of sequences.

    Inputs:
    - X: input sequences, time-major, shape (T, N, D); T may be 0
    - Wq, Wk, Wv: the heads' projections side by side, shape (D, H*dh)
      (head h uses columns h*dh .. (h+1)*dh - 1)
    - Wo: the output projection, shape (H*dh, D)
    - n_heads: H, an int >= 1 dividing H*dh (dh even for "rope")
    - scheme: "none", "sinusoidal", "rope" or "alibi"

    Returns a tuple of:
    - Y: shape (T, N, D), float64
    - cache: whatever multihead_attention_backward needs; only your own
      multihead_attention_backward reads it
    """
    X, Wq, Wk, Wv, Wo = check_shapes(X=(X, "T N D"), Wq=(Wq, "D E"), Wk=(Wk, "D E"), Wv=(Wv, "D E"),
                                     Wo=(Wo, "E D"))
    if isinstance(n_heads, bool) or int(n_heads) != n_heads or n_heads < 1 or Wq.shape[1] % n_heads:
        raise ValueError(f"n_heads must be an int >= 1 dividing H*dh = {Wq.shape[1]}, got {n_heads!r}")
    scheme = str(scheme)
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
    T, N, D = X.shape
    H = int(n_heads)
    dh = Wq.shape[1] // H
    # BEGIN SOLUTION
    # HINT: reshape each (T, N, H*dh) projection to (T, N, H, dh): head h is column block h. For
    # HINT: "rope", rotate the queries and keys (never the values) with positions np.arange(T). Each
    # HINT: head's weights are the second assignment's attention_weights(Q[:, :, h], K[:, :, h], slope)
    # HINT: (N, T, T), with slope alibi_slopes(H)[h] for "alibi" and 0 for the other schemes (the causal
    # HINT: mask alone): stack them into A (N, H, T, T). With v = V moved to (N, H, T, dh), A @ v is
    # HINT: every head's output; move it back to (T, N, H*dh) before Wo. Keep what the backward needs.
    positions = np.arange(T)
    Q, K, V = ((X @ W).reshape(T, N, H, dh) for W in (Wq, Wk, Wv))
    if scheme == "rope":
        Q, K = rope(Q, positions), rope(K, positions)
    q, k, v = (Z.transpose(1, 2, 0, 3) for Z in (Q, K, V))  # (N, H, T, dh)
    slopes = alibi_slopes(H) if scheme == "alibi" else np.zeros(H)
    A = np.empty((N, H, T, T))
    for h in range(H):
        A[:, h] = attention_weights(Q[:, :, h], K[:, :, h], slopes[h])
    O = (A @ v).transpose(2, 0, 1, 3).reshape(T, N, H * dh)
    Y = O @ Wo
    cache = (X, Wq, Wk, Wv, Wo, scheme, q, k, v, A, O)
    # END SOLUTION
    return Y, cache


def multihead_attention_backward(dY, cache):
    """Backward pass of multihead_attention_forward.

    The loss is sum(dY * Y). n_heads and the scheme are fixed settings: they
    get no gradient, and neither do the biases and the mask.

    Inputs:
    - dY: upstream gradients on the outputs, shape (T, N, D)
    - cache: the cache returned by your multihead_attention_forward

    Returns:
    - grads: dict with the gradients of the loss
        - "X": shape (T, N, D)
        - "Wq", "Wk", "Wv": shape (D, H*dh)
        - "Wo": shape (H*dh, D)

    Only read the cache: called twice on the same cache,
    multihead_attention_backward returns the same gradients.
    """
    # BEGIN SOLUTION
    # HINT: Y = O Wo sends dY to Wo (O^T dY) and to O (dY Wo^T), which you split into heads as in the
    # HINT: forward. Then each head as in the second assignment: dA = dO v^T, dv = A^T dO, the softmax
    # HINT: backward dS = A * (dA - sum_j A * dA), the scale, dq = dS k and dk = dS^T q. For "rope",
    # HINT: rope_backward takes dQ and dK back through the rotation. X feeds Q, K and V: three terms.
    X, Wq, Wk, Wv, Wo, scheme, q, k, v, A, O = cache
    N, H, T, dh = q.shape
    D = X.shape[2]
    scale = 1.0 / np.sqrt(dh)
    dY = check_shape("dY", dY, (T, N, D))
    rows = T * N
    dWo = O.reshape(rows, H * dh).T @ dY.reshape(rows, D)
    dO = (dY @ Wo.T).reshape(T, N, H, dh).transpose(1, 2, 0, 3)  # (N, H, T, dh)
    dA = dO @ v.transpose(0, 1, 3, 2)
    dv = A.transpose(0, 1, 3, 2) @ dO
    # The entries above the diagonal have A = 0: they pass no gradient on.
    dS = A * (dA - np.sum(A * dA, axis=-1, keepdims=True)) * scale
    dq = dS @ k
    dk = dS.transpose(0, 1, 3, 2) @ q
    dQ, dK, dV = (Z.transpose(2, 0, 1, 3) for Z in (dq, dk, dv))  # (T, N, H, dh)
    if scheme == "rope":
        positions = np.arange(T)
        dQ, dK = rope_backward(dQ, positions), rope_backward(dK, positions)
    dQ, dK, dV = (Z.reshape(rows, H * dh) for Z in (dQ, dK, dV))
    X_rows = X.reshape(rows, D)
    grads = {
        "X": (dQ @ Wq.T + dK @ Wk.T + dV @ Wv.T).reshape(T, N, D),
        "Wq": X_rows.T @ dQ,
        "Wk": X_rows.T @ dK,
        "Wv": X_rows.T @ dV,
        "Wo": dWo,
    }
    # END SOLUTION
    return grads
