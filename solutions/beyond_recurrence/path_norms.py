"""Question ``printed_paths``: how far back each model's last output can reach, computed with your own functions.

Run it as ``python path_norms.py``. It prints 15 lines, the norm of the
gradient of sum(Y_T) on the input 1, 10 and 50 steps before the last, for
five models reading the same sequence of length 64 (gradient_paths.py's
same_sequence with seed 0):

    RNN: gradient norm at distance 1: 3.4794e-01
    RNN: gradient norm at distance 10: 8.8000e-04
    ...
    attention (ALiBi 1/16): gradient norm at distance 50: 4.3246e-03

What the numbers show:

- RNN: the norm falls by 15 orders of magnitude from distance 1 to 50, a
  product of 49 Jacobians with norms well below 1.
- LSTM and GRU: their additive paths keep far more, a few 1e-6 at distance
  50, yet the decay is still geometric, at the rate of their gates (f and z
  start near 0.73 here).
- attention (no bias): the norm does not fall with distance: 2.4e-2 at
  distance 1, 3.7e-2 at 10, 2.5e-2 at 50. Every input is one step from the
  output, with an attention weight near 1/T each (the random queries and keys
  barely prefer any position).
- attention (ALiBi 1/16): the norm *does* fall with distance, by 0.055 from
  distance 10 to 50, close to exp(-40 / 16) = 0.08, because ALiBi's bias
  lowers the attention weight of an input k steps back by the factor
  exp(-slope * k). That is exponential in the distance too, but it is one
  weight that the slope sets (and that a large enough query-key score can
  overturn), not a product of k Jacobians: the path is still one step long,
  and a smaller slope (the paper's heads go down to 1/256) keeps far inputs
  within reach.

Compute every number with your functions each time the script runs; the
grader also runs it with those functions changed and checks that the printed
numbers change with them. A line earns its points only when the path
function behind it is right (it passes its checks in gradient_paths).
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
    # BEGIN SOLUTION
    # HINT: each *_path_norms takes X and the model's own parameters, e.g.
    # HINT: rnn_path_norms(X, **params["rnn"]); attention runs twice, with
    # HINT: slope 0 and with ALIBI_SLOPE. norms[k] is the norm at distance k.
    # HINT: Format the norms with f"{norm:.4e}".
    models = [
        ("RNN", rnn_path_norms(X, **params["rnn"])),
        ("LSTM", lstm_path_norms(X, **params["lstm"])),
        ("GRU", gru_path_norms(X, **params["gru"])),
        ("attention", attention_path_norms(X, **params["attention"])),
        ("attention (ALiBi 1/16)", attention_path_norms(X, **params["attention"], slope=ALIBI_SLOPE)),
    ]
    lines = [f"{name}: gradient norm at distance {k}: {norms[k]:.4e}" for name, norms in models for k in DISTANCES]
    # END SOLUTION
    return lines


if __name__ == "__main__":
    print("\n".join(path_lines()))
