OK_FORMAT = False

from otter.test_files import test_case

from checking import expect_case, expect_inputs_unchanged

name = "softmax"

HINT = "Compare with the docstring: exponentiate, then divide each row (the last axis) by its sum."


@test_case(name="softmax_small_batch", points=40, hidden=False)
def test_softmax_small_batch():
    expect_case("softmax/small", hint=HINT)


@test_case(name="softmax_other_shapes", points=30, hidden=True)
def test_softmax_other_shapes():
    expect_case("softmax/one_class", hint="With one class, every probability is 1.")
    expect_case("softmax/batched", hint="Leading axes are batch axes: normalise along the last axis only.")


@test_case(name="softmax_large_scores", points=20, hidden=True)
def test_softmax_large_scores():
    expect_case("softmax/large_scores", hint="np.exp overflows beyond about 709: subtract each row's maximum "
                                             "before exponentiating.")


@test_case(name="softmax_does_not_modify_inputs", points=10, hidden=True)
def test_softmax_does_not_modify_inputs():
    expect_inputs_unchanged("softmax/batched", hint=HINT)
