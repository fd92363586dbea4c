"""The only code of the checks that touches student code (provided, not graded).

A procedure imports the student's modules, calls their functions on given
inputs and returns plain data: numbers, strings, numpy arrays, and lists,
tuples or dicts of these. Anything else the student returns is described in
words. Comparisons and feedback happen in ``checking.py``, which may run in
another process: nothing but plain data has to cross.

The same procedures compute the expected values from the reference solutions
when the fixtures are built, so the checks and the fixtures cannot drift apart.
"""
import contextlib
import importlib
import os
import sys
import traceback

import numpy as np

STUDENT_MODULES = ("shapes", "recurrence", "bptt", "clipping", "lstm", "gradient_norms")
FUNCTIONS = {
    "rnn_step": "recurrence", "rnn_forward": "recurrence", "iterate_map": "recurrence",
    "jacobian_power_norms": "bptt", "rnn_backward": "bptt",
    "global_norm": "clipping", "clip_by_global_norm": "clipping", "clip_by_value": "clipping",
    "lstm_step_forward": "lstm", "lstm_step_backward": "lstm", "lstm_forward": "lstm", "lstm_backward": "lstm",
}
SCRIPT = "gradient_norms.py"
MAX_SCRIPT_OUTPUT = 100_000


class StudentCodeError(Exception):
    """The student's code failed or returned something unusable; the message says how."""


# ---------------------------------------------------------------- loading code

class _Discard:
    def write(self, text):
        return len(text)

    def flush(self):
        pass


def forget_student_modules():
    """Drop the student's modules from the import cache, so the next load sees their latest edits."""
    for module in STUDENT_MODULES:
        sys.modules.pop(module, None)
    importlib.invalidate_caches()


def load(name):
    """The student's module ``name`` (imported once per procedure run), or why it cannot be had."""
    if name in sys.modules:
        return sys.modules[name]
    if not os.path.exists(name + ".py"):
        raise StudentCodeError(f"{name}.py was not found in your submission.")
    with contextlib.redirect_stdout(_Discard()):
        try:
            return importlib.import_module(name)
        except NotImplementedError:
            raise StudentCodeError(f"{name}.py raised NotImplementedError while being imported.") from None
        except SystemExit as stop:
            sys.modules.pop(name, None)
            raise StudentCodeError(f"{name}.py called exit({stop.code!r}) while being imported.") from None
        except Exception as error:
            sys.modules.pop(name, None)
            raise StudentCodeError(f"{name}.py could not be imported: {describe_error(error)}") from None


def function(name):
    """The student's function ``name``, from the module the assignment puts it in."""
    module = load(FUNCTIONS[name])
    found = getattr(module, name, None)
    if not callable(found):
        raise StudentCodeError(f"{FUNCTIONS[name]}.py has no function {name}(); keep the names of the stubs.")
    return found


# ------------------------------------------------------------ calling student code

def describe_error(error):
    """'ValueError: ... (recurrence.py, line 12: h = ...)', naming the deepest line of student code."""
    where = ""
    if isinstance(error, SyntaxError):
        where = f" ({os.path.basename(error.filename or '?')}, line {error.lineno}: {(error.text or '').strip()})"
    else:
        for frame in reversed(traceback.extract_tb(error.__traceback__)):
            if os.path.basename(frame.filename)[:-3] in STUDENT_MODULES:
                where = f" ({os.path.basename(frame.filename)}, line {frame.lineno}: {frame.line})"
                break
    return f"{type(error).__name__}: {_clip(str(error), 300)}{where}"


def call(name, *args, **kwargs):
    """Call the student's function ``name``; any exception becomes an explanation."""
    student_function = function(name)
    try:
        with contextlib.redirect_stdout(_Discard()):
            return student_function(*args, **kwargs)
    except NotImplementedError:
        raise StudentCodeError(f"{name} is not implemented yet (it raised NotImplementedError).") from None
    except SystemExit as stop:
        raise StudentCodeError(f"{name} called exit({stop.code!r}).") from None
    except Exception as error:
        raise StudentCodeError(f"{name} raised {describe_error(error)}") from None


def describe(value, count=4):
    """Type, shape, dtype and the first few values of ``value``, on one line."""
    if value is None:
        return "None (did the function forget to return?)"
    if isinstance(value, (bool, np.bool_)):
        return f"a bool: {bool(value)}"
    if isinstance(value, (int, float, np.integer, np.floating)):
        # A number reads as one ("a float 0.123457"), not as an array of shape ().
        kind = type(value).__name__ if type(value) in (int, float) else f"numpy {np.asarray(value).dtype}"
        shown = f"{value}" if isinstance(value, (int, np.integer)) else f"{float(value):.6g}"
        return f"{'an' if kind == 'int' else 'a'} {kind} {shown}"
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "fiu":
        return f"a numpy {value.dtype} array of shape () holding {value.item():.6g}"
    if isinstance(value, np.ndarray):
        array = np.asarray(value)
        flat = array.ravel()[:count]
        if array.dtype.kind in "fc":
            shown = ", ".join(f"{v:.6g}" for v in flat)
        else:
            shown = ", ".join(repr(v) for v in flat.tolist())
        more = ", ..." if array.size > count else ""
        return f"{array.dtype} array of shape {array.shape}: [{shown}{more}]"
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__} of length {len(value)}: {_clip(repr(value))}"
    if isinstance(value, dict):
        return f"dict with keys {sorted(map(str, value))}"
    return f"{type(value).__name__}: {_clip(repr(value))}"


def _clip(text, limit=120):
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _tuple(result, name, size):
    if not isinstance(result, tuple) or len(result) != size:
        raise StudentCodeError(f"{name} must return a tuple of {size} values; it returned {describe(result)}.")
    return result


def _grads(result, name, keys):
    grads, dh_norms = _tuple(result, name, 2)
    if not isinstance(grads, dict):
        raise StudentCodeError(f"{name} must return (grads, dh_norms) with grads a dict; grads is {describe(grads)}.")
    missing = [key for key in keys if key not in grads]
    if missing:
        raise StudentCodeError(f"{name}: grads is missing the key(s) {missing}; it has {sorted(map(str, grads))}.")
    return {**{"d" + key: grads[key] for key in keys}, "dh_norms": dh_norms}


def plain(value):
    """``value`` made of plain data only; any other object is replaced by its description."""
    if value is None or isinstance(value, (bool, int, float, str, np.ndarray, np.generic)):
        return value
    if isinstance(value, (list, tuple)):
        return type(value)(plain(v) for v in value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return Described(describe(value))


class Described(str):
    """Stands for an object that is not plain data: only its description crosses."""


# ------------------------------------------------------------------ procedures

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


def default_atol(expected):
    """The checks' absolute tolerance: 1e-9 of the largest expected magnitude, so arrays
    of tiny values are still compared relative to their own scale."""
    return 1e-9 * max(float(np.max(np.abs(expected), initial=0.0)), 1e-300)


def _close(got, want, rtol=1e-6):
    """Whether ``got`` is an array equal to ``want`` within the checks' tolerance (checking.mismatch)."""
    if not isinstance(got, np.ndarray) or got.shape != want.shape or got.dtype.kind not in "fiu":
        return False
    return bool(np.all(np.abs(got - want) <= default_atol(want) + rtol * np.abs(want)))


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
        Hs_got, cache = _tuple(call("rnn_forward", X, h0, Wx, Wh, b), "rnn_forward", 2)
        return {"Hs": Hs_got, **_grads(call("rnn_backward", dHs, cache), "rnn_backward", ("X", "h0", "Wx", "Wh", "b"))}
    try:
        Hs_got, cache, table = _rnn_cache(X, h0, Wx, Wh, b, Hs)
    except StudentCodeError as failure:
        if forward_optional:
            return {"forward_failed": str(failure)}
        raise
    with replayed_rnn_step(table):
        grads = _grads(call("rnn_backward", dHs, cache), "rnn_backward", ("X", "h0", "Wx", "Wh", "b"))
    return {"Hs": Hs_got, **grads}


def _rnn_cache(X, h0, Wx, Wh, b, Hs):
    """``(Hs, cache, table)`` of the student's rnn_forward, the reference states replayed when its own are wrong.

    See rnn_backward. Raises the first failure when rnn_forward raises either way.
    """
    def forward():
        return _tuple(call("rnn_forward", X, h0, Wx, Wh, b), "rnn_forward", 2)

    table = _StepTable(np.copy(X), np.copy(h0), Hs)
    try:
        own, failure = forward(), None
    except StudentCodeError as error:
        own, failure = None, error
    if own is not None and _close(own[0], Hs):
        return (*own, table)
    try:
        with replayed_rnn_step(table, by_input_alone=True):
            return (*forward(), table)
    except StudentCodeError:
        if own is None:
            raise failure from None
        return (*own, table)


def lstm_step_backward(x, h_prev, c_prev, Wx, Wh, b, dh, dc):
    h, c, cache = _tuple(call("lstm_step_forward", x, h_prev, c_prev, Wx, Wh, b), "lstm_step_forward", 3)
    names = ("dx", "dh_prev", "dc_prev", "dWx", "dWh", "db")
    return dict(zip(names, _tuple(call("lstm_step_backward", dh, dc, cache), "lstm_step_backward", 6)))


def lstm_backward(X, h0, c0, Wx, Wh, b, dHs):
    Hs, cache = _tuple(call("lstm_forward", X, h0, c0, Wx, Wh, b), "lstm_forward", 2)
    return {"Hs": Hs, **_grads(call("lstm_backward", dHs, cache), "lstm_backward", ("X", "h0", "c0", "Wx", "Wh", "b"))}


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
    clipped, total_norm = _tuple(call("clip_by_global_norm", grads, float(max_norm), **flag), "clip_by_global_norm", 2)
    return {"total_norm": total_norm, **_clipped(clipped, names, "clip_by_global_norm", container)}


def clip_by_value(clip_value, container="dict", **inputs):
    grads, names = _grads_in(inputs, container)
    return _clipped(call("clip_by_value", grads, float(clip_value)), names, "clip_by_value", container)


def error_raised(function_name, **arguments):
    """Call ``function_name(**arguments)`` and report the exception it raises, if any."""
    try:
        with contextlib.redirect_stdout(_Discard()):
            function(function_name)(**arguments)
    except (Exception, SystemExit) as error:
        return {"error": type(error).__name__, "message": describe_error(error)}
    return {"error": None, "message": ""}


def _arrays_in(value, path="cache", depth=0, found=None):
    """Every numpy array reachable in ``value`` (tuples, lists, dicts, objects' attributes), by path.

    Also records each container's length, so that a list emptied by pop() shows as a change.
    """
    found = {} if found is None else found
    if depth > 6 or len(found) > 10_000:
        return found
    if isinstance(value, np.ndarray):
        found[path] = value.copy()
    elif isinstance(value, (list, tuple)):
        found[path + " (length)"] = np.array(len(value))
        for index, item in enumerate(value):
            _arrays_in(item, f"{path}[{index}]", depth + 1, found)
    elif isinstance(value, dict):
        found[path + " (length)"] = np.array(len(value))
        for key, item in value.items():
            _arrays_in(item, f"{path}[{key!r}]", depth + 1, found)
    elif hasattr(value, "__dict__") and not isinstance(value, type):
        _arrays_in(dict(vars(value)), path, depth + 1, found)
    return found


def backward_twice(forward, Hs=None, **inputs):
    """The student's forward once, then their backward twice on the same cache.

    Returns both calls' results, and the parts of the cache (arrays, container
    lengths) that the backward calls changed: a backward must leave its cache
    as it found it, so that it can be called again (e.g. for a second loss).
    """
    dHs = inputs.pop("dHs", None)
    if forward == "lstm_step_forward":
        dh, dc = inputs.pop("dh"), inputs.pop("dc")
        h, c, cache = _tuple(call(forward, **inputs), forward, 3)
        names = ("dx", "dh_prev", "dc_prev", "dWx", "dWh", "db")

        def once():
            return dict(zip(names, _tuple(call("lstm_step_backward", np.copy(dh), np.copy(dc), cache),
                                          "lstm_step_backward", 6)))
    elif forward == "rnn_forward":  # as in rnn_backward: a bug of rnn_step costs question recurrence only
        Hs_got, cache, table = _rnn_cache(Hs=Hs, **inputs)
        keys = ("X", "h0", "Wx", "Wh", "b")

        def once():
            with replayed_rnn_step(table):
                return _grads(call("rnn_backward", np.copy(dHs), cache), "rnn_backward", keys)
    else:
        Hs_got, cache = _tuple(call(forward, **inputs), forward, 2)
        keys = ("X", "h0", "c0", "Wx", "Wh", "b")

        def once():
            return _grads(call("lstm_backward", np.copy(dHs), cache), "lstm_backward", keys)
    before = _arrays_in(cache)
    first = once()
    after_first = _arrays_in(cache)
    changed = sorted(
        path for path in set(before) | set(after_first)
        if path not in before or path not in after_first or before[path].shape != after_first[path].shape
        or not np.array_equal(before[path], after_first[path], equal_nan=True)
    )
    resized = [path[:-len(" (length)")] for path in changed if path.endswith(" (length)")]
    changed = [path for path in changed if not any(path.startswith(r + "[") for r in resized)]  # just the container
    try:
        second, failure = once(), ""
    except StudentCodeError as error:
        second, failure = {}, str(error)
    return {**{"first." + k: v for k, v in first.items()}, **{"second." + k: v for k, v in second.items()},
            "second_failure": failure, "cache_changed": changed}


FD_ENTRIES = 8  # per input: enough to catch a wrong formula, few enough for a check in milliseconds


def finite_differences(forward, h=1e-6, **inputs):
    """Numerical gradients of sum(dHs * Hs) through the student's own forward pass, and theirs.

    Differentiates at most FD_ENTRIES entries of each input, chosen by a
    generator seeded by the input's name (so every run checks the same ones).
    """
    from gradcheck import numerical_gradient

    # The student's backward gets ``inputs`` themselves (the caller sees what it modified in place); the
    # finite differences start from fresh copies, never from arrays the student's code may have overwritten.
    pristine = {k: np.copy(v) for k, v in inputs.items()}
    arguments = {k: v for k, v in pristine.items() if k != "dHs"}
    backward = {"rnn_forward": rnn_backward, "lstm_forward": lstm_backward}[forward]
    outputs = {"analytic." + k: v for k, v in backward(**inputs).items()}
    for name, value in arguments.items():
        def f(v, name=name):
            fresh = {k: np.copy(a) for k, a in arguments.items()}
            return _tuple(call(forward, **{**fresh, name: v}), forward, 2)[0]
        rng = np.random.default_rng(list(name.encode()))
        entries = np.sort(rng.choice(value.size, size=min(FD_ENTRIES, value.size), replace=False))
        outputs["entries.d" + name] = entries
        outputs["numeric.d" + name] = numerical_gradient(f, value, pristine["dHs"], h=h, entries=entries)
    return outputs


# The printed_norms checks run the script a second time with the functions behind its numbers changed
# in a known way: every matrix given to them is scaled by PERTURBED_SCALE. Numbers that come from those
# functions then change with them; numbers typed in, read from a file or computed by the script do not.
PERTURBED_FUNCTIONS = ("iterate_map", "jacobian_power_norms")
PERTURBED_SCALE = 1.5


def _perturbed(original):
    """``original`` (a student's function) called with its first argument, the matrix, scaled."""
    import functools
    import inspect

    @functools.wraps(original)
    def perturbed(*args, **kwargs):
        try:
            if args:
                args = (np.asarray(args[0], dtype=np.float64) * PERTURBED_SCALE, *args[1:])
            else:
                first = next(iter(inspect.signature(original).parameters))
                kwargs[first] = np.asarray(kwargs[first], dtype=np.float64) * PERTURBED_SCALE
        except (KeyError, StopIteration, TypeError, ValueError):
            pass  # not called with a matrix: let the student's function answer as it will
        return original(*args, **kwargs)

    return perturbed


def _perturb_functions():
    """Replace iterate_map and jacobian_power_norms in the student's modules; returns how to undo it."""
    undo = []
    for name in PERTURBED_FUNCTIONS:
        try:
            module = importlib.import_module(FUNCTIONS[name])
        except BaseException:  # noqa: BLE001 - the script meets the same failure when it imports it
            continue
        original = getattr(module, name, None)
        if callable(original):
            setattr(module, name, _perturbed(original))
            undo.append((module, name, original))
    return undo


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


def run_script(perturbed=False):
    """Run ``gradient_norms.py`` as ``__main__`` in this process and capture what it prints.

    In this process, not in a new interpreter: a check then takes milliseconds
    instead of the 0.1 s of a Python start. The grader's sandbox already gives
    every call a disposable, time-limited process of its own. With
    ``perturbed``, iterate_map and jacobian_power_norms are changed for the
    run (see PERTURBED_SCALE), and put back afterwards.
    """
    import runpy

    if not os.path.exists(SCRIPT):
        raise StudentCodeError(f"{SCRIPT} was not found in your submission.")
    output = _CappedText(MAX_SCRIPT_OUTPUT)
    undo = []
    try:
        with contextlib.redirect_stdout(output):
            undo = _perturb_functions() if perturbed else []
            runpy.run_path(SCRIPT, run_name="__main__")
    except SystemExit as stop:
        if stop.code not in (None, 0):
            raise StudentCodeError(f"python {SCRIPT} exited with status {stop.code!r}.") from None
    except NotImplementedError:
        raise StudentCodeError(f"python {SCRIPT} stopped: a function it calls is not implemented yet "
                               "(it raised NotImplementedError).") from None
    except Exception as error:
        raise StudentCodeError(f"python {SCRIPT} failed: {describe_error(error)}") from None
    finally:
        for module, name, original in undo:
            setattr(module, name, original)
    return {"lines": output.getvalue().splitlines()}


class _CappedText:
    """A stdout that keeps only the first ``limit`` characters written to it."""

    def __init__(self, limit):
        self.parts, self.left = [], limit

    def write(self, text):
        if self.left > 0:
            self.parts.append(text[: self.left])
            self.left -= len(self.parts[-1])
        return len(text)

    def flush(self):
        pass

    def getvalue(self):
        return "".join(self.parts)


def _returns(name, *keys, size=None):
    """A procedure calling ``name`` with the inputs and naming its outputs ``keys``.

    With ``size``, the function must return a tuple of that many values, of
    which the first ``len(keys)`` are compared (the rest is the cache).
    """
    def procedure(**inputs):
        result = call(name, **inputs)
        if size is None:
            return {keys[0]: result}
        return dict(zip(keys, _tuple(result, name, size)))
    return procedure


PROCEDURES = {
    "rnn_step": _returns("rnn_step", "h"),
    "rnn_forward": _returns("rnn_forward", "Hs", size=2),
    "iterate_map": _returns("iterate_map", "states"),
    "jacobian_power_norms": _returns("jacobian_power_norms", "norms"),
    "rnn_backward": rnn_backward,
    "global_norm": global_norm,
    "clip_by_global_norm": clip_by_global_norm,
    "clip_by_value": clip_by_value,
    "lstm_step_forward": _returns("lstm_step_forward", "h", "c", size=3),
    "lstm_step_backward": lstm_step_backward,
    "lstm_forward": _returns("lstm_forward", "Hs", size=2),
    "lstm_backward": lstm_backward,
    "error_raised": error_raised,
    "backward_twice": backward_twice,
    "finite_differences": finite_differences,
    "lecture_values": lecture_values,
    "run_script": run_script,
}


def import_module(name):
    """Import one student module and report nothing but success (failures raise)."""
    load(name)
    return {}


PROCEDURES["import_module"] = import_module

# The student modules each procedure imports (the printed script is run as a whole).
_KIND_MODULES = {
    "rnn_backward": ("recurrence", "bptt"), "lstm_step_backward": ("lstm",), "lecture_values": ("recurrence", "bptt"),
    "finite_differences": (), "error_raised": (), "run_script": (), "import_module": (),
}


def modules_needed(kind, options):
    """Which student modules procedure ``kind`` imports, so a grader can skip it when one cannot load."""
    if kind == "error_raised":
        return (FUNCTIONS[options["function_name"]],)
    if kind in ("finite_differences", "backward_twice"):
        return {"rnn_forward": ("recurrence", "bptt"), "lstm_forward": ("lstm",),
                "lstm_step_forward": ("lstm",)}[options["forward"]]
    return _KIND_MODULES[kind] if kind in _KIND_MODULES else (FUNCTIONS[kind],)


def run(kind, inputs, options=None):
    """Run procedure ``kind`` on copies of ``inputs``.

    Returns ``(outputs, after)``: the procedure's plain outputs, and the input
    arrays as the student's code left them (the caller compares them with the
    originals to see what was modified in place).
    """
    forget_student_modules()
    working = {k: np.copy(v) if isinstance(v, np.ndarray) else v for k, v in inputs.items()}
    outputs = PROCEDURES[kind](**working, **(options or {}))
    return plain(outputs), {k: v for k, v in working.items() if isinstance(v, np.ndarray)}
