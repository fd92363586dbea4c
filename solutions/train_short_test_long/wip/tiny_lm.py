"""A small causal transformer language model in numpy, on the graded functions.

    x = E[tokens] (+ sinusoidal_encoding for scheme "sinusoidal")      (T, N, D)
    per block (pre-LN):  x = x + MHA(LN1(x));  x = x + W2 relu(LN2(x) W1 + c1) + c2
    logits = LN_f(x) @ Wu + bu                                           (T, N, V)

Forward, backward and Adam. `dtype` float64 by default; float32 runs the same
code in single precision (twice as fast; the graded functions are float64).
"""
import numpy as np

from lm_loss import cross_entropy
from multihead import multihead_attention_backward, multihead_attention_forward
from positions import sinusoidal_encoding

EPS = 1e-5


def init_params(V, D, n_layers, n_heads, seed, dtype=np.float64, mlp=4, emb_std=1.0):
    """Seeded parameters: a dict of arrays."""
    rng = np.random.default_rng(seed)
    residual_scale = 1.0 / np.sqrt(2 * n_layers)  # GPT-2's scaling of residual outputs

    def normal(shape, std):
        return (rng.standard_normal(shape) * std).astype(dtype)

    p = {"E": normal((V, D), emb_std)}
    for l in range(n_layers):
        p.update({
            f"{l}.g1": np.ones(D, dtype), f"{l}.b1": np.zeros(D, dtype),
            f"{l}.Wq": normal((D, D), D**-0.5), f"{l}.Wk": normal((D, D), D**-0.5),
            f"{l}.Wv": normal((D, D), D**-0.5), f"{l}.Wo": normal((D, D), D**-0.5 * residual_scale),
            f"{l}.g2": np.ones(D, dtype), f"{l}.b2": np.zeros(D, dtype),
            f"{l}.W1": normal((D, mlp * D), D**-0.5), f"{l}.c1": np.zeros(mlp * D, dtype),
            f"{l}.W2": normal((mlp * D, D), (mlp * D) ** -0.5 * residual_scale),
            f"{l}.c2": np.zeros(D, dtype),
        })
    p.update({"gf": np.ones(D, dtype), "bf": np.zeros(D, dtype),
              "Wu": normal((D, V), D**-0.5), "bu": np.zeros(V, dtype)})
    return p


def layernorm_forward(x, g, b):
    mu = x.mean(axis=-1, keepdims=True)
    xc = x - mu
    rstd = 1.0 / np.sqrt((xc * xc).mean(axis=-1, keepdims=True) + EPS)
    xhat = xc * rstd
    return xhat * g + b, (xhat, rstd, g)


def layernorm_backward(dy, cache):
    xhat, rstd, g = cache
    lead = tuple(range(dy.ndim - 1))
    dg = (dy * xhat).sum(axis=lead)
    db = dy.sum(axis=lead)
    dxhat = dy * g
    dx = rstd * (dxhat - dxhat.mean(axis=-1, keepdims=True)
                 - xhat * (dxhat * xhat).mean(axis=-1, keepdims=True))
    return dx, dg, db


def n_layers_of(p):
    return sum(1 for k in p if k.endswith(".Wq"))


def forward(p, tokens, n_heads, scheme):
    """logits (T, N, V) of int tokens (T, N), and the cache for backward."""
    T, N = tokens.shape
    x = p["E"][tokens]
    if scheme == "sinusoidal":
        x = x + sinusoidal_encoding(np.arange(T), x.shape[-1])[:, None, :].astype(x.dtype)
    caches = []
    for l in range(n_layers_of(p)):
        h, c_ln1 = layernorm_forward(x, p[f"{l}.g1"], p[f"{l}.b1"])
        a, c_att = multihead_attention_forward(h, p[f"{l}.Wq"], p[f"{l}.Wk"], p[f"{l}.Wv"],
                                               p[f"{l}.Wo"], n_heads, scheme)
        x = x + a
        h2, c_ln2 = layernorm_forward(x, p[f"{l}.g2"], p[f"{l}.b2"])
        u = h2 @ p[f"{l}.W1"] + p[f"{l}.c1"]
        r = np.maximum(u, 0)
        x = x + r @ p[f"{l}.W2"] + p[f"{l}.c2"]
        caches.append((c_ln1, c_att, c_ln2, h2, u, r))
    hf, c_lnf = layernorm_forward(x, p["gf"], p["bf"])
    logits = hf @ p["Wu"] + p["bu"]
    return logits, (tokens, caches, c_lnf, hf)


def backward(dlogits, p, cache):
    """Gradients (dict, keys of p) of sum(dlogits * logits)."""
    tokens, caches, c_lnf, hf = cache
    T, N, V = dlogits.shape
    D = hf.shape[-1]
    g = {}
    g["Wu"] = hf.reshape(-1, D).T @ dlogits.reshape(-1, V)
    g["bu"] = dlogits.sum(axis=(0, 1))
    dx, g["gf"], g["bf"] = layernorm_backward(dlogits @ p["Wu"].T, c_lnf)
    for l in reversed(range(len(caches))):
        c_ln1, c_att, c_ln2, h2, u, r = caches[l]
        F = r.shape[-1]
        g[f"{l}.W2"] = r.reshape(-1, F).T @ dx.reshape(-1, D)
        g[f"{l}.c2"] = dx.sum(axis=(0, 1))
        du = (dx @ p[f"{l}.W2"].T) * (u > 0)
        g[f"{l}.W1"] = h2.reshape(-1, D).T @ du.reshape(-1, F)
        g[f"{l}.c1"] = du.sum(axis=(0, 1))
        dh2, g[f"{l}.g2"], g[f"{l}.b2"] = layernorm_backward(du @ p[f"{l}.W1"].T, c_ln2)
        dx = dx + dh2
        ga = multihead_attention_backward(dx, c_att)
        for name in ("Wq", "Wk", "Wv", "Wo"):
            g[f"{l}.{name}"] = ga[name]
        dh, g[f"{l}.g1"], g[f"{l}.b1"] = layernorm_backward(ga["X"], c_ln1)
        dx = dx + dh
    g["E"] = np.zeros_like(p["E"])
    np.add.at(g["E"], tokens.reshape(-1), dx.reshape(-1, D))
    return g


def loss_and_grads(p, inputs, targets, n_heads, scheme):
    logits, cache = forward(p, inputs, n_heads, scheme)
    loss, dlogits = cross_entropy(logits, targets)
    return loss, backward(dlogits, p, cache)


def log_probs_fn(p, n_heads, scheme):
    """The model as lm_loss.window_nats wants it: int inputs (Tw, B) -> log-probs (Tw, B, V)."""
    def log_probs(inputs):
        logits, _ = forward(p, inputs, n_heads, scheme)
        logits = logits.astype(np.float64)
        logits -= logits.max(axis=-1, keepdims=True)
        return logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
    return log_probs


class Adam:
    def __init__(self, params, lr, betas=(0.9, 0.999), eps=1e-8):
        self.lr, self.betas, self.eps, self.t = lr, betas, eps, 0
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}

    def step(self, params, grads, lr=None):
        lr = self.lr if lr is None else lr
        b1, b2 = self.betas
        self.t += 1
        c1, c2 = 1 - b1**self.t, 1 - b2**self.t
        for k, w in params.items():
            m, v = self.m[k], self.v[k]
            m *= b1
            m += (1 - b1) * grads[k]
            v *= b2
            v += (1 - b2) * grads[k] ** 2
            w -= (lr / c1) * m / (np.sqrt(v / c2) + self.eps)


def lr_at(step, steps, lr, warmup, schedule):
    """Linear warm-up, then constant or cosine decay to lr / 10."""
    if step < warmup:
        return lr * (step + 1) / warmup
    if schedule == "cosine":
        frac = (step - warmup) / max(1, steps - warmup)
        return lr * (0.1 + 0.9 * 0.5 * (1 + np.cos(np.pi * frac)))
    return lr


def train(text, V, scheme, L, steps, batch, D, n_layers, n_heads, lr, seed,
          dtype=np.float64, warmup=100, schedule="constant", log_every=0, emb_std=1.0):
    """Trains on random windows of L + 1 tokens of text; returns the parameters."""
    p = init_params(V, D, n_layers, n_heads, seed, dtype, emb_std=emb_std)
    opt = Adam(p, lr)
    rng = np.random.default_rng(seed + 1000)
    offsets = np.arange(L + 1)[:, None]
    for step in range(steps):
        starts = rng.integers(0, len(text) - L - 1, size=batch)
        window = text[starts[None, :] + offsets]  # (L + 1, batch)
        loss, g = loss_and_grads(p, window[:-1], window[1:], n_heads, scheme)
        opt.step(p, g, lr_at(step, steps, lr, warmup, schedule))
        if log_every and (step % log_every == 0 or step == steps - 1):
            print(f"  step {step} loss {loss / np.log(2):.3f} bits", flush=True)
    return p
