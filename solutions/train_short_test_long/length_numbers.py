"""Question ``printed_numbers``: positions and bits per token, computed with your own functions.

Run it as ``python length_numbers.py``. It prints 10 lines:

    alibi slopes, 8 heads: 0.50000000 0.25000000 ... 0.00390625
    alibi slopes, 6 heads: 0.25000000 0.06250000 ... 0.12500000
    sinusoidal encoding, d = 8, position 3: 0.1411 -0.9900 ...
    sinusoidal encoding, d = 8, position 40: ...
    rope of x = (1, 2, 3, 4), position 1: ...
    rope of x = (1, 2, 3, 4), position 100: ...
    bits per token, scheme none, windows of 16 and 32 then sliding by 4 and 8: ...
    bits per token, scheme sinusoidal, windows of 16 and 32 then sliding by 4 and 8: ...
    bits per token, scheme rope, windows of 16 and 32 then sliding by 4 and 8: ...
    bits per token, scheme alibi, windows of 16 and 32 then sliding by 4 and 8: ...

The last four score one fixed, untrained model (fixed_weights(SEED), below)
on one fixed random text of 257 tokens (every target once, window_nats),
with windows of L = 16 and 2L = 32 inputs, non-overlapping, then sliding by
a quarter of the window. The model is one layer of your multi-head attention
between embeddings E: logits = multihead_attention_forward(E[tokens] (plus
the sinusoidal encodings for "sinusoidal"), ...) @ E.T.

What the numbers show: the slopes of 6 heads are not sorted (the paper's
rule for head counts that are not powers of two); each sinusoidal pair is a
point on a unit circle (sin^2 + cos^2 = 1), as RoPE's rotation keeps the
length of each pair of x. The untrained model is near the 4 bits of a
uniform guess over 16 tokens (worse with sinusoidal encodings, which
outweigh its small embeddings), and each scheme changes what it predicts, so
each scheme's line differs. Longer windows and sliding windows give each
target more context: here that lowers the bits a little even untrained.

Compute every number with your functions each time the script runs; the
grader also runs it with those functions changed and checks that the printed
numbers change with them. A line earns its point only when the functions
behind it are right (they pass their own questions' checks).
"""
import numpy as np

from lm_loss import bits_per_token, window_nats
from multihead import SCHEMES, multihead_attention_forward
from positions import alibi_slopes, rope, sinusoidal_encoding

SEED = 0
V = 16  # tokens
D = 16  # the model width
HEADS = 4  # heads of D / HEADS = 4 features
M = 257  # the text's tokens: 256 targets
L = 16  # the shorter window; the longer one is 2L
SLOPE_HEADS = (8, 6)
ENCODED = (3, 40)  # the positions whose sinusoidal encodings are printed, d = 8
ROTATED = (1, 100)  # the positions RoPE rotates X_ROPE to
X_ROPE = np.array([1.0, 2.0, 3.0, 4.0])


def fixed_weights(seed):
    """The fixed model and text, from one generator: E (V, D), Wq, Wk, Wv, Wo (D, D), tokens (M,)."""
    rng = np.random.default_rng(seed)
    E = rng.normal(0.0, 0.5, (V, D))
    Wq, Wk, Wv, Wo = (rng.normal(0.0, 1.0 / np.sqrt(D), (D, D)) for _ in range(4))
    tokens = rng.integers(0, V, M)
    return E, Wq, Wk, Wv, Wo, tokens


def model(E, Wq, Wk, Wv, Wo, scheme):
    """The log_probs function window_nats takes: ints (Tw, B) to log-probabilities (Tw, B, V)."""
    def log_probs(windows):
        X = E[windows]  # (Tw, B, D)
        if scheme == "sinusoidal":
            X = X + sinusoidal_encoding(np.arange(windows.shape[0]), D)[:, None, :]
        Y, _ = multihead_attention_forward(X, Wq, Wk, Wv, Wo, HEADS, scheme)
        logits = Y @ E.T
        top = logits.max(axis=-1, keepdims=True)
        return logits - top - np.log(np.exp(logits - top).sum(axis=-1, keepdims=True))
    return log_probs


def printed_lines():
    """The printed lines, as a list of strings (without newlines).

    Returns 10 lines, in the order of the module's docstring, each a label,
    ": " and numbers separated by single spaces:
    - f"alibi slopes, {H} heads: " and alibi_slopes(H) as f"{s:.8f}", for H in SLOPE_HEADS;
    - f"sinusoidal encoding, d = 8, position {t}: " and the row of t of
      sinusoidal_encoding, as f"{v:.4f}", for t in ENCODED;
    - f"rope of x = (1, 2, 3, 4), position {t}: " and rope(x at one step, [t])
      as f"{v:.4f}", for t in ROTATED;
    - f"bits per token, scheme {scheme}, windows of 16 and 32 then sliding by 4 and 8: "
      and four numbers f"{b:.4f}" for scheme in SCHEMES: bits_per_token of
      window_nats(model(..., scheme), tokens, L), the same with 2 * L, then
      with L and stride L // 4, then 2 * L and stride 2 * L // 4, on
      fixed_weights(SEED).
    """
    # BEGIN SOLUTION
    # HINT: join the numbers with " ".join(f"{v:.4f}" for v in values). rope takes X of shape
    # HINT: (T, ..., dh): X_ROPE[None, :] is one step, at positions np.array([t]). E, Wq, Wk, Wv, Wo,
    # HINT: tokens = fixed_weights(SEED); window_nats(model(E, Wq, Wk, Wv, Wo, scheme), tokens, L,
    # HINT: stride).
    def numbers(values, decimals=4):
        return " ".join(f"{v:.{decimals}f}" for v in values)

    lines = [f"alibi slopes, {H} heads: {numbers(alibi_slopes(H), 8)}" for H in SLOPE_HEADS]
    lines += [f"sinusoidal encoding, d = 8, position {t}: {numbers(sinusoidal_encoding(np.array([t]), 8)[0])}"
              for t in ENCODED]
    lines += [f"rope of x = (1, 2, 3, 4), position {t}: {numbers(rope(X_ROPE[None, :], np.array([t]))[0])}"
              for t in ROTATED]
    E, Wq, Wk, Wv, Wo, tokens = fixed_weights(SEED)
    for scheme in SCHEMES:
        log_probs = model(E, Wq, Wk, Wv, Wo, scheme)
        bits = [bits_per_token(window_nats(log_probs, tokens, length, stride))
                for length, stride in ((L, None), (2 * L, None), (L, L // 4), (2 * L, 2 * L // 4))]
        lines.append(f"bits per token, scheme {scheme}, windows of 16 and 32 then sliding by 4 and 8: "
                     f"{numbers(bits)}")
    # END SOLUTION
    return lines


if __name__ == "__main__":
    print("\n".join(printed_lines()))
