"""Reading a matplotlib figure's data back, for the figure claims of each assignment
(``tests/<assignment>/figure_claims.py``, run by tests/test_figure_claims.py), and the claims that
two assignments' notebooks share: which gradients survive, and the adding problem.
"""
import numpy as np

SURVIVES = 1e-3  # the notebooks' meaning of "the gradient survives 200 steps"
BASELINE = 1 / 6  # the adding problem's mean squared error when always predicting 1


def lines(ax):
    return {line.get_label(): (np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float))
            for line in ax.get_lines()}


def title(figure):
    texts = [figure._suptitle.get_text()] if figure._suptitle else []
    return " ".join(texts + [ax.get_title() for ax in figure.axes if ax.get_title()])


def kept(y):
    """The share of its norm a gradient keeps from the last step back to the first."""
    return y[0] / y[-1]


def within_view(ax, y):
    low, high = ax.get_ylim()
    return bool(np.all((y >= low) & (y <= high)))


def survivors_claim(figure, expected):
    (ax,) = figure.axes
    drawn = lines(ax)
    survivors = [label.split(":")[0] for label, (_, y) in drawn.items() if kept(y) >= SURVIVES]
    assert survivors == expected
    for label, (_, y) in drawn.items():
        assert kept(y) >= 3 * SURVIVES or kept(y) <= SURVIVES / 3, label  # far from the line on any CPU
    assert title(figure).endswith("only in: " + " and ".join(expected))
    assert "\\partial" in ax.get_ylabel()


def adding_problem(figure, solved_models, baseline_models, title_gives_steps):
    (ax,) = figure.axes
    drawn = lines(ax)
    for label, (x, y) in drawn.items():
        if label in solved_models:
            step = int(x[np.flatnonzero(y < 0.01)[0]])
            assert not title_gives_steps or f"{label.split(',')[0]} is solved at step {step}" in title(figure), label
            assert y[-1] < 0.005 if title_gives_steps else y[-1] < 0.01, label
        if label in baseline_models:
            assert y.min() > BASELINE / 2, label
        if not label.startswith(("predict", "solved")):
            assert len(x) >= 6 and within_view(ax, y), label
