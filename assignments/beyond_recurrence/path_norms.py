"""Question ``printed_paths``: how far back each model's last output can reach, computed with your own functions.

Run it as ``python path_norms.py``. It prints 15 lines, the norm of the
gradient of sum(Y_T) on the input 1, 10 and 50 steps before the last, for
five models reading the same sequence of length 64 (gradient_paths.py's
same_sequence with seed 0):

    RNN: gradient norm at distance 1: ...
    ...
    attention (ALiBi 1/16): gradient norm at distance 50: ...

What the numbers show:

- RNN: the norm falls by about 12 orders of magnitude over 50 steps, a
  product of 50 Jacobians with norms well below 1.
- LSTM and GRU: their additive paths keep far more, about 1e-6 at distance
  50, yet the decay is still geometric, at the rate of their gates.
- attention (no bias): the norm does not fall with distance; at distance 50
  it is about what it is at distance 10. Every input is one step from the
  output, with an attention weight near 1/T each (the random queries and keys
  barely prefer any position).
- attention (ALiBi 1/16): the norm *does* fall with distance, like
  exp(-k / 16), because ALiBi's bias lowers the attention weight of an input
  k steps back by the factor exp(-slope * k). It is exponential in the
  distance, but the decay is a property of one weight that the slope sets
  (and that a large enough query-key score can overturn), not of a product of
  k Jacobians: a smaller slope (the paper's heads go down to 1/256) keeps far
  inputs within reach. The path is still one step long.

Compute every number with your functions each time the script runs; the
grader also runs it with those functions changed and checks that the printed
numbers change with them.
"""
from gradient_paths import (attention_path_norms, gru_path_norms, lstm_path_norms, rnn_path_norms,
                            same_sequence)

SEED = 0
T = 64
DISTANCES = (1, 10, 50)
ALIBI_SLOPE = 1 / 16  # the fourth of the ALiBi paper's eight slopes 2^-1 ... 2^-8


def path_lines():
    """The printed lines, as a list of strings (without newlines).

    Returns 5 * 3 lines: for "RNN", "LSTM", "GRU", "attention" (slope 0) and
    "attention (ALiBi 1/16)" in that order, the norm at distances 1, 10 and 50
    in that order, as f"{name}: gradient norm at distance {k}: {norm:.4e}",
    all on the sequence and weights of same_sequence(SEED, T).
    """
    X, params = same_sequence(SEED, T)
    ########################################################################
    # TODO: implement path_lines.
    # each *_path_norms takes X and the model's own parameters, e.g.
    # rnn_path_norms(X, **params["rnn"]); attention runs twice, with
    # slope 0 and with ALIBI_SLOPE. norms[k] is the norm at distance k.
    # Format the norms with f"{norm:.4e}".
    ########################################################################
    raise NotImplementedError("path_lines is not implemented yet")
    ########################################################################
    #                           END OF YOUR CODE                           #
    ########################################################################
    return lines


if __name__ == "__main__":
    print("\n".join(path_lines()))
