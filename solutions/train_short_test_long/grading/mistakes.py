"""Known mistakes: how each one is made, which checks it shows in, and the hint that names it.

Each mistake is a change to the reference solutions (find/replace in ``file``;
the text must occur once). When the fixtures are built, every case of the
listed kinds is run again with the changed solutions, and what comes out is
stored beside the reference values, with the hint. A failing check whose
outputs are exactly those of a mistake gives that mistake's hint and no other
(``checking.diagnose``); the changed code itself never leaves the build. A bug
of ``library/bugs.toml`` can name one (``mistake = "..."``) instead of
restating its change.
"""
from collections import namedtuple

Mistake = namedtuple("Mistake", "kinds file find replace hint")

MISTAKES = {
    "softmax_over_the_first_axis": Mistake(
        ("softmax",), "softmax.py", "np.sum(exps, axis=-1, keepdims=True)", "np.sum(exps, axis=0, keepdims=True)",
        "Your probabilities are exactly what dividing by the sums over the first axis (axis=0) gives: each "
        "row, along the last axis, must sum to 1 (axis=-1)."),
}
