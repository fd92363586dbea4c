# Generated from solutions/beyond_recurrence/grading/checks/printed_paths.py
# by `python -m autograder build`: edit that file, not this copy.
import sys

if "tests/support" not in sys.path:  # the checks' machinery, from the assignment's folder
    sys.path.insert(0, "tests/support")

OK_FORMAT = False

from otter.test_files import test_case

from checking import expect_printed_lines

name = "printed_paths"

# Each printed line is a check of its own, worth 1 point (the contract: "a line earns its points"), so a
# line printed wrong, or pushed aside by a stray print, costs that line and no other.
FORMAT_HINT = "Print each line as f'{name}: gradient norm at distance {k}: {norm:.4e}', with norm = norms[k]."
ORDER_HINT = ("RNN, LSTM, GRU, attention, then attention (ALiBi 1/16), each at distances 1, 10 and 50 in that "
              "order.")
EARLIER_HINT = ("In your folder the RNN and the LSTM are your first assignment's (the grader runs the reference "
                "ones): if `python check.py` fails in ../rnn_shortcomings, fix that first.")


def expect_printed_line(number):
    hint = f"{ORDER_HINT} {FORMAT_HINT}" + (f" {EARLIER_HINT}" if number <= 6 else "")
    expect_printed_lines(number, number, hint=hint)


@test_case(name="prints_rnn_at_distance_1", points=1, hidden=False)
def test_prints_rnn_at_distance_1():
    expect_printed_line(1)


@test_case(name="prints_rnn_at_distance_10", points=1, hidden=False)
def test_prints_rnn_at_distance_10():
    expect_printed_line(2)


@test_case(name="prints_rnn_at_distance_50", points=1, hidden=False)
def test_prints_rnn_at_distance_50():
    expect_printed_line(3)


@test_case(name="prints_lstm_at_distance_1", points=1, hidden=False)
def test_prints_lstm_at_distance_1():
    expect_printed_line(4)


@test_case(name="prints_lstm_at_distance_10", points=1, hidden=False)
def test_prints_lstm_at_distance_10():
    expect_printed_line(5)


@test_case(name="prints_lstm_at_distance_50", points=1, hidden=False)
def test_prints_lstm_at_distance_50():
    expect_printed_line(6)


@test_case(name="prints_gru_at_distance_1", points=1, hidden=False)
def test_prints_gru_at_distance_1():
    expect_printed_line(7)


@test_case(name="prints_gru_at_distance_10", points=1, hidden=False)
def test_prints_gru_at_distance_10():
    expect_printed_line(8)


@test_case(name="prints_gru_at_distance_50", points=1, hidden=False)
def test_prints_gru_at_distance_50():
    expect_printed_line(9)


@test_case(name="prints_attention_at_distance_1", points=1, hidden=False)
def test_prints_attention_at_distance_1():
    expect_printed_line(10)


@test_case(name="prints_attention_at_distance_10", points=1, hidden=False)
def test_prints_attention_at_distance_10():
    expect_printed_line(11)


@test_case(name="prints_attention_at_distance_50", points=1, hidden=False)
def test_prints_attention_at_distance_50():
    expect_printed_line(12)


@test_case(name="prints_alibi_at_distance_1", points=1, hidden=False)
def test_prints_alibi_at_distance_1():
    expect_printed_line(13)


@test_case(name="prints_alibi_at_distance_10", points=1, hidden=False)
def test_prints_alibi_at_distance_10():
    expect_printed_line(14)


@test_case(name="prints_alibi_at_distance_50", points=1, hidden=False)
def test_prints_alibi_at_distance_50():
    expect_printed_line(15)
