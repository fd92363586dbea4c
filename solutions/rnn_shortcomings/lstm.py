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
    # BEGIN SOLUTION
    # HINT: compute all four pre-activations with one product each for x and
    # HINT: h_prev, slice them in the order i, f, g, o, apply sigmoid to i, f, o
    # HINT: and tanh to g, then c = f * c_prev + i * g and h = o * tanh(c).
    H = h_prev.shape[1]
    a = x @ Wx + h_prev @ Wh + b
    i = sigmoid(a[:, :H])
    f = sigmoid(a[:, H:2 * H])
    g = np.tanh(a[:, 2 * H:3 * H])
    o = sigmoid(a[:, 3 * H:])
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)
    h = o * tanh_c
    cache = (x, h_prev, c_prev, Wx, Wh, i, f, g, o, tanh_c)
    # END SOLUTION
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
    # BEGIN SOLUTION
    # HINT: h = o * tanh(c) sends gradient both to o and, through the tanh
    # HINT: derivative, into c, where it adds to dc. From the total dc follow
    # HINT: c = f * c_prev + i * g back to f, i, g and c_prev; then through each
    # HINT: gate's nonlinearity (s * (1 - s) for sigmoid, 1 - g**2 for tanh),
    # HINT: stack the four in the order i, f, g, o and use the weights as in rnn.
    x, h_prev, c_prev, Wx, Wh, i, f, g, o, tanh_c = cache
    dh = check_shape("dh", dh, h_prev.shape)
    dc = check_shape("dc", dc, h_prev.shape)
    dc_total = dc + dh * o * (1.0 - tanh_c ** 2)
    da = np.concatenate(
        [
            dc_total * g * i * (1.0 - i),
            dc_total * c_prev * f * (1.0 - f),
            dc_total * i * (1.0 - g ** 2),
            dh * tanh_c * o * (1.0 - o),
        ],
        axis=1,
    )
    dx = da @ Wx.T
    dh_prev = da @ Wh.T
    dc_prev = dc_total * f
    dWx = x.T @ da
    dWh = h_prev.T @ da
    db = da.sum(axis=0)
    # END SOLUTION
    return dx, dh_prev, dc_prev, dWx, dWh, db


def lstm_forward(X, h0, c0, Wx, Wh, b):
    """Run an LSTM over a whole batch of sequences.

    Inputs:
    - X: input sequences, time-major, shape (T, N, D)
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
    # BEGIN SOLUTION
    # HINT: call lstm_step_forward for t = 0 .. T-1, carrying both h and c,
    # HINT: store each h in Hs and keep every step's cache in a list.
    Hs = np.empty((X.shape[0],) + h0.shape)
    h, c = h0, c0
    step_caches = []
    for t in range(X.shape[0]):
        h, c, step_cache = lstm_step_forward(X[t], h, c, Wx, Wh, b)
        Hs[t] = h
        step_caches.append(step_cache)
    cache = (X.shape, Wh.shape, step_caches)
    # END SOLUTION
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
    """
    # BEGIN SOLUTION
    # HINT: like rnn_backward, walk t = T-1 down to 0, adding the gradient that
    # HINT: comes back from step t+1 to dHs[t] (record its norm), and carry
    # HINT: dc back too; lstm_step_backward does the work of each step.
    X_shape, Wh_shape, step_caches = cache
    T, N, D = X_shape
    H = Wh_shape[0]
    dHs = check_shape("dHs", dHs, (T, N, H))
    dX = np.empty(X_shape)
    dWx, dWh, db = np.zeros((D, 4 * H)), np.zeros(Wh_shape), np.zeros(4 * H)
    dh_norms = np.empty(T)
    dh_next = np.zeros((N, H))
    dc_next = np.zeros((N, H))
    for t in reversed(range(T)):
        dh = dHs[t] + dh_next
        dh_norms[t] = np.linalg.norm(dh)
        dX[t], dh_next, dc_next, dWx_t, dWh_t, db_t = lstm_step_backward(dh, dc_next, step_caches[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    grads = {"X": dX, "h0": dh_next, "c0": dc_next, "Wx": dWx, "Wh": dWh, "b": db}
    # END SOLUTION
    return grads, dh_norms
