"""Question ``gradient_paths``: how strongly the last output depends on each input, by distance.

Take as loss the sum of the last step's outputs, L = sum(Y_T): the upstream
gradient is a tensor of ones on the last step and zeros on every other one
(the lecture's vector of ones, pushed back from the end of the sequence).
The norm of dL/dX[T-1-k], the gradient on the input k steps before the last,
says how much the last output can learn from an input that far back.

In a recurrent network the gradient reaches X[T-1-k] through k hidden
states, multiplied by one step's Jacobian each time: a tanh RNN's norm falls
roughly geometrically with k. The LSTM's cell and the GRU's copied state
multiply it by their gates instead (f, z), near 1 when the gate biases say
"remember", so it falls far more slowly, but it still falls. In attention,
the last output reads every input directly: the path from X[j] to Y_T has
length 1 whatever the distance, and the gradient is as large far away as
near (about the attention weight A[T-1, j] times the weights' scale).

The recurrent models are the first assignment's (``recurrence``, ``bptt``,
``lstm``), the others this assignment's (``gru``, ``attention``).
"""
import numpy as np

import earlier  # noqa: F401 - makes the first assignment's modules importable (see earlier.py)
import attention
import bptt
import gru
import lstm
import recurrence
from shapes import check_shapes


def same_sequence(seed, T=64, D=8, H=16, gate_bias=1.0):
    """One input sequence and the weights of the four models, drawn at comparable scales (provided).

    Everything comes from one np.random.default_rng(seed), in a fixed order,
    so a seed gives the same numbers on every machine. The scales:

    - X ~ N(0, 1), one sequence (N = 1), shape (T, 1, D).
    - The recurrent models use PyTorch's default initialisation for nn.RNN,
      nn.LSTM and nn.GRU: every weight and bias ~ U(-1/sqrt(H), 1/sqrt(H)),
      zero initial states. Their recurrent matrices then have a spectral
      radius well below 1, the usual starting point of training.
    - gate_bias is added to the bias of the gate that keeps the old state:
      the LSTM's forget gate f (as long_range.py does) and the GRU's update
      gate z (in bx). With the default 1, f and z start near sigmoid(1) = 0.73
      instead of 0.5: both cells remember by default, the common practice.
    - Attention's Wq, Wk, Wv ~ U(-1/sqrt(D), 1/sqrt(D)), PyTorch's default
      for an nn.Linear with D inputs, with d = dv = H: queries, keys and
      values have about the scale of the recurrent models' pre-activations.

    Inputs:
    - seed: the seed of the random generator, an int
    - T: sequence length; D: input size; H: hidden size (also d and dv)
    - gate_bias: added to the LSTM's f bias and to the GRU's z bias

    Returns a tuple of:
    - X: the input sequence, shape (T, 1, D)
    - params: dict model -> dict of keyword arguments of its *_path_norms
      function (everything but X), for "rnn", "lstm", "gru" and "attention"
      (without slope), e.g. rnn_path_norms(X, **params["rnn"])
    """
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(T, 1, D))
    bound = 1.0 / np.sqrt(H)

    def recurrent(*shape):
        return rng.uniform(-bound, bound, shape)

    h0 = np.zeros((1, H))
    rnn = {"h0": h0, "Wx": recurrent(D, H), "Wh": recurrent(H, H), "b": recurrent(H)}
    lstm_params = {"h0": h0.copy(), "c0": h0.copy(), "Wx": recurrent(D, 4 * H), "Wh": recurrent(H, 4 * H),
                   "b": recurrent(4 * H)}
    lstm_params["b"][H:2 * H] += gate_bias  # gates i, f, g, o
    gru_params = {"h0": h0.copy(), "Wx": recurrent(D, 3 * H), "Wh": recurrent(H, 3 * H),
                  "bx": recurrent(3 * H), "bh": recurrent(3 * H)}
    gru_params["bx"][H:2 * H] += gate_bias  # gates r, z, n
    linear = 1.0 / np.sqrt(D)
    attention_params = {name: rng.uniform(-linear, linear, (D, H)) for name in ("Wq", "Wk", "Wv")}
    return X, {"rnn": rnn, "lstm": lstm_params, "gru": gru_params, "attention": attention_params}


def last_step_upstream(Ys):
    """The upstream gradient of L = sum(Ys[-1]), the sum of the last step's outputs.

    Inputs:
    - Ys: a model's outputs (or hidden states), time-major, shape (T, N, H);
      T may be 0

    Returns:
    - dYs: a new array shaped like Ys: ones on the last step Ys[-1], zeros on
      every other step (all zeros, shape (0, N, H), when T = 0)
    """
    (Ys,) = check_shapes(Ys=(Ys, "T N H"))
    ########################################################################
    # TODO: implement last_step_upstream.
    # start from np.zeros_like(Ys) (a fresh array: Ys itself stays as it
    # is) and set the last step to 1. The slice dYs[-1:] is the last step
    # when there is one and nothing when T = 0, where dYs[-1] is an IndexError.
    ########################################################################
    raise NotImplementedError("last_step_upstream is not implemented yet")
    ########################################################################
    #                           END OF YOUR CODE                           #
    ########################################################################
    return dYs


def distance_norms(dX):
    """The norm of the gradient on each input, indexed by its distance from the last step.

    Inputs:
    - dX: gradients on the inputs, time-major, shape (T, N, D)

    Returns:
    - norms: shape (T,); norms[k] is the Frobenius norm of dX[T-1-k], the
      gradient on the input k steps before the last one (norms[0] is the
      last step's own input)
    """
    (dX,) = check_shapes(dX=(dX, "T N D"))
    ########################################################################
    # TODO: implement distance_norms.
    # dX[::-1] puts the last step first; flatten each step to one row
    # (reshape to (T, N * D)) and take np.linalg.norm along axis 1.
    ########################################################################
    raise NotImplementedError("distance_norms is not implemented yet")
    ########################################################################
    #                           END OF YOUR CODE                           #
    ########################################################################
    return norms


def rnn_path_norms(X, h0, Wx, Wh, b):
    """Distance norms of the gradient of sum(h_T) on the inputs of a tanh RNN.

    Inputs:
    - X: input sequences, shape (T, N, D); h0: shape (N, H)
    - Wx: shape (D, H); Wh: shape (H, H); b: shape (H,) (as in recurrence.py)

    Returns:
    - norms: shape (T,); norms[k] = ||dL/dX[T-1-k]|| for L = sum(Hs[-1]),
      Hs the hidden states of recurrence.rnn_forward
    """
    X, h0, Wx, Wh, b = check_shapes(
        X=(X, "T N D"), h0=(h0, "N H"), Wx=(Wx, "D H"), Wh=(Wh, "H H"), b=(b, "H")
    )
    ########################################################################
    # TODO: implement rnn_path_norms.
    # recurrence.rnn_forward, then bptt.rnn_backward with the upstream
    # gradient of last_step_upstream; distance_norms of the gradient on X.
    ########################################################################
    raise NotImplementedError("rnn_path_norms is not implemented yet")
    ########################################################################
    #                           END OF YOUR CODE                           #
    ########################################################################
    return norms


def lstm_path_norms(X, h0, c0, Wx, Wh, b):
    """Distance norms of the gradient of sum(h_T) on the inputs of an LSTM.

    Inputs:
    - X: shape (T, N, D); h0, c0: shape (N, H)
    - Wx: shape (D, 4H); Wh: shape (H, 4H); b: shape (4H,) (as in lstm.py)

    Returns:
    - norms: shape (T,); norms[k] = ||dL/dX[T-1-k]|| for L = sum(Hs[-1]),
      Hs the hidden states of lstm.lstm_forward
    """
    X, h0, c0, Wx, Wh, b = check_shapes(
        X=(X, "T N D"), h0=(h0, "N H"), c0=(c0, "N H"), Wx=(Wx, "D 4H"), Wh=(Wh, "H 4H"), b=(b, "4H")
    )
    ########################################################################
    # TODO: implement lstm_path_norms.
    # as rnn_path_norms, with lstm.lstm_forward and lstm.lstm_backward.
    ########################################################################
    raise NotImplementedError("lstm_path_norms is not implemented yet")
    ########################################################################
    #                           END OF YOUR CODE                           #
    ########################################################################
    return norms


def gru_path_norms(X, h0, Wx, Wh, bx, bh):
    """Distance norms of the gradient of sum(h_T) on the inputs of a GRU.

    Inputs:
    - X: shape (T, N, D); h0: shape (N, H)
    - Wx: shape (D, 3H); Wh: shape (H, 3H); bx, bh: shape (3H,) (as in gru.py)

    Returns:
    - norms: shape (T,); norms[k] = ||dL/dX[T-1-k]|| for L = sum(Hs[-1]),
      Hs the hidden states of gru.gru_forward
    """
    X, h0, Wx, Wh, bx, bh = check_shapes(
        X=(X, "T N D"), h0=(h0, "N H"), Wx=(Wx, "D 3H"), Wh=(Wh, "H 3H"), bx=(bx, "3H"), bh=(bh, "3H")
    )
    ########################################################################
    # TODO: implement gru_path_norms.
    # as rnn_path_norms, with your gru_forward and gru_backward.
    ########################################################################
    raise NotImplementedError("gru_path_norms is not implemented yet")
    ########################################################################
    #                           END OF YOUR CODE                           #
    ########################################################################
    return norms


def attention_path_norms(X, Wq, Wk, Wv, slope=0.0):
    """Distance norms of the gradient of sum(Y_T) on the inputs of causal self-attention.

    Inputs:
    - X: shape (T, N, D)
    - Wq, Wk: shape (D, d); Wv: shape (D, dv) (as in attention.py)
    - slope: the ALiBi slope, a float >= 0

    Returns:
    - norms: shape (T,); norms[k] = ||dL/dX[T-1-k]|| for L = sum(Y[-1]),
      Y the outputs of attention.attention_forward
    """
    X, Wq, Wk, Wv = check_shapes(X=(X, "T N D"), Wq=(Wq, "D d"), Wk=(Wk, "D d"), Wv=(Wv, "D dv"))
    ########################################################################
    # TODO: implement attention_path_norms.
    # as rnn_path_norms, with your attention_forward (pass the slope on)
    # and attention_backward, which returns the grads dict only.
    ########################################################################
    raise NotImplementedError("attention_path_norms is not implemented yet")
    ########################################################################
    #                           END OF YOUR CODE                           #
    ########################################################################
    return norms
