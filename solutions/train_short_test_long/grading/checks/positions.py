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


@test_case(name="sinusoidal_encoding_far_positions", points=2, hidden=True)
def test_sinusoidal_encoding_far_positions():
    expect_case("sinusoidal_encoding/far", hint=SINUSOIDAL_HINT + " The positions are any integers, not 0 .. T-1.")
    expect_case("sinusoidal_encoding/narrow", hint=SINUSOIDAL_HINT + " With d = 2 there is one pair, w_0 = 1.")
    expect_edge_case("sinusoidal_encoding/empty", needs="sinusoidal_encoding/far",
                     hint="T may be 0: P then has shape (0, d).")


@test_case(name="rope_other_positions", points=2, hidden=True)
def test_rope_other_positions():
    expect_case("rope/shifted", hint=ROPE_HINT + " Here X is (T, dh), the base is not 10000 and the positions "
                                                 "are not 0 .. T-1.")
    expect_case("rope/one_step", hint=ROPE_HINT)


@test_case(name="rope_backward_other_positions", points=2, hidden=True)
def test_rope_backward_other_positions():
    expect_case("rope_backward/shifted", hint=ROPE_BACKWARD_HINT + " Use the positions and the base given.")


@test_case(name="alibi_slopes_other_head_counts", points=3, hidden=True)
def test_alibi_slopes_other_head_counts():
    expect_case("alibi_slopes/one", hint=SLOPES_HINT + " One head: 2^-8.")
    expect_case("alibi_slopes/six", hint=SLOPES_HINT)
    expect_case("alibi_slopes/twelve", hint=SLOPES_HINT)
    expect_case("alibi_slopes/thirty_one", hint=SLOPES_HINT)


@test_case(name="alibi_biases_edges", points=1, hidden=True)
def test_alibi_biases_edges():
    expect_case("alibi_biases/one_step", hint=BIASES_HINT + " With T = 1 the only entry is the diagonal's 0.")
    expect_edge_case("alibi_biases/empty", needs="alibi_biases/one_step",
                     hint="T may be 0: B then has shape (H, 0, 0).")


@test_case(name="positions_does_not_modify_inputs", points=1, hidden=True)
def test_positions_does_not_modify_inputs():
    expect_inputs_unchanged("rope/shifted", hint=ROPE_HINT)
    expect_inputs_unchanged("rope_backward/shifted", hint=ROPE_BACKWARD_HINT)
