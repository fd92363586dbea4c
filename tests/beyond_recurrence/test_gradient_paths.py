"""gradient_paths.py and path_norms.py: the gradient of the last output on each input, by distance.

The claims the printout is there to show: the RNN's norm vanishes with the
distance, the LSTM's and GRU's fall far more slowly, attention's does not
fall at all, and ALiBi's falls like exp(-slope * distance).
"""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import path_norms
from gradient_paths import (attention_path_norms, distance_norms, gru_path_norms, last_step_upstream,
                            lstm_path_norms, rnn_path_norms, same_sequence)

SOLUTIONS = Path(path_norms.__file__).parent

# Measured with the reference solutions; identical with OPENBLAS_CORETYPE=Haswell and =SkylakeX,
# and with every weight perturbed by 1e-12 and 1e-9 (relative). The closest any printed number
# comes to a rounding boundary of its .4e format is 5e-7 (relative): RNN at distance 10.
EXPECTED_LINES = """\
RNN: gradient norm at distance 1: 3.4794e-01
RNN: gradient norm at distance 10: 8.8000e-04
RNN: gradient norm at distance 50: 6.2843e-16
LSTM: gradient norm at distance 1: 3.2427e-01
LSTM: gradient norm at distance 10: 2.1637e-02
LSTM: gradient norm at distance 50: 6.2672e-06
GRU: gradient norm at distance 1: 4.4752e-01
GRU: gradient norm at distance 10: 1.7970e-02
GRU: gradient norm at distance 50: 2.1467e-06
attention: gradient norm at distance 1: 2.3906e-02
attention: gradient norm at distance 10: 3.7340e-02
attention: gradient norm at distance 50: 2.4824e-02
attention (ALiBi 1/16): gradient norm at distance 1: 8.8628e-02
attention (ALiBi 1/16): gradient norm at distance 10: 7.8472e-02
attention (ALiBi 1/16): gradient norm at distance 50: 4.3246e-03""".splitlines()


# ------------------------------------------------------------------ the two helpers

def test_last_step_upstream_is_ones_on_the_last_step_only():
    Ys = np.random.default_rng(0).normal(size=(4, 2, 3))
    before = Ys.copy()
    dYs = last_step_upstream(Ys)
    assert dYs.shape == Ys.shape and dYs.dtype == np.float64
    np.testing.assert_array_equal(dYs[-1], 1.0)
    np.testing.assert_array_equal(dYs[:-1], 0.0)
    np.testing.assert_array_equal(Ys, before)
    assert not np.shares_memory(dYs, Ys)


def test_last_step_upstream_edges():
    assert last_step_upstream(np.zeros((0, 2, 3))).shape == (0, 2, 3)
    np.testing.assert_array_equal(last_step_upstream(np.full((1, 2, 1), 7.0)), np.ones((1, 2, 1)))


def test_distance_norms_index_by_distance_from_the_last_step():
    dX = np.zeros((5, 2, 3))
    dX[4] = 3.0 / np.sqrt(6)  # the last step: distance 0, norm 3
    dX[1, 1, 2] = -2.0        # three steps before it
    norms = distance_norms(dX)
    np.testing.assert_allclose(norms, [3.0, 0.0, 0.0, 2.0, 0.0], rtol=1e-15)
    assert distance_norms(np.zeros((0, 2, 3))).shape == (0,)


# ------------------------------------------------------------------ against autograd

def test_attention_path_norms_match_autograd():
    torch = pytest.importorskip("torch", reason="the torch extra is not installed")
    X, params = same_sequence(3, T=12, D=4, H=5)
    w = params["attention"]
    Xt = torch.tensor(X, requires_grad=True)
    q, k, v = ((Xt @ torch.from_numpy(w[name])).permute(1, 0, 2) for name in ("Wq", "Wk", "Wv"))
    mask = torch.full((12, 12), float("-inf")).triu(1)
    Y = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask.double())
    Y[:, -1].sum().backward()
    expected = torch.linalg.norm(Xt.grad.flip(0).reshape(12, -1), dim=1).numpy()
    np.testing.assert_allclose(attention_path_norms(X, **w), expected, rtol=1e-10)


def test_rnn_path_norms_match_autograd():
    torch = pytest.importorskip("torch", reason="the torch extra is not installed")
    X, params = same_sequence(4, T=10, D=3, H=4)
    p = params["rnn"]
    Xt = torch.tensor(X, requires_grad=True)
    h = torch.from_numpy(p["h0"])
    for t in range(10):
        h = torch.tanh(Xt[t] @ torch.from_numpy(p["Wx"]) + h @ torch.from_numpy(p["Wh"]) + torch.from_numpy(p["b"]))
    h.sum().backward()
    expected = torch.linalg.norm(Xt.grad.flip(0).reshape(10, -1), dim=1).numpy()
    np.testing.assert_allclose(rnn_path_norms(X, **p), expected, rtol=1e-10)


def test_gru_and_lstm_path_norms_come_from_their_backward_passes():
    # The loss reads only the last output, so the distance-0 norm is that of ones pushed through one step.
    import gru
    import lstm
    X, params = same_sequence(5, T=6, D=3, H=4)
    g = params["gru"]
    Hs, cache = gru.gru_forward(X, **g)
    grads, _ = gru.gru_backward(last_step_upstream(Hs), cache)
    np.testing.assert_array_equal(gru_path_norms(X, **g), distance_norms(grads["X"]))
    m = params["lstm"]
    Hs, cache = lstm.lstm_forward(X, **m)
    grads, _ = lstm.lstm_backward(last_step_upstream(Hs), cache)
    np.testing.assert_array_equal(lstm_path_norms(X, **m), distance_norms(grads["X"]))


# ------------------------------------------------------------------ the claims

@pytest.fixture(scope="module")
def norms():
    """The five models' norms on same_sequence for seeds 0 .. 3 (T = 64)."""
    result = {}
    for seed in range(4):
        X, params = same_sequence(seed)
        result[seed] = {
            "rnn": rnn_path_norms(X, **params["rnn"]),
            "lstm": lstm_path_norms(X, **params["lstm"]),
            "gru": gru_path_norms(X, **params["gru"]),
            "attention": attention_path_norms(X, **params["attention"]),
            "alibi": attention_path_norms(X, **params["attention"], slope=1 / 16),
        }
    return result


@pytest.mark.parametrize("seed", range(4))
def test_rnn_norms_vanish_with_distance(norms, seed):
    rnn = norms[seed]["rnn"]
    assert rnn[50] / rnn[1] < 1e-10  # measured 1e-12 .. 2e-15
    assert np.all(rnn[10:] < 0.05 * rnn[:-10])  # every 10 steps back, 20 times smaller; measured 100 times


@pytest.mark.parametrize("seed", range(4))
def test_gated_cells_decay_far_more_slowly_but_still_decay(norms, seed):
    n = norms[seed]
    for model in ("lstm", "gru"):
        # measured: 7 to 10 orders of magnitude more than the RNN's ratio
        assert n[model][50] / n[model][1] > 1e4 * n["rnn"][50] / n["rnn"][1]
        assert n[model][50] / n[model][1] < 1e-2


@pytest.mark.parametrize("seed", range(4))
def test_attention_norms_do_not_decay(norms, seed):
    att = norms[seed]["attention"]
    # Every input is one step from the output: as far away as near, within a factor of 3.
    assert att[50] / att[1] > 0.3  # measured 0.68 .. 2.4
    assert att[1:].min() / att[1:].max() > 0.05  # measured 0.12 .. 0.52


@pytest.mark.parametrize("seed", range(4))
def test_alibi_norms_fall_like_its_bias(norms, seed):
    alibi, att = norms[seed]["alibi"], norms[seed]["attention"]
    assert alibi[50] < alibi[10] and alibi[50] < 0.3 * att[50]  # measured 0.16 .. 0.18 of it
    # Much faster than attention, far slower than the RNN: exp(-40 / 16) = 0.08 from distance 10 to 50.
    assert 0.01 < alibi[50] / alibi[10] < 0.3  # measured 0.055 .. 0.15 over seeds 0 .. 3


def test_alibi_norm_falls_by_exp_of_minus_slope_per_step():
    # Equal scores (zero queries) and equal values: the gradient on X[j] is A[T-1, j] times a fixed
    # vector, and ALiBi makes A[T-1, j] fall by exp(-slope) per step back.
    Wq = np.zeros((3, 2))
    norms = attention_path_norms(np.ones((40, 1, 3)), Wq, Wq, np.eye(3), slope=0.25)
    np.testing.assert_allclose(norms[1:] / norms[:-1], np.exp(-0.25), rtol=1e-12)


# ------------------------------------------------------------------ the printout

def test_path_lines_are_the_measured_lines():
    assert path_norms.path_lines() == EXPECTED_LINES


def test_script_prints_the_lines():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    run = subprocess.run([sys.executable, "path_norms.py"], cwd=SOLUTIONS, capture_output=True, text=True,
                         env=env, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == EXPECTED_LINES


def test_printed_numbers_depend_on_the_functions(monkeypatch):
    # A script that printed stored lines would not notice: the lines must change with the functions.
    import gradient_paths
    monkeypatch.setattr(path_norms, "rnn_path_norms", lambda *a, **k: 2 * gradient_paths.rnn_path_norms(*a, **k))
    lines = path_norms.path_lines()
    assert lines[:3] != EXPECTED_LINES[:3] and lines[3:] == EXPECTED_LINES[3:]
