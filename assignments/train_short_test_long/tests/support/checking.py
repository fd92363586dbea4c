# Generated from autograder/support/checking.py
# by `python -m autograder build`: edit that file, not this copy.
"""The checks behind ``tests/``: compare with the reference and explain (provided, not graded).

Every check runs a procedure of ``procedures.py`` on a stored case, compares
the outputs with the reference values in ``fixtures.npz`` and, when
they differ, fails with a message saying what was expected, what came back
(type, shape, dtype, first values) and a hint: the one naming the mistake when
the outputs are recognised (``diagnose``), else a general one naming none.

A backend runs the procedures: in this process by default (fast local
checks), in a separate, limited process while a grader's ``use_backend`` holds.
"""
import contextlib
import os
import re
import sys

import numpy as np

import fixture_file
import procedures
from procedures import MESSAGE_INDENT, READABLE_WIDTH, Described, describe, readable
from verdicts import Verdict

assignment = procedures.assignment()  # the assignment's SPEC (grading/calls.py) and the names of its manifest
spec = assignment.spec

# Reference values sit next to this file: in the release, and in the grading folder.
FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures.npz")


class CheckFailed(AssertionError):
    """A check failed; the message is written for the student (and wrapped for reading): its verdict's
    prefix (none for a plain failure), then ``details``."""
    verdict = Verdict.FAILED

    def __init__(self, details=""):
        super().__init__(readable(self.verdict.prefix + details, READABLE_WIDTH - len(MESSAGE_INDENT)))

    @property
    def details(self):
        """The message after its verdict's prefix, wrapped as the student reads it."""
        return str(self)[len(self.verdict.prefix):]


class NotRun(CheckFailed):
    """A check whose call the grader did not make: the question's time went to another function's
    endless loop, or this function had already run out of time. It pays nothing and says why, never
    with a hint (nothing of the student's code was looked at)."""
    verdict = Verdict.NOT_RUN


class NotChecked(CheckFailed):
    """A check could not judge its property because what it builds on is wrong first: it pays
    nothing and says so ("not checked: needs ..."), never that the property failed."""
    verdict = Verdict.NOT_CHECKED


def _not_checked(kind, failure):
    return NotChecked(f"needs the right outputs of {kind} first.\n{failure}")


def needs_right_outputs(case, hint="", **options):
    """``expect_case`` as the gate of a check whose property means something only beside right
    outputs (inputs left alone, a repeatable backward, a rejected shape): wrong outputs make the
    check NotChecked, with their own explanation below."""
    try:
        expect_edge_case(case, hint=hint, **options)  # a crash there gets the inputs and the hint too
    except NotChecked:
        raise
    except NotRun:
        raise
    except CheckFailed as failure:
        raise _not_checked(fixture_file.procedure_of(case), failure) from None


def _once(verdict, details, earlier):
    """``details``, or, when an earlier check of the same run failed for the same reason, the line saying what
    the check needed (if any) and a pointer to that check: a reason is shown once however many checks it
    fails (an import error, say). ``earlier``: (name, verdict, details) of the run's earlier failed checks."""
    headline, reason = _headline_and_reason(verdict, details)
    if verdict is Verdict.NOT_RUN or not reason.strip():  # its reason is one sentence: said in full each time
        return details
    for name, other_verdict, other_details in earlier:
        if _headline_and_reason(other_verdict, other_details)[1] == reason:
            return "\n".join(filter(None, (headline, f"(the same failure as {name}, above)")))
    return details


def _headline_and_reason(verdict, details):
    """A check not judged says on its first line what it needed, and below why; a failure is all reason."""
    if verdict is Verdict.FAILED:
        return "", details
    headline, _, reason = details.partition("\n")
    return headline, reason


def show_check_messages_only():
    """Make Otter report a failed check by its message alone, and record its verdict (``verdicts_of``).

    Otter's ExceptionTestFile prefixes every failure with "Error at line N in
    test ..." and the line of the test file that raised (e.g. an internal
    ``expect_case(...)`` call): noise for a student, and a look at the check's
    code. A CheckFailed is written for the student, so it is shown as it is;
    any other exception gets one fixed sentence (the reference solutions pass
    every check, so it never hides a bug of the checks from the tests).
    Installed when this module is imported after Otter (the notebook,
    check.py, ``otter run``); the grader calls it after loading Otter.
    This and ``verdicts_of`` are the checks' only touchpoints with Otter's internals.
    """
    module = sys.modules.get("otter.test_files.exception_test")
    test_file = getattr(module, "ExceptionTestFile", None)
    original = getattr(test_file, "_generate_error_message", None)
    if original is None or getattr(original, "shows_check_messages_only", False):
        return

    def _generate_error_message(self, excp, context=0):
        earlier = getattr(self, "test_case_results", [])
        index = len(earlier)
        current = self.test_cases[index] if index < len(self.test_cases) else None
        if isinstance(excp, CheckFailed):
            # A public check never points to a hidden one: its reader may not see that one yet.
            visible = [(result.test_case.name, *_recorded(self, number)) for number, result in enumerate(earlier)
                       if not result.passed and (current is None or current.hidden or not result.test_case.hidden)]
            verdict, details = excp.verdict, _once(excp.verdict, excp.details, visible)
        else:
            # A check that stumbled on what came back (a bug of the checks, or a reply shaped to trip
            # them): the student sees that, never Otter's "Error at line N" or the check's source.
            verdict, details = Verdict.FAILED, (f"this check could not judge what your code returned "
                                                f"({type(excp).__name__}); the other checks of this question say more.")
        # Only this run's entries are read: every failed check of a run records its own, before any later one.
        # The verdict's value, not the enum: `otter run` unpickles the test files where this module is not found.
        self.check_verdicts = {**getattr(self, "check_verdicts", {}), index: (verdict.value, details)}
        return verdict.prefix + details

    _generate_error_message.shows_check_messages_only = True
    test_file._generate_error_message = _generate_error_message


def _recorded(test_file, index):
    value, details = test_file.check_verdicts[index]
    return Verdict(value), details


def verdicts_of(test_file):
    """(Verdict, details) of each check of the last run of an Otter ``test_file``, in order: details are
    what the student reads after the verdict's prefix ("" for a check that passed)."""
    return [(Verdict.PASSED, "") if result.passed else _recorded(test_file, index)
            for index, result in enumerate(test_file.test_case_results)]


show_check_messages_only()


class LocalBackend:
    """Runs the student's code in this process."""

    def run(self, kind, inputs, options=None):
        try:
            return procedures.run(kind, inputs, options)
        except procedures.StudentCodeError as error:
            raise CheckFailed(str(error)) from None


_backend = LocalBackend()  # set only by use_backend


@contextlib.contextmanager
def use_backend(backend):
    """Run every procedure through ``backend`` (an object with ``run(kind, inputs, options)``, as
    ``LocalBackend``) inside the ``with`` block, and through the one before it after: the one way an
    entry point (the grading engine's lane) chooses where the student's code runs."""
    global _backend
    previous, _backend = _backend, backend
    try:
        yield backend
    finally:
        _backend = previous


def run(kind, inputs, **options):
    """Outputs of procedure ``kind`` on ``inputs``, and the names of the inputs it modified in place."""
    outputs, after = _backend.run(kind, inputs, options)
    mutated = [
        name for name, value in inputs.items() if isinstance(value, np.ndarray)
        and not (isinstance(after.get(name), np.ndarray) and after[name].shape == value.shape
                 and np.array_equal(after[name], value, equal_nan=True))
    ]
    return outputs, mutated


# -------------------------------------------------------------------- fixtures

_FIXTURE_CACHE = {}  # the grader looks up the same cases for every submission


def fixture(case):
    """A stored case (fixture_file.Case): its inputs (a copy, the caller's to change), the reference's outputs
    and the known mistakes' (its variants, from the assignment's grading/mistakes.py)."""
    path = os.path.abspath(FIXTURES)
    if path not in _FIXTURE_CACHE:
        _FIXTURE_CACHE[path] = fixture_file.load(path)
    stored = _FIXTURE_CACHE[path].get(case)
    if stored is None:
        raise KeyError(f"no case named {case!r} in {FIXTURES}")
    return fixture_file.Case(stored.name, {k: v.copy() for k, v in stored.inputs.items()}, dict(stored.expected),
                             stored.variants)


def has_case(case):
    """Whether the fixtures hold ``case`` (a student's copy holds the public cases only)."""
    try:
        fixture(case)
    except KeyError:
        return False
    return True


# ----------------------------------------------------------------- comparisons

def mismatch(got, expected, rtol=1e-6, atol=None):
    """Why ``got`` is not close to ``expected`` (a real array or number of the same shape), or None.

    ``atol`` defaults to ``procedures.default_atol(expected)``.
    """
    expected = np.asarray(expected, dtype=np.float64)
    is_number = isinstance(got, (float, int, np.floating, np.integer)) and not isinstance(got, bool)
    if isinstance(got, Described) or not (isinstance(got, np.ndarray) or (is_number and expected.ndim == 0)):
        return "it is not a numpy array" if expected.ndim else "it is not a number"
    array = np.asarray(got)
    if array.shape != expected.shape:
        return f"the shape is {array.shape} instead of {expected.shape}"
    if array.dtype.kind not in "fiu":
        return f"the dtype is {array.dtype}, not a real number type"
    # One rule for every entry: a non-finite value where a finite one is expected is wrong, and an
    # expected non-finite value (-inf for a masked entry) is matched by the same value only.
    unexpected = ~np.isfinite(array) & np.isfinite(expected)
    if np.any(unexpected):
        where = tuple(int(i) for i in np.argwhere(unexpected)[0])
        return (f"it contains {int(unexpected.sum())} nan/inf value(s) where finite values are expected, "
                f"e.g. at index {where}: {float(array[where])} instead of {float(expected[where])}")
    infinite = ~np.isfinite(expected)
    if np.any(infinite):
        differs = infinite & ~((array == expected) | (np.isnan(array) & np.isnan(expected)))
        if np.any(differs):
            where = tuple(int(i) for i in np.argwhere(differs)[0])
            return (f"{int(differs.sum())} of the {int(infinite.sum())} entries that should be "
                    f"{' or '.join(map(str, np.unique(expected[infinite])))} are not, e.g. at index {where}: "
                    f"{float(array[where])} instead of {float(expected[where])}")
        array, expected = np.where(infinite, 0.0, array), np.where(infinite, 0.0, expected)
    if atol is None:
        atol = procedures.default_atol(expected)
    difference = np.abs(array.astype(np.float64) - expected)
    bad = difference > atol + rtol * np.abs(expected)
    if not np.any(bad):
        return None
    if expected.ndim == 0:
        return f"it differs by {float(difference):.3g} (tolerance {atol:.1g} + {rtol:.0e} * |expected|)"
    where = np.unravel_index(np.argmax(np.where(bad, difference, -1)), expected.shape)
    return (
        f"{int(bad.sum())} of {bad.size} value(s) differ; the largest difference is "
        f"{difference[where]:.3g} at index {tuple(int(i) for i in where)} "
        f"(tolerance {atol:.1g} + {rtol:.0e} * |expected|)"
    )


def _differ_most(got, expected, count=3):
    """'  differ most at:' then '    (i, j): expected a, returned b' for each entry where ``got`` and ``expected``
    differ most (a non-finite value where the other is not first), or '' when the first values shown
    already say everything (a small array, another shape)."""
    if not (isinstance(got, np.ndarray) and got.shape == expected.shape and got.dtype.kind in "fiu"
            and expected.size > 4):
        return ""
    array = got.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        same = (array == expected) | (np.isnan(array) & np.isnan(expected))
        gap = np.where(same, 0.0, np.abs(array - expected))
    gap = np.where(np.isnan(gap), np.inf, gap)  # nan against a number, inf against -inf: the most different
    order = np.argsort(-gap, axis=None, kind="stable")[:count]
    shown = [f"{tuple(int(i) for i in np.unravel_index(k, gap.shape))}: expected {expected.flat[k]:.6g}, "
             f"returned {array.flat[k]:.6g}" for k in order if gap.flat[k] > 0]
    # one per line: a notebook wraps long lines anywhere, numbers included
    return "\n  differ most at:" + "".join(f"\n    {entry}" for entry in shown) if shown else ""


def _failure(label, problem, got, expected, hints):
    expected = np.asarray(expected, dtype=np.float64)
    return CheckFailed(
        f"{label}:\n  {problem}.\n"
        f"  expected: {describe(float(expected) if expected.ndim == 0 else expected)}\n"
        f"  returned: {got if isinstance(got, Described) else describe(got)}"
        + _differ_most(got, expected)
        + "".join(f"\nHint: {hint}" for hint in hints if hint)
    )


def known_mistakes(got, variants, names):
    """The hints of the known mistakes whose outputs ``got`` equals, on the outputs ``names``.

    ``variants``: what each mistake of the assignment's grading/mistakes.py gives on the same
    inputs, with its hint (a stored case's variants: {mistake: fixture_file.Variant}).
    """
    matched = []
    for variant in (variants or {}).values():
        outputs = variant.outputs
        compared = [name for name in names if name in outputs]
        if compared and all(mismatch(got.get(k), outputs[k]) is None for k in compared):
            informative = any(np.any(np.isfinite(np.asarray(outputs[k], dtype=np.float64))) for k in compared)
            matched.append((variant.hint, informative))
    if len(matched) > 1:
        # Outputs that are nan or inf throughout (a one-step sequence fully masked, say) tell several
        # mistakes apart no better than nothing: such a match names none of them.
        matched = [m for m in matched if m[1]]
    return [hint for hint, _ in matched]


def diagnose(kind, got, expected, wrong, variants=None, inputs=None):
    """Hints naming the mistake behind a failed comparison, recognised from the outputs; [] if none is known."""
    own = spec.diagnosis_hints  # the assignment's hints for mistakes it can recognise
    hints = (own(kind, got, expected, wrong, inputs) if own else []) + known_mistakes(got, variants, list(expected))
    for name in wrong:
        hints.extend(_slip_hints(name, got.get(name), expected.get(name)))
    return list(dict.fromkeys(hints))


def _slip_hints(name, got, want):
    """Hints for two slips that leave a recognisable trace: a missing square root, a missing sum."""
    try:
        got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    except (TypeError, ValueError):
        return []
    if got.shape == want.shape and want.size and np.all(np.isfinite(got)):
        if np.allclose(got, want ** 2, rtol=1e-6) and not np.allclose(want, want ** 2, rtol=1e-6):
            return [f"{name} is the square of what was expected: a square root is missing."]
    elif got.ndim == want.ndim + 1 and got.shape[1:] == want.shape and want.size:
        if np.allclose(got.sum(axis=0), want, rtol=1e-6):
            return [f"{name} has an extra first axis: summed over it (over the batch), it would be right."]
    return []


def _inputs_line(inputs):
    return "inputs: " + ", ".join(
        f"{k} {tuple(np.shape(v))}" if np.ndim(v) else f"{k}={v.item()!r}" for k, v in inputs.items()
    )


# ---------------------------------------------------------------------- checks

def _with_replay(kind, inputs, expected):
    """The inputs of a run, plus the reference outputs ``SPEC.replayed[kind]`` fed back to it
    (e.g. the states an earlier question's function replays); removed from ``expected``."""
    replayed = spec.replayed.get(kind, ())
    return {**inputs, **{name: expected.pop(name) for name in replayed}}


def expect_case(case, hint="", hints=None, rtol=1e-6, **options):
    """Run the student's code on a stored case and compare every expected output.

    ``hint`` (or ``hints[output]``, for the first wrong output) is the general hint,
    naming no particular mistake: it is shown only when ``diagnose`` recognises none.
    """
    stored = fixture(case)
    kind, inputs, expected, variants = stored.procedure, stored.inputs, stored.expected, stored.variants
    got, mutated = run(kind, _with_replay(kind, inputs, expected), **options)
    problems = {name: mismatch(got.get(name), value, rtol) for name, value in expected.items()}
    wrong = [name for name, problem in problems.items() if problem]
    if wrong:
        first = wrong[0]
        others = f" (also wrong: {', '.join(wrong[1:])})" if len(wrong) > 1 else ""
        if mutated:
            # A modified input also corrupts what a cache holds, so the usual patterns mislead.
            found = [f"Your code modified its input(s) {', '.join(mutated)} in place (x *= ..., x[...] = ...). "
                     f"Inputs must come back unchanged, and the backward pass reads them from the cache: "
                     f"build new arrays instead."]
        else:
            found = diagnose(kind, got, expected, wrong, variants, inputs)
        raise _failure(
            f"{kind}, output {first}{others}\n  ({_inputs_line(inputs)})", problems[first], got.get(first),
            expected[first], found or [(hints or {}).get(first, hint)],
        )


def expect_inputs_unchanged(case, hint="", **options):
    """Run a case and fail if the student's code modified any input array in place, or if its
    outputs are wrong: leaving the inputs alone earns nothing by itself (a function returning
    zeros does too), only together with the right answer."""
    stored = fixture(case)
    kind, inputs, expected = stored.procedure, stored.inputs, stored.expected
    try:
        _, mutated = run(kind, _with_replay(kind, inputs, expected), **options)
    except NotRun:
        raise
    except CheckFailed as failure:
        raise _not_checked(kind, failure) from None
    if mutated:
        raise CheckFailed(
            f"{kind} modified its input(s) {', '.join(mutated)} in place.\n"
            f"Hint: build new arrays (x = x * 2, not x *= 2; copy before writing into an array "
            f"you were given): the caller's arrays must come back unchanged."
        )
    needs_right_outputs(case, hint=hint, **options)


def expect_value_error(case, function_name, argument):
    """Calling the case's function with ``argument`` one column short raises ValueError naming it."""
    inputs = fixture(case).inputs
    inputs[argument] = inputs[argument][..., :-1]
    got, _ = run("error_raised", inputs, function_name=function_name)
    if got["error"] is None:
        raise CheckFailed(f"{function_name} accepted a wrongly shaped {argument} instead of raising ValueError.")
    is_value_error = "ValueError" in str(got.get("classes", "")).split(",")
    if not is_value_error or not re.search(rf"(?<![A-Za-z0-9_]){re.escape(argument)}(?![A-Za-z0-9_])",
                                           str(got.get("own_message", ""))):
        raise CheckFailed(
            f"{function_name} with a wrongly shaped {argument} raised {got['message']}; expected a "
            f"ValueError whose message names {argument!r}.\n"
            f"Hint: keep the provided check_shapes(...) call at the top of the function."
        )


FD_ENTRIES = 8  # per input: enough to catch a wrong formula, few enough for a check in milliseconds
FD_STEP = 1e-6


def _numerical_gradients(forward, inputs, upstream, fixed):
    """Centred differences of sum(upstream * output) through the student's forward, computed here from
    the outputs alone (procedures.forward_at), at FD_ENTRIES entries of each input chosen by a generator
    seeded by the input's name (so every run checks the same ones): {name: (entries, gradients)}."""
    entries = {}
    for name in (k for k in inputs if k != upstream and k not in fixed):
        rng = np.random.default_rng(list(name.encode()))
        entries[name] = np.sort(rng.choice(inputs[name].size, size=min(FD_ENTRIES, inputs[name].size), replace=False))
    moves = [[name, int(entry)] for name, chosen in entries.items() for entry in chosen]
    arguments = {k: v for k, v in inputs.items() if k != upstream}
    outputs = run("forward_at", arguments, forward=forward, moves=moves, h=FD_STEP)[0]["outputs"]
    weighing = np.asarray(inputs[upstream], dtype=np.float64)  # the outputs' weights in the loss
    if not isinstance(outputs, np.ndarray) or outputs.shape != (2 * len(moves), *weighing.shape):
        shape = outputs.shape[1:] if isinstance(outputs, np.ndarray) else None
        raise CheckFailed(f"{forward} returned an output of shape {shape} where {weighing.shape} was expected: "
                          f"finite differences need the output shaped like {upstream}.")
    with np.errstate(all="ignore"):
        numeric = ((outputs[0::2] - outputs[1::2]) * weighing).reshape(len(moves), -1).sum(axis=1) / (2 * FD_STEP)
    found, start = {}, 0
    for name, chosen in entries.items():
        found[name] = (chosen, numeric[start:start + len(chosen)])
        start += len(chosen)
    return found


def _gradient_errors(kind, forward, inputs, analytic, upstream, fixed):
    """{input name: (entries, finite differences, the student's sampled gradient, relative error)} for
    every input whose gradient is checked; raises when a gradient is not an array of the input's shape."""
    from gradcheck import rel_error  # the grader's own copy, beside this file

    found = {}
    for name, (entries, numeric) in _numerical_gradients(forward, inputs, upstream, fixed).items():
        gradient = analytic.get("d" + name)
        shape = inputs[name].shape
        if not isinstance(gradient, np.ndarray) or gradient.shape != shape or gradient.dtype.kind not in "fiu":
            shown = gradient if isinstance(gradient, Described) else describe(gradient)
            raise CheckFailed(f"{kind}, gradient on {name}: it should be an array of shape {shape}.\n"
                              f"  returned: {shown}")
        sampled = np.asarray(gradient, dtype=np.float64).ravel()[entries]
        with np.errstate(all="ignore"):
            error = rel_error(sampled, numeric)
        found[name] = (entries, numeric, sampled, error)
    return found


def _disagreeing(errors, tolerance):
    return [name for name, (*_, error) in errors.items() if not error < tolerance]


def _names(names):
    names = [f"d{name}" for name in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _where_it_goes_wrong(kind, forward, inputs, upstream, fixed, tolerance, wrong):
    """The hint of a backward pass whose forward is right: it names a formula only when the evidence
    isolates it. For a recurrent forward (its Backward's ``sequences``), the same case cut to its first step
    tells a step's own formulas from what one step sends back to the one before."""
    sequences = assignment.backward_of(forward).sequences
    steps = int(np.shape(inputs[sequences[0]])[0]) if sequences else 0
    if steps > 1:
        first = {k: (v[:1].copy() if k in sequences else v) for k, v in inputs.items()}
        try:
            analytic, _ = run(kind, first)
            errors = _gradient_errors(kind, forward, first, analytic, upstream, fixed)
        except NotRun:
            raise
        except CheckFailed:  # it fails on one step in another way: the evidence of T steps is all there is
            steps, errors = 0, {}
        wrong_alone = _disagreeing(errors, tolerance)
    if steps > 1:
        if not wrong_alone:
            return (f"with the same inputs cut to their first step (T = 1), your gradients agree with finite "
                    f"differences; over {steps} steps, {_names(wrong)} do not: what one step sends back to the "
                    f"step before it, or how that is added to that step's gradient, is wrong.")
        if len(wrong_alone) == 1:
            also = [name for name in wrong if name not in wrong_alone]
            spread = (f" (over {steps} steps, what flows back through it reaches {_names(also)} too)" if also else "")
            return (f"with the same inputs cut to their first step (T = 1), only d{wrong_alone[0]} disagrees with "
                    f"finite differences: the formula for d{wrong_alone[0]} is wrong{spread}.")
        return (f"with the same inputs cut to their first step (T = 1), {_names(wrong_alone)} already disagree "
                f"with finite differences: compare the step's own backward formulas with the docstring; "
                f"gradcheck.numerical_gradient checks each on its own.")
    if len(wrong) == 1:
        return (f"your {forward} is right and only d{wrong[0]} disagrees, so the backward formula for "
                f"d{wrong[0]} is wrong; gradcheck.numerical_gradient lets you check it on its own.")
    return (f"your {forward} is right, and {_names(wrong)} disagree with finite differences: a formula they "
            f"share (or the gradient they all start from) is wrong; gradcheck.numerical_gradient checks each.")


def expect_finite_difference_gradients(case, forward, tolerance=1e-5, forward_must_be_right=False):
    """The student's backward pass agrees with centred differences of their own forward pass (on a sample of entries).

    The backward runs in one call, the forward at the moved points in another; the differences are
    computed here. With ``forward_must_be_right``, the forward pass must also return the expected
    states: a forward and a backward that both return zeros agree perfectly, and earn nothing.
    """
    stored = fixture(case)
    kind, inputs, expected, variants = stored.procedure, stored.inputs, stored.expected, stored.variants
    entry = assignment.backward_of(forward)
    backward, [upstream], output, fixed = entry.backward, entry.upstream, entry.output, entry.fixed
    analytic, mutated = run(backward, inputs)
    errors = _gradient_errors(kind, forward, inputs, analytic, upstream, fixed)
    wrong = _disagreeing(errors, tolerance)
    if wrong:
        known = known_mistakes(analytic, variants, list(analytic))
        if mutated:
            hint = (f"your code modified {', '.join(mutated)} in place, which can throw the gradients off: "
                    f"build new arrays instead (x = x + y, not x += y).")
        elif known:
            hint = "\nHint: ".join(known)
        elif mismatch(analytic.get(output), expected[output]):
            hint = (f"your {forward} does not return the expected states (its own check says how), and "
                    f"finite differences follow your {forward}: make it right first.")
        else:
            hint = _where_it_goes_wrong(backward, forward, inputs, upstream, fixed, tolerance, wrong)
        entries, numeric, sampled, error = errors[wrong[0]]
        others = f" (also: {_names(wrong[1:])})" if wrong[1:] else ""
        raise CheckFailed(
            f"{kind}: the gradient on {wrong[0]}{others} disagrees with finite differences of your {forward} "
            f"(relative error {error:.2g}, should be below {tolerance:g}; "
            f"at the flat entries {entries.tolist()} of d{wrong[0]}).\n"
            f"  finite differences: {describe(numeric)}\n"
            f"  your gradient:      {describe(sampled)}\n"
            f"Hint: {hint}"
        )
    if forward_must_be_right and mismatch(analytic.get(output), expected[output]):
        raise NotChecked(
            f"needs the right outputs of {forward} first.\nYour gradients agree with finite "
            f"differences of your {forward}, but it does not return the expected {output}: "
            f"{mismatch(analytic.get(output), expected[output])}.\n"
            f"Hint: this check pays for a backward pass that is the derivative of a right {forward}: make "
            f"{forward} right first (its own check says how)."
        )
    if mutated:
        raise CheckFailed(
            f"{kind}: your gradients agree with finite differences, but your code modified its input(s) "
            f"{', '.join(mutated)} in place (x += ..., x[...] = ...).\n"
            f"Hint: inputs must come back unchanged (a caller may use {upstream} again): build new arrays instead."
        )


# --------------------------------------------------------------- printed lines

_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
# The assignment says how to read its script's lines (SPEC.printed, a plugin.PrintedScript):
# printed_line(reference_line, own) gives the label a line starts with, which of the student's values it
# shows (own[key]) and those values; own_line(reference_line, own) the line printed from them;
# format_mistake(got, want) a hint for a number printed with another format, or None.


def _follows(line, reference_line, own):
    """Whether a printed line shows, to its printed precision, the numbers the student's functions give."""
    label, _, values = spec.printed.printed_line(reference_line, own)
    if line is None or values is None or not line.startswith(label):
        return False
    numbers = _NUMBER.findall(line[len(label):])
    if len(numbers) != len(values):
        return False
    for text, value in zip(numbers, values):
        mantissa, _, exponent = text.lower().partition("e")
        decimals = len(mantissa.partition(".")[2])
        unit = 10.0 ** (int(exponent or 0) - decimals)
        if not abs(float(text) - value) <= 0.5 * unit * (1 + 1e-6) + 1e-9 * abs(value):
            return False
    return True


def _printed_line_mistake(got, reference, index, count):
    """What is wrong with printed line ``index``: a line missing, a number in another format, or the number
    of another line; else None."""
    if got is None:
        return f"your output has only {count} lines: a line is missing (line {index + 1} and after)."
    want = reference[index]
    if got != want and got.endswith(want) or (len(got) > len(want) and want.split(": ")[0] in got
                                              and not got.startswith(want.split(": ")[0])):
        return (f"line {index + 1} starts with other output before its text: a print() left in a function "
                f"(print(..., end=...) adds no line break) puts its text there; remove debugging prints.")
    label, _, number = got.rpartition(": ")
    own_label = reference[index].rpartition(": ")[0]
    others = [other for other, line in enumerate(reference)
              if other != index and line.rpartition(": ")[2] == number and label == own_label]
    if others:
        other_label = reference[others[0]].rpartition(": ")[0]
        if other_label.partition(":")[0] == own_label.partition(":")[0]:  # same model, another distance
            return (f"line {index + 1} shows the number of line {others[0] + 1} ({other_label}): print each "
                    f"line's own value.")
        return (f"line {index + 1} ({own_label}) shows the number line {others[0] + 1} should show ({other_label}): "
                f"{spec.printed.other_line_hint}")
    return spec.printed.format_mistake(got, reference[index])


def _functions_right(first, last, reference, own):
    """Fail as NotChecked unless the function behind each line from ``first`` to ``last`` is right on the
    cases of its own question (SPEC.printed.needs): a line pays for a right number, computed."""
    keys = dict.fromkeys(spec.printed.printed_line(reference[index], own)[1] for index in range(first - 1, last))
    for key in keys:
        for case in filter(has_case, spec.printed.needs[key]):
            try:
                expect_case(case)
            except NotRun:
                raise
            except CheckFailed as failure:
                raise NotChecked(
                    f"needs the right outputs of {fixture_file.procedure_of(case)} first: these lines pay for "
                    f"right numbers computed by your functions.\n{failure}") from None


def expect_printed_lines(first, last, hint):
    """Lines ``first`` to ``last`` (1-based) of the reference script's output, as the student's script prints them.

    A line pays only when it shows, in the reference's format, the number the student's own function gives
    on the script's inputs (SPEC.printed.own_values, in a call of its own), and that function is right on
    the cases of its own question (SPEC.printed.needs). Then the script runs a second time, with the
    functions behind its numbers changed in a known way (SPEC.printed.perturbed, see procedures.perturbed):
    the numbers it prints must follow, so they come from those functions each time the script runs.
    """
    printed_script = spec.printed
    script, functions = assignment.script, " and ".join(printed_script.perturbed)
    modules = " and ".join(dict.fromkeys(assignment.functions[name] for name in printed_script.perturbed))
    stored = fixture(printed_script.case)
    inputs, expected = stored.inputs, stored.expected
    reference = [str(line) for line in expected["lines"]]
    own = run(printed_script.own_values, inputs)[0]
    _functions_right(first, last, reference, own)
    printed = run("run_script", {})[0]["lines"]
    problems, found, unexplained = [], [], False
    for index in range(first - 1, last):
        want = reference[index]
        got = printed[index].rstrip() if index < len(printed) else None
        # The line as the reference prints it (its format, to its digits), showing the student's own number.
        if got is not None and (got == printed_script.own_line(want, own)
                                or (got == want and _follows(got, want, own))):
            continue
        shown = f"nothing (the output has only {len(printed)} lines)" if got is None else repr(got[:200])
        problems.append(f"  line {index + 1}: expected {want!r}\n           printed  {shown}")
        diagnosis = _printed_line_mistake(got, reference, index, len(printed))
        if diagnosis:
            found.append(diagnosis)
        else:
            unexplained = True
    if problems:
        hints = list(dict.fromkeys(found)) + ([hint] if unexplained else [])
        raise CheckFailed(
            (f"python {script} printed line {first} wrong:\n" if first == last else
             f"python {script} printed {len(problems)} wrong line(s) among lines {first}-{last}:\n")
            + "\n".join(problems) + "".join(f"\nHint: {h}" for h in hints)
        )
    second_run = f"run a second time with {functions} changed on purpose ({printed_script.perturbation})"
    try:
        printed = run("run_script", {}, perturbed=True)[0]["lines"]
    except NotRun:
        raise
    except CheckFailed as error:
        raise CheckFailed(f"python {script}, {second_run}, did not finish: {error}") from None
    own = run(printed_script.own_values, inputs, perturbed=True)[0]
    problems = []
    for index in range(first - 1, last):
        got = printed[index].rstrip() if index < len(printed) else None
        if not _follows(got, reference[index], own):
            shown = "nothing" if got is None else repr(got[:200])
            wanted = printed_script.own_line(reference[index], own)
            wanted = "nothing: your function failed on that input" if wanted is None else repr(wanted)
            problems.append(f"  line {index + 1}: expected {wanted} (from your functions)\n"
                            f"           printed  {shown}")
    if problems:
        raise CheckFailed(
            f"python {script}, {second_run}, printed {len(problems)} line(s) among lines {first}-{last} "
            f"that did not change with them:\n" + "\n".join(problems)
            + f"\nThese lines get no points: the question is {printed_script.what} computed with your functions, "
              f"and the numbers printed there do not come from them (even when they are {printed_script.whose}).\n"
              f"Hint: compute every printed number by calling {functions} "
              f"(from {modules}) each time the script runs."
        )


# ------------------------------------------------------------ edges of the contract

def expect_edge_case(case, hint, needs=None, **options):
    """``expect_case`` for an edge of the contract; when the student's code raised, the message says on
    which inputs and gets the hint too (a crash on an empty sequence says little by itself).

    ``needs`` names an ordinary case that must be right first: a function wrong everywhere is wrong at
    the edge too, and its edge check then says it could not judge the edge (NotChecked).
    """
    if needs:
        needs_right_outputs(needs, hint=hint)
    try:
        expect_case(case, hint=hint, **options)
    except NotRun:
        raise
    except CheckFailed as failure:
        if "\nHint: " in str(failure):
            raise
        raise CheckFailed(f"{failure}\n  ({fixture_file.procedure_of(case)}, {_inputs_line(fixture(case).inputs)})\n"
                          f"Hint: {hint}") from None


def expect_backward_on_empty_sequence(case, hint=""):
    """``expect_case`` for a backward pass at T = 0, unless the student's forward fails there.

    A backward's checks may replay reference values when the forward's are wrong
    (SPEC.replayed), but a forward that raises on an empty sequence leaves no
    cache to go on: its procedure says ``forward_failed``, the forward's own
    check (another question) reports it, and this one passes.
    """
    stored = fixture(case)
    kind, inputs, expected = stored.procedure, stored.inputs, stored.expected
    try:
        got, _ = run(kind, _with_replay(kind, inputs, expected), forward_optional=True)
    except CheckFailed:  # the backward itself failed: expect_edge_case runs it again and explains
        got = {}
    if "forward_failed" not in got:
        expect_edge_case(case, hint=hint)


def _cache_changes(before, after):
    """The parts of a cache (arrays, container lengths, by path) that differ between two snapshots
    (procedures.arrays_in), a resized container named once rather than each entry it moved."""
    if not isinstance(before, dict) or not isinstance(after, dict):
        return ["the cache could not be read"]
    changed = sorted(
        path for path in set(before) | set(after)
        if path not in before or path not in after or not isinstance(before[path], np.ndarray)
        or not isinstance(after[path], np.ndarray) or before[path].shape != after[path].shape
        or not np.array_equal(before[path], after[path], equal_nan=True)
    )
    resized = [path[:-len(" (length)")] for path in changed if path.endswith(" (length)")]
    return [path for path in changed if not any(path.startswith(r + "[") for r in resized)]


def expect_backward_repeatable(case, forward, hint=""):
    """The student's backward, called twice on the cache of one forward, gives identical results both
    times and leaves the cache as it was (the checks on its values are elsewhere)."""
    stored = fixture(case)
    inputs, expected = stored.inputs, stored.expected
    backward = assignment.backward_of(forward).backward
    replay = {name: expected[name] for name in spec.replayed.get(backward, ())}
    try:
        got, _ = run("backward_twice", {**inputs, **replay}, forward=forward)
    except NotRun:
        raise
    except CheckFailed as failure:
        raise _not_checked(f"{forward} and {backward}", failure) from None
    changed = _cache_changes(got.get("cache_before"), got.get("cache_after"))
    # Only a backward that is right pays: identical wrong (or zero) gradients twice earn nothing.
    compared = {name: value for name, value in expected.items() if "first." + name in got}
    wrong = [name for name, value in compared.items() if mismatch(got["first." + name], value)]
    if wrong:
        name = wrong[0]
        # Which values are wrong, and where: the checks of its values show them in full, with a hint.
        raise _not_checked(backward, CheckFailed(
            f"{backward} returns wrong values on this case ({_inputs_line(inputs)}): {', '.join(wrong)}.\n"
            f"Hint: this check pays for a backward pass that can be called twice and gives the right "
            f"gradients: make them right first (the checks of its values show what differs)."))
    if got["second_failure"]:
        problem = f"the second call failed: {got['second_failure']}"
    else:
        names = sorted(k[len("first."):] for k in got if k.startswith("first."))
        differ = [name for name in names if not (
            isinstance(got["first." + name], np.ndarray) and isinstance(got.get("second." + name), np.ndarray)
            and got["first." + name].shape == got["second." + name].shape
            and np.array_equal(got["first." + name], got["second." + name], equal_nan=True))]
        problem = (f"the second call returned different values for {', '.join(differ)}" if differ else
                   f"its cache changed: {', '.join(changed[:6])}{' ...' if len(changed) > 6 else ''}" if changed
                   else "")
    if problem:
        raise CheckFailed(
            f"{backward} called twice on the same cache from {forward} ({_inputs_line(inputs)}): {problem}.\n"
            + (f"  changed in the cache by the first call: {', '.join(changed[:6])}\n" if changed and "cache" not in problem else "")
            + f"Hint: {hint or 'the backward pass may only read its cache: no pop(), no reverse(), no writing into cached arrays (x *= ..., x[...] = ...); a second call must give the same gradients.'}"
        )
