"""What each figure of the third assignment's notebook must say of its data (tests/test_figure_claims.py)."""
import numpy as np

from autograder import assignment as course
from figure_reading import lines, title, within_view


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


# One per figure, in the order the notebook shows them.
CLAIMS = [sinusoidal_encodings, rope_depends_on_the_distance_only, alibi_heads, train_short_test_long,
          four_schemes_over_seeds]
