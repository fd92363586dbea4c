"""The graded cases: which inputs each check feeds to the student's functions.

Each case names a procedure of ``calls.py`` (how to call the student's
functions and which outputs to compare), whether it is public (it ships with
the student release) and how to draw its inputs from a seeded generator.
Expected outputs are never written here: ``autograder/build/fixtures.py``
computes them by running the reference solutions through the same procedures.
"""
import hashlib

import numpy as np


def _scores(rng, shape, scale=1.0):
    return {"scores": rng.normal(0, scale, shape)}


# name -> (procedure, public, inputs drawn from a generator seeded by the name)
CASES = {
    "softmax/small": ("softmax", True, lambda r: _scores(r, (3, 5))),
    "softmax/one_class": ("softmax", False, lambda r: _scores(r, (4, 1))),
    "softmax/batched": ("softmax", False, lambda r: _scores(r, (2, 3, 4))),
    # far beyond where np.exp overflows (about 709): only a shifted softmax stays finite
    "softmax/large_scores": ("softmax", False, lambda r: _scores(r, (3, 6), scale=1000.0)),
}


def seed_of(name):
    """The seed of case ``name``'s generator: the SHA-256 of its name, so that no hidden case's
    inputs can be derived from a public one's."""
    return int.from_bytes(hashlib.sha256(("case " + name).encode()).digest(), "big")


def inputs_of(name):
    """The inputs of case ``name``, drawn from a generator seeded by the name (``seed_of``)."""
    return CASES[name][2](np.random.default_rng(seed_of(name)))
