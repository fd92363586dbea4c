# Generated from solutions/train_short_test_long/tiny_lm.py
# by `python -m autograder build`: edit that file, not this copy.
"""A tiny causal transformer language model in numpy, trained through your functions.

Provided (not graded). Its attention is your `multihead.py`, its positions your
`positions.py` and its loss your `lm_loss.py`: the modules are looked up by name
when the model runs, so the notebook trains and evaluates with your code.

    x = E[tokens]                                   (T, N, D)
    x = x + sinusoidal_encoding(0 .. T-1, D)        scheme "sinusoidal" only
    per layer (pre-LayerNorm):
        x = x + multihead_attention_forward(LN1(x), Wq, Wk, Wv, Wo, H, scheme)
        x = x + relu(LN2(x) @ W1 + c1) @ W2 + c2
    logits = LN_f(x) @ Wu + bu                      (T, N, V)

RoPE and ALiBi act inside attention; "none" gives the model the causal mask
alone. Every window is a sequence of its own: positions restart at 0.
Everything is float64 (your functions return float64).
"""
import time
from dataclasses import dataclass

import numpy as np

import lm_loss
import multihead
import positions

LAYERNORM_EPS = 1e-5


@dataclass(frozen=True)
class Model:
    """A model's parameters (a dict of float64 arrays) and its architecture."""
    params: dict
    n_heads: int
    scheme: str

    @property
    def n_layers(self):
        return sum(1 for name in self.params if name.endswith(".Wq"))


def init_model(vocab, d_model, n_layers, n_heads, scheme, seed, mlp_ratio=4):
    """A seeded model: N(0, 1) embeddings, weights N(0, 1/fan_in), the residual
    branches' output weights scaled by 1/sqrt(2 n_layers) (as GPT-2), LayerNorm
    gains 1, biases 0."""
    rng = np.random.default_rng(seed)
    D, F = d_model, mlp_ratio * d_model
    residual_scale = 1.0 / np.sqrt(2 * n_layers)

    def normal(shape, std):
        return rng.standard_normal(shape) * std

    p = {"E": normal((vocab, D), 1.0)}
    for l in range(n_layers):
        p.update({
            f"{l}.g1": np.ones(D), f"{l}.b1": np.zeros(D),
            f"{l}.Wq": normal((D, D), D**-0.5), f"{l}.Wk": normal((D, D), D**-0.5),
            f"{l}.Wv": normal((D, D), D**-0.5),
            f"{l}.Wo": normal((D, D), D**-0.5 * residual_scale),
            f"{l}.g2": np.ones(D), f"{l}.b2": np.zeros(D),
            f"{l}.W1": normal((D, F), D**-0.5), f"{l}.c1": np.zeros(F),
            f"{l}.W2": normal((F, D), F**-0.5 * residual_scale), f"{l}.c2": np.zeros(D),
        })
    p.update({"gf": np.ones(D), "bf": np.zeros(D),
              "Wu": normal((D, vocab), D**-0.5), "bu": np.zeros(vocab)})
    return Model(p, n_heads, scheme)


def layernorm_forward(x, g, b):
    """LayerNorm over the last axis: x (..., D), g and b (D,) -> y (..., D), cache."""
    centred = x - x.mean(axis=-1, keepdims=True)
    rstd = 1.0 / np.sqrt((centred * centred).mean(axis=-1, keepdims=True) + LAYERNORM_EPS)
    xhat = centred * rstd
    return xhat * g + b, (xhat, rstd, g)


def layernorm_backward(dy, cache):
    """Gradients (dx (..., D), dg (D,), db (D,)) of sum(dy * y)."""
    xhat, rstd, g = cache
    lead = tuple(range(dy.ndim - 1))
    dg = (dy * xhat).sum(axis=lead)
    db = dy.sum(axis=lead)
    dxhat = dy * g
    dx = rstd * (dxhat - dxhat.mean(axis=-1, keepdims=True)
                 - xhat * (dxhat * xhat).mean(axis=-1, keepdims=True))
    return dx, dg, db


def forward(model, tokens):
    """Logits of the next token after every position.

    Inputs:
    - model: a Model
    - tokens: int array, shape (T, N): N windows of T tokens, time-major

    Returns:
    - logits: shape (T, N, V)
    - cache: for backward
    """
    p, T = model.params, tokens.shape[0]
    x = p["E"][tokens]
    if model.scheme == "sinusoidal":
        x = x + positions.sinusoidal_encoding(np.arange(T), x.shape[-1])[:, None, :]
    layer_caches = []
    for l in range(model.n_layers):
        h, ln1 = layernorm_forward(x, p[f"{l}.g1"], p[f"{l}.b1"])
        a, attention = multihead.multihead_attention_forward(
            h, p[f"{l}.Wq"], p[f"{l}.Wk"], p[f"{l}.Wv"], p[f"{l}.Wo"], model.n_heads, model.scheme)
        x = x + a
        h2, ln2 = layernorm_forward(x, p[f"{l}.g2"], p[f"{l}.b2"])
        u = h2 @ p[f"{l}.W1"] + p[f"{l}.c1"]
        r = np.maximum(u, 0.0)
        x = x + r @ p[f"{l}.W2"] + p[f"{l}.c2"]
        layer_caches.append((ln1, attention, ln2, h2, u, r))
    hf, lnf = layernorm_forward(x, p["gf"], p["bf"])
    logits = hf @ p["Wu"] + p["bu"]
    return logits, (tokens, layer_caches, lnf, hf)


def backward(model, dlogits, cache):
    """Gradients of sum(dlogits * logits) on every parameter.

    Inputs:
    - dlogits: shape (T, N, V)
    - cache: from forward

    Returns:
    - grads: dict, the same keys and shapes as model.params
    """
    p = model.params
    tokens, layer_caches, lnf, hf = cache
    V, D = dlogits.shape[-1], hf.shape[-1]
    g = {"Wu": hf.reshape(-1, D).T @ dlogits.reshape(-1, V), "bu": dlogits.sum(axis=(0, 1))}
    dx, g["gf"], g["bf"] = layernorm_backward(dlogits @ p["Wu"].T, lnf)
    for l in reversed(range(len(layer_caches))):
        ln1, attention, ln2, h2, u, r = layer_caches[l]
        F = r.shape[-1]
        g[f"{l}.W2"] = r.reshape(-1, F).T @ dx.reshape(-1, D)
        g[f"{l}.c2"] = dx.sum(axis=(0, 1))
        du = (dx @ p[f"{l}.W2"].T) * (u > 0)
        g[f"{l}.W1"] = h2.reshape(-1, D).T @ du.reshape(-1, F)
        g[f"{l}.c1"] = du.sum(axis=(0, 1))
        dh2, g[f"{l}.g2"], g[f"{l}.b2"] = layernorm_backward(du @ p[f"{l}.W1"].T, ln2)
        dx = dx + dh2
        ga = multihead.multihead_attention_backward(dx, attention)
        for name in ("Wq", "Wk", "Wv", "Wo"):
            g[f"{l}.{name}"] = ga[name]
        dh, g[f"{l}.g1"], g[f"{l}.b1"] = layernorm_backward(ga["X"], ln1)
        dx = dx + dh
    g["E"] = np.zeros_like(p["E"])
    np.add.at(g["E"], tokens.reshape(-1), dx.reshape(-1, D))  # a token may repeat
    return g


def loss_and_grads(model, inputs, targets):
    """Mean cross-entropy (nats) of the next tokens, and its gradients.

    Inputs:
    - inputs, targets: int arrays, shape (T, N) (targets[t] = the token after inputs[t])

    Returns (loss, grads), grads a dict like model.params.
    """
    logits, cache = forward(model, inputs)
    loss, dlogits = lm_loss.cross_entropy(logits, targets)
    return loss, backward(model, dlogits, cache)


def log_probs(model, inputs):
    """Log-probabilities (T, N, V) of the next token: what lm_loss.window_nats calls."""
    logits, _ = forward(model, inputs)
    return logits - np.logaddexp.reduce(logits, axis=-1, keepdims=True)  # log-sum-exp, stable for any logits


def evaluate(model, text, lengths):
    """Bits per token of the whole text, read in non-overlapping windows.

    Inputs:
    - text: int array, shape (M,)
    - lengths: window lengths (e.g. L, 2L, 4L, 8L)

    Returns:
    - bits: dict, window length -> bits per token over the M - 1 targets
    """
    def model_log_probs(inputs):
        return log_probs(model, inputs)

    return {n: lm_loss.bits_per_token(lm_loss.window_nats(model_log_probs, text, n))
            for n in lengths}


class Adam:
    """Adam (Kingma and Ba), updating a dict of arrays in place."""

    def __init__(self, params, betas=(0.9, 0.999), eps=1e-8):
        self.betas, self.eps, self.t = betas, eps, 0
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}

    def step(self, params, grads, lr):
        b1, b2 = self.betas
        self.t += 1
        c1, c2 = 1 - b1**self.t, 1 - b2**self.t  # bias corrections
        for k, w in params.items():
            m, v = self.m[k], self.v[k]
            m *= b1
            m += (1 - b1) * grads[k]
            v *= b2
            v += (1 - b2) * grads[k] ** 2
            w -= (lr / c1) * m / (np.sqrt(v / c2) + self.eps)


@dataclass(frozen=True)
class Training:
    """What a training run needs besides the text. The defaults are the notebook's
    setting (see extrapolation_table.py for the full table's)."""
    L: int = 32             # training window: inputs per sequence
    steps: int = 3000
    batch: int = 32         # windows per step
    d_model: int = 32
    n_layers: int = 2
    n_heads: int = 4
    lr: float = 3e-3
    warmup: int = 100       # steps of linear warm-up, then constant
    seed: int = 0           # the initial weights and the windows drawn


def learning_rate(step, training):
    """Linear warm-up to training.lr, then constant."""
    return training.lr * min(1.0, (step + 1) / training.warmup)


def print_progress(scheme, step, training, loss_bits, cpu_seconds):
    """The default progress line, overwritten in place (one line per run)."""
    end = "\n" if step == training.steps else ""
    print(f"\r{scheme:>10}: step {step:>5}/{training.steps}, training loss "
          f"{loss_bits:.3f} bits/token, {cpu_seconds:.0f} CPU s", end=end, flush=True)


def train(text, vocab, scheme, training=Training(), progress=print_progress, every=100):
    """Trains a model on random windows of training.L + 1 tokens of text.

    Inputs:
    - text: int array, shape (M,), M > L + 1
    - vocab: the number of tokens V
    - scheme: "none", "sinusoidal", "rope" or "alibi"
    - training: a Training
    - progress: called as progress(scheme, step, training, loss_bits, cpu_seconds)
      every `every` steps and after the last (loss_bits: the last step's loss);
      None for silence

    Returns:
    - model: the trained Model
    - cpu_seconds: CPU time of the training (this process)
    """
    model = init_model(vocab, training.d_model, training.n_layers, training.n_heads,
                       scheme, training.seed)
    optimiser = Adam(model.params)
    rng = np.random.default_rng(training.seed + 1000)
    offsets = np.arange(training.L + 1)[:, None]
    start = time.process_time()
    for step in range(training.steps):
        starts = rng.integers(0, len(text) - training.L - 1, size=training.batch)
        window = text[starts[None, :] + offsets]  # (L + 1, batch)
        loss, grads = loss_and_grads(model, window[:-1], window[1:])
        optimiser.step(model.params, grads, learning_rate(step, training))
        done = step + 1
        if progress is not None and (done % every == 0 or done == training.steps):
            progress(scheme, done, training, loss / np.log(2), time.process_time() - start)
    return model, time.process_time() - start
