"""This assignment's functions against PyTorch, in float64 (run by ``python -m autograder crosscheck``).

``softmax`` is ``torch.softmax(x, dim=-1)``. ``COMPARISONS[function](functions, rng, *shape)``
gives, per output, the pair (ours, PyTorch's); ``autograder/build/crosscheck.py`` runs them over
``SHAPES``, each a shape of the scores here.
"""
from autograder.build.crosscheck import leaf, torch_module

SHAPES = {"rows": (4, 7), "one class": (3, 1), "batched": (2, 3, 5)}
MODULES = ("softmax",)  # the solution modules holding the compared functions


def _softmax(f, rng, *shape):
    scores = rng.normal(0, 3.0, shape)
    return {"probs": (f["softmax"](scores), torch_module().softmax(leaf(scores), dim=-1))}


COMPARISONS = {"softmax": _softmax}
