"""Question ``lstm``: the long short-term memory cell.

An LSTM adds a cell state ``c`` that is updated additively,
``c_t = f * c_{t-1} + i * g``, so the gradient can flow back through ``c``
multiplied only by the forget gate ``f`` instead of by Wh and a tanh
derivative at every step. When f stays near 1 the gradient survives.

Gates are stacked along the 4H axis in the order i, f, g, o (input, forget,
candidate, output), as in PyTorch: Wx (D, 4H) is PyTorch's weight_ih.T,
Wh (H, 4H) is weight_hh.T and b (4H,) is bias_ih + bias_hh.

    a = x @ Wx + h_prev @ Wh + b                      (N, 4H)
    i = sigmoid(a[:, :H])       f = sigmoid(a[:, H:2H])
    g = tanh(a[:, 2H:3H])       o = sigmoid(a[:, 3H:])
    c = f * c_prev + i * g      h = o * tanh(c)
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


def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    """Run one time step of an LSTM on a batch.

    Inputs:
    - x: inputs, shape (N, D)
    - h_prev: previous hidden states, shape (N, H)
    - c_prev: previous cell states, shape (N, H)
    - Wx: input-to-gates weights, shape (D, 4H), gates stacked i, f, g, o
    - Wh: hidden-to-gates weights, shape (H, 4H)
    - b: biases, shape (4H,)

    Returns a tuple of:
    - h: next hidden states, shape (N, H)
    - c: next cell states, shape (N, H)
    - cache: whatever lstm_step_backward needs
    """
    x, h_prev, c_prev, Wx, Wh, b = check_shapes(
        x=(x, "N D"), h_prev=(h_prev, "N H"), c_prev=(c_prev, "N H"),
        Wx=(Wx, "D 4H"), Wh=(Wh, "H 4H"), b=(b, "4H"),
    )
    ########################################################################
    # TODO: implement lstm_step_forward.
    # compute all four pre-activations with one product each for x and
    # h_prev, slice them in the order i, f, g, o, apply sigmoid to i, f, o
    # and tanh to g, then c = f * c_prev + i * g and h = o * tanh(c).
    ########################################################################
    raise NotImplementedError("lstm_step_forward is not implemented yet")
    ########################################################################
    #                           END OF YOUR CODE                           #
    ########################################################################
    return h, c, cache


def lstm_step_backward(dh, dc, cache):
    """Backward pass of one LSTM step.

    Inputs:
    - dh: gradient on the step's output h, shape (N, H)
    - dc: gradient on the step's output c from later steps, shape (N, H)
    - cache: the cache returned by your lstm_step_forward

    Returns a tuple of:
    - dx: shape (N, D)
    - dh_prev: shape (N, H)
    - dc_prev: shape (N, H)
    - dWx: shape (D, 4H)
    - dWh: shape (H, 4H)
    - db: shape (4H,)
    """
    ########################################################################
    # TODO: implement lstm_step_backward.
    # h = o * tanh(c) sends gradient both to o and, through the tanh
    # derivative, into c, where it adds to dc. From the total dc follow
    # c = f * c_prev + i * g back to f, i, g and c_prev; then through each
    # gate's nonlinearity (s * (1 - s) for sigmoid, 1 - g**2 for tanh),
    # stack the four in the order i, f, g, o and use the weights as in rnn.
    ########################################################################
    raise NotImplementedError("lstm_step_backward is not implemented yet")
    ########################################################################
    #                           END OF YOUR CODE                           #
    ########################################################################
    return dx, dh_prev, dc_prev, dWx, dWh, db


def lstm_forward(X, h0, c0, Wx, Wh, b):
    """Run an LSTM over a whole batch of sequences.

    Inputs:
    - X: input sequences, time-major, shape (T, N, D); T may be 0
    - h0: initial hidden states, shape (N, H)
    - c0: initial cell states, shape (N, H)
    - Wx: shape (D, 4H); Wh: shape (H, 4H); b: shape (4H,); gates i, f, g, o

    Returns a tuple of:
    - Hs: hidden states h_1 ... h_T, shape (T, N, H)
    - cache: whatever lstm_backward needs
    """
    X, h0, c0, Wx, Wh, b = check_shapes(
        X=(X, "T N D"), h0=(h0, "N H"), c0=(c0, "N H"),
        Wx=(Wx, "D 4H"), Wh=(Wh, "H 4H"), b=(b, "4H"),
    )
    ########################################################################
    # TODO: implement lstm_forward.
    # call lstm_step_forward for t = 0 .. T-1, carrying both h and c,
    # store each h in Hs and keep every step's cache in a list.
    ########################################################################
    raise NotImplementedError("lstm_forward is not implemented yet")
    ########################################################################
    #                           END OF YOUR CODE                           #
    ########################################################################
    return Hs, cache


def lstm_backward(dHs, cache):
    """Backward pass of lstm_forward, tracking the gradient norm at every step.

    The loss is sum(dHs * Hs). No gradient arrives on the final cell state.

    Inputs:
    - dHs: upstream gradients on every hidden state, shape (T, N, H)
    - cache: the cache returned by your lstm_forward

    Returns a tuple of:
    - grads: dict with the gradients of the loss
        - "X": shape (T, N, D)
        - "h0": shape (N, H)
        - "c0": shape (N, H)
        - "Wx": shape (D, 4H)
        - "Wh": shape (H, 4H)
        - "b": shape (4H,)
    - dh_norms: shape (T,); dh_norms[t] is the Frobenius norm of the total
      gradient reaching h_{t+1}: dHs[t] plus what flows back from later steps

    With T = 0 (an empty sequence), "X" has shape (0, N, D), dh_norms shape
    (0,) and the other gradients are zeros. Only read the cache: called twice
    on the same cache, lstm_backward (and lstm_step_backward) returns the same
    gradients.
    """
    ########################################################################
    # TODO: implement lstm_backward.
    # like rnn_backward, walk t = T-1 down to 0, adding the gradient that
    # comes back from step t+1 to dHs[t] (record its norm), and carry
    # dc back too; lstm_step_backward does the work of each step.
    ########################################################################
    raise NotImplementedError("lstm_backward is not implemented yet")
    ########################################################################
    #                           END OF YOUR CODE                           #
    ########################################################################
    return grads, dh_norms
