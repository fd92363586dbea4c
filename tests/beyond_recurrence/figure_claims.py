"""What each figure of the second assignment's notebook must say of its data (tests/test_figure_claims.py)."""
import numpy as np

from figure_reading import adding_problem, lines, survivors_claim, title


def beyond_adding_problem(figure):
    adding_problem(figure, solved_models={"GRU, T = 200", "attention (ALiBi), T = 200"},
                   baseline_models={"LSTM, T = 200"}, title_gives_steps=True)
    assert "the LSTM stays near the baseline" in title(figure)
    x_gru, y_gru = next(v for label, v in lines(figure.axes[0]).items() if label.startswith("GRU"))
    x_att, y_att = next(v for label, v in lines(figure.axes[0]).items() if label.startswith("attention"))
    assert x_att[np.flatnonzero(y_att < 0.01)[0]] + 30 <= x_gru[np.flatnonzero(y_gru < 0.01)[0]]  # first, by far
    assert len(x_gru) >= 15


def attention_weights(figure):
    images = [ax.get_images()[0].get_array() for ax in figure.axes if ax.get_images()]
    assert len(images) == 2
    for A in images:
        A = np.asarray(A)
        assert np.all(A[np.triu_indices_from(A, 1)] == 0) and np.allclose(A.sum(axis=1), 1)
    assert "zero above the diagonal, every row sums to 1" in title(figure)


def gradient_paths(figure):
    (ax,) = figure.axes
    drawn = lines(ax)
    attention = drawn["attention"][1]
    assert attention[-1] / attention[0] > 0.05
    assert f"it keeps {attention[-1] / attention[0]:.0%} of its gradient" in title(figure)
    for model in ("RNN", "LSTM", "GRU"):
        y = drawn[model][1]
        assert y[-1] / y[0] < 1e-5 / 3, model
    assert "\\partial" in ax.get_ylabel()


# One per figure, in the order the notebook shows them.
CLAIMS = [lambda f: survivors_claim(f, ["LSTM (forget bias 3)", "GRU (update bias 4)"]), attention_weights,
          gradient_paths, beyond_adding_problem]
