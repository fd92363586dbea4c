"""Every graded function of the reference solutions computes what PyTorch computes, in float64.

The comparisons are each assignment's (``grading/crosscheck.py``), run by
``autograder/build/crosscheck.py`` (shared with ``python -m autograder crosscheck``);
here they run per assignment, function and shape, and against bugs of the bug
libraries to show that they can fail.
"""
import subprocess
import sys

import pytest

import buglib
from autograder import assignment as course
from autograder.build import crosscheck

pytest.importorskip("torch", reason='PyTorch is not installed: `pip install -e ".[torch]"` adds the torch==2.13.0 '
                                    "CPU build, and these tests then compare the solutions with torch.nn")


def comparisons():
    """(assignment, function, shape) of every assignment's cross-check."""
    for assignment in course.every():
        module = assignment.grading_module("crosscheck")
        for function in module.COMPARISONS:
            for shape in module.SHAPES:
                yield pytest.param(assignment, function, shape, id=f"{assignment.name}-{function}-{shape}")


@pytest.fixture(scope="module")
def reference():
    return {a.name: crosscheck.reference_functions(a) for a in course.every()}


@pytest.mark.parametrize("assignment, function, shape", comparisons())
def test_reference_matches_pytorch(reference, assignment, function, shape):
    differences = crosscheck.compare(assignment, function, shape, reference[assignment.name])
    assert differences
    assert [d for d in differences if not d.ok] == []


# Bugs of each assignment's library that break a convention PyTorch checks.
WRONG_CONVENTIONS = [
    ("rnn_shortcomings", "lstm_cs231n_gate_order", "lstm_step_forward"),  # gates sliced i, f, o, g
    ("rnn_shortcomings", "bptt_without_tanh_derivative", "rnn_backward"),
    ("beyond_recurrence", "gru_bh_n_outside_reset", "gru_step_forward"),  # Keras's reset_after=False
    ("beyond_recurrence", "attention_missing_scale", "attention_forward"),  # no 1/sqrt(d)
    ("beyond_recurrence", "attention_alibi_distance_j_minus_i", "alibi_bias"),
]


@pytest.mark.parametrize("name, bug, function", WRONG_CONVENTIONS)
def test_a_wrong_convention_is_caught(tmp_path, name, bug, function):
    assignment = course.load(name)
    submission = buglib.write_submission(assignment, buglib.load(assignment)[bug], tmp_path)
    broken = crosscheck.reference_functions(assignment, submission)
    differences = crosscheck.compare(assignment, function, "small", broken)
    assert max(d.rel for d in differences) > 1e-3


def run_command(*prelude):
    code = "; ".join([*prelude, "from autograder.__main__ import main", "sys.exit(main(['crosscheck']))"])
    return subprocess.run([sys.executable, "-c", "import sys; " + code], capture_output=True, text=True,
                          cwd=course.ROOT, env=course.env_with_path(course.ROOT))


def test_command_prints_one_row_per_function_of_every_assignment():
    run = run_command()
    assert run.returncode == 0, run.stderr
    tables = [block.splitlines() for block in run.stdout.strip().split("\n\n")]
    assert len(tables) == len(course.names())
    for assignment, lines in zip(course.every(), tables):
        assert lines[0].startswith(f"{assignment.name}: reference solutions vs PyTorch")
        rows = lines[3:-1]
        assert [row.split()[0] for row in rows] == list(assignment.grading_module("crosscheck").COMPARISONS)
        assert all(row.endswith("yes") for row in rows)


def test_command_without_torch_says_how_to_install_it():
    run = run_command("sys.modules['torch'] = None")  # what a missing torch looks like to `import torch`
    assert run.returncode == 2
    assert 'pip install -e ".[torch]"' in run.stderr
