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


# BEGIN SOLUTION
def _tanh(x):
    """np.tanh(x), computed as 1 - 2 / (1 + exp(2x)) (differs by at most 4e-16).

    numpy's float64 tanh costs about 2.5 times its exp on the course's x86
    machines, and the LSTM's forward evaluates it on 2H values per row and
    step. For x above about 355, exp(2x) overflows to inf and the result is
    1, the right limit (numpy's warning silenced, as in sigmoid).
    """
    with np.errstate(over="ignore", under="ignore"):
        return 1.0 - 2.0 / (1.0 + np.exp(2.0 * x))


def _cell_forward(a, c_prev):
    """The cell's work once its pre-activations are known (shared by both forwards).

    lstm_step_forward and lstm_forward differ only in how they compute
    a = x @ Wx + h_prev @ Wh + b: lstm_forward computes x @ Wx for all steps
    in one product, since it does not depend on the recurrence.

    Inputs:
    - a: pre-activations of the four gates, shape (N, 4H), stacked i, f, g, o;
      overwritten with the gate values, so that lstm_forward keeps every
      step's gates in the array that held its pre-activations
    - c_prev: previous cell states, shape (N, H)

    Returns a tuple of:
    - h: next hidden states, shape (N, H)
    - c: next cell states, shape (N, H)
    - tanh_c: tanh(c), shape (N, H)
    """
    H = c_prev.shape[1]
    # Views into a: each gate's values overwrite its pre-activations.
    i, f, g, o = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
    i[:], f[:], g[:], o[:] = sigmoid(i), sigmoid(f), _tanh(g), sigmoid(o)
    c = f * c_prev + i * g
    tanh_c = _tanh(c)
    h = o * tanh_c
    return h, c, tanh_c


def _cell_backward(dh, dc, c_prev, gates, tanh_c):
    """Gradients on a step's pre-activations and on c_prev (shared by both backwards).

    Inputs:
    - dh: gradient on the step's output h, shape (N, H)
    - dc: gradient on the step's output c from later steps, shape (N, H)
    - c_prev, gates, tanh_c: the step's c_prev and what _cell_forward returned

    Returns a tuple of:
    - da: gradient on the pre-activations a, shape (N, 4H), stacked i, f, g, o
    - dc_prev: shape (N, H)
    """
    H = c_prev.shape[1]
    i, f, g, o = gates[:, :H], gates[:, H:2 * H], gates[:, 2 * H:3 * H], gates[:, 3 * H:]
    # h = o * tanh(c) sends gradient to c too, where it adds to what comes from later steps.
    dc_total = dc + dh * o * (1.0 - tanh_c ** 2)
    # The gradients on the gate values i, f, g, o, from c = f * c_prev + i * g and h = o * tanh(c) ...
    dgates = np.concatenate([dc_total * g, dc_total * c_prev, dc_total * i, dh * tanh_c], axis=1)
    # ... times the slope of each gate's nonlinearity: s * (1 - s) for a sigmoid, 1 - g**2 for g's tanh.
    slopes = gates * (1.0 - gates)
    slopes[:, 2 * H:3 * H] = 1.0 - g ** 2
    da = dgates * slopes
    dc_prev = dc_total * f
    return da, dc_prev
# END SOLUTION


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
    gates = x @ Wx + h_prev @ Wh + b  # pre-activations until _cell_forward
    h, c, tanh_c = _cell_forward(gates, c_prev)
    cache = (x, h_prev, c_prev, Wx, Wh, gates, tanh_c)
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
    x, h_prev, c_prev, Wx, Wh, gates, tanh_c = cache
    dh = check_shape("dh", dh, h_prev.shape)
    dc = check_shape("dc", dc, h_prev.shape)
    da, dc_prev = _cell_backward(dh, dc, c_prev, gates, tanh_c)
    dx = da @ Wx.T
    dh_prev = da @ Wh.T
    dWx = x.T @ da
    dWh = h_prev.T @ da
    db = da.sum(axis=0)
    # END SOLUTION
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
    # BEGIN SOLUTION
    # HINT: call lstm_step_forward for t = 0 .. T-1, carrying both h and c,
    # HINT: store each h in Hs and keep every step's cache in a list.
    T, N, D = X.shape
    H = Wh.shape[0]
    # Only h @ Wh has to wait for the previous step: the input products of all
    # steps are one large matrix product, which BLAS runs near its peak.
    gates = X.reshape(T * N, D) @ Wx
    gates += b
    gates = gates.reshape(T, N, 4 * H)  # pre-activations until step t turns gates[t] into gate values
    # Whole-sequence arrays, not a list of per-step ones: fresh memory costs
    # time on every call. H_all[t], C_all[t] are the states before step t.
    H_all, C_all, tanh_C = np.empty((T + 1, N, H)), np.empty((T + 1, N, H)), np.empty((T, N, H))
    H_all[0], C_all[0] = h0, c0
    for t in range(T):
        gates[t] += H_all[t] @ Wh
        H_all[t + 1], C_all[t + 1], tanh_C[t] = _cell_forward(gates[t], C_all[t])
    Hs = H_all[1:]
    cache = (X, Wx, Wh, H_all, C_all, gates, tanh_C)
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

    With T = 0 (an empty sequence), "X" has shape (0, N, D), dh_norms shape
    (0,) and the other gradients are zeros. Only read the cache: called twice
    on the same cache, lstm_backward (and lstm_step_backward) returns the same
    gradients.
    """
    # BEGIN SOLUTION
    # HINT: like rnn_backward, walk t = T-1 down to 0, adding the gradient that
    # HINT: comes back from step t+1 to dHs[t] (record its norm), and carry
    # HINT: dc back too; lstm_step_backward does the work of each step.
    X, Wx, Wh, H_all, C_all, gates, tanh_C = cache
    T, N, D = X.shape
    H = Wh.shape[0]
    dHs = check_shape("dHs", dHs, (T, N, H))
    dA = np.empty((T, N, 4 * H))  # gradients on every step's pre-activations
    dh_norms = np.empty(T)
    dh_next = np.zeros((N, H))
    dc_next = np.zeros((N, H))
    for t in reversed(range(T)):
        dh = dHs[t] + dh_next
        dh_norms[t] = np.linalg.norm(dh)
        dA[t], dc_next = _cell_backward(dh, dc_next, C_all[t], gates[t], tanh_C[t])
        dh_next = dA[t] @ Wh.T
    # Every step uses the same weights, so their gradients are sums over time:
    # one large product each once every step's dA is known, as in the forward.
    dA = dA.reshape(T * N, 4 * H)
    grads = {
        "X": (dA @ Wx.T).reshape(T, N, D),
        "h0": dh_next,
        "c0": dc_next,
        "Wx": X.reshape(T * N, D).T @ dA,
        "Wh": H_all[:-1].reshape(T * N, H).T @ dA,
        "b": dA.sum(axis=0),
    }
    # END SOLUTION
    return grads, dh_norms
