"""The procedures of this assignment: how the checks call the student's functions (provided, not graded).

``procedures.py`` (the course's, beside this file) holds what every assignment
shares: loading the student's modules, calling a function with its failures
explained, describing what came back, running a forward then its backward.
This module declares, as one ``SPEC`` (the API of ``plugin.py``), the
assignment's own procedures, its backward passes and how to read its printed
script; the names of its modules and functions are in its manifest. It ships
with the checks (in the release and in the autograder); the grader's workers
run it next to the student's code.
"""
import contextlib
import re

import numpy as np

from plugin import Backward, PrintedScript, Spec
from procedures import StudentCodeError, call, close_to, describe, forward_then_backward, gradients, load, returns, \
    tuple_of

# The printed_norms checks run the script a second time with the functions behind its numbers changed:
# every matrix given to them is scaled by this (see procedures.run_script).
PERTURBED_SCALE = 1.5


# ------------------------------------------------------------ the RNN and the LSTM

class _StepTable:
    """The reference states of an rnn_forward case, looked up by the inputs of an rnn_step row.

    Row n of X[t] and of the previous state (h0 at t = 0) are the inputs from
    which the right rnn_step computes row n of Hs[t]. Looking rows up by their
    inputs, not by the order of the calls, serves any way of calling rnn_step:
    once per step with the whole batch, once per sequence row, rows in any order.
    """

    def __init__(self, X, h0, Hs):
        self.x = np.reshape(X, (-1, X.shape[-1]))
        self.h_prev = np.concatenate([h0[None], Hs[:-1]]).reshape(-1, Hs.shape[-1])
        self.h = np.reshape(Hs, (-1, Hs.shape[-1]))

    def lookup(self, x, h_prev, by_input_alone):
        """The reference result of rnn_step(x, h_prev, ...), or None when some row is unknown.

        With ``by_input_alone``, a row whose h_prev is not a reference state
        (rnn_forward fed the wrong state) gets the state of its input row x.
        """
        try:
            x = np.asarray(x, dtype=np.float64)
            h_prev = np.asarray(h_prev, dtype=np.float64)
            x_rows, h_rows = x.reshape(-1, self.x.shape[1]), h_prev.reshape(-1, self.h.shape[1])
        except (TypeError, ValueError):
            return None
        if len(x_rows) != len(h_rows):
            return None
        same_x = np.all(np.isclose(x_rows[:, None], self.x[None], rtol=1e-12, atol=0.0), axis=2)
        same_h = np.all(np.isclose(h_rows[:, None], self.h_prev[None], rtol=1e-12, atol=0.0), axis=2)
        found = []
        for row_x, row_both in zip(same_x, same_x & same_h):
            matches = row_both if row_both.any() or not by_input_alone else row_x
            if not matches.any():
                return None
            found.append(self.h[np.argmax(matches)])
        return np.array(found).reshape(h_prev.shape)


@contextlib.contextmanager
def replayed_rnn_step(table, by_input_alone=False):
    """While active, the student's rnn_step returns the reference state of the rows it is given.

    Calls whose rows the table does not know go to the student's own rnn_step.
    The bptt checks run the student's rnn_backward on the cache of their own
    rnn_forward: when that rnn_forward's states are wrong, replaying the
    reference states keeps a bug inside rnn_step (a ``recurrence`` question)
    from also costing the ``bptt`` points.
    """
    recurrence = load("recurrence")
    original = getattr(recurrence, "rnn_step", None)
    if not callable(original):  # nothing to stand in for
        yield
        return

    def rnn_step(x, h_prev, Wx, Wh, b):
        known = table.lookup(x, h_prev, by_input_alone)
        return known if known is not None else original(x, h_prev, Wx, Wh, b)

    recurrence.rnn_step = rnn_step
    try:
        yield
    finally:
        recurrence.rnn_step = original


def rnn_backward(X, h0, Wx, Wh, b, dHs, Hs=None, forward_optional=False):
    """The student's rnn_forward and rnn_backward; with the reference ``Hs``, isolated from rnn_step's bugs.

    The student's own states and cache are used whenever their rnn_forward
    returns the reference states, whatever its call pattern. Only when its
    states are wrong (or it raises) is rnn_forward run again with rnn_step
    replaying the reference states (``replayed_rnn_step``); rnn_backward
    always runs with the replay of exactly known rows, in case it recomputes
    states through rnn_step. With ``forward_optional``, an rnn_forward that
    raises either way gives ``{"forward_failed": why}`` instead of an error:
    its own question reports it (used for T = 0, where the replay cannot help).
    """
    if Hs is None:  # the fixtures and the finite differences: the student's code as it is
        return forward_then_backward(RNN, X=X, h0=h0, Wx=Wx, Wh=Wh, b=b, dHs=dHs)
    try:
        Hs_got, cache, table = _rnn_cache(X, h0, Wx, Wh, b, Hs)
    except StudentCodeError as failure:
        if forward_optional:
            return {"forward_failed": str(failure)}
        raise
    with replayed_rnn_step(table):
        grads = gradients(RNN, call("rnn_backward", dHs, cache))
    return {"Hs": Hs_got, **grads}


def _rnn_cache(X, h0, Wx, Wh, b, Hs):
    """``(Hs, cache, table)`` of the student's rnn_forward, the reference states replayed when its own are wrong.

    See rnn_backward. Raises the first failure when rnn_forward raises either way.
    """
    def forward():
        return tuple_of(call("rnn_forward", X, h0, Wx, Wh, b), "rnn_forward", 2)

    table = _StepTable(np.copy(X), np.copy(h0), Hs)
    try:
        own, failure = forward(), None
    except StudentCodeError as error:
        own, failure = None, error
    if own is not None and close_to(own[0], Hs):
        return (*own, table)
    try:
        with replayed_rnn_step(table, by_input_alone=True):
            return (*forward(), table)
    except StudentCodeError:
        if own is None:
            raise failure from None
        return (*own, table)


def _rnn_twice(inputs):
    """``(cache, once)`` of backward_twice, as in rnn_backward: a bug of rnn_step costs question recurrence only."""
    dHs = inputs.pop("dHs")
    Hs_got, cache, table = _rnn_cache(**inputs)

    def once():
        with replayed_rnn_step(table):
            return gradients(RNN, call("rnn_backward", np.copy(dHs), cache))
    return cache, once


RNN = Backward(forward="rnn_forward", backward="rnn_backward", upstream=("dHs",), outputs=("Hs",),
               grads=("X", "h0", "Wx", "Wh", "b"), returns="dict", extra="dh_norms", output="Hs",
               sequences=("X", "dHs"), procedure=rnn_backward, twice=_rnn_twice)
LSTM_STEP = Backward(forward="lstm_step_forward", backward="lstm_step_backward", upstream=("dh", "dc"),
                     outputs=("h", "c"), grads=("x", "h_prev", "c_prev", "Wx", "Wh", "b"))
LSTM = Backward(forward="lstm_forward", backward="lstm_backward", upstream=("dHs",), outputs=("Hs",),
                grads=("X", "h0", "c0", "Wx", "Wh", "b"), returns="dict", extra="dh_norms", output="Hs",
                sequences=("X", "dHs"))


# ------------------------------------------------------------ clipping

def _grads_in(inputs, container):
    grads = {k[len("grads."):]: v for k, v in inputs.items() if k.startswith("grads.")}
    return grads if container == "dict" else list(grads.values()), list(grads)


def _clipped(clipped, names, name, container):
    expected_type = dict if container == "dict" else list
    if not isinstance(clipped, expected_type) or len(clipped) != len(names) or (
        container == "dict" and set(clipped) != set(names)
    ):
        raise StudentCodeError(
            f"{name} was given a {container} of {len(names)} arrays and must return a {container} "
            f"of the same arrays; it returned {describe(clipped)}."
        )
    values = [clipped[k] for k in names] if container == "dict" else clipped
    return {"clipped." + k: v for k, v in zip(names, values)}


def global_norm(container="dict", **inputs):
    grads, _ = _grads_in(inputs, container)
    return {"norm": call("global_norm", grads)}


def clip_by_global_norm(max_norm, container="dict", error_if_nonfinite=None, **inputs):
    grads, names = _grads_in(inputs, container)
    flag = {} if error_if_nonfinite is None else {"error_if_nonfinite": error_if_nonfinite}
    clipped, total_norm = tuple_of(call("clip_by_global_norm", grads, float(max_norm), **flag), "clip_by_global_norm", 2)
    return {"total_norm": total_norm, **_clipped(clipped, names, "clip_by_global_norm", container)}


def clip_by_value(clip_value, container="dict", **inputs):
    grads, names = _grads_in(inputs, container)
    return _clipped(call("clip_by_value", grads, float(clip_value)), names, "clip_by_value", container)


# ------------------------------------------------------------ the printed script

def lecture_values(W, W_vanish, W_explode, perturbed=False):
    """What the student's own functions give for the lecture's printed numbers (None where they fail).

    With ``perturbed``, what they give in the script's second run (matrices scaled by PERTURBED_SCALE).
    """
    scale = PERTURBED_SCALE if perturbed else 1.0
    values = {}
    for key, name, arguments in (
        ("state", "iterate_map", (W * scale, np.array([1.0, 0.0]), 20)),
        ("vanishing", "jacobian_power_norms", (W_vanish * scale, np.ones(2), 30)),
        ("exploding", "jacobian_power_norms", (W_explode * scale, np.ones(2), 10)),
    ):
        try:
            values[key] = np.asarray(call(name, *arguments), dtype=np.float64)
        except (StudentCodeError, TypeError, ValueError):
            values[key] = None
    return values




# ------------------------------------------------------------ feedback (checking.py)

def diagnosis_hints(kind, got, expected, wrong, inputs):
    """checking.diagnose's hints of this assignment: for a global norm that is a sum of the arrays' norms, or measured after clipping."""
    name = {"global_norm": "norm", "clip_by_global_norm": "total_norm"}.get(kind)
    value = got.get(name)
    if name not in wrong or not isinstance(value, (float, int, np.floating, np.integer)) or isinstance(value, bool):
        return []
    arrays = [np.asarray(v, dtype=np.float64) for k, v in (inputs or {}).items() if k.startswith("grads.")]
    if len(arrays) > 1 and np.isclose(value, sum(np.linalg.norm(a) for a in arrays), rtol=1e-6):
        return [f"{name} is the sum of the arrays' norms: the global norm is the norm of every entry of every "
                "array taken together, sqrt(sum of the squares of all entries), e.g. the norm of the vector of "
                "per-array norms."]
    clipped = [np.asarray(v, dtype=np.float64) for k, v in expected.items() if k.startswith("clipped.")]
    if kind == "clip_by_global_norm" and clipped and np.isclose(
            value, np.sqrt(sum(np.sum(a ** 2) for a in clipped)), rtol=1e-6):
        return ["total_norm is the norm after clipping: return the global norm measured before clipping."]
    return []

# ------------------------------------------------------------ reading the printed lines (checking.py)

_STATE_LABEL = "Hidden state after 20 steps:"
_NORM_LINE = re.compile(r"^Norm after (\d+) steps \((vanishing|exploding) case\): (\d+\.(\d+))$")


def printed_line(lecture_line, own):
    """(the label the line starts with, the key of ``own`` it shows, the numbers it must show or None)."""
    if lecture_line.startswith(_STATE_LABEL):
        state = own["state"]
        return _STATE_LABEL, "state", None if state is None or state.ndim != 2 else state[-1]
    steps, case, number, _ = _NORM_LINE.match(lecture_line).groups()
    norms = own[case]
    values = None if norms is None or norms.ndim != 1 or norms.shape[0] < int(steps) else norms[int(steps) - 1:int(steps)]
    return lecture_line[: -len(number)], case, values


def own_line(lecture_line, own):
    """The lecture's line, with the number the student's own functions give (None if they fail).

    A line pays only beside a right function (its ``needs``, below): a bug in
    iterate_map or jacobian_power_norms costs its own question's points and
    those of the lines it computes.
    """
    if lecture_line.startswith(_STATE_LABEL):
        state = own["state"]
        return None if state is None or state.ndim != 2 else f"{_STATE_LABEL} {state[-1]}"
    steps, case, number, decimals = _NORM_LINE.match(lecture_line).groups()
    norms = own[case]
    if norms is None or norms.ndim != 1 or norms.shape[0] < int(steps):
        return None
    return lecture_line[: -len(number)] + f"{float(norms[int(steps) - 1]):.{len(decimals)}f}"


def format_mistake(got, want):
    """A hint when a norm is printed with other decimals than the lecture's; else None."""
    match = _NORM_LINE.match(want)
    if match is None or not got.startswith(want[: -len(match.group(3))]):
        return None
    decimals = len(match.group(4))
    shown = got[len(want) - len(match.group(3)):].strip()
    if not re.fullmatch(r"\d+(\.\d*)?", shown) or len(shown.partition(".")[2]) == decimals:
        return None
    return (f"print the norms with {decimals} decimals, f'{{norm:.{decimals}f}}': "
            f"yours have {len(shown.partition('.')[2])}.")


SPEC = Spec(
    procedures={
        "rnn_step": returns("rnn_step", "h"),
        "rnn_forward": returns("rnn_forward", "Hs", size=2),
        "iterate_map": returns("iterate_map", "states"),
        "jacobian_power_norms": returns("jacobian_power_norms", "norms"),
        "global_norm": global_norm,
        "clip_by_global_norm": clip_by_global_norm,
        "clip_by_value": clip_by_value,
        "lstm_step_forward": returns("lstm_step_forward", "h", "c", size=3),
        "lstm_forward": returns("lstm_forward", "Hs", size=2),
        "lecture_values": lecture_values,
    },
    backwards=(RNN, LSTM_STEP, LSTM),
    modules_of={"lecture_values": ("recurrence", "bptt")},
    # rnn_backward gets the reference states, which rnn_step replays when the student's rnn_forward is
    # wrong (replayed_rnn_step).
    replayed={"rnn_backward": ("Hs",)},
    printed=PrintedScript(
        case="printed_norms/lecture",
        own_values="lecture_values",
        # A line pays only when the function behind it (own[key]) is right on these cases of its own
        # question (those the fixtures hold: the student's copy has no hidden case).
        needs={"state": ("iterate_map/lecture", "iterate_map/random"),
               "vanishing": ("jacobian_power_norms/vanishing", "jacobian_power_norms/nonsymmetric"),
               "exploding": ("jacobian_power_norms/exploding", "jacobian_power_norms/nonsymmetric")},
        perturbed=("iterate_map", "jacobian_power_norms"),
        scale=PERTURBED_SCALE,
        perturbation=f"each scales the matrix it is given by {PERTURBED_SCALE:g} before computing",
        what="the lecture's lines",
        whose="the lecture's",
        other_line_hint="check which matrix (W_VANISH or W_EXPLODE) and how many steps that line uses.",
        printed_line=printed_line,
        own_line=own_line,
        format_mistake=format_mistake,
    ),
    diagnosis_hints=diagnosis_hints,
)
