"""This assignment's functions against PyTorch, in float64 (run by ``python -m autograder crosscheck``).

RoPE is computed on the torch side as a complex multiplication, an independent formulation: the pair
(x_2i, x_2i+1) is the complex number x_2i + i x_2i+1, multiplied by exp(i theta). The ALiBi slopes are
the paper's ``get_slopes`` (ofirpress/attention_with_linear_biases), written here as it is there.
Multi-head attention is ``torch.nn.functional.scaled_dot_product_attention`` on the (N, H, T, dh)
queries, keys and values, with ``attn_mask`` the float bias (-inf above the diagonal, ALiBi's
-slope * (i - j) below) and PyTorch's default scale 1/sqrt(dh), for each scheme. The loss is
``torch.nn.functional.cross_entropy`` (mean over tokens). Backward passes are autograd on
``sum(upstream * outputs)``.

``COMPARISONS[function](functions, rng, *shape)`` gives, per output, the pair (ours, PyTorch's);
``autograder/build/crosscheck.py`` runs them over ``SHAPES``.
"""
import math

import numpy as np

from autograder.build.crosscheck import leaf, torch_module

SHAPES = {  # name -> (T, N, D, H, dh); the language model's comparisons read T, N and V = D
    "small": (5, 2, 6, 2, 4),
    "T=1": (1, 3, 4, 2, 2),
    "one head": (6, 1, 5, 1, 6),
    "six heads": (7, 2, 8, 6, 2),
    "long": (64, 2, 4, 4, 4),
}
MODULES = ("positions", "multihead", "lm_loss")  # the solution modules holding the compared functions
SCHEMES = ("none", "sinusoidal", "rope", "alibi")


def get_slopes(n):
    """The ALiBi paper's slopes of n heads, as its official code computes them."""
    def get_slopes_power_of_2(n):
        start = 2 ** (-2 ** -(math.log2(n) - 3))
        ratio = start
        return [start * ratio ** i for i in range(n)]

    if math.log2(n).is_integer():
        return get_slopes_power_of_2(n)
    closest_power_of_2 = 2 ** math.floor(math.log2(n))
    return get_slopes_power_of_2(closest_power_of_2) + get_slopes(2 * closest_power_of_2)[0::2][:n - closest_power_of_2]


def _torch_rope(x, positions, base=10000.0):
    """RoPE on the last axis of x, as a complex multiplication of the interleaved pairs."""
    torch = torch_module()
    dh = x.shape[-1]
    frequencies = base ** (-torch.arange(0, dh, 2, dtype=torch.float64) / dh)
    angles = torch.as_tensor(positions, dtype=torch.float64)[:, None] * frequencies  # (T, dh/2)
    angles = angles.reshape(angles.shape[:1] + (1,) * (x.dim() - 2) + angles.shape[1:])
    pairs = torch.view_as_complex(x.reshape(*x.shape[:-1], dh // 2, 2).contiguous())
    return torch.view_as_real(pairs * torch.polar(torch.ones_like(angles), angles)).reshape(x.shape)


def _torch_bias(T, slopes):
    """(H, T, T): -slopes[h] * (i - j) on and below the diagonal, -inf above it."""
    torch = torch_module()
    distance = (torch.arange(T)[:, None] - torch.arange(T)[None, :]).to(torch.float64)
    bias = -torch.as_tensor(slopes, dtype=torch.float64)[:, None, None] * distance
    return bias.masked_fill(distance < 0, float("-inf"))


# ------------------------------------------------------------ the comparisons
# Each takes the functions under test, a seeded generator and (T, N, D, H, dh), and
# returns {output name: (ours, PyTorch's)}.

def _sinusoidal(f, rng, T, N, D, H, dh):
    torch = torch_module()
    positions = rng.integers(0, 500, T)
    d = 2 * D
    angles = torch.as_tensor(positions, dtype=torch.float64)[:, None] * torch.exp(
        -math.log(10000.0) * torch.arange(0, d, 2, dtype=torch.float64) / d)
    theirs = torch.stack([torch.sin(angles), torch.cos(angles)], dim=-1).reshape(T, d)
    return {"P": (f["sinusoidal_encoding"](positions, d), theirs)}


def _rope(f, rng, T, N, D, H, dh, backward=False):
    torch = torch_module()
    X, dY = rng.normal(size=(T, N, H, dh)), rng.normal(size=(T, N, H, dh))
    positions = 3 + np.arange(T)
    x = leaf(X)
    y = _torch_rope(x, positions, 500.0)
    (y * torch.as_tensor(dY)).sum().backward()
    if backward:
        return {"dX": (f["rope_backward"](dY, positions, 500.0), x.grad)}
    return {"Y": (f["rope"](X, positions, 500.0), y)}


def _slopes(f, rng, T, N, D, H, dh):
    return {f"slopes (H = {count})": (f["alibi_slopes"](count), np.array(get_slopes(count)))
            for count in sorted({H, D, 1, 8})}


def _biases(f, rng, T, N, D, H, dh):
    slopes = rng.uniform(0.0, 1.0, H)
    return {"B": (f["alibi_biases"](T, slopes), _torch_bias(T, slopes))}


def _torch_multihead(X, Wq, Wk, Wv, Wo, H, scheme):
    """Y (T, N, D) from scaled_dot_product_attention, the heads batch first inside, time-major outside."""
    torch = torch_module()
    T, N, _ = X.shape
    q, k, v = ((X @ W).reshape(T, N, H, -1) for W in (Wq, Wk, Wv))
    if scheme == "rope":
        q, k = _torch_rope(q, np.arange(T)), _torch_rope(k, np.arange(T))
    slopes = get_slopes(H) if scheme == "alibi" else [0.0] * H
    q, k, v = (z.permute(1, 2, 0, 3) for z in (q, k, v))  # (N, H, T, dh)
    o = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=_torch_bias(T, slopes))
    return o.permute(2, 0, 1, 3).reshape(T, N, -1) @ Wo


def _multihead(f, rng, T, N, D, H, dh):
    """Forward and backward pairs of multi-head attention, for each scheme."""
    torch = torch_module()
    X, dY = rng.normal(size=(T, N, D)), rng.normal(size=(T, N, D))
    weights = {name: rng.normal(0, 1 / np.sqrt(D), (D, H * dh)) for name in ("Wq", "Wk", "Wv")}
    weights["Wo"] = rng.normal(0, 1 / np.sqrt(H * dh), (H * dh, D))
    forward, backward = {}, {}
    for scheme in SCHEMES:
        Y, cache = f["multihead_attention_forward"](X, *weights.values(), H, scheme)
        grads = f["multihead_attention_backward"](dY, cache)
        leaves = {"X": leaf(X), **{name: leaf(value) for name, value in weights.items()}}
        torch_Y = _torch_multihead(*leaves.values(), H, scheme)
        (torch_Y * torch.as_tensor(dY)).sum().backward()
        forward[f"Y ({scheme})"] = (Y, torch_Y)
        backward.update({f"grads[{name}] ({scheme})": (grads[name], value.grad) for name, value in leaves.items()})
    return forward, backward


def _cross_entropy(f, rng, T, N, D, H, dh):
    torch = torch_module()
    V = D + 1
    logits, targets = rng.normal(0, 3.0, (T, N, V)), rng.integers(0, V, (T, N))
    loss, dlogits = f["cross_entropy"](logits, targets)
    z = leaf(logits)
    theirs = torch.nn.functional.cross_entropy(z.reshape(T * N, V), torch.as_tensor(targets).reshape(T * N))
    theirs.backward()
    return {"loss": (loss, theirs), "dlogits": (dlogits, z.grad)}


def _window_nats(f, rng, T, N, D, H, dh):
    """Non-overlapping windows of T tokens over a text of N * T targets: the nats are torch's per-token
    cross-entropy of the fixed model's logits, window by window."""
    torch = torch_module()
    V = D + 1
    table, position = rng.normal(0, 1.5, (V, V)), rng.normal(0, 1.0, (T, V))
    tokens = rng.integers(0, V, N * T + 1)

    def logits_of(windows):  # (Tw, B) -> (Tw, B, V): the current token's row and the position's
        return table[windows] + position[:windows.shape[0], None, :]

    def log_probs(windows):
        return torch.log_softmax(torch.as_tensor(logits_of(windows)), dim=-1).numpy()

    inputs, targets = tokens[:-1].reshape(N, T).T, tokens[1:].reshape(N, T).T  # (T, N): window n in column n
    theirs = torch.nn.functional.cross_entropy(torch.as_tensor(logits_of(inputs)).permute(1, 2, 0),
                                               torch.as_tensor(targets).T, reduction="none")  # (N, T)
    return {"nats": (f["window_nats"](log_probs, tokens, T), theirs.reshape(-1))}


def _bits_and_perplexity(name):
    def compare(f, rng, T, N, D, H, dh):
        torch = torch_module()
        nats = torch.as_tensor(rng.exponential(1.5, (N, T)))
        theirs = nats.mean() / math.log(2.0) if name == "bits_per_token" else torch.exp(nats.mean())
        return {name: (f[name](nats.numpy()), theirs)}
    return compare


COMPARISONS = {
    "sinusoidal_encoding": _sinusoidal,
    "rope": _rope,
    "rope_backward": lambda *args: _rope(*args, backward=True),
    "alibi_slopes": _slopes,
    "alibi_biases": _biases,
    "multihead_attention_forward": lambda *args: _multihead(*args)[0],
    "multihead_attention_backward": lambda *args: _multihead(*args)[1],
    "cross_entropy": _cross_entropy,
    "window_nats": _window_nats,
    "bits_per_token": _bits_and_perplexity("bits_per_token"),
    "perplexity": _bits_and_perplexity("perplexity"),
}
