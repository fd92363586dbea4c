"""An assignment's plug-in (grading/calls.py's SPEC) is validated by the build against its manifest, its cases
and its checks: a broken one stops the build with a message naming the assignment, the field and the fix."""
import dataclasses
import re
import types

import pytest

from autograder import assignment as course
from autograder.build import validate

RNN, BEYOND = course.load("rnn_shortcomings"), course.load("beyond_recurrence")


def spec_of(assignment):
    validate.support_modules()  # calls.py imports them
    return assignment.grading_module("calls").SPEC


def build_fails(monkeypatch, assignment, spec, *phrases):
    """Validating ``assignment`` with ``spec`` as its SPEC fails with one error holding each of ``phrases``."""
    monkeypatch.setattr(assignment.grading_module("calls"), "SPEC", spec)
    with pytest.raises(validate.PluginError) as failure:
        validate.check_plugin(assignment)
    for phrase in phrases:
        assert phrase in str(failure.value)
    return str(failure.value)


def with_backward(spec, index, **changes):
    backwards = list(spec.backwards)
    backwards[index] = dataclasses.replace(backwards[index], **changes)
    return dataclasses.replace(spec, backwards=tuple(backwards))


@pytest.mark.parametrize("assignment", course.every(), ids=course.names())
def test_every_assignments_plugin_fits_its_manifest_its_cases_and_its_checks(assignment):
    validate.check_plugin(assignment)


def test_a_misspelt_forward_names_the_field_and_the_functions_to_choose_from(monkeypatch):
    message = build_fails(monkeypatch, BEYOND, with_backward(spec_of(BEYOND), 1, forward="gru_forwad"),
                          "beyond_recurrence: grading/calls.py SPEC.backwards[1].forward = 'gru_forwad' is not a "
                          "function of the manifest (assignment.toml [[questions]] functions): one of ")
    assert "gru_forward" in message.partition("one of ")[2]


def test_a_field_of_the_wrong_type_says_which_type(monkeypatch):
    build_fails(monkeypatch, RNN, with_backward(spec_of(RNN), 0, upstream="dHs"),
                "rnn_shortcomings: grading/calls.py SPEC.backwards[0].upstream = 'dHs' is not tuple[str, ...]")


def test_a_case_whose_procedure_is_not_declared_says_where_to_declare_it(monkeypatch):
    spec = spec_of(RNN)
    procedures = {name: run for name, run in spec.procedures.items() if name != "iterate_map"}
    build_fails(monkeypatch, RNN, dataclasses.replace(spec, procedures=procedures),
                "grading/cases.py CASES['iterate_map/", "names the procedure 'iterate_map', which grading/calls.py "
                "does not declare: add it to SPEC.procedures")


def test_a_module_that_is_not_the_students_names_the_modules_to_choose_from(monkeypatch):
    spec = spec_of(BEYOND)
    build_fails(monkeypatch, BEYOND, dataclasses.replace(spec, modules_of={"path_values": ("gradient_path",)}),
                "beyond_recurrence: grading/calls.py SPEC.modules_of['path_values'] = ('gradient_path',) names "
                "'gradient_path', which is not a student module", "gradient_paths")


def test_a_script_question_needs_a_printed_declaration(monkeypatch):
    build_fails(monkeypatch, RNN, dataclasses.replace(spec_of(RNN), printed=None),
                "rnn_shortcomings: grading/calls.py SPEC.printed = None, but the manifest's question "
                "'printed_norms' has script = true: declare SPEC.printed = PrintedScript(...)")


def test_the_printed_declaration_changes_the_scripts_functions_one_way(monkeypatch):
    spec = spec_of(RNN)
    build_fails(monkeypatch, RNN, dataclasses.replace(spec, printed=dataclasses.replace(spec.printed, stand_in=len)),
                "grading/calls.py SPEC.printed sets both scale and stand_in: set one")


def test_a_finite_difference_check_needs_a_backward_with_an_output(monkeypatch):
    build_fails(monkeypatch, BEYOND, with_backward(spec_of(BEYOND), 2, output=None),
                "grading/checks/attention.py, line ", "expect_finite_difference_gradients checks "
                "'attention_forward' against finite differences, but its Backward's output is None")


def test_a_calls_py_without_a_spec_is_told_to_declare_one(monkeypatch):
    build_fails(monkeypatch, RNN, None, "rnn_shortcomings: grading/calls.py SPEC = None is not a plugin.Spec")


def test_every_problem_is_told_in_one_error(monkeypatch):
    spec = with_backward(spec_of(BEYOND), 0, backward="gru_step_backwards")
    message = build_fails(monkeypatch, BEYOND, dataclasses.replace(spec, printed=None))
    assert re.search(r"SPEC\.backwards\[0\]\.backward = 'gru_step_backwards'", message)
    assert "SPEC.printed = None" in message


def test_an_assignment_without_a_printed_script_declares_none(tmp_path):
    """A printed script is optional: without a script = true question the plug-in has no script, and a SPEC
    without ``printed`` (and cases without PRINTED) validates."""
    plugin, _ = validate.support_modules()
    (tmp_path / course.MANIFEST).write_text('title = "Demo"\nprovided = ["helpers.py"]\n[[questions]]\nname = "demo"\n'
                                            'file = "demo.py"\npoints = 10\nfunctions = { double = 10 }\n')
    demo = course.Assignment(tmp_path / course.MANIFEST)
    spec = plugin.Spec(procedures={"double": lambda x: {"y": 2 * x}})
    declared = plugin.load(types.SimpleNamespace(__file__=str(tmp_path / "grading" / "calls.py"), SPEC=spec))
    assert (declared.script, dict(declared.functions), set(declared.student_modules)) == (
        None, {"double": "demo"}, {"demo", "helpers"})
    cases = types.SimpleNamespace(CASES={"double/small": ("double", True, None)})
    assert validate.spec_problems(demo, spec, cases) == []
    assert "no question of the manifest has script = true" in "".join(
        validate.spec_problems(demo, spec, types.SimpleNamespace(CASES=cases.CASES, PRINTED={})))
