"""Submissions made from the reference solutions by the entries of a library file.

An assignment's ``library/`` folder holds them: ``bugs.toml`` plausible student
bugs, ``correct.toml`` correct alternative implementations (which must keep full
marks), ``hostile.toml`` hostile or broken submissions. An entry changes the solutions by one or more
of: ``find``/``replace`` in ``file`` (the text must occur exactly once),
``also`` (more such replacements), ``inject`` (code run at import, put after
``import numpy as np``), ``missing`` (leave ``file`` out), ``folder`` (put
every file in that sub-folder), ``extra`` (more files of the student's, path
-> text, beside the graded ones), ``beside`` (files at the top of the
submission, outside ``folder``), ``stubs`` (these files start from the release's
stubs, not the solutions) and ``lookup_table`` (the stubs answer the public
cases from a copy of the public fixtures). Hostile entries may hold
placeholders such as ``{{OUT}}``, filled in by ``values`` when written (what
an attacker would know or guess: where the grades go, a port to try).
"""
import fcntl
import os
import pickle
import tomllib
from pathlib import Path

from autograder import assignment as course
from autograder.build.release import MACHINERY
from autograder.support import fixture_file


BUGS, CORRECT, HOSTILE = "bugs", "correct", "hostile"
# `grade`'s options for a test's grading run. Under pytest-xdist the workers already keep every core
# busy: a run grading a submission at a time keeps the load, which the grader's per-call time limits
# meet, what it is in a run without xdist.
GRADE_OPTIONS = ["--jobs", "1"] if os.environ.get("PYTEST_XDIST_WORKER") else []
IMPORT_LINE = "import numpy as np\n"


def shared_root(tmp_path_factory):
    """This test run's temporary folder that every pytest-xdist worker sees (each worker has its own below it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def made_once(tmp_path_factory, kind, make):
    """get(assignment): ``make(assignment, folder)``, made once per test run, in ``folder``, its error included.

    Under pytest-xdist each worker is a session of its own: the first worker to need it makes it in a
    folder they all see, under a lock, and the others read back its (pickled) result, so a zip is built
    and a notebook runs once per run however the tests are spread."""
    def make_shared(assignment):
        folder = shared_root(tmp_path_factory) / f"{kind}-{assignment.name}"
        with open(f"{folder}.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            made = folder / "made.pickle"
            if not made.exists():
                folder.mkdir(parents=True, exist_ok=True)
                try:
                    result = make(assignment, folder), None
                except Exception as error:  # noqa: BLE001 - raised again, in every worker that needs it
                    result = None, f"{kind} of {assignment.name} failed: {type(error).__name__}: {error}"
                made.write_bytes(pickle.dumps(result))
            value, error = pickle.loads(made.read_bytes())  # noqa: S301 - written by this test run
        if error is not None:
            raise RuntimeError(error)
        return value

    return built_once(make_shared)


class PerAssignment:
    """``[name]``: ``make(assignment)`` for the assignment of that name, made on first look-up only (a
    pytest-xdist worker makes only what its own tests read)."""

    def __init__(self, make):
        self.get = built_once(make)

    def __getitem__(self, name):
        return self.get(course.load(name))


def built_once(make):
    """get(assignment): ``make(assignment)``, made on first use only, its error included (a failed build
    is not run again: every test that needs it fails with that error)."""
    made = {}

    def get(assignment):
        if assignment.name not in made:
            try:
                made[assignment.name] = make(assignment), None
            except Exception as error:  # noqa: BLE001 - raised again, by every test that needs it
                made[assignment.name] = None, error
        value, error = made[assignment.name]
        if error is not None:
            raise error
        return value

    return get


def load(assignment, library=BUGS):
    """The entries of one library of ``assignment`` (empty if it has none)."""
    path = assignment.library / f"{library}.toml"
    if not path.exists():
        return {}
    with open(path, "rb") as f:
        entries = tomllib.load(f)
    named = [entry for entry in entries.values() if "mistake" in entry]
    if named:  # a bug that is a known mistake takes its change from grading/mistakes.py, stated once there
        mistakes = assignment.grading_module("mistakes").MISTAKES
        for entry in named:
            mistake = mistakes[entry["mistake"]]
            entry.update(file=mistake.file, find=mistake.find, replace=mistake.replace)
    return entries


def says(phrase, text):
    """Whether ``text`` contains ``phrase``, however its lines were wrapped for reading."""
    return " ".join(phrase.split()) in " ".join(text.split())


def _replace_once(text, find, replace, where):
    if text.count(find) != 1:
        raise ValueError(f"{where}: the text to replace occurs {text.count(find)} times")
    return text.replace(find, replace)


def write_submission(assignment, entry, target, values=None):
    """Write the solutions of ``assignment``, changed as ``entry`` says, into the folder ``target``; every
    ``{{NAME}}`` in the result is replaced by ``values[NAME]``."""
    folder = Path(target) / entry.get("folder", "")
    folder.mkdir(parents=True, exist_ok=True)
    stubs = set(entry.get("stubs", []))
    texts = {name: ((assignment.release if name in stubs else assignment.source) / name).read_text()
             for name in assignment.submitted_files}
    changes = ([entry] if "find" in entry else []) + entry.get("also", [])
    for change in changes:
        texts[change["file"]] = _replace_once(texts[change["file"]], change["find"], change["replace"], change["file"])
    if "inject" in entry:
        texts[entry["file"]] = _replace_once(texts[entry["file"]], IMPORT_LINE, IMPORT_LINE + entry["inject"], entry["file"])
    if entry.get("lookup_table"):
        for name in stubs:
            texts[name] += lookup_table_code(assignment, name)
    if entry.get("missing"):
        del texts[entry["file"]]
    placed = {folder / name: text for name, text in {**texts, **entry.get("extra", {})}.items()}
    placed.update({Path(target) / name: text for name, text in entry.get("beside", {}).items()})
    for path, text in placed.items():
        for key, value in (values or {}).items():
            text = text.replace("{{" + key + "}}", str(value))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return Path(target)


# What ``lookup_table = true`` appends to each stub file of the first assignment (the one entry using it):
# the public cases' inputs and expected outputs,
# copied from the released fixtures.npz, and wrappers answering from them when the inputs are a public
# case's (else the function below, e.g. one returning zeros).
LOOKUP_WRAPPERS = {
    "recurrence.py": {"rnn_step": ("x h_prev Wx Wh b", "h", None), "rnn_forward": ("X h0 Wx Wh b", "Hs", "forward"),
                      "iterate_map": ("W h0 steps", "states", None)},
    "bptt.py": {"jacobian_power_norms": ("W v steps", "norms", None), "rnn_backward": ("X h0 Wx Wh b", "", "backward")},
    "clipping.py": {"global_norm": ("", "norm", "grads"), "clip_by_global_norm": ("max_norm", "total_norm", "clip")},
    "lstm.py": {"lstm_step_forward": ("x h_prev c_prev Wx Wh b", "h c", "forward"),
                "lstm_step_backward": ("x h_prev c_prev Wx Wh b", "dx dh_prev dc_prev dWx dWh db", "step_backward"),
                "lstm_forward": ("X h0 c0 Wx Wh b", "Hs", "forward"),
                "lstm_backward": ("X h0 c0 Wx Wh b", "", "backward")},
}

LOOKUP_CODE = """

# ---- answers copied from the public fixtures: right on the public cases only
_CASES = {{case: tuple({{name: np.frombuffer(raw, dtype=dtype).reshape(shape)
                        for name, (dtype, shape, raw) in arrays.items()}} for arrays in stored)
          for case, stored in {data}.items()}}  # case: (inputs, outputs)


def _same(a, b):
    return np.shape(a) == np.shape(b) and np.array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float))


def _find(given):
    for inputs, outputs in _CASES.values():
        if all(k in inputs and _same(inputs[k], v) for k, v in given.items()):
            return outputs
    return None


def _answering(function, names, outs, how):
    names, outs = names.split(), outs.split()

    def answered(*args, **kwargs):
        result = function(*args, **kwargs)
        if how in ("grads", "clip"):
            grads = args[0] if args else kwargs["grads"]
            arrays = list(grads.values()) if isinstance(grads, dict) else list(grads)
            for inputs, outputs in _CASES.values():
                stored = [v for k, v in inputs.items() if k.startswith("grads.")]
                if len(stored) == len(arrays) and stored and all(_same(a, b) for a, b in zip(arrays, stored)) and (
                        how == "grads" or _same(inputs.get("max_norm"), args[1] if len(args) > 1 else kwargs["max_norm"])):
                    clipped = [v for k, v in outputs.items() if k.startswith("clipped.")]
                    if how == "grads" and "norm" in outputs:
                        return float(outputs["norm"])
                    if how == "clip" and clipped:
                        back = dict(zip(grads, clipped)) if isinstance(grads, dict) else type(grads)(clipped)
                        return back, float(outputs["total_norm"])
            return result
        if how == "backward":
            dHs, cache = args
            outputs = _find({{**dict(zip(names, cache)), "dHs": dHs}})
            if outputs is None or "dX" not in outputs:
                return result
            return {{k[1:]: outputs[k] for k in outputs if k.startswith("d") and k != "dh_norms"}}, outputs["dh_norms"]
        if how == "step_backward":
            dh, dc, cache = args
            outputs = _find({{**dict(zip(names, cache)), "dh": dh, "dc": dc}})
            if outputs is None or not all(o in outputs for o in outs):
                return result
            return tuple(outputs[o] for o in outs)
        bound = dict(zip(names, args), **kwargs)
        outputs = _find({{k: v for k, v in bound.items() if k in names}})
        if outputs is None or not all(o in outputs for o in outs):
            return result
        answer = tuple(outputs[o] for o in outs)
        if how == "forward":
            return (*answer, result[-1])
        return answer[0]

    return answered

"""


def lookup_table_code(assignment, name):
    """The code ``lookup_table = true`` appends to the stub file ``name``."""
    def numbers(arrays):
        return {k: (v.dtype.str, v.shape, v.tobytes()) for k, v in arrays.items() if v.dtype.kind in "fiub"}

    cases = fixture_file.load(assignment.release / MACHINERY / "fixtures.npz").values()
    stored = {case.name: (numbers(case.inputs), numbers(case.expected)) for case in cases}
    code = LOOKUP_CODE.format(data=repr({name: arrays for name, arrays in stored.items() if any(arrays)}))
    for function, (names, outs, how) in LOOKUP_WRAPPERS[name].items():
        code += f"{function} = _answering({function}, {names!r}, {outs!r}, {how!r})\n"
    return code


def files(entry):
    """The files an entry changes, in order, each once."""
    names = [entry["file"]] if "file" in entry else []
    names += [change["file"] for change in entry.get("also", [])]
    return list(dict.fromkeys(names))


def table(assignment, library=BUGS):
    """The library as a Markdown table: bug, file, points left per broken question, feedback phrase."""
    rows = ["| bug | file | score of each question it breaks (the others keep full marks) | the feedback says |", "| --- | --- | --- | --- |"]
    if library == CORRECT:
        rows[0] = "| correct alternative | file | score of each question it breaks | what it does differently |"
    for name, entry in load(assignment, library).items():
        scores = ", ".join(f"{q} {p}" for q, p in entry.get("scores", {}).items()) or "none lost"
        rows.append(f"| `{name}` | {', '.join(files(entry))} | {scores} | {entry.get('hint', entry.get('says', ''))} |")
    return "\n".join(rows)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Print an assignment's library of submissions as a Markdown table.")
    parser.add_argument("assignment", choices=course.names())
    parser.add_argument("library", nargs="?", default=BUGS, choices=(BUGS, CORRECT, HOSTILE))
    args = parser.parse_args()
    print(table(course.load(args.assignment), args.library))
