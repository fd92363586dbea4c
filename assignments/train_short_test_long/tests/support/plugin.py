# Generated from autograder/support/plugin.py
# by `python -m autograder build`: edit that file, not this copy.
"""The plug-in API: what an assignment's ``grading/calls.py`` declares, as one ``SPEC`` (provided, not graded).

An assignment's ``calls.py`` says how the checks call the student's functions. It exports one name,
``SPEC = Spec(...)``: its procedures, its backward passes (``Backward``), its printed script
(``PrintedScript``, optional) and its own diagnosis hints. Nothing else is read from it.

What the manifest (``assignment.toml``) says is never restated there: the student's modules, the
module of each function and the printed script's file come from it (``Plugin``, loaded by ``load``).
The manifest ships beside ``calls.py`` (the release's tests/support/, the autograder zip); in the
repository it is one folder up, beside ``grading/``.

``python -m autograder build`` validates a SPEC against the manifest and the cases
(``autograder/build/validate.py``) and stops with a message naming the assignment, the field and
the fix. Every class takes keywords only, so a declaration reads as its field names.
"""
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import manifest


@dataclass(frozen=True, kw_only=True)
class Backward:
    """A forward function of the student's with its backward pass: the checks run the forward, then the
    backward on its cache, in one procedure named after the backward (``procedures.forward_then_backward``),
    twice on one cache (``checking.expect_backward_repeatable``), and against finite differences of the
    forward (``checking.expect_finite_difference_gradients``, when ``output`` is set)."""

    forward: str
    """The forward function (a function of the manifest): it returns ``(*outputs, cache)``."""
    backward: str
    """The backward function (a function of the manifest): it takes ``(*upstream, cache)``. The
    procedure running both is named after it: the cases of the backward name it as their kind."""
    upstream: tuple[str, ...]
    """The inputs holding the upstream gradients, in the order the backward takes them."""
    outputs: tuple[str, ...]
    """The names of what the forward returns before its cache, in order."""
    grads: tuple[str, ...]
    """The inputs whose gradients the backward returns, in order; the checks name the gradient on
    input ``x`` ``"dx"``."""
    returns: Literal["tuple", "dict"] = "tuple"
    """How the backward returns the gradients: ``"tuple"``, one value each in the order of ``grads``;
    ``"dict"``, a dict keyed by the inputs' names."""
    extra: str | None = None
    """With ``returns="dict"``: the name of a value the backward returns after the dict, as
    ``(grads, extra)``; it is compared as an output of that name. None: the dict alone."""
    output: str | None = None
    """The output of ``outputs`` that the backward's procedure returns beside the gradients, and that
    the upstream gradient weighs in the finite-difference check (which needs it, and one upstream).
    None: the procedure returns the gradients alone, and there is no finite-difference check."""
    fixed: tuple[str, ...] = ()
    """Inputs the finite-difference check leaves alone (settings, not inputs to differentiate)."""
    numbers: tuple[str, ...] = ()
    """Inputs the procedures give the forward as Python floats (the fixtures store numbers as arrays)."""
    sequences: tuple[str, ...] = ()
    """The time-major inputs (time on the first axis): when finite differences disagree, the check cuts
    them to their first step to tell a step's own formulas from what flows back between steps."""
    procedure: Callable[..., dict] | None = None
    """The procedure named after ``backward``, when the generic one does not do (it takes the case's
    inputs as keywords, returns the outputs to compare); None: ``procedures.forward_then_backward``."""
    twice: Callable[[dict], tuple] | None = None
    """For ``backward_twice``: given the case's inputs, runs the forward and returns ``(cache, once)``,
    ``once()`` calling the backward once on copies of the upstream gradients and returning its
    gradients. None: the generic one (``procedures.cache_and_backward``)."""


@dataclass(frozen=True, kw_only=True)
class PrintedScript:
    """How the checks read the lines the printed script (the manifest's ``script = true`` question)
    prints (``checking.expect_printed_lines``). A line pays when it shows, in the reference's format,
    the number the student's own function gives, that function being right on its own question's
    cases; then the script runs a second time with the functions behind its numbers changed, and the
    numbers it prints must change with them."""

    case: str
    """The fixture case holding the reference lines (output ``lines``) and the inputs ``own_values``
    takes; the build stores the inputs of ``cases.PRINTED`` under it."""
    own_values: str
    """The procedure (of ``Spec.procedures``) giving what the student's functions compute for the
    lines, as a dict of arrays (None where a function fails); called with the case's inputs, and with
    ``perturbed=True`` for what the changed functions give in the second run."""
    needs: Mapping[str, tuple[str, ...]]
    """For each key of ``own_values``: the cases (of the function behind it) that must be right for
    a line showing it to pay. Those the fixtures lack (the hidden ones, in a student's copy) are skipped."""
    perturbed: tuple[str, ...]
    """The functions (of the manifest) changed in the script's second run."""
    perturbation: str
    """The change, in the words the student reads: "...changed on purpose (<perturbation>)"."""
    scale: float | None = None
    """The default change: each function's first argument, a matrix, scaled by this. Set this or
    ``stand_in``, not both."""
    stand_in: Callable[[Callable], Callable] | None = None
    """The other change: ``stand_in(original)`` returns the function answering in place of the
    student's ``original``. Set this or ``scale``, not both."""
    what: str
    """What the lines are, for the student: "the question is <what> computed with your functions"."""
    whose: str
    """Whose numbers the reference's are: "(even when they are <whose>)"."""
    other_line_hint: str
    """The hint after "line i (label) shows the number line j should show (label):", when the two
    lines show different values of ``own_values``: what to look at in the line's computation."""
    printed_line: Callable[[str, dict], tuple]
    """``printed_line(reference_line, own)``: the label the line starts with, the key of ``own`` it
    shows, and the numbers it must show (an array), or None when the function failed."""
    own_line: Callable[[str, dict], str | None]
    """``own_line(reference_line, own)``: the line as the reference prints it, showing the student's
    own number; None when their function failed."""
    format_mistake: Callable[[str, str], str | None]
    """``format_mistake(got, want)``: a hint when a number is printed in another format than the
    reference line ``want``'s; else None."""


@dataclass(frozen=True, kw_only=True)
class Spec:
    """An assignment's plug-in: all that ``grading/calls.py`` tells the checks (exported as ``SPEC``)."""

    procedures: Mapping[str, Callable[..., dict]]
    """The assignment's procedures, by name (a case's kind, the part of its name before "/"): each
    takes the case's inputs as keywords, calls the student's functions through ``procedures.call``
    and returns the outputs to compare, a dict of plain data. The course's generic procedures
    (``procedures.GENERIC``) and one per ``Backward`` come on top: none of those is named here."""
    backwards: tuple[Backward, ...] = ()
    """The backward passes, one per forward that has one."""
    modules_of: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """The student modules a procedure imports, where they are not just its function's module (a
    procedure named after a function imports that function's module; a Backward's, the modules of
    its forward and backward): a grader skips the call when one of them cannot be imported."""
    replayed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """By procedure: reference outputs fed back to it as keyword inputs (and not compared), so that a
    bug of an earlier question's function does not cost this question's points too."""
    printed: PrintedScript | None = None
    """How to read the printed script's lines: set exactly when the manifest has a ``script = true``
    question."""
    diagnosis_hints: Callable[[str, dict, dict, list, dict], list] | None = None
    """``diagnosis_hints(kind, got, expected, wrong, inputs)``: hints naming a mistake the outputs
    ``got`` of procedure ``kind`` show (``wrong``: the names of the wrong outputs), beside the known
    mistakes of grading/mistakes.py; [] when it recognises none. None: no hints of its own."""


@dataclass(frozen=True)
class Plugin:
    """An assignment as the checks see it: its SPEC and the names its manifest gives (``load``)."""

    spec: Spec
    student_modules: tuple[str, ...]
    """The modules of the student's folder the checks may import: the graded files and the provided
    ones (also those shared by, or the reference versions from, another assignment), as module names."""
    graded_modules: tuple[str, ...]
    """The modules of the graded files (the student's own code)."""
    functions: Mapping[str, str]
    """Every function of the manifest's questions, with the module of its question's file."""
    script: str | None
    """The file of the ``script = true`` question, None if there is none."""

    def backward_of(self, forward):
        """The ``Backward`` whose forward is ``forward``; KeyError if there is none."""
        for entry in self.spec.backwards:
            if entry.forward == forward:
                return entry
        raise KeyError(f"no Backward of SPEC.backwards has the forward {forward!r}")

    def backward_named(self, backward):
        """The ``Backward`` whose backward is ``backward``, or None."""
        return next((entry for entry in self.spec.backwards if entry.backward == backward), None)


def manifest_of(calls_file):
    """The manifest an assignment's ``calls.py`` at ``calls_file`` goes with: beside it (the release,
    the autograder), or one folder up (the repository's ``solutions/<name>/grading/``)."""
    folder = os.path.dirname(os.path.abspath(calls_file))
    for place in (folder, os.path.dirname(folder)):
        if os.path.isfile(os.path.join(place, manifest.FILE)):
            return os.path.join(place, manifest.FILE)
    raise FileNotFoundError(f"no {manifest.FILE} beside {calls_file} or in the folder above it")


def from_manifest(spec, parsed):
    """The ``Plugin`` of ``spec`` with the names the ``parsed`` manifest (a ``manifest.Manifest``) gives."""
    return Plugin(spec=spec, student_modules=parsed.student_modules, graded_modules=parsed.graded_modules,
                  functions=parsed.functions, script=parsed.script)


def load(calls):
    """The ``Plugin`` of the assignment whose ``calls`` module is given (its ``SPEC``, its manifest)."""
    return from_manifest(calls.SPEC, manifest.load(manifest_of(calls.__file__)))
