# Generated from solutions/rnn_shortcomings/gradcheck.py
# by `python -m autograder build`: edit that file, not this copy.
"""Finite-difference gradient checking (provided complete, not graded).

Use it to test your backward passes before asking the grader, e.g.::

    from gradcheck import numerical_gradient, rel_error
    f = lambda Wh: rnn_forward(X, h0, Wx, Wh, b)[0]
    grads, _ = rnn_backward(dHs, cache)
    print(rel_error(grads["Wh"], numerical_gradient(f, Wh, dHs)))   # ~1e-8 or less

A relative error below about 1e-7 means the analytic gradient is right; 1e-2
or more means it is wrong.
"""
import numpy as np


def numerical_gradient(f, x, upstream=None, h=1e-6, entries=None):
    """Centred finite-difference gradient of sum(upstream * f(x)) with respect to x.

    Inputs:
    - f: a function taking one array shaped like x and returning an array
      (or a number)
    - x: the point at which to differentiate, any shape; it is not modified
    - upstream: the gradient on f's output, shaped like f(x); all ones if None
    - h: the step of the centred difference
    - entries: flat indices (into x.ravel()) of the entries to differentiate,
      or None for all; two calls of f per entry, so a sample is much faster

    Returns:
    - grad: shape of x; grad[k] ~ (L(x + h e_k) - L(x - h e_k)) / (2 h) with
      L(x) = sum(upstream * f(x)). With entries: shape (len(entries),), the
      derivatives at those entries, in their order.
    """
    point = np.array(x, dtype=np.float64)  # a private copy: x itself is never touched
    flat_point = point.reshape(-1)
    every_entry = entries is None
    entries = range(flat_point.size) if every_entry else [int(k) for k in entries]
    flat_grad = np.empty(len(entries))
    for n, k in enumerate(entries):
        saved = flat_point[k]
        flat_point[k] = saved + h
        plus = np.asarray(f(point.copy()), dtype=np.float64)
        flat_point[k] = saved - h
        minus = np.asarray(f(point.copy()), dtype=np.float64)
        flat_point[k] = saved
        weights = np.ones_like(plus) if upstream is None else np.asarray(upstream, dtype=np.float64)
        flat_grad[n] = np.sum((plus - minus) * weights) / (2.0 * h)
    return flat_grad.reshape(point.shape) if every_entry else flat_grad


def rel_error(x, y):
    """Largest relative difference between two arrays: max |x - y| / max(1e-8, |x| + |y|)."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y)), initial=0.0))
