"""The provided experiment code (../tiny_lm.py, ../language.py): the model's gradients are
right for every scheme, and training lowers the loss."""
import os
import sys

import numpy as np
import pytest

# The provided modules live one folder up (wip/ keeps the feasibility run's older copies).
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
for name in ("tiny_lm", "language"):
    sys.modules.pop(name, None)

from gradcheck import assert_close, numeric_gradient  # noqa: E402
from language import Language, generate  # noqa: E402
from multihead import SCHEMES  # noqa: E402
from tiny_lm import Training, evaluate, init_model, loss_and_grads, train  # noqa: E402


@pytest.mark.parametrize("scheme", SCHEMES)
def test_gradients_of_every_parameter_match_finite_differences(scheme):
    vocab = 5
    model = init_model(vocab, d_model=4, n_layers=2, n_heads=2, scheme=scheme, seed=3)
    tokens = np.random.default_rng(4).integers(0, vocab, (7, 2))
    tokens[3, 0] = tokens[1, 0]  # a repeated token: its embedding's gradient accumulates

    def loss():
        return loss_and_grads(model, tokens[:-1], tokens[1:])[0]

    _, grads = loss_and_grads(model, tokens[:-1], tokens[1:])
    assert grads.keys() == model.params.keys()
    for name, value in model.params.items():
        assert_close(grads[name], numeric_gradient(loss, value), tol=1e-6)


@pytest.mark.parametrize("scheme", ["sinusoidal", "alibi"])
def test_a_few_training_steps_lower_the_held_out_bits(scheme):
    lang = Language()
    text, held_out = generate(lang, 5000, seed=1), generate(lang, 513, seed=2)
    training = Training(L=16, steps=60, batch=8, d_model=16, n_heads=2, warmup=10)
    before = evaluate(init_model(lang.V, 16, 2, 2, scheme, seed=0), held_out, [16])[16]
    model, _ = train(text, lang.V, scheme, training, progress=None)
    after = evaluate(model, held_out, [16, 64])
    assert after[16] < before - 0.3, (before, after)
    assert set(after) == {16, 64}


def test_progress_is_reported_every_few_steps_and_after_the_last(capsys):
    lang = Language()
    text = generate(lang, 500, seed=1)
    calls = []
    train(text, lang.V, "rope", Training(L=8, steps=25, batch=2, d_model=8, n_heads=2),
          progress=lambda *args: calls.append(args), every=10)
    assert [c[1] for c in calls] == [10, 20, 25]
    assert all(np.isfinite(c[3]) and c[4] >= 0 for c in calls)
