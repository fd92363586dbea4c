# Generated from autograder/support/procedures.py
# by `python -m autograder build`: edit that file, not this copy.
"""The only code of the checks that touches student code (provided, not graded).

A procedure imports the student's modules, calls their functions on given
inputs and returns plain data: numbers, strings, numpy arrays, and lists,
tuples or dicts of these. Anything else the student returns is described in
words. Comparisons and feedback happen in ``checking.py``, which may run in
another process: nothing but plain data has to cross.

This module knows no assignment: the assignment's own procedures are declared in
``calls.py`` beside it (its ``SPEC``, see ``plugin.py``), the names of its modules and
functions in its manifest. The same
procedures compute the expected values from the reference solutions when the
fixtures are built, so the checks and the fixtures cannot drift apart.
"""
import builtins
import contextlib
import functools
import importlib
import importlib.util
import inspect
import os
import sys
import textwrap
import traceback

import numpy as np

import plugin

MAX_SCRIPT_OUTPUT = 100_000
# What the student's code may import besides the standard library and its own files: what every grader
# has (the Gradescope image, a TA's machine), whatever else the machine it runs on has installed.
GRADER_PACKAGES = frozenset({"numpy", "matplotlib", "mpl_toolkits"})


READABLE_WIDTH = 100  # JupyterLab and terminals break longer lines anywhere, mid-word and mid-number
# check.py prints a check's message under its name, indented by this much: messages are wrapped that much
# narrower, so that check.py never wraps a wrapped line again (which leaves one-word fragments).
MESSAGE_INDENT = " " * 6


def readable(text, width=READABLE_WIDTH):
    """``text`` with each line longer than ``width`` wrapped at spaces, its continuations indented two
    more than the line itself; a word or number longer than a line stays whole."""
    lines = []
    for line in str(text).split("\n"):
        if len(line) <= width or " " not in line.strip():  # textwrap would drop a lone long word's indent
            lines.append(line)
            continue
        indent = " " * (len(line) - len(line.lstrip(" ")))
        lines += textwrap.wrap(line, width, subsequent_indent=indent + "  ", break_long_words=False,
                               break_on_hyphens=False)
    return "\n".join(lines)


@functools.cache
def assignment():
    """The assignment's ``plugin.Plugin``: the ``SPEC`` of its ``calls`` module (which uses the helpers of
    this one) and the names of its manifest, read once."""
    import calls

    return plugin.load(calls)


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
    for module in assignment().student_modules:
        sys.modules.pop(module, None)
    importlib.invalidate_caches()


def _own_module(top, folder):
    """Whether ``top`` is a module or package of the student's: in their folder, or in a folder of theirs
    that their code put on sys.path."""
    places = [folder] + [p for p in sys.path if p and os.path.abspath(p).startswith(folder + os.sep)]
    for place in places:
        if os.path.isdir(os.path.join(place, top)) or os.path.exists(os.path.join(place, top + ".py")):
            return True
        with contextlib.suppress(OSError):
            if any(entry.startswith(top + ".") and entry.endswith(".so") for entry in os.listdir(place)):
                return True
    return False


def _installed(top):
    """Whether ``top`` is a package installed into this Python (found in a site-packages folder; links,
    a sandbox's /proc/self/fd/N entries among them, resolved)."""
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return False
    places = [spec.origin, *(spec.submodule_search_locations or [])] if spec else []
    return any(place and {"site-packages", "dist-packages"} & set(os.path.realpath(place).split(os.sep))
               for place in places)


@contextlib.contextmanager
def graders_packages_only():
    """While the student's code runs: its import of an installed package that no grader has (scipy, pandas,
    torch) fails as it does on the grader, with the grader's message, even where the package is installed
    here. The student's code is a file below the working folder (but for the checks' own files in
    tests/); its own modules, and the standard library, are never in question."""
    folder = os.path.abspath(os.getcwd())
    machinery = os.path.join(folder, "tests") + os.sep
    original = builtins.__import__

    def importing(name, globals=None, locals=None, fromlist=(), level=0):
        top = name.partition(".")[0]
        if level == 0 and top and top not in GRADER_PACKAGES and top not in sys.stdlib_module_names:
            importer = str((globals or {}).get("__file__") or "")
            if importer.startswith(folder + os.sep) and not importer.startswith(machinery) \
                    and not _own_module(top, folder) and _installed(top):
                raise ModuleNotFoundError(f"No module named {top!r}: the grader has Python's standard library, "
                                          f"numpy and matplotlib, not {top}", name=top)
        return original(name, globals, locals, fromlist, level)

    builtins.__import__ = importing
    try:
        yield
    finally:
        builtins.__import__ = original


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
    home = assignment().functions[name]
    module = load(home)
    found = getattr(module, name, None)
    if not callable(found):
        raise StudentCodeError(f"{home}.py has no function {name}(); keep the names of the stubs.")
    return found


# ------------------------------------------------------------ calling student code

def _student_frames(error):
    """The traceback's frames in the student's modules, deepest first."""
    modules = assignment().student_modules
    return [frame for frame in reversed(traceback.extract_tb(error.__traceback__))
            if os.path.basename(frame.filename)[:-3] in modules]


def _where(frame):
    """'recurrence.py, line 12', the path relative to the submission's folder (../rnn_shortcomings/... when
    the first assignment's files are found there)."""
    path = os.path.relpath(frame.filename) if os.path.isabs(frame.filename) else frame.filename
    return f"{path}, line {frame.lineno}"


def _graded_modules():
    return set(assignment().graded_modules)


def _statement(line):
    """A source line as the student may read it in a message: the whole statement without its comment, or
    '' when the line is a fragment (the first line of a call spread over several lines)."""
    import io
    import tokenize

    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO((line or "").strip() + "\n").readline)
                  if t.type != tokenize.COMMENT]
        code = tokenize.untokenize(tokens).strip()
        compile(code, "<line>", "exec")
    except (SyntaxError, tokenize.TokenError, ValueError):
        return ""
    return code


def _frame_text(frame):
    code = _statement(frame.line)
    return f"{_where(frame)}: {code}" if code else _where(frame)


def where_raised(error):
    """' (bptt.py, line 12: h = ...)': the deepest line of the student's code that raised, and, when
    that is not a file graded here (a provided helper, the first assignment's files), the graded
    file's line that led there."""
    if isinstance(error, SyntaxError):
        return f" ({os.path.basename(error.filename or '?')}, line {error.lineno}: {(error.text or '').strip()})"
    frames = _student_frames(error)
    if not frames:
        return ""
    graded = _graded_modules()
    own = os.path.basename(frames[0].filename)[:-3] in graded
    where = f" ({_frame_text(frames[0]) if own else _where(frames[0])}"  # a provided file's source is not theirs
    if not own:
        caller = next((f for f in frames[1:] if os.path.basename(f.filename)[:-3] in graded), None)
        if caller is not None:
            where += f"; reached from {_frame_text(caller)}"
    return where + ")"


def describe_error(error):
    """'ValueError: ... (model.py, line 12: h = ...)', naming the deepest line of student code."""
    return f"{type(error).__name__}: {_clip(str(error), 500)}{where_raised(error)}"


def call(name, *args, **kwargs):
    """Call the student's function ``name``; any exception becomes an explanation."""
    student_function = function(name)
    try:
        with contextlib.redirect_stdout(_Discard()):
            return student_function(*args, **kwargs)
    except NotImplementedError as error:
        frames = _student_frames(error)
        if frames and frames[0].name != name:  # a function it calls, maybe in another file, is the stub
            raise StudentCodeError(f"{name} stopped: {frames[0].name} is not implemented yet (it raised "
                                   f"NotImplementedError){where_raised(error)}.") from None
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


def tuple_of(result, name, size):
    if not isinstance(result, tuple) or len(result) != size:
        raise StudentCodeError(f"{name} must return a tuple of {size} values; it returned {describe(result)}.")
    return result


def grads_and(result, name, keys, extra):
    """The gradients of ``(grads, extra)`` returned by ``name``, as outputs "d<key>", and ``extra`` as itself."""
    grads, value = tuple_of(result, name, 2)
    if not isinstance(grads, dict):
        raise StudentCodeError(f"{name} must return (grads, {extra}) with grads a dict; grads is {describe(grads)}.")
    missing = [key for key in keys if key not in grads]
    if missing:
        raise StudentCodeError(f"{name}: grads is missing the key(s) {missing}; it has {sorted(map(str, grads))}.")
    return {**{"d" + key: grads[key] for key in keys}, extra: value}


def grads_dict(result, name, keys):
    """The gradients of a dict returned by ``name``, as outputs "d<key>"; or why it is unusable."""
    if not isinstance(result, dict):
        raise StudentCodeError(f"{name} must return a dict of gradients; it returned {describe(result)}.")
    missing = [key for key in keys if key not in result]
    if missing:
        raise StudentCodeError(f"{name}: the dict is missing the key(s) {missing}; it has {sorted(map(str, result))}.")
    return {"d" + key: result[key] for key in keys}


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


def default_atol(expected):
    """The checks' absolute tolerance: 1e-9 of the largest expected magnitude, so arrays
    of tiny values are still compared relative to their own scale."""
    return 1e-9 * max(float(np.max(np.abs(expected), initial=0.0)), 1e-300)


def close_to(got, want, rtol=1e-6):
    """Whether ``got`` is an array equal to ``want`` within the checks' tolerance (checking.mismatch)."""
    if not isinstance(got, np.ndarray) or got.shape != want.shape or got.dtype.kind not in "fiu":
        return False
    return bool(np.all(np.abs(got - want) <= default_atol(want) + rtol * np.abs(want)))


def error_raised(function_name, **arguments):
    """Call ``function_name(**arguments)`` and report the exception it raises, if any."""
    try:
        with contextlib.redirect_stdout(_Discard()):
            function(function_name)(**arguments)
    except (Exception, SystemExit) as error:
        # What the exception is (its classes) and says (its own message), apart from where it was
        # raised: a check judges the first two, never the source line around it.
        return {"error": type(error).__name__, "message": describe_error(error),
                "classes": ",".join(c.__name__ for c in type(error).__mro__), "own_message": _clip(str(error), 2000)}
    return {"error": None, "message": "", "classes": "", "own_message": ""}


def arrays_in(value, path="cache", depth=0, found=None):
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
            arrays_in(item, f"{path}[{index}]", depth + 1, found)
    elif isinstance(value, dict):
        found[path + " (length)"] = np.array(len(value))
        for key, item in value.items():
            arrays_in(item, f"{path}[{key!r}]", depth + 1, found)
    elif hasattr(value, "__dict__") and not isinstance(value, type):
        arrays_in(dict(vars(value)), path, depth + 1, found)
    return found


# ------------------------------------------------------------ a forward, then its backward (plugin.Backward)

def _forward_and_cache(entry, inputs):
    """The student's ``entry.forward`` on ``inputs`` but the upstream gradients: (its outputs by name, its cache)."""
    arguments = {k: float(v) if k in entry.numbers else v for k, v in inputs.items() if k not in entry.upstream}
    *outputs, cache = tuple_of(call(entry.forward, **arguments), entry.forward, len(entry.outputs) + 1)
    return dict(zip(entry.outputs, outputs)), cache


def gradients(entry, result):
    """The gradients in ``result``, returned by the student's ``entry.backward``, as outputs "d<input>"
    (and ``entry.extra``); or why they are unusable."""
    if entry.returns == "tuple":
        return dict(zip(("d" + name for name in entry.grads), tuple_of(result, entry.backward, len(entry.grads))))
    if entry.extra is None:
        return grads_dict(result, entry.backward, entry.grads)
    return grads_and(result, entry.backward, entry.grads, entry.extra)


def forward_then_backward(entry, **inputs):
    """The procedure of a ``plugin.Backward`` (named after its backward): the student's forward on the
    inputs, then their backward on its cache with the upstream gradients given; returns the gradients
    and, with ``entry.output``, that output of the forward."""
    upstream = [inputs.pop(name) for name in entry.upstream]
    outputs, cache = _forward_and_cache(entry, inputs)
    grads = gradients(entry, call(entry.backward, *upstream, cache))
    return {entry.output: outputs[entry.output], **grads} if entry.output else grads


def cache_and_backward(entry, inputs):
    """``(cache, once)`` for ``backward_twice``: the cache of the student's forward on ``inputs``, and a
    function calling their backward once on it, with copies of the upstream gradients."""
    upstream = [inputs.pop(name) for name in entry.upstream]
    _, cache = _forward_and_cache(entry, inputs)

    def once():
        return gradients(entry, call(entry.backward, *(np.copy(u) for u in upstream), cache))
    return cache, once


def backward_twice(forward, **inputs):
    """The student's forward once, then their backward twice on the same cache.

    The forward's ``plugin.Backward`` says how: its ``twice(inputs)`` (by default
    ``cache_and_backward``) runs the forward and returns its cache and a function
    calling the backward once. Returns both calls' results, and the cache's
    arrays and container lengths before and after the first call: the grader
    (checking.py) compares them, since a backward must leave its cache as it
    found it, so that it can be called again (e.g. for a second loss).
    """
    entry = assignment().backward_of(forward)
    cache, once = entry.twice(inputs) if entry.twice else cache_and_backward(entry, inputs)
    before = arrays_in(cache)
    first = once()
    after_first = arrays_in(cache)
    try:
        second, failure = once(), ""
    except StudentCodeError as error:
        second, failure = {}, str(error)
    return {**{"first." + k: v for k, v in first.items()}, **{"second." + k: v for k, v in second.items()},
            "second_failure": failure, "cache_before": before, "cache_after": after_first}


def forward_at(forward, moves, h, **arguments):
    """The first output of the student's ``forward`` with one entry of its arguments moved at a time.

    ``moves`` lists [argument name, flat entry] pairs: for each, the output with that entry + h, then
    with it - h, stacked in that order. Only these values cross: the finite differences themselves, and
    the upstream gradient they are weighed with, stay in the grader (checking.py), out of reach of the
    student's code.
    """
    outputs = []
    for name, entry in moves:
        for step in (h, -h):
            moved = {k: np.copy(v) for k, v in arguments.items()}
            moved[name].reshape(-1)[int(entry)] += step
            value = tuple_of(call(forward, **moved), forward, 2)[0]
            if not isinstance(value, np.ndarray) or value.dtype.kind not in "fiu":
                raise StudentCodeError(f"{forward} must return a numeric numpy array first; it returned "
                                       f"{describe(value)}.")
            outputs.append(value.astype(np.float64))
    if len({output.shape for output in outputs}) > 1:
        raise StudentCodeError(f"{forward} returned outputs of different shapes for inputs of the same shapes.")
    return {"outputs": np.stack(outputs) if outputs else np.zeros((0,))}


# The printed script's checks run it a second time with the functions behind its numbers changed in a
# known way (SPEC.printed.perturbed, as its perturbation says): by default each scales its first
# argument, a matrix, by SPEC.printed.scale; an assignment may instead declare a stand_in(original),
# a function answering in its place. Numbers that come from those functions then change with them;
# numbers typed in, read from a file or computed by the script do not.

def perturbed(original):
    """``original`` (a student's function) changed as the assignment says (see above)."""
    printed = assignment().spec.printed
    if printed.stand_in is not None:
        return functools.wraps(original)(printed.stand_in(original))
    scale = printed.scale

    @functools.wraps(original)
    def changed(*args, **kwargs):
        try:
            if args:
                args = (np.asarray(args[0], dtype=np.float64) * scale, *args[1:])
            else:
                first = next(iter(inspect.signature(original).parameters))
                kwargs[first] = np.asarray(kwargs[first], dtype=np.float64) * scale
        except (KeyError, StopIteration, TypeError, ValueError):
            pass  # not called with a matrix: let the student's function answer as it will
        return original(*args, **kwargs)

    return changed


def _perturb_functions():
    """Replace the functions behind the script's numbers in the student's modules; returns how to undo it."""
    found = assignment()
    undo = []
    for name in found.spec.printed.perturbed:
        try:
            module = importlib.import_module(found.functions[name])
        except BaseException:  # noqa: BLE001 - the script meets the same failure when it imports it
            continue
        original = getattr(module, name, None)
        if callable(original):
            setattr(module, name, perturbed(original))
            undo.append((module, name, original))
    return undo


def run_script(perturbed=False):
    """Run the assignment's printed script as ``__main__`` in this process and capture what it prints.

    In this process, not in a new interpreter: a check then takes milliseconds
    instead of the 0.1 s of a Python start. The grader's sandbox already gives
    every call a disposable, time-limited process of its own. With
    ``perturbed``, the functions behind its numbers are changed for the run
    (see ``perturbed``), and put back afterwards.
    """
    import runpy

    script = assignment().script
    if not os.path.exists(script):
        raise StudentCodeError(f"{script} was not found in your submission.")
    output = _CappedText(MAX_SCRIPT_OUTPUT)
    undo = []
    try:
        with contextlib.redirect_stdout(output):
            undo = _perturb_functions() if perturbed else []
            runpy.run_path(script, run_name="__main__")
    except SystemExit as stop:
        if stop.code not in (None, 0):
            raise StudentCodeError(f"python {script} exited with status {stop.code!r}.") from None
    except NotImplementedError:
        raise StudentCodeError(f"python {script} stopped: a function it calls is not implemented yet "
                               "(it raised NotImplementedError).") from None
    except Exception as error:
        raise StudentCodeError(f"python {script} failed: {describe_error(error)}") from None
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


def returns(name, *keys, size=None):
    """A procedure calling ``name`` with the inputs and naming its outputs ``keys``.

    With ``size``, the function must return a tuple of that many values, of
    which the first ``len(keys)`` are compared (the rest is the cache).
    """
    def procedure(**inputs):
        result = call(name, **inputs)
        if size is None:
            return {keys[0]: result}
        return dict(zip(keys, tuple_of(result, name, size)))
    return procedure


def compiled_modules(then_import=()):
    """The student's modules compiled, not run: ``{"code": {name: marshal bytes as uint8}}``, for the
    grader to store as .pyc files beside them, so that the calls after this one import without
    compiling. A module that does not compile is left out (importing it reports the error). Then the
    modules ``then_import`` are imported in turn: ``"import_errors"`` holds why each that failed did."""
    import marshal

    found = {}
    for name in assignment().student_modules:
        path = name + ".py"
        if not os.path.isfile(path):
            continue
        try:
            with open(path, "rb") as f:
                code = compile(f.read(), os.path.abspath(path), "exec", dont_inherit=True)
        except (SyntaxError, ValueError, OverflowError, MemoryError, RecursionError):
            continue
        found[name] = np.frombuffer(marshal.dumps(code), dtype=np.uint8)
    errors = {}
    for name in then_import:
        try:
            load(name)
        except StudentCodeError as error:
            errors[name] = str(error)
    return {"code": found, "import_errors": errors}


def import_module(name):
    """Import one student module and report nothing but success (failures raise)."""
    load(name)
    return {}


# Procedures of every assignment; the assignment's SPEC adds its own (``procedures``, and one per backward).
GENERIC = {
    "error_raised": error_raised,
    "backward_twice": backward_twice,
    "forward_at": forward_at,
    "run_script": run_script,
    "import_module": import_module,
    "compiled_modules": compiled_modules,
}


def procedure(kind):
    """The procedure named ``kind``: a generic one, one of the SPEC's, or a backward's; KeyError if none."""
    spec = assignment().spec
    if kind in GENERIC or kind in spec.procedures:
        return GENERIC.get(kind) or spec.procedures[kind]
    entry = assignment().backward_named(kind)
    if entry is None:
        raise KeyError(kind)
    return entry.procedure or functools.partial(forward_then_backward, entry)


def _backward_modules(entry):
    functions = assignment().functions
    return tuple(dict.fromkeys((functions[entry.forward], functions[entry.backward])))


def modules_needed(kind, options):
    """Which student modules procedure ``kind`` imports, so a grader can skip it when one cannot load."""
    found = assignment()
    if kind == "error_raised":
        return (found.functions[options["function_name"]],)
    if kind in ("forward_at", "backward_twice"):
        return _backward_modules(found.backward_of(options["forward"]))
    if kind in ("run_script", "import_module", "compiled_modules"):  # run as a whole, or imports nothing
        return ()
    if kind in found.spec.modules_of:
        return found.spec.modules_of[kind]
    if found.backward_named(kind) is not None:
        return _backward_modules(found.backward_named(kind))
    return (found.functions[kind],) if kind in found.functions else ()


def run(kind, inputs, options=None, reload=True):
    """Run procedure ``kind`` on copies of ``inputs``, with the student's modules imported afresh
    (``reload``: their latest edits) or as they are in this process (a grader's worker, forked
    from a process where nothing of the student's has run).

    Returns ``(outputs, after)``: the procedure's plain outputs, and the input
    arrays as the student's code left them (the caller compares them with the
    originals to see what was modified in place).
    """
    if reload:
        forget_student_modules()
    working = {k: np.copy(v) if isinstance(v, np.ndarray) else v for k, v in inputs.items()}
    with graders_packages_only():
        outputs = procedure(kind)(**working, **(options or {}))
    return plain(outputs), {k: v for k, v in working.items() if isinstance(v, np.ndarray)}
