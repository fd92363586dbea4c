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
    ########################################################################
    # TODO: implement jacobian_power_norms.
    # keep the current vector and multiply it by W.T once per step
    # (the lecture's W_grad.T @ vec); np.linalg.norm gives the 2-norm.
    ########################################################################
    raise NotImplementedError("jacobian_power_norms is not implemented yet")
    ########################################################################
    #                           END OF YOUR CODE                           #
    ########################################################################
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
    ########################################################################
    # TODO: implement rnn_backward.
    # walk t = T-1 down to 0. The total gradient on h_{t+1} is dHs[t] plus
    # the gradient coming back from step t+1; record its norm, multiply by
    # the tanh derivative 1 - h**2, then split it into dX[t], dWx, dWh, db
    # and the gradient sent to the previous state (through Wh.T).
    ########################################################################
    raise NotImplementedError("rnn_backward is not implemented yet")
    ########################################################################
    #                           END OF YOUR CODE                           #
    ########################################################################
    return grads, dh_norms
