"""Every graded function of the reference solutions computes what PyTorch computes, in float64.

The comparisons themselves live in ``autograder/crosscheck.py`` (shared with
``python -m autograder crosscheck``); here they run per function and shape,
and against two bugs of the bug library to show that they can fail.
"""
import subprocess
import sys

import pytest

import buglib
from autograder import crosscheck, paths

pytest.importorskip("torch", reason='PyTorch is not installed: `pip install -e ".[torch]"` adds the torch==2.13.0 '
                                    "CPU build, and these tests then compare the solutions with torch.nn")


@pytest.fixture(scope="module")
def reference():
    return crosscheck.reference_functions()


@pytest.mark.parametrize("shape", crosscheck.SHAPES)
@pytest.mark.parametrize("function", crosscheck.COMPARISONS)
def test_reference_matches_pytorch(reference, function, shape):
    differences = crosscheck.compare(function, shape, reference)
    assert differences
    assert [d for d in differences if not d.ok] == []


@pytest.mark.parametrize("bug, function", [
    ("lstm_cs231n_gate_order", "lstm_step_forward"),  # gates sliced i, f, o, g
    ("bptt_without_tanh_derivative", "rnn_backward"),
])
def test_a_wrong_convention_is_caught(tmp_path, bug, function):
    broken = crosscheck.reference_functions(buglib.write_submission(buglib.load()[bug], tmp_path))
    differences = crosscheck.compare(function, "small", broken)
    assert max(d.rel for d in differences) > 1e-3


def run_command(*prelude):
    code = "; ".join([*prelude, "from autograder.__main__ import main", "sys.exit(main(['crosscheck']))"])
    return subprocess.run([sys.executable, "-c", "import sys; " + code], capture_output=True, text=True,
                          cwd=paths.ROOT, env=paths.env_with_path(paths.ROOT))


def test_command_prints_one_row_per_function():
    run = run_command()
    assert run.returncode == 0, run.stderr
    rows = [line.split()[0] for line in run.stdout.splitlines()[3:-1]]
    assert rows == list(crosscheck.COMPARISONS)
    assert all(line.endswith("yes") for line in run.stdout.splitlines()[3:-1])


def test_command_without_torch_says_how_to_install_it():
    run = run_command("sys.modules['torch'] = None")  # what a missing torch looks like to `import torch`
    assert run.returncode == 2
    assert 'pip install -e ".[torch]"' in run.stderr
