"""The graded cases: which inputs each check feeds to the student's functions.

Each case names a procedure of ``calls.py`` (or the course's ``procedures.py``) (how to call the
student's functions and which outputs to compare), whether it is public (ships
with the student release) and how to draw its inputs from a seeded generator.
Expected outputs are never written here: ``fixtures.py`` computes them by
running the reference solutions through the same procedures.
"""
import hashlib

import numpy as np

# The lecture's matrices (inputs of the demo, from the lecture text).
LECTURE_W = np.array([[0.7, 0.2], [0.1, 0.6]])
LECTURE_W_VANISH = np.array([[0.5, 0.0], [0.0, 0.4]])
LECTURE_W_EXPLODE = np.array([[1.3, 0.0], [0.0, 1.1]])


def _rnn(rng, T=None, N=3, D=4, H=5, scale=0.5, backward=False):
    """Inputs for rnn_step (T is None) or rnn_forward/backward; weights ~ N(0, scale^2 / fan_in)."""
    inputs = {
        "Wx": rng.normal(0, scale / np.sqrt(D), (D, H)),
        "Wh": rng.normal(0, scale / np.sqrt(H), (H, H)),
        "b": rng.normal(0, 0.1, H),
    }
    if T is None:
        inputs.update(x=rng.normal(size=(N, D)), h_prev=np.tanh(rng.normal(size=(N, H))))
    else:
        inputs.update(X=rng.normal(size=(T, N, D)), h0=np.tanh(rng.normal(size=(N, H))))
    if backward:
        inputs["dHs"] = rng.normal(size=(T, N, H))
    return inputs


def _lstm(rng, T=None, N=3, D=4, H=5, forget_bias=0.0, backward=False):
    """Inputs for the LSTM functions; T is None for the single-step ones."""
    b = rng.normal(0, 0.1, 4 * H)
    b[H:2 * H] += forget_bias
    inputs = {
        "Wx": rng.normal(0, 1 / np.sqrt(D), (D, 4 * H)),
        "Wh": rng.normal(0, 1 / np.sqrt(H), (H, 4 * H)),
        "b": b,
    }
    if T is None:
        inputs.update(x=rng.normal(size=(N, D)), h_prev=np.tanh(rng.normal(size=(N, H))),
                      c_prev=rng.normal(size=(N, H)))
        if backward:
            inputs.update(dh=rng.normal(size=(N, H)), dc=rng.normal(size=(N, H)))
    else:
        inputs.update(X=rng.normal(size=(T, N, D)), h0=np.tanh(rng.normal(size=(N, H))),
                      c0=rng.normal(size=(N, H)))
        if backward:
            inputs["dHs"] = rng.normal(size=(T, N, H))
    return inputs


def _grads(rng, scale):
    shapes = {"Wx": (4, 5), "Wh": (5, 5), "b": (5,)}
    return {f"grads.{name}": rng.normal(0, scale, shape) for name, shape in shapes.items()}


def _saturated(inputs):
    """Batch row 0 of X and c0 scaled by 1000: pre-activations far beyond where np.exp overflows (about 709).

    Row 1 keeps ordinary values, so the case still compares gradients that are not all 0.
    """
    X, c0 = inputs["X"].copy(), inputs["c0"].copy()
    X[:, 0] *= 1000.0
    c0[0] *= 1000.0
    return {**inputs, "X": X, "c0": c0}


def _tiny_grads(rng, value=3e-7):
    """Gradients whose global norm (5.2e-7, or 0 when value is 0) is below eps = 1e-6."""
    return {"grads.W": np.full(3, value), "grads.b": np.zeros(2), "max_norm": 1.0}


def _just_under(rng, max_norm=2.0, fraction=1 - 1e-4):
    """Gradients whose global norm is max_norm * fraction: just under the threshold, left unchanged."""
    grads = _grads(rng, 1.0)
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
    return {**{k: g * (max_norm * fraction / norm) for k, g in grads.items()}, "max_norm": max_norm}


def _map(rng, H=3, steps=7):
    return {"W": rng.normal(0, 0.8, (H, H)), "h0": rng.normal(size=H), "steps": steps}


# name -> (procedure, public, inputs drawn from a generator seeded by the name)
CASES = {
    # recurrence
    "rnn_step/small": ("rnn_step", True, lambda r: _rnn(r)),
    "rnn_step/single": ("rnn_step", False, lambda r: _rnn(r, N=1, D=1, H=1, scale=2.0)),
    "rnn_step/wide": ("rnn_step", False, lambda r: _rnn(r, N=7, D=2, H=9, scale=1.5)),
    "rnn_forward/small": ("rnn_forward", True, lambda r: _rnn(r, T=4)),
    "rnn_forward/one_step": ("rnn_forward", False, lambda r: _rnn(r, T=1, N=2, D=3, H=4)),
    "rnn_forward/long": ("rnn_forward", False, lambda r: _rnn(r, T=30, N=2, D=3, H=6, scale=1.2)),
    "rnn_forward/empty": ("rnn_forward", False, lambda r: _rnn(r, T=0, N=2, D=3, H=4)),
    "iterate_map/lecture": ("iterate_map", True, lambda r: {"W": LECTURE_W, "h0": np.array([1.0, 0.0]), "steps": 20}),
    "iterate_map/random": ("iterate_map", False, lambda r: _map(r)),
    "iterate_map/zero_steps": ("iterate_map", False, lambda r: _map(r, H=2, steps=0)),
    # bptt
    "jacobian_power_norms/vanishing": ("jacobian_power_norms", True,
                                       lambda r: {"W": LECTURE_W_VANISH, "v": np.ones(2), "steps": 30}),
    "jacobian_power_norms/exploding": ("jacobian_power_norms", True,
                                       lambda r: {"W": LECTURE_W_EXPLODE, "v": np.ones(2), "steps": 10}),
    "jacobian_power_norms/nonsymmetric": ("jacobian_power_norms", False,
                                          lambda r: {"W": r.normal(0, 0.7, (3, 3)), "v": r.normal(size=3), "steps": 12}),
    "jacobian_power_norms/zero_steps": ("jacobian_power_norms", False,
                                        lambda r: {"W": r.normal(0, 0.7, (3, 3)), "v": r.normal(size=3), "steps": 0}),
    "rnn_backward/small": ("rnn_backward", True, lambda r: _rnn(r, T=4, backward=True)),
    "rnn_backward/one_step": ("rnn_backward", False, lambda r: _rnn(r, T=1, N=2, D=3, H=4, backward=True)),
    "rnn_backward/long": ("rnn_backward", False, lambda r: _rnn(r, T=25, N=2, D=3, H=5, scale=1.0, backward=True)),
    "rnn_backward/single": ("rnn_backward", False, lambda r: _rnn(r, T=5, N=1, D=1, H=1, scale=1.5, backward=True)),
    "rnn_backward/empty": ("rnn_backward", False, lambda r: _rnn(r, T=0, N=2, D=3, H=4, backward=True)),
    # clipping
    "global_norm/dict": ("global_norm", True, lambda r: _grads(r, 1.0)),
    "clip_by_global_norm/large": ("clip_by_global_norm", True, lambda r: {**_grads(r, 3.0), "max_norm": 1.0}),
    "clip_by_global_norm/small": ("clip_by_global_norm", True, lambda r: {**_grads(r, 0.01), "max_norm": 5.0}),
    "clip_by_global_norm/mixed": ("clip_by_global_norm", False,
                                  lambda r: {"grads.big": r.normal(0, 10.0, (3, 3)), "grads.tiny": r.normal(0, 1e-3, 4),
                                             "max_norm": 2.0}),
    "clip_by_global_norm/just_under": ("clip_by_global_norm", False, lambda r: _just_under(r)),
    "clip_by_global_norm/below_eps": ("clip_by_global_norm", False, lambda r: _tiny_grads(r)),
    "clip_by_global_norm/zero": ("clip_by_global_norm", False, lambda r: _tiny_grads(r, 0.0)),
    "clip_by_global_norm/none": ("clip_by_global_norm", False, lambda r: {"max_norm": 1.0}),
    "global_norm/none": ("global_norm", False, lambda r: {}),
    "global_norm/list": ("global_norm", False, lambda r: _grads(r, 1.5)),
    "clip_by_global_norm/list": ("clip_by_global_norm", False, lambda r: {**_grads(r, 3.0), "max_norm": 1.5}),
    "clip_by_global_norm/flagged": ("clip_by_global_norm", False, lambda r: {**_grads(r, 2.0), "max_norm": 1.0}),
    "clip_by_value/mixed": ("clip_by_value", False, lambda r: {**_grads(r, 2.0), "clip_value": 0.5}),
    "clip_by_value/none": ("clip_by_value", False, lambda r: {"clip_value": 0.5}),
    # lstm
    "lstm_step_forward/small": ("lstm_step_forward", True, lambda r: _lstm(r)),
    "lstm_step_forward/single": ("lstm_step_forward", False, lambda r: _lstm(r, N=1, D=1, H=1)),
    "lstm_step_backward/small": ("lstm_step_backward", True, lambda r: _lstm(r, backward=True)),
    "lstm_step_backward/wide": ("lstm_step_backward", False, lambda r: _lstm(r, N=2, D=6, H=3, backward=True)),
    "lstm_forward/small": ("lstm_forward", True, lambda r: _lstm(r, T=4)),
    "lstm_forward/long": ("lstm_forward", False, lambda r: _lstm(r, T=30, N=2, D=3, H=4, forget_bias=1.0)),
    "lstm_forward/empty": ("lstm_forward", False, lambda r: _lstm(r, T=0, N=2, D=3, H=4)),
    "lstm_backward/small": ("lstm_backward", True, lambda r: _lstm(r, T=4, backward=True)),
    "lstm_backward/one_step": ("lstm_backward", False, lambda r: _lstm(r, T=1, N=2, D=3, H=2, backward=True)),
    "lstm_backward/long": ("lstm_backward", False,
                           lambda r: _lstm(r, T=25, N=2, D=3, H=4, forget_bias=2.0, backward=True)),
    "lstm_backward/empty": ("lstm_backward", False, lambda r: _lstm(r, T=0, N=2, D=3, H=4, backward=True)),
    "lstm_backward/saturated": ("lstm_backward", False,
                                lambda r: _saturated(_lstm(r, T=6, N=2, D=3, H=4, backward=True))),
}


# The inputs of the printed script's case (stored under calls.SPEC.printed.case, beside the lines the
# reference script prints): what the checks call the student's functions with (calls.lecture_values).
PRINTED = {"W": LECTURE_W, "W_vanish": LECTURE_W_VANISH, "W_explode": LECTURE_W_EXPLODE}


def seed_of(name):
    """The seed of case ``name``'s generator.

    A hidden case's seed is the SHA-256 of its whole name: no two cases share
    one, and none can be derived from a public case's. The public cases keep
    their first seeds (the first 4 bytes of the name, so every ``rnn_*`` case
    shares one), which keeps the released fixtures unchanged.
    """
    if CASES[name][1]:
        return int.from_bytes(name.encode(), "little") % 2**32
    return int.from_bytes(hashlib.sha256(("hidden case " + name).encode()).digest(), "big")


def inputs_of(name):
    """The inputs of case ``name``, drawn from a generator seeded by the name (``seed_of``)."""
    return CASES[name][2](np.random.default_rng(seed_of(name)))
