import numpy as np
import pytest

from language import Language, bigram_nats, exact_nats, generate, predictive


def enumerate_texts(lang, M):
    """Every text of M tokens with its probability, by following the generator's
    random choices one by one (independent of the filtering in `predictive`)."""
    texts = {}

    def extend(x, prob):
        t = len(x)
        if t >= M:
            texts[tuple(x)] = texts.get(tuple(x), 0.0) + prob
            return
        d_choices, prior = lang.distance_prior(t)
        p_marker = lang.p_copy if len(d_choices) else 0.0
        for d, pd in zip(d_choices, prior):
            y = x + [lang.marker]
            for j in range(1, lang.span + 1):
                if len(y) >= M:
                    break
                y.append(y[t + j - d])
            extend(y, prob * p_marker * pd)
        for s in range(lang.S):
            extend(x + [s], prob * (1 - p_marker) * lang.transitions[x[-1], s])

    for s in range(lang.S):
        extend([s], 1.0 / lang.S)
    return texts


@pytest.mark.parametrize("settings", [dict(S=2, p_copy=0.3, span=2, dmin=1, dmax=3),
                                      dict(S=3, p_copy=0.5, span=3, dmin=2, dmax=4, power=0.5)])
def test_exact_floor_matches_brute_force_enumeration(settings):
    lang = Language(**settings, alpha=1.0, seed=4)
    M = 8
    texts = enumerate_texts(lang, M)
    assert sum(texts.values()) == pytest.approx(1.0, abs=1e-12)
    for x, prob in texts.items():
        x = np.array(x)
        log_p = np.log(1.0 / lang.S) - exact_nats(lang, x).sum()
        assert log_p == pytest.approx(np.log(prob), abs=1e-10)
    # and the exact predictive entropy of the enumerated distribution is the floor's mean
    expected_nats = sum(p * exact_nats(lang, np.array(x)).sum() for x, p in texts.items())
    sampled = np.mean([exact_nats(lang, generate(lang, M, s)).sum() for s in range(3000)])
    assert sampled == pytest.approx(expected_nats, rel=0.05)


def test_predictive_distributions_are_normalised_and_generated_text_is_possible():
    lang = Language()
    x = generate(lang, 5000, 7)
    probs = predictive(lang, x)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-12)
    assert (probs[np.arange(5000), x] > 0).all()


def test_a_bigram_model_is_well_above_the_floor():
    lang = Language()
    train, test = generate(lang, 100_000, 1), generate(lang, 20_000, 2)
    floor = exact_nats(lang, test).mean()
    bigram = bigram_nats(train, test, lang.V).mean()
    assert bigram > floor + 0.5  # nats: copies are worth most of a nat per token
