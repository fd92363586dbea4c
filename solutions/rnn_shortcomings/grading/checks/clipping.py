OK_FORMAT = False

import numpy as np
from otter.test_files import test_case

from checking import CheckFailed, expect_case, expect_edge_case, expect_inputs_unchanged, needs_right_outputs, run

name = "clipping"

GLOBAL_HINT = ("As the docstring says: total_norm = global_norm(grads), and every array is multiplied by "
               "coef = max_norm / (total_norm + eps) when coef < 1.")


@test_case(name="global_norm_of_a_dict", points=2, hidden=False)
def test_global_norm_of_a_dict():
    expect_case("global_norm/dict", hint="sqrt of the sum of squares of every entry of every array.")


@test_case(name="clip_by_global_norm_scales_large_gradients", points=3, hidden=False)
def test_clip_by_global_norm_scales_large_gradients():
    expect_case("clip_by_global_norm/large", hint=GLOBAL_HINT, hints={
        "total_norm": "total_norm is global_norm of the gradients as they were given.",
    })


@test_case(name="clip_by_global_norm_leaves_small_gradients", points=3, hidden=False)
def test_clip_by_global_norm_leaves_small_gradients():
    expect_case("clip_by_global_norm/small", hint=GLOBAL_HINT)


@test_case(name="clip_by_global_norm_mixed_scales", points=1, hidden=True)
def test_clip_by_global_norm_mixed_scales():
    expect_case("clip_by_global_norm/mixed", hint=GLOBAL_HINT, hints={
        "total_norm": "total_norm is global_norm of the gradients as they were given.",
    })


@test_case(name="lists_of_gradients", points=2, hidden=True)
def test_lists_of_gradients():
    expect_case("global_norm/list", hint="grads may be a list of arrays as well as a dict.", container="list")
    expect_case("clip_by_global_norm/list", hint=GLOBAL_HINT + " A list in gives a list out.", container="list")


@test_case(name="clipping_does_not_modify_inputs", points=2, hidden=True)
def test_clipping_does_not_modify_inputs():
    expect_inputs_unchanged("clip_by_global_norm/mixed", hint=GLOBAL_HINT)
    expect_inputs_unchanged("clip_by_value/mixed", hint="Clamp each entry into [-clip_value, clip_value] (np.clip), array by array.")
    expect_inputs_unchanged("global_norm/list", hint="sqrt of the sum of the squares of every entry of every array.")


@test_case(name="clip_by_value", points=1, hidden=True)
def test_clip_by_value():
    expect_case("clip_by_value/mixed", hint="Clamp each entry into [-clip_value, clip_value] (np.clip), array by array.")


@test_case(name="nonfinite_norm_raises_when_asked", points=1, hidden=True)
def test_nonfinite_norm_raises_when_asked():
    # Raising pays only from a function that clips right when it does not raise.
    needs_right_outputs("clip_by_global_norm/flagged", error_if_nonfinite=True, hint=(
        "With error_if_nonfinite=True and finite gradients, clip as usual: raise only when the total norm is nan "
        "or inf (np.isfinite(total_norm); the arrays may have different shapes, so not np.isfinite(list of arrays))."))
    grads = {"W": np.array([[1.0, np.inf]]), "b": np.array([0.5])}
    got, _ = run("error_raised", {"grads": grads, "max_norm": 1.0, "error_if_nonfinite": True},
                 function_name="clip_by_global_norm")
    if got["error"] != "ValueError":
        raise CheckFailed(
            "clip_by_global_norm(grads, 1.0, error_if_nonfinite=True) with an infinite gradient "
            f"should raise ValueError; it {'returned normally' if got['error'] is None else 'raised ' + got['message']}.\n"
            "Hint: check np.isfinite(total_norm) before scaling when error_if_nonfinite is set."
        )


@test_case(name="nonfinite_norm_without_error", points=1, hidden=True)
def test_nonfinite_norm_without_error():
    # An inf norm: coef = 0 multiplies everything (inf * 0 = nan), as PyTorch does. A nan norm: the
    # contract accepts both faithful readings, unchanged copies (nan < 1 is false) or all nan (PyTorch).
    for bad, name in ((np.inf, "an inf"), (np.nan, "a nan")):
        grads = {"W": np.array([[1.0, bad], [2.0, -1.0]]), "b": np.array([3.0, 0.5])}
        got, _ = run("clip_by_global_norm", {f"grads.{k}": v for k, v in grads.items()}, max_norm=1.0)
        norm = got["total_norm"]
        clipped = [got.get("clipped." + k) for k in grads]
        if np.isinf(bad):
            with np.errstate(invalid="ignore"):  # inf * 0 is nan, as in PyTorch
                accepted = {"every array times 0 (nan where the entry is inf)": [g * 0.0 for g in grads.values()]}
        else:
            accepted = {"unchanged copies": list(grads.values()),
                        "all nan": [np.full_like(g, np.nan) for g in grads.values()]}
        is_number = isinstance(norm, (float, np.floating)) or (isinstance(norm, np.ndarray) and norm.shape == ())
        right_norm = is_number and bool(np.isinf(norm) if np.isinf(bad) else np.isnan(norm))
        zeros = all(isinstance(c, np.ndarray) and c.shape == g.shape and not np.any(c)
                    for c, g in zip(clipped, grads.values()))
        if not right_norm or not any(
            all(isinstance(c, np.ndarray) and c.shape == a.shape and np.array_equal(c, a, equal_nan=True)
                for c, a in zip(clipped, want)) for want in accepted.values()
        ):
            raise CheckFailed(
                f"clip_by_global_norm(grads, 1.0) with {name} gradient entry (error_if_nonfinite=False) returned "
                f"total_norm {norm!r} and clipped {[c.tolist() if isinstance(c, np.ndarray) else c for c in clipped]}.\n"
                f"Hint: {'your clipped gradients are zeros; ' if zeros and right_norm else ''}"
                f"the total norm is then {name.split()[-1]}, returned as it is; the gradients should be "
                + " or ".join(accepted) + " (coef = max_norm / (total_norm + eps))."
            )


@test_case(name="clip_by_global_norm_just_under_max_norm", points=1, hidden=True)
def test_clip_by_global_norm_just_under_max_norm():
    # total_norm = 0.9999 * max_norm (max_norm = 2): coef = max_norm / (total_norm + eps) is just above 1.
    expect_edge_case("clip_by_global_norm/just_under", hint="Gradients whose global norm is just under max_norm come back "
                "unchanged: scale only when coef = max_norm / (total_norm + eps) < 1, i.e. compare the norm itself "
                "(not its square) with max_norm.")


@test_case(name="clip_by_global_norm_tiny_gradients", points=1, hidden=True)
def test_clip_by_global_norm_tiny_gradients():
    hint = ("Gradients whose norm is below eps, or exactly 0, come back unchanged: coef = max_norm / (total_norm + eps) "
            "is then large, and the eps keeps a zero norm from dividing by 0.")
    expect_edge_case("clip_by_global_norm/below_eps", hint=hint)
    expect_edge_case("clip_by_global_norm/zero", hint=hint)


@test_case(name="clipping_no_gradients", points=1, hidden=True)
def test_clipping_no_gradients():
    hint = ("An empty dict or list of gradients is allowed: its global norm is 0.0 and clipping returns an empty "
            "container of the same type (np.concatenate needs at least one array; a sum over no arrays is 0).")
    # Empty containers and a 0.0 norm are what a function returning zeros gives: the point needs right answers
    # on gradients too.
    needs_right_outputs("global_norm/list", hint="sqrt of the sum of the squares of every entry of every array.",
                        container="list")
    needs_right_outputs("clip_by_global_norm/mixed", hint=GLOBAL_HINT)
    needs_right_outputs("clip_by_value/mixed", hint="Clamp each entry into [-clip_value, clip_value] (np.clip), "
                        "array by array.")
    for container in ("dict", "list"):
        expect_edge_case("global_norm/none", hint=hint, container=container)
        expect_edge_case("clip_by_global_norm/none", hint=hint, container=container)
        expect_edge_case("clip_by_value/none", hint=hint, container=container)


@test_case(name="error_if_nonfinite_with_finite_gradients", points=1, hidden=True)
def test_error_if_nonfinite_with_finite_gradients():
    expect_edge_case("clip_by_global_norm/mixed", error_if_nonfinite=True, hint=(
        "With error_if_nonfinite=True and finite gradients, clip as usual: raise only when the total norm is nan "
        "or inf (np.isfinite(total_norm); the arrays may have different shapes, so not np.isfinite(list of arrays))."))
