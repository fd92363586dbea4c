"""This assignment's functions against PyTorch, in float64 (run by ``python -m autograder crosscheck``).

The GRU is ``torch.nn.GRUCell`` stepped over time, with ``weight_ih = Wx.T``,
``weight_hh = Wh.T``, ``bias_ih = bx`` and ``bias_hh = bh`` (gates r, z, n;
the two biases kept apart, as PyTorch keeps them, since ``bh_n`` sits inside
``r * (...)``). Attention is ``torch.nn.functional.scaled_dot_product_attention``
on the batch-first queries, keys and values with ``attn_mask`` the float bias
of ``alibi_bias`` (-inf above the diagonal) and PyTorch's default scale
1/sqrt(d). Backward passes are autograd on ``sum(upstream * outputs)``;
``dh_norms`` come from the hidden states' retained gradients.

``COMPARISONS[function](functions, rng, *shape)`` gives, per output, the pair
(ours, PyTorch's); ``autograder/build/crosscheck.py`` runs them over ``SHAPES``.
"""
import numpy as np

from autograder.build.crosscheck import leaf, torch_module

# Every size that is easy to get wrong on its own: one step, one sequence, one
# hidden unit, and a sequence long enough for rounding to build up.
SHAPES = {  # name -> (T, N, D, H); attention uses d = dv = H
    "small": (4, 3, 5, 6),
    "T=1": (1, 2, 3, 4),
    "N=1": (6, 1, 2, 3),
    "H=1": (3, 2, 1, 1),
    "long": (300, 2, 3, 4),
}
MODULES = ("gru", "attention")  # the solution modules holding the compared functions
SLOPE = 0.125  # the ALiBi slope of the comparisons with a bias (the slope-0 ones run too)


def _gru_params(rng, D, H):
    """Weights in the contract's layout, scaled so that 300 steps neither saturate nor blow up."""
    return {"Wx": rng.normal(0, 1 / np.sqrt(D), (D, 3 * H)), "Wh": rng.normal(0, 0.9 / np.sqrt(H), (H, 3 * H)),
            "bx": rng.normal(0, 0.5, 3 * H), "bh": rng.normal(0, 0.5, 3 * H)}


def _gru_cell(Wx, Wh, bx, bh):
    """torch.nn.GRUCell holding the same weights, transposed; the two biases as they are."""
    torch = torch_module()
    cell = torch.nn.GRUCell(Wx.shape[0], Wh.shape[0], dtype=torch.float64)
    with torch.no_grad():
        for tensor, value in ((cell.weight_ih, Wx.T), (cell.weight_hh, Wh.T), (cell.bias_ih, bx), (cell.bias_hh, bh)):
            tensor.copy_(torch.as_tensor(value))
    return cell


def _gru_cell_grads(cell):
    return {"Wx": cell.weight_ih.grad.T, "Wh": cell.weight_hh.grad.T, "bx": cell.bias_ih.grad, "bh": cell.bias_hh.grad}


# ------------------------------------------------------------ the comparisons
# Each takes the functions under test, a seeded generator and (T, N, D, H), and
# returns {output name: (ours, PyTorch's)}.

def _gru_step(f, rng, T, N, D, H):
    """Forward and backward pairs of one GRU step."""
    params = _gru_params(rng, D, H)
    x, h_prev, dh = rng.normal(size=(N, D)), np.tanh(rng.normal(size=(N, H))), rng.normal(size=(N, H))
    h, cache = f["gru_step_forward"](x, h_prev, **params)
    ours = dict(zip(("x", "h_prev", "Wx", "Wh", "bx", "bh"), f["gru_step_backward"](dh, cache)))

    torch = torch_module()
    cell = _gru_cell(**params)
    leaves = {"x": leaf(x), "h_prev": leaf(h_prev)}
    torch_h = cell(leaves["x"], leaves["h_prev"])
    (torch_h * torch.as_tensor(dh)).sum().backward()
    theirs = {**{name: value.grad for name, value in leaves.items()}, **_gru_cell_grads(cell)}
    return {"h": (h, torch_h)}, {f"d{name}": (ours[name], theirs[name]) for name in ours}


def _gru_sequence(f, rng, T, N, D, H):
    """Forward and backward pairs of a whole sequence, the torch side stepping the cell over time."""
    torch = torch_module()
    params = _gru_params(rng, D, H)
    X, h0, dHs = rng.normal(size=(T, N, D)), np.tanh(rng.normal(size=(N, H))), rng.normal(size=(T, N, H))
    Hs, cache = f["gru_forward"](X, h0, **params)
    grads, dh_norms = f["gru_backward"](dHs, cache)

    cell = _gru_cell(**params)
    leaves = {"X": leaf(X), "h0": leaf(h0)}
    h, hs = leaves["h0"], []
    for t in range(T):
        h = cell(leaves["X"][t], h)
        h.retain_grad()  # its .grad becomes the total gradient on h_{t+1}: dh_norms[t]
        hs.append(h)
    torch_Hs = torch.stack(hs)
    (torch_Hs * torch.as_tensor(dHs)).sum().backward()
    torch_grads = {**{name: value.grad for name, value in leaves.items()}, **_gru_cell_grads(cell)}
    backward = {f"grads[{name}]": (grads[name], torch_grads[name]) for name in torch_grads}
    backward["dh_norms"] = (dh_norms, torch.stack([h.grad.norm() for h in hs]))
    return {"Hs": (Hs, torch_Hs)}, backward


def _attention_inputs(rng, T, N, D, H):
    scale = 1 / np.sqrt(D)
    return (rng.normal(size=(T, N, D)), *(rng.normal(0, scale, (D, H)) for _ in range(3)),
            rng.normal(size=(T, N, H)))


def _torch_bias(T, slope):
    """ALiBi's bias built on the torch side: -slope * (i - j), and -inf above the diagonal (the causal mask)."""
    torch = torch_module()
    distance = (torch.arange(T)[:, None] - torch.arange(T)[None, :]).to(torch.float64)
    return (-slope * distance).masked_fill(distance < 0, float("-inf"))


def _torch_attention(X, Wq, Wk, Wv, bias):
    """Y (T, N, dv) from PyTorch's scaled_dot_product_attention, batch first inside, time-major outside."""
    torch = torch_module()
    q, k, v = ((X @ W).transpose(0, 1) for W in (Wq, Wk, Wv))  # (N, T, d)
    y = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=torch.as_tensor(bias))
    return y.transpose(0, 1)


def _attention(f, rng, T, N, D, H):
    """Forward and backward pairs of attention, without and with ALiBi."""
    torch = torch_module()
    X, Wq, Wk, Wv, dY = _attention_inputs(rng, T, N, D, H)
    forward, backward = {}, {}
    for slope in (0.0, SLOPE):
        Y, cache = f["attention_forward"](X, Wq, Wk, Wv, slope)
        grads = f["attention_backward"](dY, cache)
        leaves = {"X": leaf(X), "Wq": leaf(Wq), "Wk": leaf(Wk), "Wv": leaf(Wv)}
        torch_Y = _torch_attention(*leaves.values(), _torch_bias(T, slope))
        (torch_Y * torch.as_tensor(dY)).sum().backward()
        forward[f"Y (slope {slope:g})"] = (Y, torch_Y)
        backward.update({f"grads[{name}] (slope {slope:g})": (grads[name], value.grad) for name, value in leaves.items()})
    return forward, backward


def _alibi_bias(f, rng, T, N, D, H):
    return {f"B (slope {slope:g})": (f["alibi_bias"](T, slope), _torch_bias(T, slope)) for slope in (0.0, SLOPE)}


def _attention_weights(f, rng, T, N, D, H):
    """The weights against softmax(q k^T / sqrt(d) + bias), PyTorch's own formula for SDPA's weights."""
    torch = torch_module()
    Q, K = rng.normal(size=(T, N, H)), rng.normal(size=(T, N, H))
    q, k = torch.as_tensor(Q).transpose(0, 1), torch.as_tensor(K).transpose(0, 1)
    pairs = {}
    for slope in (0.0, SLOPE):
        theirs = torch.softmax(q @ k.transpose(1, 2) / np.sqrt(H) + _torch_bias(T, slope), dim=-1)
        pairs[f"A (slope {slope:g})"] = (f["attention_weights"](Q, K, slope), theirs)
    return pairs


COMPARISONS = {
    "gru_step_forward": lambda *args: _gru_step(*args)[0],
    "gru_step_backward": lambda *args: _gru_step(*args)[1],
    "gru_forward": lambda *args: _gru_sequence(*args)[0],
    "gru_backward": lambda *args: _gru_sequence(*args)[1],
    "alibi_bias": _alibi_bias,
    "attention_weights": _attention_weights,
    "attention_forward": lambda *args: _attention(*args)[0],
    "attention_backward": lambda *args: _attention(*args)[1],
}
