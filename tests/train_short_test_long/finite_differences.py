"""Finite differences for this assignment's tests, on the course's ``gradcheck.numerical_gradient``.

The model and attention tests differentiate a loss that reads its parameters where they live
(``model.params[name]``, a weight matrix captured by a closure), so ``numeric_gradient`` writes
each trial point into the array itself and restores it afterwards.
"""
import numpy as np

from gradcheck import numerical_gradient


def numeric_gradient(f, x):
    """The gradient of the scalar ``f()`` with respect to the array ``x`` that ``f`` reads in place."""
    original = x.copy()

    def at(point):
        x[...] = point
        return f()

    try:
        return numerical_gradient(at, original)
    finally:
        x[...] = original


def assert_close(analytic, numeric, tol=1e-7):
    """Largest difference, relative to the larger of 1 and the numeric gradient's largest entry, below ``tol``."""
    scale = max(1.0, float(np.abs(numeric).max(initial=0.0)))
    err = float(np.abs(np.asarray(analytic) - numeric).max(initial=0.0)) / scale
    assert err < tol, f"max error {err:.2e} (scale {scale:.2e})"
