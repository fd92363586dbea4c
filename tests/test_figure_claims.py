"""Every figure of every notebook says what its data shows, on axes where it can be seen.

The figures are those of the session's headless run of each notebook with the
reference solutions (conftest's ``solved_notebook``, recorded at each
``plt.show()`` by tests/notebook_figures.py); a notebook changed by a bug runs
here, in this process (shell and ``grader`` lines left out). For each figure a
claim function reads the lines the figure draws and checks its title against
them: the title is computed from
the data in the notebook, and these checks say which statement the data must
make with the reference (who survives, who is solved, what ends below the
baseline), with margins that hold on any CPU.
"""
import contextlib
import io
import os
import sys

import matplotlib
import numpy as np
import pytest

import buglib
from autograder import assignment as course
from autograder.build import notebook
from autograder.build.release import course_copy

SKIPPED_LINES = ("%", "!", "grader", "import otter")
SURVIVES = 1e-3  # the notebooks' meaning of "the gradient survives 200 steps"
BASELINE = 1 / 6


def drawn_figures(assignment, root, bug=None):
    """The figures the notebook of ``assignment`` draws with the reference solutions (changed as the bug
    library's entry ``bug`` says, if given), in order."""
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = course_copy(root, solutions=True) / assignment.name
    if bug:
        buglib.write_submission(assignment, buglib.load(assignment)[bug], folder)
    shown = []
    show, here, environment = plt.show, os.getcwd(), dict(os.environ)  # the set-up cell sets a variable
    plt.show = lambda *args, **kwargs: shown.append(plt.gcf()) or plt.figure()
    # As in a fresh kernel: no module of the same name that other tests imported from elsewhere.
    names = {path.stem for path in folder.parent.glob("*/*.py")}
    others = {name: sys.modules.pop(name) for name in names if name in sys.modules}
    imported_before, path_before = set(sys.modules), list(sys.path)  # the set-up cell adds the kit's helpers
    sys.path.insert(0, str(folder))
    os.chdir(folder)
    try:
        namespace = {}
        for cell in notebook.notebook(assignment).cells:
            if cell.cell_type == "code":
                source = "\n".join(line for line in cell.source.splitlines()
                                   if not line.lstrip().startswith(SKIPPED_LINES))
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(compile(source, cell.id, "exec"), namespace)  # noqa: S102 - the course's own notebook
    finally:
        os.chdir(here)
        os.environ.clear()
        os.environ.update(environment)
        sys.path[:] = path_before
        plt.show = show
        for name in set(sys.modules) - imported_before:
            del sys.modules[name]  # the kit's notebook_support, manifest, ...: another kit's test imports its own
        sys.modules.update(others)
    return shown


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


def rnn_adding_problem(figure):
    adding_problem(figure, solved_models={"LSTM, T = 50"}, baseline_models={"RNN, T = 50"},
                   title_gives_steps=False)
    assert "only the LSTM carries the first value" in title(figure)


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


def sinusoidal_encodings(figure):
    P = np.asarray(figure.axes[0].get_images()[0].get_array())  # axes[1] is the colour bar
    t = np.arange(64)
    assert P.shape == (64, 32) and np.allclose(P[:, 0], np.sin(t)) and np.allclose(P[:, 31], np.cos(t / 10000 ** (30 / 32)))
    assert "columns 0-1 repeat every 6.3 positions" in title(figure)


def rope_depends_on_the_distance_only(figure):
    drawn = lines(figure.axes[0])
    rotary = [y for label, (_, y) in drawn.items() if label.startswith("RoPE")]
    added = [y for label, (_, y) in drawn.items() if label.startswith("sinusoidal added")]
    apart = lambda curves: np.abs(np.array(curves) - curves[0]).max()  # noqa: E731
    assert len(rotary) == len(added) == 3
    assert apart(rotary) < 1e-9 and apart(added) > 0.5  # one curve, against three
    assert f"its 3 curves differ by {apart(rotary):.0e};" in title(figure)
    assert f"with sinusoidal encodings added instead, by {apart(added):.2f}" in title(figure)


def alibi_heads(figure):
    drawn = lines(figure.axes[0])
    heads = {label: (x, y) for label, (x, y) in drawn.items() if label.startswith("head")}
    assert list(heads) == [f"head {h}, slope 1/{4 ** (h + 1)}" for h in range(4)]  # alibi_slopes(4)
    for h, (x, y) in enumerate(heads.values()):
        assert np.array_equal(x, np.arange(257)) and np.allclose(y, -x / 4 ** (h + 1))
    assert "at distance 256 the bias is -64 for the steepest, -1.0 for the gentlest" in title(figure)


def train_short_test_long(figure):
    """ALiBi improves past the training length, RoPE degrades. Margins: over 3 seeds and 3 BLAS kernels
    (docs/maintainers.md, "The third assignment's experiment"), ALiBi at 8L is >= 0.163 bits below L and >= 0.109
    below at every longer length, RoPE at 8L >= 0.265 above L and RoPE below ALiBi at L by >= 0.051;
    the kernels differ by 1e-15 bits (float64)."""
    (ax,) = figure.axes
    drawn = lines(ax)
    (lengths, alibi), (_, rope) = drawn["ALiBi"], drawn["RoPE"]
    [floor] = {y[0] for label, (_, y) in drawn.items() if label.startswith("floor")}
    [bigram] = {y[0] for label, (_, y) in drawn.items() if label.startswith("bigram")}
    assert list(lengths) == [32, 64, 128, 256]
    assert alibi[-1] < alibi[0] - 0.1 and np.all(alibi[1:] < alibi[0] - 0.05)
    assert rope[-1] > rope[0] + 0.1 and rope[0] < alibi[0] - 0.02
    assert floor + 1 < min(alibi.min(), rope.min()) and alibi.max() < bigram  # far above the floor
    assert (f"ALiBi improves from {alibi[0]:.2f} to {alibi[-1]:.2f}, RoPE degrades from {rope[0]:.2f} to "
            f"{rope[-1]:.2f}") in title(figure)
    assert "with the reference functions" not in title(figure)
    for label, (_, y) in drawn.items():
        assert label.startswith("_") or within_view(ax, y), label


def four_schemes_over_seeds(figure):
    """The results file's table, drawn: ALiBi lower at 8L than at L in every seed, RoPE and sinusoidal higher,
    none flat; the title's ranges are each scheme's 8L - L over its seeds (margins: docs/maintainers.md)."""
    import extrapolation_table

    runs, L, floor, _ = extrapolation_table.load_results(course.load("train_short_test_long").source
                                                         / "extrapolation_results.toml")
    (ax,) = figure.axes
    drawn = lines(ax)
    for scheme in ("none", "sinusoidal", "rope", "alibi"):
        rows = np.array([list(r["bits"].values()) for r in runs if r["scheme"] == scheme])
        x, y = drawn[f"{scheme} (mean of 3 seeds)"]
        assert list(x) == [L, 2 * L, 4 * L, 8 * L] and np.allclose(y, rows.mean(axis=0))
        change = rows[:, -1] - rows[:, 0]
        assert f"{scheme} {change.min():+.3f} to {change.max():+.3f}" in title(figure)
        assert {"alibi": change.max() < -0.1, "rope": change.min() > 0.1, "sinusoidal": change.min() > 0.1,
                "none": np.abs(change).max() < 0.05}[scheme], scheme
    [drawn_floor] = {y[0] for label, (_, y) in drawn.items() if label.startswith("floor")}
    assert drawn_floor == floor
    for name, scheme in (("ALiBi", "alibi"), ("RoPE", "rope")):  # the notebook's own runs: the table's seed 0
        [seed_0] = [list(r["bits"].values()) for r in runs if r["scheme"] == scheme and r["seed"] == 0]
        assert np.abs(drawn[f"your {name} run (seed 0)"][1] - seed_0).max() < 1e-9
    assert "differ from the table's" not in title(figure)


CLAIMS = {
    "rnn_shortcomings": [rnn_decays, rnn_jacobian_powers,
                         lambda f: survivors_claim(f, ["LSTM (forget bias 3)"]), rnn_clipping, rnn_adding_problem],
    "beyond_recurrence": [lambda f: survivors_claim(f, ["LSTM (forget bias 3)", "GRU (update bias 4)"]),
                          attention_weights, gradient_paths, beyond_adding_problem],
    "train_short_test_long": [sinusoidal_encodings, rope_depends_on_the_distance_only, alibi_heads,
                              train_short_test_long, four_schemes_over_seeds],
}


@pytest.mark.parametrize("name", course.names())
def test_each_figures_title_states_what_its_data_shows(solved_figures, name):
    """Every figure has a title; an assignment's claims (CLAIMS, written with its notebook) say which
    statement each title must make of the data."""
    drawn = solved_figures(course.load(name))
    assert drawn, "the notebook showed no figure (or its run recorded none)"
    assert all(title(figure).strip() for figure in drawn), [title(figure) for figure in drawn]
    claims = CLAIMS.get(name, [])
    assert len(drawn) == len(claims) or not claims
    for number, (figure, claim) in enumerate(zip(drawn, claims), start=1):
        try:
            claim(figure)
        except AssertionError as error:
            raise AssertionError(f"{name} figure {number} ({title(figure)!r}): {error}") from None


def test_a_figure_drawn_with_a_students_wrong_function_says_it_departs_from_the_text(tmp_path):
    """The clipping run uses the student's rnn_backward: with a bptt bug its title says the loss does not end
    below 1/6 as the reference's does, and the text above the figure says whose functions it uses."""
    rnn = course.load("rnn_shortcomings")
    clipping = drawn_figures(rnn, tmp_path, bug="bptt_without_tanh_derivative")[3]
    assert "not below 1/6 as with the reference functions" in title(clipping)
    cells = [cell.source for cell in notebook.notebook(rnn).cells]
    text = next(source for source in cells if "Clipping in a training run" in source)
    assert "This text describes the reference solutions" in text and "**your**" in text
