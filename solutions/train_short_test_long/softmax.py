"""Question ``softmax``: turn scores into probabilities.

The scaffold's one graded module (``python -m autograder new``): replace it
with your own, keeping the shape of this file. What the student fills in
sits between ``# BEGIN SOLUTION`` and ``# END SOLUTION``; the release's stub
keeps everything else (the docstring with its shapes, the ``return``) and
puts the block's ``# HINT:`` lines and ``raise NotImplementedError`` in its
place.
"""
import numpy as np


def softmax(scores):
    """Softmax over the last axis, computed stably for scores of any size.

    Inputs:
    - scores: real numbers, shape (..., C): any number of leading axes (e.g.
      (N, C), one row per example), C >= 1 classes on the last

    Returns:
    - probs: shape (..., C), the same as scores; every entry is positive and
      each row (the last axis) sums to 1. The input is left unchanged.
    """
    scores = np.asarray(scores, dtype=np.float64)
    # BEGIN SOLUTION
    # HINT: subtract each row's maximum first (the probabilities stay the same, and np.exp no longer
    # HINT: overflows on large scores), exponentiate, then divide by each row's sum; keepdims=True
    # HINT: keeps the row axis, so that the division broadcasts.
    shifted = scores - np.max(scores, axis=-1, keepdims=True)
    exps = np.exp(shifted)
    probs = exps / np.sum(exps, axis=-1, keepdims=True)
    # END SOLUTION
    return probs
