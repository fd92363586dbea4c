# Generated from solutions/train_short_test_long/grading/checks/positions.py
# by `python -m autograder build`: edit that file, not this copy.
import sys

if "tests/support" not in sys.path:  # the checks' machinery, from the assignment's folder
    sys.path.insert(0, "tests/support")

OK_FORMAT = False

from otter.test_files import test_case

from checking import expect_case, expect_edge_case, expect_inputs_unchanged

name = "positions"

SINUSOIDAL_HINT = ("P[t, 2i] = sin(t * w_i) and P[t, 2i+1] = cos(t * w_i) with w_i = 10000^(-2i / d): the sines in "
                   "the even columns, the cosines in the odd ones, one frequency per pair.")
ROPE_HINT = ("Rotate each pair (2i, 2i+1) of the last axis by theta = t * base^(-2i / dh): (x cos - y sin, "
             "x sin + y cos), with t the step's own position (positions[t], not t itself).")
ROPE_BACKWARD_HINT = ("The transpose of a rotation is the rotation by the opposite angle: rotate dY's pairs by "
                      "-theta (rope with the positions negated does it).")
SLOPES_HINT = ("For H a power of two, r, r^2, ..., r^H with r = 2^(-8/H). Otherwise the H' = 2^floor(log2 H) slopes "
               "of H' heads, then the 1st, 3rd, 5th, ... slopes of 2H' heads, H - H' of them (do not sort them).")
BIASES_HINT = ("B[h, i, j] = -slopes[h] * (i - j) for j <= i (0 on the diagonal) and -inf for j > i; build the -inf "
               "entries with np.where, since 0 * inf is nan.")


@test_case(name="sinusoidal_encoding_small", points=3, hidden=False)
def test_sinusoidal_encoding_small():
    expect_case("sinusoidal_encoding/small", hint=SINUSOIDAL_HINT)


@test_case(name="rope_small", points=4, hidden=False)
def test_rope_small():
    expect_case("rope/small", hint=ROPE_HINT)


@test_case(name="rope_backward_small", points=3, hidden=False)
def test_rope_backward_small():
    expect_case("rope_backward/small", hint=ROPE_BACKWARD_HINT)


@test_case(name="alibi_slopes_eight_heads", points=3, hidden=False)
def test_alibi_slopes_eight_heads():
    expect_case("alibi_slopes/eight", hint=SLOPES_HINT)


@test_case(name="alibi_biases_small", points=3, hidden=False)
def test_alibi_biases_small():
    expect_case("alibi_biases/small", hint=BIASES_HINT)
