"""Question ``bptt``: backpropagation through time, and why gradients vanish or explode.

Going backwards through one tanh step multiplies the gradient by the step's
Jacobian, ``dh_{t-1} = (dh_t * (1 - h_t**2)) @ Wh.T``. Over many steps the
gradient is multiplied by a product of such Jacobians, so its norm shrinks or
grows roughly like the t-th power of Wh's largest singular value. Tracking the
norm of the gradient reaching each hidden state makes this visible.
"""
import numpy as np

from shapes import check_shape, check_shapes, check_steps


def jacobian_power_norms(W, v, steps):
    """Norms of a vector pushed back through the same linear Jacobian again and again.

    The lecture's experiment: starting from v, multiply by W.T again and
    again, recording the 2-norm after each multiplication.

    Inputs:
    - W: the Jacobian of one step, shape (H, H)
    - v: the starting gradient, shape (H,)
    - steps: how many multiplications, an int >= 0

    Returns:
    - norms: shape (steps,); norms[t - 1] = ||(W.T)^t v||_2 for t = 1 .. steps
    """
    W, v = check_shapes(W=(W, "H H"), v=(v, "H"))
    steps = check_steps(steps)
    # BEGIN SOLUTION
    # HINT: keep the current vector and multiply it by W.T once per step
    # HINT: (the lecture's W_grad.T @ vec); np.linalg.norm gives the 2-norm.
    norms = np.empty(steps)
    vec = v
    for t in range(steps):
        vec = W.T @ vec
        norms[t] = np.linalg.norm(vec)
    # END SOLUTION
    return norms


def rnn_backward(dHs, cache):
    """Backward pass of rnn_forward, tracking the gradient norm at every step.

    The loss is taken to be sum(dHs * Hs): dHs[t] is the upstream gradient on
    the hidden state h_{t+1} that rnn_forward returned in Hs[t].

    Inputs:
    - dHs: upstream gradients on every hidden state, shape (T, N, H)
    - cache: the cache returned by your rnn_forward

    Returns a tuple of:
    - grads: dict with the gradients of the loss
        - "X": shape (T, N, D)
        - "h0": shape (N, H)
        - "Wx": shape (D, H)
        - "Wh": shape (H, H)
        - "b": shape (H,)
    - dh_norms: shape (T,); dh_norms[t] is the Frobenius norm of the total
      gradient reaching h_{t+1}: dHs[t] plus what flows back from steps after it

    With T = 0 (an empty sequence), "X" has shape (0, N, D), dh_norms shape
    (0,) and the other gradients are zeros. Only read the cache: called twice
    on the same cache, rnn_backward returns the same gradients.
    """
    # BEGIN SOLUTION
    # HINT: walk t = T-1 down to 0. The total gradient on h_{t+1} is dHs[t] plus
    # HINT: the gradient coming back from step t+1; record its norm, multiply by
    # HINT: the tanh derivative 1 - h**2, then split it into dX[t], dWx, dWh, db
    # HINT: and the gradient sent to the previous state (through Wh.T).
    X, h0, Wx, Wh, Hs = cache
    dHs = check_shape("dHs", dHs, Hs.shape)
    T = Hs.shape[0]
    dA = np.empty_like(Hs)
    dh_norms = np.empty(T)
    dh_next = np.zeros_like(h0)
    for t in reversed(range(T)):
        dh = dHs[t] + dh_next
        dh_norms[t] = np.linalg.norm(dh)
        dA[t] = dh * (1.0 - Hs[t] ** 2)
        dh_next = dA[t] @ Wh.T
    # The weight gradients sum over steps, so they come out of single products
    # over all T * N rows instead of T small ones inside the loop.
    H_prev = np.concatenate([h0[None], Hs])[:-1]
    rows = dA.reshape(-1, dA.shape[-1])
    grads = {
        "X": dA @ Wx.T,
        "h0": dh_next,
        "Wx": X.reshape(-1, X.shape[-1]).T @ rows,
        "Wh": H_prev.reshape(-1, H_prev.shape[-1]).T @ rows,
        "b": rows.sum(axis=0),
    }
    # END SOLUTION
    return grads, dh_norms
