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


# BEGIN SOLUTION
def _cell_forward(ax, ah, h_prev):
    """The cell's work once both products are known (shared by both forwards).

    gru_step_forward and gru_forward differ only in how they compute
    ax = x @ Wx + bx: gru_forward computes it for all steps in one product,
    since it does not depend on the recurrence.

    Inputs:
    - ax: input part of the pre-activations, shape (N, 3H), stacked r, z, n
    - ah: hidden part h_prev @ Wh + bh, shape (N, 3H)
    - h_prev: previous hidden states, shape (N, H)

    Returns a tuple of:
    - h: next hidden states, shape (N, H)
    - gates: the values r, z, n stacked, shape (N, 3H)
    """
    H = h_prev.shape[1]
    gates = np.empty_like(ax)
    gates[:, :2 * H] = sigmoid(ax[:, :2 * H] + ah[:, :2 * H])
    r, z = gates[:, :H], gates[:, H:2 * H]
    gates[:, 2 * H:] = np.tanh(ax[:, 2 * H:] + r * ah[:, 2 * H:])
    n = gates[:, 2 * H:]
    h = n + z * (h_prev - n)  # (1 - z) * n + z * h_prev, with one product fewer
    return h, gates


def _cell_backward(dh, h_prev, gates, ah_n):
    """Gradients on a step's two pre-activation parts (shared by both backwards).

    Inputs:
    - dh: gradient on the step's output h, shape (N, H)
    - h_prev: the step's previous hidden states, shape (N, H)
    - gates: r, z, n stacked, as _cell_forward returned them, shape (N, 3H)
    - ah_n: the candidate's hidden part h_prev @ Wh_n + bh_n, shape (N, H)

    Returns a tuple of:
    - dax: gradient on ax (and so on x @ Wx + bx), shape (N, 3H)
    - dah: gradient on ah (and so on h_prev @ Wh + bh), shape (N, 3H)
    - dh_direct: the part of dh_prev that skips the weights, dh * z, shape (N, H)
    """
    H = h_prev.shape[1]
    r, z, n = gates[:, :H], gates[:, H:2 * H], gates[:, 2 * H:]
    dn = dh * (1.0 - z)
    da_n = dn * (1.0 - n ** 2)
    # r multiplies ah_n inside the tanh, so r gets ah_n's share and ah_n gets r's.
    dr = da_n * ah_n
    dz = dh * (h_prev - n)
    dax = np.concatenate([dr * r * (1.0 - r), dz * z * (1.0 - z), da_n], axis=1)
    dah = dax.copy()
    dah[:, 2 * H:] *= r
    return dax, dah, dh * z
# END SOLUTION


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
    # BEGIN SOLUTION
    # HINT: compute ax = x @ Wx + bx and ah = h_prev @ Wh + bh, both (N, 3H),
    # HINT: and slice them in the order r, z, n. r and z take the sigmoid of the
    # HINT: sum of their two parts; the candidate is n = tanh(ax_n + r * ah_n),
    # HINT: with r multiplying ah_n *including* bh_n; then h = (1 - z) * n + z * h_prev.
    H = h_prev.shape[1]
    ah = h_prev @ Wh + bh
    h, gates = _cell_forward(x @ Wx + bx, ah, h_prev)
    cache = (x, h_prev, Wx, Wh, gates, ah[:, 2 * H:])
    # END SOLUTION
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
    # BEGIN SOLUTION
    # HINT: h = (1 - z) * n + z * h_prev sends dh to n (times 1 - z), to z (times
    # HINT: h_prev - n) and straight to h_prev (times z). Through n's tanh
    # HINT: (1 - n**2) reach ax_n and, times r, ah_n; r gets the same times ah_n.
    # HINT: Through the sigmoids (s * (1 - s)) reach r's and z's pre-activations,
    # HINT: which are shared by ax and ah. Stack each part r, z, n; then use the
    # HINT: weights as in rnn, adding the direct dh * z to dh_prev.
    x, h_prev, Wx, Wh, gates, ah_n = cache
    dh = check_shape("dh", dh, h_prev.shape)
    dax, dah, dh_direct = _cell_backward(dh, h_prev, gates, ah_n)
    dx = dax @ Wx.T
    dh_prev = dh_direct + dah @ Wh.T
    dWx = x.T @ dax
    dWh = h_prev.T @ dah
    dbx = dax.sum(axis=0)
    dbh = dah.sum(axis=0)
    # END SOLUTION
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
    # BEGIN SOLUTION
    # HINT: call gru_step_forward for t = 0 .. T-1, carrying h, store each h in
    # HINT: an array of shape (T, N, H) and keep every step's cache in a list.
    T, N, D = X.shape
    H = h0.shape[1]
    # Only h @ Wh waits for the previous step: the input part of every step is
    # one large matrix product, as in lstm_forward.
    AX = (X.reshape(T * N, D) @ Wx + bx).reshape(T, N, 3 * H)
    H_all = np.empty((T + 1, N, H))  # H_all[t] is the state before step t
    H_all[0] = h0
    gates = np.empty((T, N, 3 * H))
    AH_n = np.empty((T, N, H))
    for t in range(T):
        ah = H_all[t] @ Wh + bh
        H_all[t + 1], gates[t] = _cell_forward(AX[t], ah, H_all[t])
        AH_n[t] = ah[:, 2 * H:]
    Hs = H_all[1:]
    cache = (X, Wx, Wh, H_all, gates, AH_n)
    # END SOLUTION
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
    # BEGIN SOLUTION
    # HINT: like lstm_backward, walk t = T-1 down to 0, adding the gradient that
    # HINT: comes back from step t+1 to dHs[t] (record its norm); the step's
    # HINT: backward gives what goes to h_t. The weight and bias gradients are
    # HINT: sums over the steps.
    X, Wx, Wh, H_all, gates, AH_n = cache
    T, N, D = X.shape
    H = Wh.shape[0]
    dHs = check_shape("dHs", dHs, (T, N, H))
    dAX = np.empty((T, N, 3 * H))  # gradients on every step's x @ Wx + bx
    dAH = np.empty((T, N, 3 * H))  # ... and on its h_prev @ Wh + bh
    dh_norms = np.empty(T)
    dh_next = np.zeros((N, H))
    for t in reversed(range(T)):
        dh = dHs[t] + dh_next
        dh_norms[t] = np.linalg.norm(dh)
        dAX[t], dAH[t], dh_direct = _cell_backward(dh, H_all[t], gates[t], AH_n[t])
        dh_next = dh_direct + dAH[t] @ Wh.T
    # The weights are shared by every step: one product over all T * N rows each.
    dAX = dAX.reshape(T * N, 3 * H)
    dAH = dAH.reshape(T * N, 3 * H)
    grads = {
        "X": (dAX @ Wx.T).reshape(T, N, D),
        "h0": dh_next,
        "Wx": X.reshape(T * N, D).T @ dAX,
        "Wh": H_all[:-1].reshape(T * N, H).T @ dAH,
        "bx": dAX.sum(axis=0),
        "bh": dAH.sum(axis=0),
    }
    # END SOLUTION
    return grads, dh_norms
