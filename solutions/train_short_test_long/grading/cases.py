"""The graded cases: which inputs each check feeds to the student's functions.

Each case names a procedure of ``calls.py`` (how to call the student's
functions and which outputs to compare), whether it is public (it ships with
the student release) and how to draw its inputs from a seeded generator.
Expected outputs are never written here: ``autograder/build/fixtures.py``
computes them by running the reference solutions through the same procedures.
"""
import hashlib

import numpy as np

from multihead import SCHEMES


def _encoding(rng, T=6, d=8, offset=False):
    """Positions 0 .. T-1, or T positions drawn in 0 .. 999 (offset): the encodings of far positions."""
    positions = rng.integers(0, 1000, T) if offset else np.arange(T)
    return {"positions": positions, "d": np.int64(d)}


def _rope(rng, shape=(5, 2, 3, 4), base=10000.0, start=None, gradient=False):
    """Inputs of rope (X) or rope_backward (dY); positions 0 .. T-1, or T positions from ``start`` on."""
    T = shape[0]
    positions = np.arange(T) if start is None else start + rng.permutation(T)
    return {"dY" if gradient else "X": rng.normal(size=shape), "positions": positions, "base": np.float64(base)}


def _biases(rng, T=5, H=3):
    return {"T": np.int64(T), "slopes": rng.uniform(0.05, 1.0, H)}


def _attention(rng, scheme, T=5, N=2, D=4, H=2, dh=4, scale=1.0, backward=False):
    """Inputs of the multi-head functions; scale multiplies the query and key weights. The fixtures hold
    numbers only: the scheme is its index in SCHEMES (calls.py gives the function its name)."""
    inputs = {
        "X": rng.normal(size=(T, N, D)),
        "Wq": rng.normal(0, scale / np.sqrt(D), (D, H * dh)),
        "Wk": rng.normal(0, scale / np.sqrt(D), (D, H * dh)),
        "Wv": rng.normal(0, 1 / np.sqrt(D), (D, H * dh)),
        "Wo": rng.normal(0, 1 / np.sqrt(H * dh), (H * dh, D)),
        "n_heads": np.int64(H),
    }
    if scheme is not None:  # None: the default scheme, "none", with the argument left out
        inputs["scheme_index"] = np.int64(SCHEMES.index(scheme))
    if backward:
        inputs["dY"] = rng.normal(size=(T, N, D))
    return inputs


def _far_negative_scores(rng, T=4, N=2, D=4, H=2, dh=2):
    """Inputs of the forward whose every visible score is below -1000: tokens pointing one way, and keys
    the negated queries (Wk = -Wq), so that q_i . k_j = -|q|^2 roughly; exp of them underflows to 0."""
    Wq = rng.normal(0, 30.0, (D, H * dh))
    return {"X": 1.0 + 0.05 * rng.normal(size=(T, N, D)), "Wq": Wq, "Wk": -Wq,
            "Wv": rng.normal(0, 1 / np.sqrt(D), (D, H * dh)), "Wo": rng.normal(0, 1 / np.sqrt(H * dh), (H * dh, D)),
            "n_heads": np.int64(H), "scheme_index": np.int64(SCHEMES.index("none"))}


def _logits(rng, T=4, N=3, V=7, scale=2.0):
    return {"logits": rng.normal(0, scale, (T, N, V)), "targets": rng.integers(0, V, (T, N))}


def _text(rng, M, L, stride=0, V=5, max_batch_tokens=0):
    """A text of M tokens and the fixed model of calls._model (its position table covers L steps), and
    the budget of inputs per call of the model when one is given (max_batch_tokens > 0)."""
    text = {"tokens": rng.integers(0, V, M), "L": np.int64(L), "stride": np.int64(stride),
            "table": rng.normal(0, 1.5, (V, V)), "position": rng.normal(0, 1.0, (L, V)),
            "context": np.float64(rng.uniform(1.0, 3.0))}
    return {**text, "max_batch_tokens": np.int64(max_batch_tokens)} if max_batch_tokens else text


def _nats(rng, shape):
    return {"nats": rng.exponential(1.5, shape)}


# name -> (procedure, public, inputs drawn from a generator seeded by the name)
CASES = {
    # positions
    "sinusoidal_encoding/small": ("sinusoidal_encoding", True, lambda r: _encoding(r)),
    "sinusoidal_encoding/far": ("sinusoidal_encoding", False, lambda r: _encoding(r, T=7, d=10, offset=True)),
    "sinusoidal_encoding/narrow": ("sinusoidal_encoding", False, lambda r: _encoding(r, T=4, d=2, offset=True)),
    "sinusoidal_encoding/empty": ("sinusoidal_encoding", False, lambda r: _encoding(r, T=0, d=4)),
    "rope/small": ("rope", True, lambda r: _rope(r)),
    "rope/shifted": ("rope", False, lambda r: _rope(r, shape=(6, 8), base=100.0, start=40)),
    "rope/one_step": ("rope", False, lambda r: _rope(r, shape=(1, 3, 2), start=7)),
    # positions that are not 0 .. T-1: rotating the wrong way and ignoring the positions give different dX
    "rope_backward/small": ("rope_backward", True, lambda r: _rope(r, shape=(5, 2, 6), start=3, gradient=True)),
    "rope_backward/shifted": ("rope_backward", False,
                              lambda r: _rope(r, shape=(4, 3, 2, 4), base=500.0, start=25, gradient=True)),
    "alibi_slopes/eight": ("alibi_slopes", True, lambda r: {"H": np.int64(8)}),
    # not a power of two: the paper's rule is not the geometric sequence of H heads, nor monotone
    "alibi_slopes/six": ("alibi_slopes", False, lambda r: {"H": np.int64(6)}),
    "alibi_slopes/twelve": ("alibi_slopes", False, lambda r: {"H": np.int64(12)}),
    "alibi_slopes/one": ("alibi_slopes", False, lambda r: {"H": np.int64(1)}),
    # 16 + 15 heads: the first count where 2^(-8/n) needs a true division (n = 16), and the extra slopes
    # reach the 29th of 32 (a sequence of 2n heads cut short shows)
    "alibi_slopes/thirty_one": ("alibi_slopes", False, lambda r: {"H": np.int64(31)}),
    "alibi_biases/small": ("alibi_biases", True, lambda r: _biases(r)),
    "alibi_biases/one_step": ("alibi_biases", False, lambda r: _biases(r, T=1, H=2)),
    "alibi_biases/empty": ("alibi_biases", False, lambda r: _biases(r, T=0, H=2)),
    # multihead
    "multihead_attention_forward/rope": ("multihead_attention_forward", True, lambda r: _attention(r, "rope")),
    "multihead_attention_forward/alibi": ("multihead_attention_forward", True,
                                          lambda r: _attention(r, "alibi", H=4, dh=2)),
    "multihead_attention_forward/none": ("multihead_attention_forward", False,
                                         lambda r: _attention(r, "none", T=6, N=3, D=3, H=3, dh=2)),
    "multihead_attention_forward/sinusoidal": ("multihead_attention_forward", False,
                                               lambda r: _attention(r, "sinusoidal", T=4, D=5, dh=3)),
    # 6 heads: slopes 1/4 .. 1/256, then 1/2 and 1/8
    "multihead_attention_forward/six_heads": ("multihead_attention_forward", False,
                                              lambda r: _attention(r, "alibi", T=7, H=6, dh=2, scale=3.0)),
    "multihead_attention_forward/one_head": ("multihead_attention_forward", False,
                                             lambda r: _attention(r, "rope", T=6, H=1, dh=6)),
    "multihead_attention_forward/one_step": ("multihead_attention_forward", False,
                                             lambda r: _attention(r, "alibi", T=1, N=3, H=2, dh=2)),
    # no scheme_index: the default scheme; the check of wrongly shaped weights calls the function with these
    "multihead_attention_forward/default": ("multihead_attention_forward", False,
                                            lambda r: _attention(r, None, T=3, N=2, H=2, dh=3)),
    # every score below -1000: only a softmax shifted by each row's own largest score stays finite
    "multihead_attention_forward/far_negative_scores": ("multihead_attention_forward", False,
                                                        lambda r: _far_negative_scores(r)),
    "multihead_attention_forward/empty": ("multihead_attention_forward", False,
                                          lambda r: _attention(r, "rope", T=0, N=2, H=2, dh=2)),
    # no scheme_index: the default scheme; the finite-difference check calls the forward with these inputs
    "multihead_attention_backward/default": ("multihead_attention_backward", True,
                                             lambda r: _attention(r, None, backward=True)),
    "multihead_attention_backward/rope": ("multihead_attention_backward", True,
                                          lambda r: _attention(r, "rope", backward=True)),
    "multihead_attention_backward/six_heads": ("multihead_attention_backward", False,
                                               lambda r: _attention(r, "alibi", T=6, H=6, dh=2, backward=True)),
    "multihead_attention_backward/one_head": ("multihead_attention_backward", False,
                                              lambda r: _attention(r, "rope", T=5, N=3, H=1, dh=4, backward=True)),
    # "sinusoidal" is "none" inside attention: no rotation of dQ and dK on the way back either
    "multihead_attention_backward/sinusoidal": ("multihead_attention_backward", False,
                                                lambda r: _attention(r, "sinusoidal", T=4, N=2, H=2, dh=2,
                                                                     backward=True)),
    "multihead_attention_backward/long": ("multihead_attention_backward", False,
                                          lambda r: _attention(r, "rope", T=24, N=2, D=3, H=2, dh=4, backward=True)),
    "multihead_attention_backward/sharp": ("multihead_attention_backward", False,
                                           lambda r: _attention(r, "alibi", T=6, H=4, dh=2, scale=5.0,
                                                                backward=True)),
    # language_model
    "cross_entropy/small": ("cross_entropy", True, lambda r: _logits(r)),
    "cross_entropy/ordinary": ("cross_entropy", False, lambda r: _logits(r, T=5, N=2, V=6)),
    # logits of 1000: far beyond where np.exp overflows (about 709); only a shifted log-sum-exp stays finite
    "cross_entropy/large_logits": ("cross_entropy", False, lambda r: _logits(r, T=3, N=2, V=5, scale=1000.0)),
    "cross_entropy/one_token": ("cross_entropy", False, lambda r: _logits(r, T=1, N=1, V=4)),
    "window_nats/non_overlapping": ("window_nats", True, lambda r: _text(r, M=25, L=6)),
    "window_nats/sliding": ("window_nats", True, lambda r: _text(r, M=21, L=6, stride=2)),
    # L does not divide M - 1 = 22: the last window holds 2 targets
    "window_nats/short_last": ("window_nats", False, lambda r: _text(r, M=23, L=5)),
    "window_nats/one_window": ("window_nats", False, lambda r: _text(r, M=6, L=8)),
    "window_nats/sliding_uneven": ("window_nats", False, lambda r: _text(r, M=30, L=7, stride=3)),
    "window_nats/stride_one": ("window_nats", False, lambda r: _text(r, M=12, L=4, stride=1)),
    # stride = L given, not None: the same windows; over 256 tokens, so that no int is one of Python's
    # cached small ints (`stride is L`, `end is not M - 1` compare objects, not values)
    "window_nats/long_text": ("window_nats", False, lambda r: _text(r, M=700, L=300, stride=300)),
    # a budget of 5 inputs per call: one window of 3 at a time (not 2: 6 > 5)
    "window_nats/small_batches": ("window_nats", False, lambda r: _text(r, M=23, L=3, max_batch_tokens=5)),
    # windows of 7 inputs, more than the budget of 5: each goes alone
    "window_nats/windows_beyond_budget": ("window_nats", False,
                                          lambda r: _text(r, M=30, L=7, stride=3, max_batch_tokens=5)),
    "bits_per_token/small": ("bits_per_token", True, lambda r: _nats(r, (20,))),
    "bits_per_token/windows": ("bits_per_token", False, lambda r: _nats(r, (3, 5))),
    "bits_per_token/one_token": ("bits_per_token", False, lambda r: _nats(r, (1,))),
    "perplexity/small": ("perplexity", True, lambda r: _nats(r, (4, 6))),
    "perplexity/windows": ("perplexity", False, lambda r: _nats(r, (5, 3))),
    "perplexity/one_token": ("perplexity", False, lambda r: _nats(r, (1,))),
}


def _printed_inputs():
    """What length_numbers.py computes its lines from: its fixed model and text, and its settings."""
    import length_numbers as script

    E, Wq, Wk, Wv, Wo, tokens = script.fixed_weights(script.SEED)
    return {"E": E, "Wq": Wq, "Wk": Wk, "Wv": Wv, "Wo": Wo, "tokens": tokens, "n_heads": np.int64(script.HEADS),
            "L": np.int64(script.L), "heads": np.array(script.SLOPE_HEADS), "encoded": np.array(script.ENCODED),
            "d": np.int64(8), "rotated": np.array(script.ROTATED), "x": np.copy(script.X_ROPE)}


# The inputs of the printed script's case (stored under calls.SPEC.printed.case, beside the lines the
# reference script prints): what the checks call the student's functions with (calls.printed_values).
PRINTED = _printed_inputs()


def seed_of(name):
    """The seed of case ``name``'s generator: the SHA-256 of its name (and of whether it is public), so
    that no hidden case's inputs can be derived from a public one's."""
    kind = "public case " if CASES[name][1] else "hidden case "
    return int.from_bytes(hashlib.sha256((kind + name).encode()).digest(), "big")


def inputs_of(name):
    """The inputs of case ``name``, drawn from a generator seeded by the name (``seed_of``)."""
    return CASES[name][2](np.random.default_rng(seed_of(name)))
