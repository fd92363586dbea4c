"""A seeded synthetic language with structure at several distances, and its exact floor.

Provided (not graded). The course makes its own text, so that the best possible
bits per token is known exactly.

Tokens 0 .. S-1 are symbols, token S is the copy marker (V = S + 1 tokens).
The text is generated left to right:

- token 0 is a symbol drawn uniformly;
- in free mode, the next token is the marker with probability p_copy (when some
  copy distance is possible, see below), otherwise a symbol drawn from a
  first-order Markov chain: P(symbol | previous token), one row per previous
  token, the marker's included (rows drawn from a seeded Dirichlet(alpha));
- after a marker at position t, a distance d is drawn with p(d) proportional to
  d^-power over dmin .. min(dmax, t + 1), and the next `span` tokens copy the
  tokens d back: x[t + j] = x[t + j - d], j = 1 .. span (a marker inside a
  copied span is a copy, not a new copy event); then free mode again.

A model that reads a window of L tokens can copy only from sources inside its
window; the longer the window, the more copies it can make, if it knows how to
look back at distances it never saw in training.

The floor: the mode (free, or copying with j tokens to go) is a deterministic
function of the text read so far (a marker in free mode always starts a copy),
so the only hidden choice is the distance d of the current copy. The
Bayes-optimal predictor keeps the posterior over d: the prior restricted to the
distances whose copied tokens so far match the text. `exact_nats` returns its
nats per token: no model, even one that reads the whole past, does better on
average.
"""
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Language:
    """The language's settings; the Markov chain's rows are drawn from `seed`.

    The defaults are the course's language: 16 symbols; after a free token, a copy
    with probability 0.3, of the 8 tokens found 8 to 200 tokens back (about 70 % of
    the tokens are copies)."""
    S: int = 16
    p_copy: float = 0.3
    span: int = 8
    dmin: int = 8
    dmax: int = 200
    power: float = 1.5
    alpha: float = 0.3
    seed: int = 0
    transitions: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        rng = np.random.default_rng(self.seed)
        rows = rng.dirichlet(np.full(self.S, self.alpha), size=self.S + 1)  # (V, S)
        object.__setattr__(self, "transitions", rows)

    @property
    def V(self):
        """The number of tokens: S symbols and the marker."""
        return self.S + 1

    @property
    def marker(self):
        return self.S

    def distance_prior(self, t):
        """The copy distances possible for a marker at position t, and their prior.

        Returns (distances, probabilities), both of shape (K,), K = 0 when no
        distance fits (t + 1 < dmin)."""
        d = np.arange(self.dmin, min(self.dmax, t + 1) + 1)
        w = d.astype(np.float64) ** -self.power
        return d, (w / w.sum() if len(d) else w)


def generate(lang, M, seed, return_sources=False):
    """A text of M tokens from the language, seeded.

    Returns:
    - x: int64 array, shape (M,)
    - with return_sources, also sources: int array (M,), the position each copied
      token was copied from, -1 for tokens that are not copies (for analysis)
    """
    rng = np.random.default_rng(seed)
    x = np.empty(M, dtype=np.int64)
    sources = np.full(M, -1)
    x[0] = rng.integers(lang.S)
    t = 1
    while t < M:
        d_choices, prior = lang.distance_prior(t)
        if len(d_choices) and rng.random() < lang.p_copy:
            x[t] = lang.marker
            d = rng.choice(d_choices, p=prior)
            for j in range(1, lang.span + 1):
                if t + j >= M:
                    break
                x[t + j] = x[t + j - d]
                sources[t + j] = t + j - d
            t += lang.span + 1
        else:
            x[t] = rng.choice(lang.S, p=lang.transitions[x[t - 1]])
            t += 1
    return (x, sources) if return_sources else x


def predictive(lang, x):
    """The Bayes-optimal next-token distributions given the whole past.

    Inputs:
    - lang: a Language
    - x: int array, shape (M,), a text of the language

    Returns:
    - probs: shape (M, V), probs[t] = P(x[t] = . | x[0 .. t-1]); probs[0] is
      uniform over the symbols
    """
    M = len(x)
    probs = np.zeros((M, lang.V))
    probs[0, : lang.S] = 1.0 / lang.S
    t = 1
    while t < M:
        d_choices, prior = lang.distance_prior(t)
        p_marker = lang.p_copy if len(d_choices) else 0.0
        probs[t, : lang.S] = (1.0 - p_marker) * lang.transitions[x[t - 1]]
        probs[t, lang.marker] = p_marker
        if x[t] != lang.marker:
            t += 1
            continue
        posterior = prior.copy()  # over d_choices: the marker at t starts a copy
        for j in range(1, lang.span + 1):
            if t + j >= M:
                break
            sources = x[t + j - d_choices]
            probs[t + j] = np.bincount(sources, weights=posterior, minlength=lang.V)
            posterior = posterior * (sources == x[t + j])
            posterior /= posterior.sum()  # nonzero: x was generated by the language
        t += lang.span + 1
    return probs


def exact_nats(lang, x):
    """The floor, token by token.

    Returns:
    - nats: shape (M - 1,), nats[m - 1] = -log P(x[m] | x[0 .. m-1]) under the
      language, m = 1 .. M-1 (the targets lm_loss.window_nats scores)
    """
    probs = predictive(lang, x)
    return -np.log(probs[np.arange(1, len(x)), x[1:]])


def bigram_nats(train, test, V, smoothing=0.5):
    """A baseline that uses no context beyond the previous token.

    Inputs:
    - train, test: int arrays, shapes (M_train,) and (M,)
    - V: the number of tokens
    - smoothing: added to every bigram count

    Returns:
    - nats: shape (M - 1,), -log P(test[m] | test[m - 1]) under the add-smoothing
      bigram model fitted on train
    """
    counts = np.full((V, V), smoothing)
    np.add.at(counts, (train[:-1], train[1:]), 1.0)
    P = counts / counts.sum(axis=1, keepdims=True)
    return -np.log(P[test[:-1], test[1:]])
