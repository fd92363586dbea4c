"""Central finite differences, for the tests."""
import numpy as np


def numeric_gradient(f, x, h=1e-6):
    """Gradient of the scalar f() on the array x (changed in place and restored)."""
    g = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        plus = f()
        x[i] = old - h
        minus = f()
        x[i] = old
        g[i] = (plus - minus) / (2 * h)
    return g


def assert_close(analytic, numeric, tol=1e-7):
    scale = max(1.0, np.abs(numeric).max())
    err = np.abs(analytic - numeric).max() / scale
    assert err < tol, f"max error {err:.2e} (scale {scale:.2e})"
