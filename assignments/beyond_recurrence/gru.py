"""Question ``gru``: the gated recurrent unit.

A GRU (Cho et al., 2014) keeps the LSTM's idea, an additive path for the
state, with one state instead of two and three gates instead of four. The
update gate ``z`` mixes the previous state with a candidate ``n``:

    h = (1 - z) * n + z * h_prev

so going back one step multiplies the gradient on h by ``z`` (plus what flows
through the gates and the candidate). When z stays near 1 the state is copied
and the gradient survives, as through the LSTM's cell when f is near 1.

Gates are stacked along the 3H axis in the order r, z, n (reset, update,
candidate), as in PyTorch: Wx (D, 3H) is PyTorch's weight_ih.T, Wh (H, 3H) is
weight_hh.T, bx (3H,) is bias_ih and bh (3H,) is bias_hh. The two biases are
kept apart, not summed as in lstm.py, because the reset gate multiplies the
hidden part of the candidate, bias included:

    ax = x @ Wx + bx            ah = h_prev @ Wh + bh              (N, 3H)
    r = sigmoid(ax[:, :H] + ah[:, :H])
    z = sigmoid(ax[:, H:2H] + ah[:, H:2H])
    n = tanh(ax[:, 2H:] + r * ah[:, 2H:])
    h = (1 - z) * n + z * h_prev

Layers use the row-vector batch convention and time-major sequences, as in
the first assignment: ``X[t]`` is the input at step ``t + 1``.
"""
import numpy as np

from shapes import check_shape, check_shapes


def sigmoid(x):
    """Logistic sigmoid 1 / (1 + exp(-x)), element-wise (provided).

    For x below about -709, exp(-x) overflows to inf and the result is 0, the
    right limit: numpy's overflow warning is silenced on purpose.
    """
    with np.errstate(over="ignore", under="ignore"):
        return 1.0 / (1.0 + np.exp(-x))


def gru_step_forward(x, h_prev, Wx, Wh, bx, bh):
    """Run one time step of a GRU on a batch.

    Inputs:
    - x: inputs, shape (N, D)
    - h_prev: previous hidden states, shape (N, H)
    - Wx: input-to-gates weights, shape (D, 3H), gates stacked r, z, n
    - Wh: hidden-to-gates weights, shape (H, 3H)
    - bx: input biases, shape (3H,) (PyTorch's bias_ih)
    - bh: hidden biases, shape (3H,) (PyTorch's bias_hh)

    Returns a tuple of:
    - h: next hidden states, shape (N, H)
    - cache: whatever gru_step_backward needs
    """
    x, h_prev, Wx, Wh, bx, bh = check_shapes(
        x=(x, "N D"), h_prev=(h_prev, "N H"), Wx=(Wx, "D 3H"), Wh=(Wh, "H 3H"),
        bx=(bx, "3H"), bh=(bh, "3H"),
    )
    ########################################################################
    # TODO: implement gru_step_forward.
    # compute ax = x @ Wx + bx and ah = h_prev @ Wh + bh, both (N, 3H),
    # and slice them in the order r, z, n. r and z take the sigmoid of the
    # sum of their two parts; the candidate is n = tanh(ax_n + r * ah_n),
    # with r multiplying ah_n *including* bh_n; then h = (1 - z) * n + z * h_prev.
    ########################################################################
    raise NotImplementedError("gru_step_forward is not implemented yet")
    ########################################################################
    #                           END OF YOUR CODE                           #
    ########################################################################
    return h, cache


def gru_step_backward(dh, cache):
    """Backward pass of one GRU step.

    Inputs:
    - dh: gradient on the step's output h, shape (N, H)
    - cache: the cache returned by your gru_step_forward

    Returns a tuple of:
    - dx: shape (N, D)
    - dh_prev: shape (N, H)
    - dWx: shape (D, 3H)
    - dWh: shape (H, 3H)
    - dbx: shape (3H,)
    - dbh: shape (3H,)
    """
    ########################################################################
    # TODO: implement gru_step_backward.
    # h = (1 - z) * n + z * h_prev sends dh to n (times 1 - z), to z (times
    # h_prev - n) and straight to h_prev (times z). Through n's tanh
    # (1 - n**2) reach ax_n and, times r, ah_n; r gets the same times ah_n.
    # Through the sigmoids (s * (1 - s)) reach r's and z's pre-activations,
    # which are shared by ax and ah. Stack each part r, z, n; then use the
    # weights as in rnn, adding the direct dh * z to dh_prev.
    ########################################################################
    raise NotImplementedError("gru_step_backward is not implemented yet")
    ########################################################################
    #                           END OF YOUR CODE                           #
    ########################################################################
    return dx, dh_prev, dWx, dWh, dbx, dbh


def gru_forward(X, h0, Wx, Wh, bx, bh):
    """Run a GRU over a whole batch of sequences.

    Inputs:
    - X: input sequences, time-major, shape (T, N, D); T may be 0
    - h0: initial hidden states, shape (N, H)
    - Wx: shape (D, 3H); Wh: shape (H, 3H); bx, bh: shape (3H,); gates r, z, n

    Returns a tuple of:
    - Hs: hidden states h_1 ... h_T (not h0), shape (T, N, H); Hs[t] is the
      state after reading X[t] (shape (0, N, H) when T = 0)
    - cache: whatever gru_backward needs; only your own gru_backward reads it
    """
    X, h0, Wx, Wh, bx, bh = check_shapes(
        X=(X, "T N D"), h0=(h0, "N H"), Wx=(Wx, "D 3H"), Wh=(Wh, "H 3H"),
        bx=(bx, "3H"), bh=(bh, "3H"),
    )
    ########################################################################
    # TODO: implement gru_forward.
    # call gru_step_forward for t = 0 .. T-1, carrying h, store each h in
    # an array of shape (T, N, H) and keep every step's cache in a list.
    ########################################################################
    raise NotImplementedError("gru_forward is not implemented yet")
    ########################################################################
    #                           END OF YOUR CODE                           #
    ########################################################################
    return Hs, cache


def gru_backward(dHs, cache):
    """Backward pass of gru_forward, tracking the gradient norm at every step.

    The loss is sum(dHs * Hs): dHs[t] is the upstream gradient on the hidden
    state h_{t+1} that gru_forward returned in Hs[t].

    Inputs:
    - dHs: upstream gradients on every hidden state, shape (T, N, H)
    - cache: the cache returned by your gru_forward

    Returns a tuple of:
    - grads: dict with the gradients of the loss
        - "X": shape (T, N, D)
        - "h0": shape (N, H)
        - "Wx": shape (D, 3H)
        - "Wh": shape (H, 3H)
        - "bx": shape (3H,)
        - "bh": shape (3H,)
    - dh_norms: shape (T,); dh_norms[t] is the Frobenius norm of the total
      gradient reaching h_{t+1}: dHs[t] plus what flows back from later steps

    With T = 0 (an empty sequence), "X" has shape (0, N, D), dh_norms shape
    (0,) and the other gradients are zeros. Only read the cache: called twice
    on the same cache, gru_backward (and gru_step_backward) returns the same
    gradients.
    """
    ########################################################################
    # TODO: implement gru_backward.
    # like lstm_backward, walk t = T-1 down to 0, adding the gradient that
    # comes back from step t+1 to dHs[t] (record its norm); the step's
    # backward gives what goes to h_t. The weight and bias gradients are
    # sums over the steps.
    ########################################################################
    raise NotImplementedError("gru_backward is not implemented yet")
    ########################################################################
    #                           END OF YOUR CODE                           #
    ########################################################################
    return grads, dh_norms
