# Generated from solutions/rnn_shortcomings/grading/checks/printed_norms.py
# by `python -m autograder build`: edit that file, not this copy.
import sys

if "tests/support" not in sys.path:  # the checks' machinery, from the assignment's folder
    sys.path.insert(0, "tests/support")

OK_FORMAT = False

from otter.test_files import test_case

from checking import expect_printed_lines

name = "printed_norms"


@test_case(name="prints_hidden_state_after_20_steps", points=2, hidden=False)
def test_prints_hidden_state_after_20_steps():
    expect_printed_lines(1, 1, hint="Print the label and the array as print('Hidden state after 20 steps:', state) does.")


@test_case(name="prints_vanishing_norms", points=4, hidden=False)
def test_prints_vanishing_norms():
    expect_printed_lines(2, 7, hint="After 5, 10, ..., 30 steps, with 6 decimals: f'{norm:.6f}'.")


@test_case(name="prints_exploding_norms", points=4, hidden=False)
def test_prints_exploding_norms():
    expect_printed_lines(8, 12, hint="After 2, 4, ..., 10 steps, with 2 decimals: f'{norm:.2f}'.")
