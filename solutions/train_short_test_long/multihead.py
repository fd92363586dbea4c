"""Multi-head causal self-attention with a choice of positional scheme.

    Q = X @ Wq, K = X @ Wk, V = X @ Wv           (T, N, H*dh), split into H heads
    (rope: rotate each head's Q and K by positions 0 .. T-1)
    A[n, h, i, j] = softmax_j(Q[i, n, h] . K[j, n, h] / sqrt(dh) + B[h, i, j])
    O[i, n, h] = sum_j A[n, h, i, j] V[j, n, h]   concatenated over heads (T, N, H*dh)
    Y = O @ Wo                                    (T, N, D)

B is the causal mask (-inf for j > i, 0 elsewhere) for "none", "sinusoidal" and
"rope"; for "alibi" it is alibi_biases(T, alibi_slopes(H)): head h gets the
h-th slope (head 0 the steepest). "sinusoidal" is the causal mask alone at this
level: its encodings are added to the token embeddings by the model.
"""
import numpy as np

from positions import alibi_biases, alibi_slopes, rope, rope_backward

SCHEMES = ("none", "sinusoidal", "rope", "alibi")


def _causal_bias(T, n_heads, scheme):
    if scheme == "alibi":
        return alibi_biases(T, alibi_slopes(n_heads))  # (H, T, T)
    distance = np.arange(T)[:, None] - np.arange(T)[None, :]
    return np.where(distance >= 0, 0.0, -np.inf)  # (T, T), the same for every head


def multihead_attention_forward(X, Wq, Wk, Wv, Wo, n_heads, scheme="none"):
    """Multi-head causal self-attention.

    Inputs:
    - X: input sequences, time-major, shape (T, N, D); T may be 0
    - Wq, Wk, Wv: shape (D, H*dh), the heads' projections side by side
      (head h uses columns h*dh .. (h+1)*dh - 1)
    - Wo: shape (H*dh, D)
    - n_heads: H, an int >= 1 dividing H*dh
    - scheme: "none", "sinusoidal", "rope" or "alibi"

    Returns a tuple of:
    - Y: shape (T, N, D)
    - cache: whatever multihead_attention_backward needs
    """
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
    X = np.asarray(X)
    T, N, D = X.shape
    HD = Wq.shape[1]
    if HD % n_heads or Wk.shape != Wq.shape or Wv.shape != Wq.shape or Wo.shape != (HD, D):
        raise ValueError("Wq, Wk, Wv must be (D, H*dh) and Wo (H*dh, D), H dividing H*dh")
    H, dh = n_heads, HD // n_heads
    positions = np.arange(T)
    Q = (X @ Wq).reshape(T, N, H, dh)
    K = (X @ Wk).reshape(T, N, H, dh)
    V = (X @ Wv).reshape(T, N, H, dh)
    if scheme == "rope":
        Q, K = rope(Q, positions), rope(K, positions)
    q, k, v = (Z.transpose(1, 2, 0, 3) for Z in (Q, K, V))  # (N, H, T, dh)
    S = q @ k.transpose(0, 1, 3, 2)
    S *= 1.0 / np.sqrt(dh)
    S += _causal_bias(T, H, scheme).astype(S.dtype)
    # initial=-inf: with T = 0 the rows are empty; every row has a finite diagonal.
    S -= S.max(axis=-1, keepdims=True, initial=-np.inf)
    A = np.exp(S, out=S)
    A /= A.sum(axis=-1, keepdims=True)
    O = (A @ v).transpose(2, 0, 1, 3).reshape(T, N, HD)
    Y = O @ Wo
    cache = (X, Wq, Wk, Wv, Wo, H, scheme, q, k, v, A, O)
    return Y, cache


def multihead_attention_backward(dY, cache):
    """Backward pass of multihead_attention_forward (loss sum(dY * Y)).

    Inputs:
    - dY: upstream gradients, shape (T, N, D)
    - cache: from multihead_attention_forward

    Returns:
    - grads: dict with keys "X" (T, N, D), "Wq", "Wk", "Wv" (D, H*dh), "Wo" (H*dh, D)
    """
    X, Wq, Wk, Wv, Wo, H, scheme, q, k, v, A, O = cache
    T, N, D = X.shape
    HD = Wq.shape[1]
    dh = HD // H
    dY = np.asarray(dY)
    if dY.shape != (T, N, D):
        raise ValueError(f"dY must have shape {(T, N, D)}, got {dY.shape}")
    rows = T * N
    dWo = O.reshape(rows, HD).T @ dY.reshape(rows, D)
    dO = (dY @ Wo.T).reshape(T, N, H, dh).transpose(1, 2, 0, 3)  # (N, H, T, dh)
    dA = dO @ v.transpose(0, 1, 3, 2)
    dv = A.transpose(0, 1, 3, 2) @ dO
    dS = dA  # the softmax backward, in place: dS = A * (dA - sum_j A dA)
    dS -= np.sum(A * dA, axis=-1, keepdims=True)
    dS *= A
    dS *= 1.0 / np.sqrt(dh)
    dq = dS @ k
    dk = dS.transpose(0, 1, 3, 2) @ q
    dQ, dK, dV = (Z.transpose(2, 0, 1, 3) for Z in (dq, dk, dv))  # (T, N, H, dh)
    if scheme == "rope":
        positions = np.arange(T)
        dQ, dK = rope_backward(dQ, positions), rope_backward(dK, positions)
    dQ, dK, dV = (Z.reshape(rows, HD) for Z in (dQ, dK, dV))
    Xr = X.reshape(rows, D)
    return {
        "X": (dQ @ Wq.T + dK @ Wk.T + dV @ Wv.T).reshape(T, N, D),
        "Wq": Xr.T @ dQ,
        "Wk": Xr.T @ dK,
        "Wv": Xr.T @ dV,
        "Wo": dWo,
    }
