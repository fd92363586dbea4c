"""Question ``recurrence``: the vanilla (Elman) RNN.

A recurrent network summarises everything it has read so far in one hidden
state, updated by the same map at every time step:

    h_t = tanh(x_t @ Wx + h_{t-1} @ Wh + b)

Layers use the row-vector batch convention: each row of ``x`` and ``h`` is one
sequence of the batch. Sequences are time-major: ``X[t]`` is the input at
step ``t + 1`` for every sequence at once.
"""
import numpy as np

from shapes import check_shapes, check_steps


def rnn_step(x, h_prev, Wx, Wh, b):
    """Run one time step of a tanh RNN on a batch.

    Inputs:
    - x: inputs at this step, shape (N, D)
    - h_prev: hidden states from the previous step, shape (N, H)
    - Wx: input-to-hidden weights, shape (D, H)
    - Wh: hidden-to-hidden weights, shape (H, H)
    - b: biases, shape (H,)

    Returns:
    - h: the next hidden states, shape (N, H)
    """
    x, h_prev, Wx, Wh, b = check_shapes(
        x=(x, "N D"), h_prev=(h_prev, "N H"), Wx=(Wx, "D H"), Wh=(Wh, "H H"), b=(b, "H")
    )
    # BEGIN SOLUTION
    # HINT: one matrix product for the input, one for the previous state, then
    # HINT: add the bias and squash with np.tanh. The result has shape (N, H).
    h = np.tanh(x @ Wx + h_prev @ Wh + b)
    # END SOLUTION
    return h


def rnn_forward(X, h0, Wx, Wh, b):
    """Run a tanh RNN over a whole batch of sequences.

    Inputs:
    - X: input sequences, time-major, shape (T, N, D); T may be 0
    - h0: initial hidden states, shape (N, H)
    - Wx: input-to-hidden weights, shape (D, H)
    - Wh: hidden-to-hidden weights, shape (H, H)
    - b: biases, shape (H,)

    Returns a tuple of:
    - Hs: hidden states h_1 ... h_T (not h0), shape (T, N, H); Hs[t] is the
      state after reading X[t] (shape (0, N, H) when T = 0)
    - cache: whatever rnn_backward (in bptt.py) needs; only your own
      rnn_backward reads it
    """
    X, h0, Wx, Wh, b = check_shapes(
        X=(X, "T N D"), h0=(h0, "N H"), Wx=(Wx, "D H"), Wh=(Wh, "H H"), b=(b, "H")
    )
    # BEGIN SOLUTION
    # HINT: loop over t = 0 .. T-1, calling rnn_step with X[t] and the previous
    # HINT: state (h0 at t = 0). Store every new state in an array of shape
    # HINT: (T, N, H); the backward pass needs X, h0, the weights and Hs.
    Hs = np.empty((X.shape[0],) + h0.shape)
    h = h0
    for t in range(X.shape[0]):
        h = rnn_step(X[t], h, Wx, Wh, b)
        Hs[t] = h
    cache = (X, h0, Wx, Wh, Hs)
    # END SOLUTION
    return Hs, cache


def iterate_map(W, h0, steps):
    """Iterate the lecture's column-vector map h <- tanh(W @ h).

    This is the lecture's demo: a recurrence with no input, whose state decays
    to 0 when W is contractive.

    Inputs:
    - W: recurrent matrix, shape (H, H)
    - h0: initial state, shape (H,)
    - steps: number of applications of the map, an int >= 0

    Returns:
    - states: shape (steps + 1, H); states[0] is h0 and
      states[k] = tanh(W @ states[k - 1])
    """
    W, h0 = check_shapes(W=(W, "H H"), h0=(h0, "H"))
    steps = check_steps(steps)
    # BEGIN SOLUTION
    # HINT: allocate (steps + 1, H), put h0 in row 0, then fill rows 1 .. steps.
    # HINT: Note the column-vector form W @ h (not h @ W) used by the lecture.
    states = np.empty((steps + 1, h0.shape[0]))
    states[0] = h0
    for k in range(1, steps + 1):
        states[k] = np.tanh(W @ states[k - 1])
    # END SOLUTION
    return states
