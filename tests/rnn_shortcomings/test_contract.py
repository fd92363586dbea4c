"""The reference solutions keep the contract of docs/assignment-contract.md."""
import ast
import importlib
import inspect
import re

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

import bptt
import clipping
import lstm
import recurrence
from autograder import assignment as course
from clipping import clip_by_global_norm, clip_by_value, global_norm


CONTRACT = (course.ROOT / "docs" / "assignment-contract.md").read_text()


def documented_signatures():
    """(module, function, parameters as written) for every `name(args) -> ...` of the contract."""
    found = []
    for section in re.split(r"^## ", CONTRACT, flags=re.M)[1:]:
        module = re.match(r"`(\w+)\.py`", section)
        if module:
            for name, args in re.findall(r"`(\w+)\(([^)]*)\)\s*(?:->|`)", section):
                found.append((module.group(1), name, args))
    return found


def test_the_contract_names_every_graded_function():
    assert len(documented_signatures()) == 14


@pytest.mark.parametrize("module, name, args", documented_signatures(), ids=lambda v: v if isinstance(v, str) else None)
def test_every_documented_signature_is_the_solutions_own(module, name, args):
    function = getattr(importlib.import_module(module), name)
    written = [a.split("=") for a in args.replace(" ", "").split(",") if a]
    written = [(a[0], ast.literal_eval(a[1]) if len(a) == 2 else inspect.Parameter.empty) for a in written]
    actual = [(p.name, p.default) for p in inspect.signature(function).parameters.values()]
    assert written == actual

finite = st.floats(-1e3, 1e3, allow_nan=False, width=64)
small_shapes = st.lists(st.integers(1, 4), min_size=0, max_size=3).map(tuple)
grad_lists = st.lists(arrays(np.float64, small_shapes, elements=finite), min_size=1, max_size=4)


# ---------------------------------------------------------------- clipping

@given(grad_lists)
def test_global_norm_is_the_norm_of_everything_flattened(grads):
    flat = np.concatenate([g.ravel() for g in grads])
    assert global_norm(grads) == pytest.approx(np.linalg.norm(flat), rel=1e-12, abs=1e-300)
    assert isinstance(global_norm(grads), float)


# max_norm 0, or at least 1e-100: below about 1e-154 the clipped gradients' squares underflow to
# subnormal numbers, in PyTorch's norm as in the spec's, and the norm loses its last digits
# (seen: 3.8799908176e-158 for max_norm 3.8799908124e-158).
max_norms = st.one_of(st.just(0.0), st.floats(1e-100, 100.0))


@given(grad_lists, max_norms)
def test_clip_by_global_norm_caps_the_norm_and_keeps_the_direction(grads, max_norm):
    before = [g.copy() for g in grads]
    clipped, total = clip_by_global_norm(grads, max_norm)
    assert all(np.array_equal(g, b) for g, b in zip(grads, before)), "inputs were modified"
    assert isinstance(clipped, list) and len(clipped) == len(grads)
    assert total == pytest.approx(global_norm(grads))
    assert global_norm(clipped) <= max(max_norm, 0) * (1 + 1e-9) or total <= max_norm
    coef = max_norm / (total + 1e-6)
    for g, c in zip(grads, clipped):
        assert c.shape == g.shape and c is not g
        np.testing.assert_allclose(c, g * min(coef, 1.0), rtol=1e-12, atol=0)


def test_clip_by_global_norm_follows_pytorch_at_the_threshold():
    # torch: coef = max_norm / (total + 1e-6) < 1 at exactly the threshold, so it scales a hair down.
    g = np.array([3.0, 4.0])
    clipped, total = clip_by_global_norm({"g": g}, 5.0)
    assert total == 5.0
    np.testing.assert_allclose(clipped["g"], g * 5.0 / (5.0 + 1e-6), rtol=1e-15)


def test_clip_keeps_dict_keys_and_tuple_type():
    grads = {"b": np.ones(2), "a": np.full((2, 2), 10.0)}
    clipped, _ = clip_by_global_norm(grads, 1.0)
    assert list(clipped) == ["b", "a"]
    clipped, _ = clip_by_global_norm((np.ones(3),), 1.0)
    assert isinstance(clipped, tuple)


def test_nonfinite_norm_raises_only_when_asked():
    grads = [np.array([1.0, np.inf])]
    with pytest.raises(ValueError):
        clip_by_global_norm(grads, 1.0, error_if_nonfinite=True)
    with np.errstate(invalid="ignore"):  # inf * 0 is nan, as in PyTorch
        clipped, total = clip_by_global_norm(grads, 1.0)
    assert np.isinf(total)
    np.testing.assert_array_equal(clipped[0], [0.0, np.nan])  # every array times coef = 0


def test_a_nan_norm_leaves_the_gradients_unchanged():
    # The contract accepts this reading ("only when coef < 1") and PyTorch's all-nan one.
    grads = {"W": np.array([1.0, np.nan]), "b": np.array([2.0])}
    clipped, total = clip_by_global_norm(grads, 1.0)
    assert np.isnan(total)
    for key in grads:
        np.testing.assert_array_equal(clipped[key], grads[key])
        assert clipped[key] is not grads[key]


@given(grad_lists, st.floats(0.0, 10.0))
def test_clip_by_value_clamps_every_entry(grads, clip_value):
    clipped = clip_by_value(grads, clip_value)
    for g, c in zip(grads, clipped):
        assert np.all(np.abs(c) <= clip_value)
        np.testing.assert_array_equal(c, np.clip(g, -clip_value, clip_value))


@pytest.mark.parametrize("bad", [-1.0, np.nan, np.inf])
def test_clip_rejects_bad_thresholds(bad):
    with pytest.raises(ValueError, match="max_norm"):
        clip_by_global_norm([np.ones(2)], bad)


# ------------------------------------------------------------- recurrences

@settings(max_examples=30)
@given(st.integers(1, 4), st.integers(1, 3), st.integers(1, 3), st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_rnn_forward_is_rnn_step_repeated(T, N, D, H, seed):
    rng = np.random.default_rng(seed)
    X, h0 = rng.normal(size=(T, N, D)), rng.normal(size=(N, H))
    Wx, Wh, b = rng.normal(size=(D, H)), rng.normal(size=(H, H)), rng.normal(size=H)
    Hs, _ = recurrence.rnn_forward(X, h0, Wx, Wh, b)
    h = h0
    for t in range(T):
        h = recurrence.rnn_step(X[t], h, Wx, Wh, b)
        np.testing.assert_array_equal(Hs[t], h)
    assert Hs.dtype == np.float64 and np.all(np.abs(Hs) <= 1)


@settings(max_examples=30)
@given(st.integers(1, 4), st.integers(1, 3), st.integers(1, 3), st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_lstm_forward_is_lstm_step_repeated(T, N, D, H, seed):
    """Up to rounding: lstm_forward computes x @ Wx + b of all steps in one product, then adds h @ Wh."""
    rng = np.random.default_rng(seed)
    X, h0, c0 = rng.normal(size=(T, N, D)), rng.normal(size=(N, H)), rng.normal(size=(N, H))
    Wx, Wh, b = rng.normal(size=(D, 4 * H)), rng.normal(size=(H, 4 * H)), rng.normal(size=4 * H)
    Hs, _ = lstm.lstm_forward(X, h0, c0, Wx, Wh, b)
    h, c = h0, c0
    for t in range(T):
        h, c, _ = lstm.lstm_step_forward(X[t], h, c, Wx, Wh, b)
        np.testing.assert_allclose(Hs[t], h, rtol=1e-12, atol=1e-15)


def test_lstm_gate_order_is_i_f_g_o():
    """Only the forget gate open (f = 1, i = 0): the cell keeps c_prev; o = 1 shows tanh(c)."""
    N, D, H = 1, 1, 2
    big = 50.0
    b = np.concatenate([-big * np.ones(H), big * np.ones(H), np.zeros(H), big * np.ones(H)])  # i, f, g, o
    c_prev = np.array([[0.3, -0.7]])
    h, c, _ = lstm.lstm_step_forward(np.zeros((N, D)), np.zeros((N, H)), c_prev,
                                     np.zeros((D, 4 * H)), np.zeros((H, 4 * H)), b)
    np.testing.assert_allclose(c, c_prev, atol=1e-12)
    np.testing.assert_allclose(h, np.tanh(c_prev), atol=1e-12)


def test_reference_tanh_is_numpy_tanh_without_warnings():
    """The reference LSTM's tanh (1 - 2 / (1 + exp(2x)), cheaper than np.tanh) agrees with np.tanh everywhere."""
    x = np.concatenate([np.linspace(-800.0, 800.0, 200_001), [np.inf, -np.inf, 0.0, 1e-300]])
    with np.errstate(all="raise"):
        np.testing.assert_allclose(lstm._tanh(x), np.tanh(x), rtol=0, atol=4e-16)


def test_sigmoid_does_not_overflow():
    with np.errstate(all="raise"):
        np.testing.assert_allclose(lstm.sigmoid(np.array([-1000.0, 0.0, 1000.0])), [0.0, 0.5, 1.0])


# ------------------------------------------------------- shapes and inputs

RNN = dict(X=np.zeros((3, 2, 4)), h0=np.zeros((2, 5)), Wx=np.zeros((4, 5)), Wh=np.zeros((5, 5)), b=np.zeros(5))
LSTM = dict(X=np.zeros((3, 2, 4)), h0=np.zeros((2, 5)), c0=np.zeros((2, 5)),
            Wx=np.zeros((4, 20)), Wh=np.zeros((5, 20)), b=np.zeros(20))


@pytest.mark.parametrize("function, inputs", [(recurrence.rnn_forward, RNN), (lstm.lstm_forward, LSTM)],
                         ids=["rnn_forward", "lstm_forward"])
def test_every_wrongly_shaped_argument_is_named(function, inputs):
    for name, value in inputs.items():
        wrong = np.zeros(value.shape[:-1] + (value.shape[-1] + 1,))
        with pytest.raises(ValueError, match=name):
            function(**{**inputs, name: wrong})


def test_backward_rejects_a_wrongly_shaped_upstream_gradient():
    Hs, cache = recurrence.rnn_forward(**RNN)
    with pytest.raises(ValueError, match="dHs"):
        bptt.rnn_backward(np.zeros((3, 2, 4)), cache)
    Hs, cache = lstm.lstm_forward(**LSTM)
    with pytest.raises(ValueError, match="dHs"):
        lstm.lstm_backward(np.zeros((2, 2, 5)), cache)


@pytest.mark.parametrize("steps", [-1, 2.5, "3"])
def test_step_counts_must_be_whole_and_not_negative(steps):
    with pytest.raises(ValueError, match="steps"):
        recurrence.iterate_map(np.eye(2), np.ones(2), steps)


def test_no_function_modifies_its_inputs():
    rng = np.random.default_rng(3)
    inputs = {k: rng.normal(size=v.shape) for k, v in LSTM.items()}
    saved = {k: v.copy() for k, v in inputs.items()}
    Hs, cache = lstm.lstm_forward(**inputs)
    dHs = rng.normal(size=Hs.shape)
    dHs_saved = dHs.copy()
    lstm.lstm_backward(dHs, cache)
    rnn = {k: rng.normal(size=v.shape) for k, v in RNN.items()}
    rnn_saved = {k: v.copy() for k, v in rnn.items()}
    Hs, cache = recurrence.rnn_forward(**rnn)
    bptt.rnn_backward(dHs, cache)
    for k in inputs:
        np.testing.assert_array_equal(inputs[k], saved[k])
    for k in rnn:
        np.testing.assert_array_equal(rnn[k], rnn_saved[k])
    np.testing.assert_array_equal(dHs, dHs_saved)


def test_everything_is_float64_even_from_integer_inputs():
    Hs, _ = recurrence.rnn_forward(np.ones((2, 1, 1), dtype=int), np.zeros((1, 1), dtype=int),
                                   np.ones((1, 1), dtype=int), np.ones((1, 1), dtype=int), np.zeros(1, dtype=int))
    assert Hs.dtype == np.float64
    assert clipping.clip_by_value([np.array([3, -3])], 1)[0].dtype == np.float64


# ------------------------------------------------------- edges (contract: "Edges")

def test_an_empty_sequence_gives_empty_states_and_zero_gradients():
    rng = np.random.default_rng(5)
    for forward, backward, inputs in ((recurrence.rnn_forward, bptt.rnn_backward, RNN),
                                      (lstm.lstm_forward, lstm.lstm_backward, LSTM)):
        inputs = {k: rng.normal(size=(0,) + v.shape[1:] if k == "X" else v.shape) for k, v in inputs.items()}
        Hs, cache = forward(**inputs)
        assert Hs.shape == (0, 2, 5)
        grads, dh_norms = backward(np.zeros((0, 2, 5)), cache)
        assert dh_norms.shape == (0,) and grads["X"].shape == (0, 2, 4)
        for name, value in grads.items():
            if name != "X":
                assert value.shape == inputs[name].shape and not value.any(), name


def test_zero_steps_and_no_gradients():
    assert recurrence.iterate_map(np.eye(2), np.ones(2), 0).shape == (1, 2)
    assert bptt.jacobian_power_norms(np.eye(2), np.ones(2), 0).shape == (0,)
    for empty in ({}, []):
        assert global_norm(empty) == 0.0
        assert clip_by_global_norm(empty, 1.0) == (empty, 0.0)
        assert clip_by_value(empty, 1.0) == empty


@pytest.mark.parametrize("grads", [[np.full(3, 3e-7)], [np.zeros(3)], [np.full(4, 0.9999)]],
                         ids=["below_eps", "zero", "just_under_max_norm"])
def test_norms_below_the_threshold_leave_the_gradients_unchanged(grads):
    clipped, _ = clip_by_global_norm(grads, 2.0, error_if_nonfinite=True)
    np.testing.assert_array_equal(clipped[0], grads[0])


def test_backward_twice_on_one_cache_gives_the_same_and_keeps_the_cache():
    rng = np.random.default_rng(6)
    for forward, backward, inputs in ((recurrence.rnn_forward, bptt.rnn_backward, RNN),
                                      (lstm.lstm_forward, lstm.lstm_backward, LSTM)):
        Hs, cache = forward(**{k: rng.normal(size=v.shape) for k, v in inputs.items()})
        saved = [np.copy(a) for a in cache]
        dHs = rng.normal(size=Hs.shape)
        first, second = backward(dHs, cache), backward(dHs, cache)
        for name in first[0]:
            np.testing.assert_array_equal(first[0][name], second[0][name])
        np.testing.assert_array_equal(first[1], second[1])
        for a, b in zip(cache, saved):
            np.testing.assert_array_equal(a, b)


def test_saturated_lstm_gates_stay_finite():
    rng = np.random.default_rng(7)
    inputs = {k: rng.normal(size=v.shape) * (1000.0 if k in ("X", "c0") else 1.0) for k, v in LSTM.items()}
    with np.errstate(over="raise", invalid="raise"):  # no overflow warning or nan reaches the caller
        Hs, cache = lstm.lstm_forward(**inputs)
        grads, dh_norms = lstm.lstm_backward(rng.normal(size=Hs.shape), cache)
    assert np.all(np.isfinite(Hs)) and np.all(np.isfinite(dh_norms))
    assert all(np.all(np.isfinite(g)) for g in grads.values())
