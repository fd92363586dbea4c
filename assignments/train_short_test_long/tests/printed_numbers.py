# Generated from solutions/train_short_test_long/grading/checks/printed_numbers.py
# by `python -m autograder build`: edit that file, not this copy.
import sys

if "tests/support" not in sys.path:  # the checks' machinery, from the assignment's folder
    sys.path.insert(0, "tests/support")

OK_FORMAT = False

from otter.test_files import test_case

from checking import expect_printed_lines

name = "printed_numbers"

# Each printed line is a check of its own, worth 1 point (the contract: "a line earns its point"), so a
# line printed wrong, or pushed aside by a stray print, costs that line and no other.
ORDER_HINT = ("The slopes of 8 then 6 heads, the encodings at positions 3 then 40, x rotated to positions 1 then "
              "100, then the bits per token of the schemes none, sinusoidal, rope and alibi, one line each.")
FORMAT_HINT = ("Print each line as its label, ': ' and the numbers separated by single spaces, the slopes as "
               "f'{s:.8f}' and every other number as f'{v:.4f}'.")
BITS_HINT = ("Each bits line is bits_per_token(window_nats(model(E, Wq, Wk, Wv, Wo, scheme), tokens, length, "
             "stride)) for (length, stride) = (L, None), (2L, None), (L, L // 4), (2L, 2L // 4), in that order.")


def expect_printed_line(number):
    hint = f"{ORDER_HINT} {FORMAT_HINT}" + (f" {BITS_HINT}" if number >= 7 else "")
    expect_printed_lines(number, number, hint=hint)


@test_case(name="prints_alibi_slopes_of_8_heads", points=1, hidden=False)
def test_prints_alibi_slopes_of_8_heads():
    expect_printed_line(1)


@test_case(name="prints_alibi_slopes_of_6_heads", points=1, hidden=False)
def test_prints_alibi_slopes_of_6_heads():
    expect_printed_line(2)


@test_case(name="prints_sinusoidal_encoding_at_3", points=1, hidden=False)
def test_prints_sinusoidal_encoding_at_3():
    expect_printed_line(3)


@test_case(name="prints_sinusoidal_encoding_at_40", points=1, hidden=False)
def test_prints_sinusoidal_encoding_at_40():
    expect_printed_line(4)


@test_case(name="prints_rope_at_1", points=1, hidden=False)
def test_prints_rope_at_1():
    expect_printed_line(5)


@test_case(name="prints_rope_at_100", points=1, hidden=False)
def test_prints_rope_at_100():
    expect_printed_line(6)


@test_case(name="prints_bits_per_token_without_positions", points=1, hidden=False)
def test_prints_bits_per_token_without_positions():
    expect_printed_line(7)


@test_case(name="prints_bits_per_token_with_sinusoidal", points=1, hidden=False)
def test_prints_bits_per_token_with_sinusoidal():
    expect_printed_line(8)


@test_case(name="prints_bits_per_token_with_rope", points=1, hidden=False)
def test_prints_bits_per_token_with_rope():
    expect_printed_line(9)


@test_case(name="prints_bits_per_token_with_alibi", points=1, hidden=False)
def test_prints_bits_per_token_with_alibi():
    expect_printed_line(10)
