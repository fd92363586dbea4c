"""Validate an assignment's plug-in, the ``SPEC`` of its ``grading/calls.py``, against its manifest and cases.

Run by the build beside ``package.check_points``: a SPEC with a field of the wrong type, or naming a
function, module, procedure or case that does not exist, stops the build with one message naming the
assignment, the field and the fix, instead of failing when a submission is graded.
"""
import ast
import collections.abc
import dataclasses
import sys
import types
import typing

from autograder import assignment as course

# The checks that name a forward with a Backward: (their name, whether the Backward needs an ``output``).
FORWARD_CHECKS = {"expect_backward_repeatable": False, "expect_finite_difference_gradients": True}


class PluginError(ValueError):
    """An assignment's plug-in does not fit its manifest or its cases; the message says where and how."""


def support_modules():
    """The shipped modules ``plugin`` and ``procedures``, as an assignment's calls.py imports them."""
    if str(course.SUPPORT) not in sys.path:
        sys.path.append(str(course.SUPPORT))
    import plugin
    import procedures

    return plugin, procedures


def check_plugin(assignment):
    """Raise PluginError unless ``assignment``'s SPEC fits its manifest, its cases and its checks."""
    support_modules()  # first: calls.py imports them
    calls = assignment.grading_module("calls")
    cases = assignment.grading_module("cases")
    problems = spec_problems(assignment, getattr(calls, "SPEC", None), cases)
    if problems:
        raise PluginError("\n".join(f"{assignment.name}: {problem}" for problem in problems))


def spec_problems(assignment, spec, cases):
    """What is wrong with ``spec`` for ``assignment`` (whose ``cases`` module is given), one line each."""
    plugin, procedures = support_modules()
    if not isinstance(spec, plugin.Spec):
        return [f"grading/calls.py SPEC = {_shown(spec)} is not a plugin.Spec: declare "
                "SPEC = Spec(procedures={...}, ...) (from plugin import Spec)"]
    found = _type_problems(spec, "SPEC")
    if found:  # the other checks read the fields as their types say
        return found
    declared = plugin.from_manifest(spec, assignment.parsed)
    return [*_procedure_problems(declared, procedures.GENERIC, cases), *_backward_problems(declared),
            *_module_problems(declared), *_printed_problems(assignment, declared, cases),
            *_check_problems(assignment, declared)]


# ------------------------------------------------------------ types

def _type_problems(value, path):
    """The fields of the dataclass ``value`` (and of those it holds) whose values are not of their type."""
    found = []
    for field in dataclasses.fields(value):
        hint = typing.get_type_hints(type(value))[field.name]
        item = getattr(value, field.name)
        where = f"{path}.{field.name}"
        if not _conforms(item, hint):
            found.append(f"grading/calls.py {where} = {_shown(item)} is not {_type_name(hint)}: declare it as one "
                         f"(see the fields of plugin.{type(value).__name__})")
        elif isinstance(item, tuple):
            found += [p for index, entry in enumerate(item) if dataclasses.is_dataclass(entry)
                      for p in _type_problems(entry, f"{where}[{index}]")]
        elif dataclasses.is_dataclass(item):
            found += _type_problems(item, where)
    return found


def _conforms(value, hint):
    origin, arguments = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_conforms(value, argument) for argument in arguments)
    if hint is type(None):
        return value is None
    if origin is typing.Literal:
        return value in arguments
    if origin is tuple:  # tuple[X, ...]
        return isinstance(value, tuple) and all(_conforms(entry, arguments[0]) for entry in value)
    if origin is collections.abc.Mapping:
        return isinstance(value, collections.abc.Mapping) and all(
            _conforms(k, arguments[0]) and _conforms(v, arguments[1]) for k, v in value.items())
    if origin is collections.abc.Callable:
        return callable(value)
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, hint)


def _type_name(hint):
    return str(hint).replace("collections.abc.", "").replace("typing.", "").replace("<class '", "").replace("'>", "")


def _shown(value, limit=80):
    text = getattr(value, "__name__", None) if callable(value) else None
    text = text or repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _one_of(names):
    return ", ".join(sorted(names)) or "none"


# ------------------------------------------------------------ names

def _procedures(declared, generic):
    return {*generic, *declared.spec.procedures, *(entry.backward for entry in declared.spec.backwards)}


def _procedure_problems(declared, generic, cases):
    spec, found = declared.spec, []
    backwards = {entry.backward: index for index, entry in enumerate(spec.backwards)}
    for name in spec.procedures:
        if name in generic:
            found.append(f"grading/calls.py SPEC.procedures[{name!r}] is a procedure of every assignment "
                         f"(procedures.GENERIC): name yours otherwise")
        elif name in backwards:
            found.append(f"grading/calls.py SPEC.procedures[{name!r}] is the procedure of SPEC.backwards"
                         f"[{backwards[name]}] already: remove it here, or set that Backward's procedure")
    known = _procedures(declared, generic)
    for case, (kind, *_) in cases.CASES.items():
        if kind not in known:
            found.append(f"grading/cases.py CASES[{case!r}] names the procedure {kind!r}, which grading/calls.py "
                         f"does not declare: add it to SPEC.procedures (or a Backward whose backward it is); "
                         f"declared: {_one_of(known - set(generic))}")
    for field in ("modules_of", "replayed"):
        found += [f"grading/calls.py SPEC.{field}[{name!r}] names no procedure: one of "
                  f"{_one_of(known - set(generic))}" for name in getattr(spec, field) if name not in known]
    return found


def _not_a_function(where, name, declared):
    return (f"grading/calls.py {where} = {name!r} is not a function of the manifest (assignment.toml "
            f"[[questions]] functions): one of {_one_of(declared.functions)}")


def _backward_problems(declared):
    found, forwards = [], set()
    for index, entry in enumerate(declared.spec.backwards):
        where = f"SPEC.backwards[{index}]"
        found += [_not_a_function(f"{where}.{field}", getattr(entry, field), declared)
                  for field in ("forward", "backward") if getattr(entry, field) not in declared.functions]
        if entry.forward in forwards:
            found.append(f"grading/calls.py {where}.forward = {entry.forward!r} has a Backward already: "
                         f"declare one per forward")
        forwards.add(entry.forward)
        if not entry.upstream:
            found.append(f"grading/calls.py {where}.upstream = () names no input: name the inputs holding the "
                         f"upstream gradients, in the order {entry.backward} takes them")
        if entry.output is not None and entry.output not in entry.outputs:
            found.append(f"grading/calls.py {where}.output = {entry.output!r} is not one of its outputs "
                         f"{entry.outputs}: name one of them, or None")
        if entry.output is not None and len(entry.upstream) != 1:
            found.append(f"grading/calls.py {where}.output = {entry.output!r} asks for a finite-difference check, "
                         f"which weighs one output with one upstream gradient, but upstream = {entry.upstream}: "
                         f"set output = None")
        if entry.extra is not None and entry.returns != "dict":
            found.append(f"grading/calls.py {where}.extra = {entry.extra!r} comes after a dict of gradients: "
                         f"set returns = \"dict\", or extra = None")
    return found


def _module_problems(declared):
    return [f"grading/calls.py SPEC.modules_of[{name!r}] = {modules!r} names {module!r}, which is not a student "
            f"module (the manifest's graded and provided files): one of {_one_of(declared.student_modules)}"
            for name, modules in declared.spec.modules_of.items() for module in modules
            if module not in declared.student_modules]


def _printed_problems(assignment, declared, cases):
    printed = declared.spec.printed
    has_inputs = hasattr(cases, "PRINTED")
    if declared.script is None:
        return ([] if printed is None else [
            "grading/calls.py SPEC.printed is set, but no question of the manifest has script = true: set "
            "SPEC.printed = None, or mark the printed script's question script = true"]) + ([] if not has_inputs else [
            "grading/cases.py PRINTED is set, but no question of the manifest has script = true: remove it"])
    script_question = next(q.name for q in assignment.questions if q.script)
    if printed is None:
        return [f"grading/calls.py SPEC.printed = None, but the manifest's question {script_question!r} has "
                f"script = true: declare SPEC.printed = PrintedScript(...) (from plugin import PrintedScript)"]
    found = [] if has_inputs else [
        f"grading/cases.py has no PRINTED, but the manifest's question {script_question!r} has script = true: "
        f"set PRINTED to the inputs of SPEC.printed.own_values ({printed.own_values!r})"]
    known = _procedures(declared, ())
    if printed.own_values not in known:
        found.append(f"grading/calls.py SPEC.printed.own_values = {printed.own_values!r} is not a procedure of "
                     f"SPEC.procedures: one of {_one_of(known)}")
    found += [_not_a_function("SPEC.printed.perturbed", name, declared)
              for name in printed.perturbed if name not in declared.functions]
    found += [f"grading/calls.py SPEC.printed.needs[{key!r}] names the case {case!r}, which grading/cases.py "
              f"CASES does not hold" for key, needed in printed.needs.items() for case in needed
              if case not in cases.CASES]
    if (printed.scale is None) == (printed.stand_in is None):
        found.append(f"grading/calls.py SPEC.printed sets {'both' if printed.scale is not None else 'neither'} "
                     f"scale and stand_in: set one (how the script's second run changes its functions)")
    return found


def _check_problems(assignment, declared):
    """The forwards named in the checks' calls of FORWARD_CHECKS that have no Backward that fits."""
    entries = {entry.forward: entry for entry in declared.spec.backwards}
    found = []
    for path in sorted(assignment.checks.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FORWARD_CHECKS):
                continue
            given = node.args[1:2] + [k.value for k in node.keywords if k.arg == "forward"]
            forward = given[0].value if given and isinstance(given[0], ast.Constant) else None
            where = f"grading/checks/{path.name}, line {node.lineno}: {node.func.id}"
            if forward not in entries:
                found.append(f"{where} names the forward {forward!r}, which has no Backward in grading/calls.py "
                             f"SPEC.backwards: one of {_one_of(entries)}")
            elif FORWARD_CHECKS[node.func.id] and entries[forward].output is None:
                found.append(f"{where} checks {forward!r} against finite differences, but its Backward's output "
                             f"is None: set the output the upstream gradient weighs")
    return found
