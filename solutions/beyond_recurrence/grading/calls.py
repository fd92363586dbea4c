"""The procedures of this assignment: how the checks call the student's functions (provided, not graded).

``procedures.py`` (the course's, beside this file) holds what every assignment
shares: loading the student's modules, calling a function with its failures
explained, describing what came back, running a forward then its backward.
This module declares, as one ``SPEC`` (the API of ``plugin.py``), the
assignment's own procedures, its backward passes and how to read its printed
script; the names of its modules and functions are in its manifest (the first
assignment's modules, recurrence, bptt and lstm, are the reference versions in
the grader). It ships with the checks (in the release and in the autograder);
the grader's workers run it next to the student's code.
"""
import contextlib
import inspect
import re
import sys

import numpy as np

from plugin import Backward, PrintedScript, Spec
from procedures import StudentCodeError, assignment, call, load, returns, tuple_of

# The printed_paths checks run the script a second time with these functions replaced by stand_in (below):
# each runs the student's function as usual, then answers with made-up norms, so the printed numbers must
# change, whatever the student's functions give (even nan or zeros, which a bug of another question can
# make them give).
PERTURBED = ("rnn_path_norms", "lstm_path_norms", "gru_path_norms", "attention_path_norms")

GRU_STEP = Backward(forward="gru_step_forward", backward="gru_step_backward", upstream=("dh",), outputs=("h",),
                    grads=("x", "h_prev", "Wx", "Wh", "bx", "bh"))
GRU = Backward(forward="gru_forward", backward="gru_backward", upstream=("dHs",), outputs=("Hs",),
               grads=("X", "h0", "Wx", "Wh", "bx", "bh"), returns="dict", extra="dh_norms", output="Hs",
               sequences=("X", "dHs"))
ATTENTION = Backward(forward="attention_forward", backward="attention_backward", upstream=("dY",), outputs=("Y",),
                     grads=("X", "Wq", "Wk", "Wv"), returns="dict", output="Y", fixed=("slope",), numbers=("slope",))


# ------------------------------------------------------------ attention

def attention_weights(Q, K, slope):
    return {"A": call("attention_weights", Q, K, float(slope))}


def attention_forward(X, Wq, Wk, Wv, slope):
    return {"Y": tuple_of(call("attention_forward", X, Wq, Wk, Wv, float(slope)), "attention_forward", 2)[0]}


def alibi_bias(T, slope):
    return {"B": call("alibi_bias", int(T), float(slope))}


# ------------------------------------------------------------ gradient paths

def _same(given, expected):
    """Whether an argument is the case's own: the same array, or the same number."""
    if isinstance(expected, np.ndarray) and expected.ndim:
        return isinstance(given, np.ndarray) and given.shape == expected.shape and np.array_equal(given, expected)
    try:
        return float(given) == float(expected)
    except (TypeError, ValueError):
        return False


class _Replayed:
    """The cache the stand-in forward returns: the call's own arguments (see _standing_in)."""

    def __init__(self, args, kwargs):
        self.args, self.kwargs = args, kwargs


@contextlib.contextmanager
def _standing_in(module_name, forward, backward, inputs, Ys, dX, dh_norms=None):
    """While active, the student's ``forward`` and ``backward`` give the reference results on this case.

    gru_path_norms and attention_path_norms run the student's GRU and attention
    (questions gru and attention): with the reference outputs ``Ys``, the
    reference gradient ``dX`` on the inputs for the loss sum(Ys[-1]) and, for
    the GRU, the reference ``dh_norms``, a bug in those functions costs their
    own question only. A forward called on other
    inputs, or a backward given another upstream gradient than ones on the last
    step, runs the student's own code. Every reference to the two functions in
    the student's modules (``gru.gru_forward``, a ``from gru import
    gru_forward`` in gradient_paths) is replaced while active.
    """
    module = load(module_name)
    originals = {name: getattr(module, name, None) for name in (forward, backward)}
    if not all(callable(f) for f in originals.values()):
        yield
        return
    upstream = np.zeros(np.shape(Ys))
    upstream[-1:] = 1.0
    signatures = {name: inspect.signature(function) for name, function in originals.items()}

    def arguments(name, args, kwargs):
        """The call's arguments by parameter name, defaults filled in; None if they do not fit."""
        try:
            bound = signatures[name].bind(*args, **kwargs)
        except TypeError:
            return None
        bound.apply_defaults()
        return bound.arguments

    def stand_in_forward(*args, **kwargs):
        given = arguments(forward, args, kwargs)
        if given is not None and all(name in given and _same(given[name], value) for name, value in inputs.items()):
            return np.copy(Ys), _Replayed(args, kwargs)
        return originals[forward](*args, **kwargs)

    def stand_in_backward(*args, **kwargs):
        given = arguments(backward, args, kwargs)
        upstream_given, cache = list(given.values())[:2] if given is not None and len(given) >= 2 else (None, None)
        if not isinstance(cache, _Replayed):
            return originals[backward](*args, **kwargs)
        if _same(upstream_given, upstream):
            grads = {"X": np.copy(dX)}
            return grads if dh_norms is None else (grads, np.copy(dh_norms))
        _, own_cache = originals[forward](*cache.args, **cache.kwargs)
        return originals[backward](upstream_given, own_cache)

    stand_ins = {forward: stand_in_forward, backward: stand_in_backward}
    replaced = []
    for loaded in [sys.modules.get(name) for name in assignment().student_modules]:
        for attribute, value in list(vars(loaded).items()) if loaded is not None else []:
            for name, original in originals.items():
                if value is original:
                    setattr(loaded, attribute, stand_ins[name])
                    replaced.append((loaded, attribute, original))
    try:
        yield
    finally:
        for loaded, attribute, original in replaced:
            setattr(loaded, attribute, original)


def _path_norms(name, module_name, forward, backward, inputs, replay):
    """The student's ``name`` on ``inputs``; with the reference values ``replay``, on stand-ins (see above).

    Without them (the fixtures, the reference solutions): also the values to replay (the outputs, the
    input gradient and, for the GRU, dh_norms), computed with ``forward`` and ``backward``."""
    load("gradient_paths")  # imports the student's module_name too, as the function will use it
    if replay["Ys"] is not None:
        with _standing_in(module_name, forward, backward, inputs, **replay):
            return {"norms": call(name, **inputs)}
    Ys, cache = tuple_of(call(forward, **inputs), forward, 2)
    upstream = np.zeros_like(Ys)
    upstream[-1:] = 1.0
    result = call(backward, upstream, cache)
    if backward == "attention_backward":
        return {"norms": call(name, **inputs), "Ys": Ys, "dX": result["X"]}
    grads, dh_norms = tuple_of(result, backward, 2)
    return {"norms": call(name, **inputs), "Ys": Ys, "dX": grads["X"], "dh_norms": dh_norms}


def gru_path_norms(X, h0, Wx, Wh, bx, bh, Ys=None, dX=None, dh_norms=None):
    inputs = {"X": X, "h0": h0, "Wx": Wx, "Wh": Wh, "bx": bx, "bh": bh}
    replay = {"Ys": Ys, "dX": dX, "dh_norms": dh_norms}
    return _path_norms("gru_path_norms", "gru", "gru_forward", "gru_backward", inputs, replay)


def attention_path_norms(X, Wq, Wk, Wv, slope, Ys=None, dX=None):
    inputs = {"X": X, "Wq": Wq, "Wk": Wk, "Wv": Wv, "slope": float(slope)}
    replay = {"Ys": Ys, "dX": dX}
    return _path_norms("attention_path_norms", "attention", "attention_forward", "attention_backward", inputs, replay)


# ------------------------------------------------------------ the printed script

def _made_up_norms(name, T, slope):
    """What the stand-in of path function ``name`` answers: norms no model gives, distinct per line."""
    model = PERTURBED.index(name) + 1
    return model * (1.0 + 10.0 * slope) * np.exp(-np.arange(T) / 7.0) + 0.01 * np.arange(T)


def stand_in(original):
    """The function answering for the path function ``original`` in the script's second run."""
    signature = inspect.signature(original)

    def answer(*args, **kwargs):
        try:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            given = bound.arguments
        except TypeError:  # called against its signature: as the original would, it fails
            raise TypeError(f"{original.__name__}() got arguments that do not fit {signature}") from None
        # The student's function runs as in the first run (its side effects, its exceptions): nothing but
        # the numbers it answers tells the runs apart, and those must show in the printed lines.
        original(*args, **kwargs)
        return _made_up_norms(original.__name__, np.shape(given["X"])[0], float(given.get("slope", 0.0)))
    return answer


def path_values(X, perturbed=False, **weights):
    """What the student's own path functions give for the printed lines (None where they fail).

    ``weights`` are the models' parameters as "<model>.<name>" (the fixture's inputs), plus "slope".
    With ``perturbed``, what their stand-ins give in the script's second run.
    """
    slope = float(weights.pop("slope"))
    params = {}
    for key, value in weights.items():
        model, name = key.split(".")
        params.setdefault(model, {})[name] = value
    # key -> (the path function, the model whose parameters it takes, the slope): one per printed model
    runs = {"rnn": ("rnn_path_norms", "rnn", 0.0), "lstm": ("lstm_path_norms", "lstm", 0.0),
            "gru": ("gru_path_norms", "gru", 0.0), "attention": ("attention_path_norms", "attention", 0.0),
            "alibi": ("attention_path_norms", "attention", slope)}
    values = {}
    for key, (name, model, slope_of_run) in runs.items():
        if perturbed:
            values[key] = _made_up_norms(name, X.shape[0], slope_of_run)
            continue
        arguments = {**params[model], **({"slope": slope_of_run} if slope_of_run else {})}
        try:
            values[key] = np.asarray(call(name, np.copy(X), **arguments), dtype=np.float64)
        except (StudentCodeError, TypeError, ValueError):
            values[key] = None
    return values



# ------------------------------------------------------------ reading the printed lines (checking.py)

_LINE = re.compile(r"^(.+): gradient norm at distance (\d+): (\S+)$")
_MODELS = {"RNN": "rnn", "LSTM": "lstm", "GRU": "gru", "attention": "attention"}


def _parse(reference_line):
    name, distance, number = _LINE.match(reference_line).groups()
    return name, int(distance), number, _MODELS.get(name, "alibi")


def printed_line(reference_line, own):
    """(the label the line starts with, the key of ``own`` it shows, the numbers it must show or None)."""
    name, distance, number, key = _parse(reference_line)
    norms = own[key]
    values = None if norms is None or norms.ndim != 1 or norms.shape[0] <= distance else norms[distance:distance + 1]
    return reference_line[: -len(number)], key, values


def own_line(reference_line, own):
    """The reference line, with the number the student's own functions give (None if they fail).

    A bug in the GRU or in attention costs the points of its own question;
    printing faithfully what the functions return still earns these.
    """
    label, _, values = printed_line(reference_line, own)
    if values is None:
        return None
    decimals = len(_parse(reference_line)[2].partition("e")[0].partition(".")[2])
    return label + f"{float(values[0]):.{decimals}e}"


def format_mistake(got, want):
    """A hint when a norm is printed in another format than the reference's; else None."""
    _, _, number, _ = _parse(want)
    label = want[: -len(number)]
    if not got.startswith(label) or got == want:
        return None
    shown = got[len(label):].strip()
    decimals = len(number.partition("e")[0].partition(".")[2])
    if re.fullmatch(r"-?\d\.\d{%d}e[-+]\d\d" % decimals, shown) or not re.fullmatch(r"[-+.\deE]+", shown):
        return None
    return f"print the norms in scientific notation with {decimals} decimals, f'{{norm:.{decimals}e}}': yours read {shown!r}."


SPEC = Spec(
    procedures={
        "gru_step_forward": returns("gru_step_forward", "h", size=2),
        "gru_forward": returns("gru_forward", "Hs", size=2),
        "alibi_bias": alibi_bias,
        "attention_weights": attention_weights,
        "attention_forward": attention_forward,
        "last_step_upstream": returns("last_step_upstream", "dYs"),
        "distance_norms": returns("distance_norms", "norms"),
        "rnn_path_norms": returns("rnn_path_norms", "norms"),
        "lstm_path_norms": returns("lstm_path_norms", "norms"),
        "gru_path_norms": gru_path_norms,
        "attention_path_norms": attention_path_norms,
        "path_values": path_values,
    },
    backwards=(GRU_STEP, GRU, ATTENTION),
    modules_of={"gru_path_norms": ("gradient_paths",), "attention_path_norms": ("gradient_paths",),
                "path_values": ("gradient_paths",)},
    # The reference outputs the stand-ins of the GRU and attention answer with: see _standing_in.
    replayed={"gru_path_norms": ("Ys", "dX", "dh_norms"), "attention_path_norms": ("Ys", "dX")},
    printed=PrintedScript(
        case="printed_paths/reference",
        own_values="path_values",
        # A line pays only when the function behind it (own[key]) is right on these cases of its own
        # question (those the fixtures hold: the student's copy has no hidden case).
        needs={"rnn": ("rnn_path_norms/small",), "lstm": ("lstm_path_norms/small",),
               "gru": ("gru_path_norms/small",), "attention": ("attention_path_norms/small",),
               "alibi": ("attention_path_norms/alibi",)},
        perturbed=PERTURBED,
        stand_in=stand_in,
        perturbation="each returns made-up norms instead of computing them",
        what="the reference script's lines",
        whose="the reference's",
        other_line_hint="check which function and which arguments (the slope, the weights) that line uses.",
        printed_line=printed_line,
        own_line=own_line,
        format_mistake=format_mistake,
    ),
)
