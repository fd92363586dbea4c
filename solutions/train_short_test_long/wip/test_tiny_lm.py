import numpy as np
import pytest

from gradcheck import assert_close, numeric_gradient
from multihead import SCHEMES
from tiny_lm import init_params, loss_and_grads


@pytest.mark.parametrize("scheme", SCHEMES)
def test_whole_model_gradients_match_finite_differences(scheme):
    V, H = 5, 2
    p = init_params(V, 4, 2, H, seed=3)
    tokens = np.random.default_rng(4).integers(0, V, (7, 2))
    _, grads = loss_and_grads(p, tokens[:-1], tokens[1:], H, scheme)
    for name, arr in p.items():
        f = lambda: loss_and_grads(p, tokens[:-1], tokens[1:], H, scheme)[0]
        assert_close(grads[name], numeric_gradient(f, arr), tol=1e-6)
