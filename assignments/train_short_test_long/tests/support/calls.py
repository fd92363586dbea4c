# Generated from solutions/train_short_test_long/grading/calls.py
# by `python -m autograder build`: edit that file, not this copy.
"""The procedures of this assignment: how the checks call the student's functions (provided, not graded).

``procedures.py`` (the course's, beside this file) holds what every assignment
shares: loading the student's modules, calling a function with its failures
explained, describing what came back, running a forward then its backward.
This module declares, as one ``SPEC`` (the API of ``plugin.py``), the
assignment's own procedures, its backward passes and how to read its printed
script (length_numbers.py); the names of its modules
and functions are in its manifest (assignment.toml). It ships with the checks
(in the release and in the autograder); the grader's workers run it next to
the student's code.

multihead.py builds on positions.py. So that a bug of a positions function
costs the positions question only, the multi-head checks run the student's
attention with the functions of positions.py answering from reference values
replayed from the fixtures (SPEC.replayed): each head's rotation as a matrix
per step, the heads' slopes and the bias of slope 1 (see ``_positions_given``).
"""
import contextlib
import inspect
import re
import sys

import numpy as np

from plugin import Backward, PrintedScript, Spec
from procedures import (StudentCodeError, assignment, cache_and_backward, call, forward_then_backward, load,
                        returns, tuple_of)

# The schemes of multihead_attention_forward, numbered as the cases' ``scheme_index`` (the order of the
# solution's multihead.SCHEMES, which cases.py reads; the student's copy of it is not relied on here).
SCHEMES = ("none", "sinusoidal", "rope", "alibi")
# What the multi-head procedures replay: the reference's positions, computed once by the build.
POSITIONS = ("rotation", "slopes", "distance_bias")


# ------------------------------------------------------------ positions

def sinusoidal_encoding(positions, d):
    return {"P": call("sinusoidal_encoding", positions, int(d))}


def rope(X, positions, base):
    return {"Y": call("rope", X, positions, float(base))}


def rope_then_back(dY, positions, base):
    """The procedure of rope_backward: the gradient alone, so that a bug of rope does not show here."""
    return {"dX": call("rope_backward", dY, positions, float(base))}


def alibi_slopes(H):
    return {"slopes": call("alibi_slopes", int(H))}


def alibi_biases(T, slopes):
    return {"B": call("alibi_biases", int(T), slopes)}


ROPE = Backward(forward="rope", backward="rope_backward", upstream=("dY",), outputs=("Y",), grads=("X",),
                procedure=rope_then_back)


# ------------------------------------------------------------ multi-head attention

def _reference_positions(T, dh, H):
    """The positions multihead.py needs on a case of T steps and H heads of dh features, computed with
    the positions functions at hand (the reference's, when the build stores them; see POSITIONS)."""
    eye = np.broadcast_to(np.eye(dh), (T, dh, dh))
    rotation = call("rope", eye, np.arange(T)) if dh % 2 == 0 else np.zeros((T, dh, dh))
    return {"rotation": rotation, "slopes": call("alibi_slopes", H),
            "distance_bias": call("alibi_biases", T, np.ones(1))[0]}


def _answering(original, answer):
    """``original``'s stand-in: ``answer(arguments)`` when it recognises the call (not None), else the original."""
    signature = inspect.signature(original)

    def stand_in(*args, **kwargs):
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError:
            return original(*args, **kwargs)
        bound.apply_defaults()
        found = answer(bound.arguments)
        return original(*args, **kwargs) if found is None else found
    return stand_in


def _stand_ins(rotation, slopes, distance_bias):
    """The answers of the positions functions on the case's sizes, from the replayed reference values."""
    T, dh = rotation.shape[0], rotation.shape[-1]
    steps = np.arange(T)

    def rotated(given, transposed):
        X, positions = np.asarray(given[0], dtype=np.float64), np.asarray(given[1], dtype=np.float64)
        if X.ndim < 2 or X.shape[0] != T or X.shape[-1] != dh or float(given[2]) != 10000.0 \
                or positions.shape != (T,):
            return None
        if np.array_equal(positions, -steps):  # rope by the opposite angles: rope_backward written with rope
            transposed = not transposed
        elif not np.array_equal(positions, steps):
            return None
        matrices = rotation.transpose(0, 2, 1) if transposed else rotation
        return np.einsum("t...d,tde->t...e", X, matrices)

    def heads_slopes(given):
        H = given[0]
        return np.copy(slopes) if int(H) == slopes.shape[0] else None

    def biases(given):
        count, head_slopes = given
        if int(count) != T:
            return None
        head_slopes = np.asarray(head_slopes, dtype=np.float64)
        visible = np.isfinite(distance_bias)
        return np.where(visible, head_slopes[:, None, None] * np.where(visible, distance_bias, 0.0), -np.inf)

    return {"rope": lambda a: rotated(list(a.values()), False),
            "rope_backward": lambda a: rotated(list(a.values()), True),
            "alibi_slopes": lambda a: heads_slopes(list(a.values())),
            "alibi_biases": lambda a: biases(list(a.values()))}


@contextlib.contextmanager
def _positions_given(replay):
    """While active, the student's positions functions answer the multi-head case's calls with the
    reference values ``replay`` (POSITIONS); any other call runs the student's own code. Every reference
    to them in the student's modules (``positions.rope``, a ``from positions import rope`` in
    multihead) is replaced while active."""
    if replay["rotation"] is None:
        yield
        return
    load("multihead")  # imports the student's positions.py too
    module = load("positions")
    answers = _stand_ins(**replay)
    originals = {name: getattr(module, name, None) for name in answers}
    stand_ins = {name: _answering(original, answers[name]) for name, original in originals.items()
                 if callable(original)}
    replaced = []
    for loaded in [sys.modules.get(name) for name in assignment().student_modules]:
        for attribute, value in list(vars(loaded).items()) if loaded is not None else []:
            for name, stand_in in stand_ins.items():
                if value is originals[name]:
                    setattr(loaded, attribute, stand_in)
                    replaced.append((loaded, attribute, value))
    try:
        yield
    finally:
        for loaded, attribute, original in replaced:
            setattr(loaded, attribute, original)


def _settings(inputs):
    """The case's inputs as the contract gives them: n_heads an int, and the scheme a str (the fixtures
    hold numbers only: a case's ``scheme_index`` into SCHEMES; a case without one takes the default)."""
    settings = {**inputs, "n_heads": int(inputs["n_heads"])}
    if "scheme_index" in settings:
        # a copy of the name, not the interned literal, as a scheme read from a file or a command line
        # would be: `scheme is "rope"` tells them apart, `scheme == "rope"` does not
        settings["scheme"] = SCHEMES[int(settings.pop("scheme_index"))].encode().decode()
    return settings


def _split(inputs):
    """(the case's own inputs, the replayed positions: None each when there are none yet)."""
    replay = {name: inputs.pop(name, None) for name in POSITIONS}
    return _settings(inputs), replay


def _with_positions(outputs, inputs, replay):
    """The outputs, with the positions to replay when there are none yet (the build stores them)."""
    if replay["rotation"] is not None:
        return outputs
    T, H = inputs["X"].shape[0], inputs["n_heads"]
    try:
        return {**outputs, **_reference_positions(T, inputs["Wq"].shape[1] // H, H)}
    except (StudentCodeError, TypeError, ValueError):  # a student's own positions failing: nothing to replay
        return outputs


def multihead_attention_forward(**given):
    inputs, replay = _split(given)
    with _positions_given(replay):
        Y = tuple_of(call("multihead_attention_forward", **inputs), "multihead_attention_forward", 2)[0]
    return _with_positions({"Y": Y}, inputs, replay)


def _multihead_backward(**given):
    inputs, replay = _split(given)
    with _positions_given(replay):
        outputs = forward_then_backward(MULTIHEAD, **inputs)
    return _with_positions(outputs, inputs, replay)


def _multihead_twice(given):
    inputs, replay = _split(dict(given))
    with _positions_given(replay):
        cache, once = cache_and_backward(MULTIHEAD, inputs)

    def once_given_positions():
        with _positions_given(replay):
            return once()
    return cache, once_given_positions


MULTIHEAD = Backward(forward="multihead_attention_forward", backward="multihead_attention_backward",
                     upstream=("dY",), outputs=("Y",), grads=("X", "Wq", "Wk", "Wv", "Wo"), returns="dict",
                     output="Y", fixed=("n_heads",), procedure=_multihead_backward, twice=_multihead_twice)


# ------------------------------------------------------------ the language model's loss

def _model(table, position, context):
    """A fixed model for window_nats: next-token logits from the current token (table, (V, V)), its position
    in the window (position, (L, V)) and how often each token occurred so far in the window (weighed by
    context), so that where a window starts and what it holds change every prediction."""
    def log_probs(windows):
        windows = np.asarray(windows)
        Tw = windows.shape[0]
        V = table.shape[0]
        seen = np.cumsum(np.eye(V)[windows], axis=0) / np.arange(1, Tw + 1)[:, None, None]  # (Tw, B, V)
        logits = table[windows] + position[:Tw, None, :] + float(context) * seen
        top = logits.max(axis=-1, keepdims=True)
        return logits - top - np.log(np.exp(logits - top).sum(axis=-1, keepdims=True))
    return log_probs


def _budget_kept(log_probs, budget):
    """``log_probs``, and a list to which each call adds how many inputs it got beyond ``budget`` (a
    call of one window longer than the budget keeps to it: it cannot be split)."""
    beyond = []

    def counted(windows):
        shape = np.shape(windows)
        inputs, length = int(np.prod(shape)), (shape[0] if shape else 0)
        beyond.append(max(0, inputs - max(budget, length)))
        return log_probs(windows)
    return counted, beyond


def window_nats(tokens, L, stride, table, position, context, max_batch_tokens=0):
    """The student's window_nats with the fixed model; stride 0 stands for None (non-overlapping). With
    max_batch_tokens (0: the default, not passed), also the most inputs one call of the model got beyond
    that budget (0 when every call kept to it)."""
    given_stride = None if int(stride) == 0 else int(stride)
    model = _model(table, position, context)
    if int(max_batch_tokens) == 0:
        return {"nats": call("window_nats", model, tokens, int(L), given_stride)}
    counted, beyond = _budget_kept(model, int(max_batch_tokens))
    nats = call("window_nats", counted, tokens, int(L), given_stride, int(max_batch_tokens))
    return {"nats": nats, "inputs_beyond_budget": float(max(beyond, default=0))}


# ------------------------------------------------------------ the printed script (length_numbers.py)

# The printed_numbers checks run the script a second time with these functions replaced by stand_in (below):
# each runs the student's function as usual, then answers made-up numbers, so the printed numbers must
# change, whatever the student's functions give (even nan, which a bug of another question can make them
# give). The bits per token lines follow window_nats's made-up nats through the student's bits_per_token.
PERTURBED = ("alibi_slopes", "sinusoidal_encoding", "rope", "window_nats")


def _made_up(name, arguments):
    """What the stand-in of ``name`` answers, from its arguments in the contract's order: numbers no
    right function gives, distinct per printed line."""
    if name == "alibi_slopes":
        H = int(arguments[0])
        return (np.arange(H) + 1.0) / (H + 1.5)
    if name == "sinusoidal_encoding":
        positions, d = np.asarray(arguments[0], dtype=np.float64), int(arguments[1])
        return 0.5 + 0.01 * positions[:, None] + 0.001 * np.arange(d)
    if name == "rope":
        X, positions = np.asarray(arguments[0], dtype=np.float64), np.asarray(arguments[1], dtype=np.float64)
        return 0.5 * X + 0.01 * positions.reshape(positions.shape + (1,) * (X.ndim - 1))
    tokens, L, stride = arguments[1], int(arguments[2]), arguments[3]
    return np.full(np.shape(tokens)[0] - 1, 1.0 + 0.01 * L + 0.1 * (0 if stride is None else int(stride)))


def stand_in(original):
    """The function answering for ``original`` (one of PERTURBED) in the script's second run."""
    signature = inspect.signature(original)

    def answer(*args, **kwargs):
        try:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
        except TypeError:  # called against its signature: as the original would, it fails
            raise TypeError(f"{original.__name__}() got arguments that do not fit {signature}") from None
        # The student's function runs as in the first run (its side effects, its exceptions): nothing but
        # the numbers it answers tells the runs apart, and those must show in the printed lines.
        original(*args, **kwargs)
        return _made_up(original.__name__, list(bound.arguments.values()))
    return answer


def _fixed_model(E, Wq, Wk, Wv, Wo, n_heads, scheme):
    """length_numbers.model with the student's functions: log-probabilities (Tw, B, V) of windows (Tw, B)."""
    def log_probs(windows):
        X = E[windows]
        if scheme == "sinusoidal":
            X = X + call("sinusoidal_encoding", np.arange(windows.shape[0]), E.shape[1])[:, None, :]
        Y = tuple_of(call("multihead_attention_forward", X, Wq, Wk, Wv, Wo, n_heads, scheme),
                     "multihead_attention_forward", 2)[0]
        logits = np.asarray(Y, dtype=np.float64) @ E.T
        top = logits.max(axis=-1, keepdims=True)
        return logits - top - np.log(np.exp(logits - top).sum(axis=-1, keepdims=True))
    return log_probs


def _windows(L):
    """The script's (window length, stride) settings: L and 2L, non-overlapping, then sliding by a quarter."""
    return ((L, None), (2 * L, None), (L, L // 4), (2 * L, 2 * L // 4))


def _bits(E, Wq, Wk, Wv, Wo, tokens, n_heads, L, scheme, perturbed):
    bits = []
    for length, stride in _windows(L):
        if perturbed:
            nats = _made_up("window_nats", [None, tokens, length, stride])
        else:
            nats = call("window_nats", _fixed_model(E, Wq, Wk, Wv, Wo, n_heads, scheme), tokens, length, stride)
        bits.append(float(call("bits_per_token", nats)))
    return bits


def printed_values(E, Wq, Wk, Wv, Wo, tokens, n_heads, L, heads, encoded, d, rotated, x, perturbed=False):
    """What the student's own functions give for the printed lines, by key (None where they fail): the
    slopes of each head count, the encoding of each position, x rotated to each position, the bits per
    token of each scheme. With ``perturbed``, what they give in the script's second run (see stand_in)."""
    n_heads, L, d = int(n_heads), int(L), int(d)

    def given(name, *arguments):
        return _made_up(name, arguments) if perturbed else call(name, *arguments)
    compute = {f"slopes.{H}": lambda H=int(H): given("alibi_slopes", H) for H in heads}
    compute.update({f"sinusoidal.{t}": lambda t=int(t): given("sinusoidal_encoding", np.array([t]), d)[0]
                    for t in encoded})
    compute.update({f"rope.{t}": lambda t=int(t): given("rope", x[None, :], np.array([t]), 10000.0)[0]
                    for t in rotated})
    compute.update({f"bits.{scheme}": lambda scheme=scheme: _bits(E, Wq, Wk, Wv, Wo, tokens, n_heads, L, scheme,
                                                                   perturbed) for scheme in SCHEMES})
    values = {}
    for key, value in compute.items():
        try:
            values[key] = np.asarray(value(), dtype=np.float64).reshape(-1)
        except (StudentCodeError, TypeError, ValueError, IndexError):
            values[key] = None
    return values


# ------------------------------------------------------------ reading the printed lines (checking.py)

# The key of printed_values each reference line shows, from its label.
_KEYS = ((re.compile(r"^alibi slopes, (\d+) heads$"), "slopes.{}"),
         (re.compile(r"^sinusoidal encoding, d = \d+, position (\d+)$"), "sinusoidal.{}"),
         (re.compile(r"^rope of x = \(.*\), position (\d+)$"), "rope.{}"),
         (re.compile(r"^bits per token, scheme (\w+), .*$"), "bits.{}"))


def _parse(reference_line):
    """(the label, up to and with ": "; the key of printed_values; the numbers as printed)."""
    label, _, numbers = reference_line.rpartition(": ")
    key = next(key.format(found.group(1)) for pattern, key in _KEYS for found in [pattern.match(label)] if found)
    return label + ": ", key, numbers.split(" ")


def _decimals(number):
    return len(number.partition(".")[2])


def printed_line(reference_line, own):
    """(the label the line starts with, the key of ``own`` it shows, the numbers it must show or None)."""
    label, key, numbers = _parse(reference_line)
    values = own[key]
    return label, key, None if values is None or values.shape[0] != len(numbers) else values


def own_line(reference_line, own):
    """The reference line, with the numbers the student's own functions give (None if they fail).

    A bug of a function behind a line costs the points of its own question, and those of the lines it
    must be right for (SPEC.printed.needs); printing faithfully what the functions return earns the rest.
    """
    label, _, values = printed_line(reference_line, own)
    if values is None:
        return None
    decimals = _decimals(_parse(reference_line)[2][0])
    return label + " ".join(f"{value:.{decimals}f}" for value in values)


def format_mistake(got, want):
    """A hint when the numbers are printed in another format than the reference's; else None."""
    label, _, numbers = _parse(want)
    if not got.startswith(label) or got == want:
        return None
    shown = got[len(label):].strip().split()
    decimals = _decimals(numbers[0])
    if len(shown) != len(numbers):
        return (f"this line shows {len(numbers)} numbers separated by single spaces after {label.strip()!r}: "
                f"yours shows {len(shown)}.")
    if all(re.fullmatch(r"-?\d+\.\d{%d}" % decimals, number) for number in shown):
        return None
    return f"print each number with {decimals} decimals, f'{{v:.{decimals}f}}': yours read {' '.join(shown)[:80]!r}."


_LANGUAGE_MODEL = ("window_nats/non_overlapping", "window_nats/sliding", "bits_per_token/small")

SPEC = Spec(
    procedures={
        "sinusoidal_encoding": sinusoidal_encoding,
        "rope": rope,
        "alibi_slopes": alibi_slopes,
        "alibi_biases": alibi_biases,
        "multihead_attention_forward": multihead_attention_forward,
        "cross_entropy": returns("cross_entropy", "loss", "dlogits", size=2),
        "window_nats": window_nats,
        "bits_per_token": returns("bits_per_token", "bits"),
        "perplexity": returns("perplexity", "ppl"),
        "printed_values": printed_values,
    },
    backwards=(ROPE, MULTIHEAD),
    # The reference positions the multi-head procedures' stand-ins answer with: see _positions_given.
    replayed={"multihead_attention_forward": POSITIONS, "multihead_attention_backward": POSITIONS},
    modules_of={"printed_values": ("positions", "multihead", "lm_loss")},
    printed=PrintedScript(
        case="printed_numbers/reference",
        own_values="printed_values",
        # A line pays only when the functions behind it (own[key]) are right on these cases of their own
        # questions (those the fixtures hold: the student's copy has no hidden case). The multi-head cases
        # replay the reference's positions: a bug of positions.py costs the lines that print its own
        # numbers, not the bits per token (which then show, faithfully, what the student's model gives).
        needs={"slopes.8": ("alibi_slopes/eight",), "slopes.6": ("alibi_slopes/six",),
               "sinusoidal.3": ("sinusoidal_encoding/small", "sinusoidal_encoding/far"),
               "sinusoidal.40": ("sinusoidal_encoding/small", "sinusoidal_encoding/far"),
               "rope.1": ("rope/small", "rope/shifted"), "rope.100": ("rope/small", "rope/shifted"),
               "bits.none": ("multihead_attention_forward/none",) + _LANGUAGE_MODEL,
               "bits.sinusoidal": ("multihead_attention_forward/sinusoidal",) + _LANGUAGE_MODEL,
               "bits.rope": ("multihead_attention_forward/rope",) + _LANGUAGE_MODEL,
               "bits.alibi": ("multihead_attention_forward/alibi",) + _LANGUAGE_MODEL},
        perturbed=PERTURBED,
        stand_in=stand_in,
        perturbation="each runs as usual, then returns made-up numbers",
        what="the reference script's lines",
        whose="the reference's",
        other_line_hint="check which head count, position or scheme that line uses.",
        printed_line=printed_line,
        own_line=own_line,
        format_mistake=format_mistake,
    ),
)
