import numpy as np
import pytest

from finite_differences import assert_close, numeric_gradient
from lm_loss import bits_per_token, cross_entropy, perplexity, window_nats


def test_cross_entropy_is_the_mean_nll_and_its_gradient():
    rng = np.random.default_rng(0)
    logits, targets = rng.standard_normal((3, 2, 5)), rng.integers(0, 5, (3, 2))
    loss, d = cross_entropy(logits, targets)
    nll = [-(logits[t, n, targets[t, n]] - np.log(np.exp(logits[t, n]).sum()))
           for t in range(3) for n in range(2)]
    assert loss == pytest.approx(np.mean(nll), rel=1e-13)
    assert_close(d, numeric_gradient(lambda: cross_entropy(logits, targets)[0], logits))


def test_cross_entropy_is_stable_for_huge_logits():
    rng = np.random.default_rng(1)
    logits, targets = rng.standard_normal((2, 2, 4)), rng.integers(0, 4, (2, 2))
    loss, d = cross_entropy(logits + 1e4, targets)
    loss0, d0 = cross_entropy(logits, targets)
    assert loss == pytest.approx(loss0, rel=1e-9) and np.allclose(d, d0, atol=1e-12)


def context_model(inputs):
    """Fake model for tokens = arange(M): log p(next) = -(context length) on the true
    next token (input + 1), nan elsewhere, so a wrongly aligned target shows up."""
    Tw, B = inputs.shape
    lp = np.full((Tw, B, inputs.max() + 2), np.nan)
    np.put_along_axis(lp, (inputs + 1)[..., None], -(np.arange(Tw) + 1.0)[:, None, None], axis=-1)
    return lp


def test_non_overlapping_windows_score_each_target_once_with_positions_restarting():
    nats = window_nats(context_model, np.arange(23), 5)
    assert nats.shape == (22,)
    np.testing.assert_array_equal(nats, np.concatenate([np.tile(np.arange(1, 6), 4), [1, 2]]))
    np.testing.assert_array_equal(window_nats(context_model, np.arange(23), 5, stride=5), nats)


def test_sliding_windows_score_only_their_last_stride_targets():
    nats = window_nats(context_model, np.arange(23), 8, stride=3)
    # the first window scores its 8 targets, then every target has a full 8-token context
    # except... none: each later window has 8 inputs and scores its last 3 (contexts 6, 7, 8)
    expected = list(range(1, 9)) + [6, 7, 8] * 4 + [7, 8]
    np.testing.assert_array_equal(nats, expected)
    np.testing.assert_array_equal(window_nats(context_model, np.arange(23), 8, stride=1),
                                  list(range(1, 9)) + [8] * 14)


def test_short_texts_and_batching_do_not_change_the_scores():
    np.testing.assert_array_equal(window_nats(context_model, np.arange(4), 10), [1, 2, 3])
    a = window_nats(context_model, np.arange(50), 4, stride=2)
    b = window_nats(context_model, np.arange(50), 4, stride=2, max_batch_tokens=4)
    np.testing.assert_array_equal(a, b)


def test_bits_and_perplexity_are_per_token_not_per_window():
    nats = window_nats(context_model, np.arange(23), 5)  # last window: 2 tokens
    assert bits_per_token(nats) == pytest.approx(nats.mean() / np.log(2))
    assert perplexity(nats) == pytest.approx(np.exp(nats.mean()))
    window_means = [nats[i:i + 5].mean() for i in range(0, 22, 5)]
    assert perplexity(nats) != pytest.approx(np.exp(np.mean(window_means)))
