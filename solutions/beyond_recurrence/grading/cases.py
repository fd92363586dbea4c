"""The graded cases: which inputs each check feeds to the student's functions.

Each case names a procedure of ``calls.py`` (or the course's ``procedures.py``),
whether it is public (ships with the student release) and how to draw its
inputs from a seeded generator. Expected outputs are never written here:
``autograder/build/fixtures.py`` computes them by running the reference solutions
through the same procedures.
"""
import hashlib

import numpy as np

from gradient_paths import same_sequence


def _gru(rng, T=None, N=3, D=4, H=5, scale=1.0, backward=False):
    """Inputs for the GRU functions (T is None: one step); weights ~ N(0, scale^2 / fan_in)."""
    inputs = {
        "Wx": rng.normal(0, scale / np.sqrt(D), (D, 3 * H)),
        "Wh": rng.normal(0, scale / np.sqrt(H), (H, 3 * H)),
        "bx": rng.normal(0, 0.5, 3 * H),
        "bh": rng.normal(0, 0.5, 3 * H),
    }
    if T is None:
        inputs.update(x=rng.normal(size=(N, D)), h_prev=np.tanh(rng.normal(size=(N, H))))
        if backward:
            inputs["dh"] = rng.normal(size=(N, H))
    else:
        inputs.update(X=rng.normal(size=(T, N, D)), h0=np.tanh(rng.normal(size=(N, H))))
        if backward:
            inputs["dHs"] = rng.normal(size=(T, N, H))
    return inputs


def _saturated(inputs):
    """Batch row 0 of X scaled by 1000: gate pre-activations far beyond where np.exp overflows (about 709)."""
    X = inputs["X"].copy()
    X[:, 0] *= 1000.0
    return {**inputs, "X": X}


def _attention(rng, T=5, N=2, D=4, d=3, dv=3, slope=0.0, scale=1.0, backward=False):
    """Inputs for attention_forward/backward; scale multiplies the query and key weights."""
    inputs = {
        "X": rng.normal(size=(T, N, D)),
        "Wq": rng.normal(0, scale / np.sqrt(D), (D, d)),
        "Wk": rng.normal(0, scale / np.sqrt(D), (D, d)),
        "Wv": rng.normal(0, 1 / np.sqrt(D), (D, dv)),
        "slope": np.float64(slope),
    }
    if backward:
        inputs["dY"] = rng.normal(size=(T, N, dv))
    return inputs


def _queries(rng, T=5, N=2, d=3, slope=0.0, scale=1.0):
    return {"Q": scale * rng.normal(size=(T, N, d)), "K": scale * rng.normal(size=(T, N, d)),
            "slope": np.float64(slope)}


def _paths(model, slope=0.0, T=12):
    """The inputs of one model's path function: same_sequence at a small size, and a batch of two."""
    def draw(rng):
        X, params = same_sequence(int(rng.integers(2**31)), T=T, D=3, H=4)
        X = np.concatenate([X, rng.normal(size=X.shape)], axis=1)  # N = 2: norms over the whole batch
        # Initial states of their own (same_sequence starts from zeros, where h0 and c0 cannot be told apart).
        arguments = {k: (rng.normal(0, 0.5, (2, v.shape[1])) if k in ("h0", "c0") else v)
                     for k, v in params[model].items()}
        return {"X": X, **arguments, **({"slope": np.float64(slope)} if model == "attention" else {})}
    return draw


# name -> (procedure, public, inputs drawn from a generator seeded by the name)
CASES = {
    # gru
    "gru_step_forward/small": ("gru_step_forward", True, lambda r: _gru(r)),
    "gru_step_forward/single": ("gru_step_forward", False, lambda r: _gru(r, N=1, D=1, H=1, scale=2.0)),
    "gru_step_backward/small": ("gru_step_backward", True, lambda r: _gru(r, backward=True)),
    "gru_step_backward/wide": ("gru_step_backward", False, lambda r: _gru(r, N=2, D=6, H=3, backward=True)),
    "gru_forward/small": ("gru_forward", True, lambda r: _gru(r, T=4)),
    "gru_forward/long": ("gru_forward", False, lambda r: _gru(r, T=30, N=2, D=3, H=4)),
    "gru_forward/empty": ("gru_forward", False, lambda r: _gru(r, T=0, N=2, D=3, H=4)),
    "gru_backward/small": ("gru_backward", True, lambda r: _gru(r, T=4, backward=True)),
    "gru_backward/one_step": ("gru_backward", False, lambda r: _gru(r, T=1, N=2, D=3, H=2, backward=True)),
    "gru_backward/long": ("gru_backward", False, lambda r: _gru(r, T=25, N=2, D=3, H=4, backward=True)),
    "gru_backward/empty": ("gru_backward", False, lambda r: _gru(r, T=0, N=2, D=3, H=4, backward=True)),
    "gru_backward/saturated": ("gru_backward", False,
                               lambda r: _saturated(_gru(r, T=6, N=2, D=3, H=4, backward=True))),
    # attention
    "alibi_bias/small": ("alibi_bias", True, lambda r: {"T": np.int64(5), "slope": np.float64(0.5)}),
    "alibi_bias/plain": ("alibi_bias", False, lambda r: {"T": np.int64(4), "slope": np.float64(0.0)}),
    "alibi_bias/empty": ("alibi_bias", False, lambda r: {"T": np.int64(0), "slope": np.float64(0.25)}),
    "attention_weights/small": ("attention_weights", True, lambda r: _queries(r)),
    "attention_weights/alibi": ("attention_weights", True, lambda r: _queries(r, slope=0.5)),
    "attention_weights/large_scores": ("attention_weights", False, lambda r: _queries(r, T=6, d=4, scale=40.0)),
    # the ordinary case the hidden checks of attention_weights need right first (never a public one)
    "attention_weights/ordinary": ("attention_weights", False, lambda r: _queries(r, T=6, N=3, d=4, slope=0.25)),
    "attention_forward/small": ("attention_forward", True, lambda r: _attention(r, slope=0.25)),
    "attention_forward/one_step": ("attention_forward", False, lambda r: _attention(r, T=1, N=3, slope=0.5)),
    "attention_forward/empty": ("attention_forward", False, lambda r: _attention(r, T=0, N=2, slope=0.5)),
    "attention_backward/small": ("attention_backward", True, lambda r: _attention(r, backward=True)),
    "attention_backward/alibi": ("attention_backward", False,
                                 lambda r: _attention(r, T=7, N=2, D=3, d=4, dv=2, slope=0.5, backward=True)),
    "attention_backward/long": ("attention_backward", False,
                                lambda r: _attention(r, T=40, N=2, D=3, d=3, dv=3, slope=0.0625, backward=True)),
    "attention_backward/sharp": ("attention_backward", False,
                                 lambda r: _attention(r, T=6, N=2, d=4, scale=6.0, slope=0.0, backward=True)),
    # gradient_paths
    "last_step_upstream/small": ("last_step_upstream", True, lambda r: {"Ys": r.normal(size=(4, 2, 3))}),
    "last_step_upstream/wide": ("last_step_upstream", False, lambda r: {"Ys": r.normal(size=(6, 3, 5))}),
    "last_step_upstream/empty": ("last_step_upstream", False, lambda r: {"Ys": np.zeros((0, 2, 3))}),
    "distance_norms/small": ("distance_norms", True, lambda r: {"dX": r.normal(size=(5, 1, 3))}),
    "distance_norms/batch": ("distance_norms", False, lambda r: {"dX": r.normal(size=(6, 3, 2))}),
    "distance_norms/empty": ("distance_norms", False, lambda r: {"dX": np.zeros((0, 3, 2))}),
    "rnn_path_norms/small": ("rnn_path_norms", True, _paths("rnn")),
    "lstm_path_norms/small": ("lstm_path_norms", False, _paths("lstm")),
    "gru_path_norms/small": ("gru_path_norms", False, _paths("gru")),
    "attention_path_norms/small": ("attention_path_norms", True, _paths("attention")),
    "attention_path_norms/alibi": ("attention_path_norms", False, _paths("attention", slope=0.25)),
}


def _printed_inputs():
    """What path_norms.py computes its lines from: same_sequence(SEED, T) and the ALiBi slope."""
    import path_norms

    X, params = same_sequence(path_norms.SEED, path_norms.T)
    weights = {f"{model}.{name}": value for model, arguments in params.items() for name, value in arguments.items()}
    return {"X": X, **weights, "slope": np.float64(path_norms.ALIBI_SLOPE)}


# The inputs of the printed script's case (stored under calls.SPEC.printed.case, beside the lines the
# reference script prints): what the checks call the student's functions with (calls.path_values).
PRINTED = _printed_inputs()


def seed_of(name):
    """The seed of case ``name``'s generator.

    A hidden case's seed is the SHA-256 of its whole name: no two cases share
    one, and none can be derived from a public case's. A public case's seed is
    the SHA-256 of "public case " and its name.
    """
    kind = "public case " if CASES[name][1] else "hidden case "
    return int.from_bytes(hashlib.sha256((kind + name).encode()).digest(), "big")


def inputs_of(name):
    """The inputs of case ``name``, drawn from a generator seeded by the name (``seed_of``)."""
    return CASES[name][2](np.random.default_rng(seed_of(name)))
