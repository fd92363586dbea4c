"""What each figure of the first assignment's notebook must say of its data (tests/test_figure_claims.py)."""
import numpy as np

from figure_reading import BASELINE, adding_problem, lines, survivors_claim, title, within_view


def rnn_decays(figure):
    (ax,) = figure.axes
    for _, y in lines(ax).values():
        assert abs(y[-1]) < 0.05 * np.abs(y).max()
    assert "decays to 0" in title(figure)


def rnn_jacobian_powers(figure):
    (ax,) = figure.axes
    drawn = lines(ax)
    for case in ("vanishing", "exploding"):
        measured = next(y for label, (_, y) in drawn.items() if label == f"{case}: measured")
        power = next(y for label, (_, y) in drawn.items() if label.startswith(f"{case}: $\\rho^t$"))
        assert 0.5 < measured[-1] / power[-1] < 2  # follows rho^t, within a factor 2 at t = 30
    assert "spectral radius to the power t" in title(figure)


def rnn_clipping(figure):
    left, right = figure.axes
    norms, losses = lines(left), lines(right)
    unclipped = next(y for label, (_, y) in norms.items() if label.startswith("no clipping"))
    clipped_loss = next(y for label, (_, y) in losses.items() if label.startswith("clipped"))
    first_above = int(np.flatnonzero(unclipped > 100)[0]) + 1
    assert f"passes 100 at step {first_above}" in title(figure) and first_above <= 10
    assert clipped_loss[-100:].mean() < 0.9 * BASELINE and "ends below the baseline" in title(figure)
    for ax, drawn in ((left, norms), (right, losses)):  # everything but the unclipped run is in view
        for label, (_, y) in drawn.items():
            assert label.startswith("no clipping") or within_view(ax, y), label


def rnn_adding_problem(figure):
    adding_problem(figure, solved_models={"LSTM, T = 50"}, baseline_models={"RNN, T = 50"},
                   title_gives_steps=False)
    assert "only the LSTM carries the first value" in title(figure)


# One per figure, in the order the notebook shows them.
CLAIMS = [rnn_decays, rnn_jacobian_powers, lambda f: survivors_claim(f, ["LSTM (forget bias 3)"]), rnn_clipping,
          rnn_adding_problem]
