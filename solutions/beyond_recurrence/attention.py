"""Question ``attention``: causal scaled dot-product self-attention, with ALiBi.

Attention replaces the recurrence: the output at step i reads every earlier
input directly, weighted by how well its key matches step i's query,

    Q = X @ Wq      K = X @ Wk      V = X @ Wv
    A[i, j] = softmax_j(Q[i] . K[j] / sqrt(d) + B[i, j])
    Y[i] = sum_j A[i, j] V[j]

so the gradient from Y[i] reaches X[j] through one product, whatever i - j:
there is no chain of Jacobians to vanish (Vaswani et al., 2017). Dividing by
sqrt(d) keeps the scores of unit-scale queries and keys at unit scale, so the
softmax does not saturate as d grows.

The bias B does two jobs. B[i, j] = -inf for j > i makes the attention
causal: step i cannot see the future (exp(-inf) = 0). ALiBi (Press et al.,
2022, "Train short, test long") adds a penalty linear in the distance,
B[i, j] = -slope * (i - j) for j <= i, so that far steps get exponentially
less weight unless their score says otherwise; slope 0 is plain causal
attention. One head, one slope here (the paper gives each head its own,
2^-1, 2^-2, ... 2^-8 for 8 heads).

Sequences are time-major, as in the first assignment: X[t] (N, D) is step
t + 1 of every sequence. The attention weights of sequence n are A[n]
(T, T), batch first, as in PyTorch's scaled_dot_product_attention.
"""
import numpy as np

from shapes import check_shape, check_shapes, check_steps


def alibi_bias(T, slope):
    """The causal ALiBi bias added to the attention scores.

    Inputs:
    - T: sequence length, an int >= 0
    - slope: the ALiBi slope m, a float >= 0 (0 gives plain causal attention)

    Returns:
    - B: shape (T, T); B[i, j] = -slope * (i - j) for j <= i (0 on the
      diagonal) and -inf for j > i (the future is masked)
    """
    T = check_steps(T)
    (slope,) = check_shapes(slope=(slope, ""))
    if not 0 <= slope < np.inf:  # also refuses nan, which every comparison rejects
        raise ValueError(f"slope must be a finite number >= 0, got {float(slope)!r}")
    # BEGIN SOLUTION
    # HINT: np.arange(T)[:, None] - np.arange(T)[None, :] is the matrix of i - j.
    # HINT: Fill the entries with j > i with -np.inf (np.where), not by multiplying
    # HINT: the mask by inf: 0 * inf is nan.
    distance = np.arange(T)[:, None] - np.arange(T)[None, :]
    B = np.where(distance >= 0, -slope * distance, -np.inf)
    # END SOLUTION
    return B


def attention_weights(Q, K, slope=0.0):
    """Causal attention weights, softmax over the keys of each query.

    Inputs:
    - Q: queries, shape (T, N, d)
    - K: keys, shape (T, N, d)
    - slope: the ALiBi slope, a float >= 0 (default 0: plain causal attention)

    Returns:
    - A: shape (N, T, T); A[n, i, j] = softmax_j(Q[i, n] . K[j, n] / sqrt(d)
      + B[i, j]) with B = alibi_bias(T, slope). Every row sums to 1 and every
      entry above the diagonal (j > i) is 0. Computed stably: each row's
      largest score is subtracted before np.exp, so no score overflows.
    """
    Q, K = check_shapes(Q=(Q, "T N d"), K=(K, "T N d"))
    # BEGIN SOLUTION
    # HINT: move the batch axis first (Q.transpose(1, 0, 2) is (N, T, d)) and use
    # HINT: a batched product for the scores (N, T, T); add alibi_bias, subtract
    # HINT: each row's max (keepdims=True), then exponentiate and normalise over
    # HINT: the last axis (the keys j). Every row has a finite diagonal entry.
    # In place after the first product: every fresh (N, T, T) array costs
    # page faults that take longer than the arithmetic on it.
    scores = Q.transpose(1, 0, 2) @ K.transpose(1, 2, 0)
    scores /= np.sqrt(Q.shape[-1])
    scores += alibi_bias(Q.shape[0], slope)
    # initial=-inf: with T = 0 the rows are empty and max needs a value to start from.
    scores -= scores.max(axis=-1, keepdims=True, initial=-np.inf)
    A = np.exp(scores, out=scores)
    A /= A.sum(axis=-1, keepdims=True)
    # END SOLUTION
    return A


def attention_forward(X, Wq, Wk, Wv, slope=0.0):
    """Single-head causal self-attention over a batch of sequences.

    Inputs:
    - X: input sequences, time-major, shape (T, N, D); T may be 0
    - Wq: query weights, shape (D, d)
    - Wk: key weights, shape (D, d)
    - Wv: value weights, shape (D, dv)
    - slope: the ALiBi slope, a float >= 0 (a fixed hyper-parameter)

    Returns a tuple of:
    - Y: outputs, shape (T, N, dv); Y[i, n] = sum_j A[n, i, j] V[j, n] with
      Q = X @ Wq, K = X @ Wk, V = X @ Wv and A = attention_weights(Q, K, slope)
    - cache: whatever attention_backward needs; only your own
      attention_backward reads it
    """
    X, Wq, Wk, Wv = check_shapes(X=(X, "T N D"), Wq=(Wq, "D d"), Wk=(Wk, "D d"), Wv=(Wv, "D dv"))
    # BEGIN SOLUTION
    # HINT: three products give Q, K, V (a (T, N, D) array times a (D, d) matrix
    # HINT: is fine with @); attention_weights gives A (N, T, T). Y needs V batch
    # HINT: first too: A @ V.transpose(1, 0, 2) is (N, T, dv), then move the batch
    # HINT: axis back. Keep X, the weights, Q, K, V and A for the backward pass.
    Q, K, V = X @ Wq, X @ Wk, X @ Wv
    A = attention_weights(Q, K, slope)
    Y = (A @ V.transpose(1, 0, 2)).transpose(1, 0, 2)
    cache = (X, Wq, Wk, Wv, Q, K, V, A)
    # END SOLUTION
    return Y, cache


def attention_backward(dY, cache):
    """Backward pass of attention_forward.

    The loss is sum(dY * Y). The slope is a fixed hyper-parameter: it gets no
    gradient, and neither does the mask.

    Inputs:
    - dY: upstream gradients on the outputs, shape (T, N, dv)
    - cache: the cache returned by your attention_forward

    Returns:
    - grads: dict with the gradients of the loss
        - "X": shape (T, N, D)
        - "Wq": shape (D, d)
        - "Wk": shape (D, d)
        - "Wv": shape (D, dv)

    Only read the cache: called twice on the same cache, attention_backward
    returns the same gradients.
    """
    # BEGIN SOLUTION
    # HINT: Y = A V sends dY to A (dY V^T) and to V (A^T dY), batch first. The
    # HINT: softmax's backward, row by row: dS = A * (dA - sum_j(A * dA)), with
    # HINT: the sum over the keys j (keepdims). S = Q K^T / sqrt(d) + B sends
    # HINT: dS / sqrt(d) to Q (times K) and to K (times Q, transposed); B gets
    # HINT: nothing. Finally X feeds Q, K and V: three contributions add up in dX.
    X, Wq, Wk, Wv, Q, K, V, A = cache
    T, N, D = X.shape
    dY = check_shape("dY", dY, (T, N, Wv.shape[1]))
    dY_b = dY.transpose(1, 0, 2)  # batch first, like A
    dA = dY_b @ V.transpose(1, 2, 0)
    dV = (A.transpose(0, 2, 1) @ dY_b).transpose(1, 0, 2)
    # The entries above the diagonal have A = 0, so they pass no gradient on.
    # dA is turned into dS in place, for the reason given in attention_weights.
    dS = dA
    dS -= np.sum(A * dA, axis=-1, keepdims=True)
    dS *= A
    dS /= np.sqrt(Q.shape[-1])
    dQ = (dS @ K.transpose(1, 0, 2)).transpose(1, 0, 2)
    dK = (dS.transpose(0, 2, 1) @ Q.transpose(1, 0, 2)).transpose(1, 0, 2)
    rows = X.reshape(T * N, D)
    grads = {
        "X": dQ @ Wq.T + dK @ Wk.T + dV @ Wv.T,
        "Wq": rows.T @ dQ.reshape(T * N, Wq.shape[1]),
        "Wk": rows.T @ dK.reshape(T * N, Wk.shape[1]),
        "Wv": rows.T @ dV.reshape(T * N, Wv.shape[1]),
    }
    # END SOLUTION
    return grads
