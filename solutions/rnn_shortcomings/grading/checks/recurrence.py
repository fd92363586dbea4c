OK_FORMAT = False

from otter.test_files import test_case

from checking import expect_case, expect_edge_case, expect_inputs_unchanged, expect_value_error, needs_right_outputs

name = "recurrence"

STEP_HINT = "Compare each term with the docstring's h = tanh(x @ Wx + h_prev @ Wh + b), one row per sequence."
LOOP_HINT = "Compare your loop with the docstring of rnn_forward, step by step (the rnn_step checks test one step alone)."


@test_case(name="rnn_step_small_batch", points=3, hidden=False)
def test_rnn_step_small_batch():
    expect_case("rnn_step/small", hint=STEP_HINT)


@test_case(name="rnn_forward_small_batch", points=4, hidden=False)
def test_rnn_forward_small_batch():
    expect_case("rnn_forward/small", hint=LOOP_HINT)


@test_case(name="iterate_map_lecture_demo", points=3, hidden=False)
def test_iterate_map_lecture_demo():
    expect_case("iterate_map/lecture", hint="states[0] is h0 and states[k] = tanh(W @ states[k - 1]), column-vector form W @ h.")


@test_case(name="rnn_step_unusual_sizes", points=2, hidden=True)
def test_rnn_step_unusual_sizes():
    expect_case("rnn_step/single", hint=STEP_HINT)
    expect_case("rnn_step/wide", hint=STEP_HINT)


@test_case(name="rnn_forward_one_step_and_long", points=2, hidden=True)
def test_rnn_forward_one_step_and_long():
    expect_case("rnn_forward/one_step", hint=LOOP_HINT)
    expect_case("rnn_forward/long", hint=LOOP_HINT)


@test_case(name="iterate_map_random_and_zero_steps", points=2, hidden=True)
def test_iterate_map_random_and_zero_steps():
    expect_case("iterate_map/random", hint="Return steps + 1 rows: h0 first, then one row per application of the map.")
    expect_case("iterate_map/zero_steps", hint="With steps = 0 the result is just h0, shape (1, H).")


@test_case(name="recurrence_does_not_modify_inputs", points=2, hidden=True)
def test_recurrence_does_not_modify_inputs():
    for case in ("rnn_step/wide", "rnn_forward/long", "iterate_map/random"):
        expect_inputs_unchanged(case)


@test_case(name="recurrence_rejects_bad_shapes", points=1, hidden=True)
def test_recurrence_rejects_bad_shapes():
    # The errors pay only with the right outputs of the same functions (a stub keeping the provided
    # check_shapes call raises them too), on hidden cases.
    needs_right_outputs("rnn_forward/long", hint=LOOP_HINT)
    needs_right_outputs("rnn_step/wide", hint=STEP_HINT)
    expect_value_error("rnn_forward/long", "rnn_forward", "Wh")
    expect_value_error("rnn_forward/long", "rnn_forward", "h0")
    expect_value_error("rnn_step/wide", "rnn_step", "x")


@test_case(name="rnn_forward_empty_sequence", points=1, hidden=True)
def test_rnn_forward_empty_sequence():
    # Zeros are the right answer at T = 0: the point needs a right answer on a long sequence too.
    expect_edge_case("rnn_forward/empty", needs="rnn_forward/long", hint="T may be 0: an empty X (0, N, D) gives Hs "
                     "of shape (0, N, H), with no step run (np.stack needs at least one array; np.empty((T, N, H)) "
                     "does not).")
