OK_FORMAT = False

import numpy as np
from otter.test_files import test_case

from checking import CheckFailed, expect_case, expect_inputs_unchanged, run

name = "clipping"

GLOBAL_HINT = "Clip by the norm of all gradients together (one factor for every array), not array by array."


@test_case(name="global_norm_of_a_dict", points=3, hidden=False)
def test_global_norm_of_a_dict():
    expect_case("global_norm/dict", hint="sqrt of the sum of squares of every entry of every array.")


@test_case(name="clip_by_global_norm_scales_large_gradients", points=4, hidden=False)
def test_clip_by_global_norm_scales_large_gradients():
    expect_case("clip_by_global_norm/large", hint=GLOBAL_HINT, hints={
        "total_norm": "Return the global norm measured before clipping, not after.",
    })


@test_case(name="clip_by_global_norm_leaves_small_gradients", points=3, hidden=False)
def test_clip_by_global_norm_leaves_small_gradients():
    expect_case("clip_by_global_norm/small", hint="coef = max_norm / (total_norm + eps) is applied only when it is below 1: small gradients are never scaled up.")


@test_case(name="clip_by_global_norm_mixed_scales", points=3, hidden=True)
def test_clip_by_global_norm_mixed_scales():
    expect_case("clip_by_global_norm/mixed", hint=GLOBAL_HINT, hints={
        "total_norm": "Return the global norm measured before clipping, not after.",
    })


@test_case(name="lists_of_gradients", points=2, hidden=True)
def test_lists_of_gradients():
    expect_case("global_norm/dict", hint="grads may be a list of arrays as well as a dict.", container="list")
    expect_case("clip_by_global_norm/large", hint=GLOBAL_HINT + " A list in gives a list out.", container="list")


@test_case(name="clipping_does_not_modify_inputs", points=2, hidden=True)
def test_clipping_does_not_modify_inputs():
    for case in ("clip_by_global_norm/large", "clip_by_value/mixed", "global_norm/dict"):
        expect_inputs_unchanged(case)


@test_case(name="clip_by_value", points=2, hidden=True)
def test_clip_by_value():
    expect_case("clip_by_value/mixed", hint="Clamp each entry into [-clip_value, clip_value] (np.clip), array by array.")


@test_case(name="nonfinite_norm_raises_when_asked", points=1, hidden=True)
def test_nonfinite_norm_raises_when_asked():
    grads = {"W": np.array([[1.0, np.inf]]), "b": np.array([0.5])}
    got, _ = run("error_raised", {"grads": grads, "max_norm": 1.0, "error_if_nonfinite": True},
                 function_name="clip_by_global_norm")
    if got["error"] != "ValueError":
        raise CheckFailed(
            "clip_by_global_norm(grads, 1.0, error_if_nonfinite=True) with an infinite gradient "
            f"should raise ValueError; it {'returned normally' if got['error'] is None else 'raised ' + got['message']}.\n"
            "Hint: check np.isfinite(total_norm) before scaling when error_if_nonfinite is set."
        )
