"""This assignment's functions against PyTorch, in float64 (run by ``python -m autograder crosscheck``).

The assignment's conventions were chosen so that every graded function has a
PyTorch counterpart (see the contract): ``rnn_step`` is ``torch.nn.RNNCell`` with
``weight_ih = Wx.T`` and ``weight_hh = Wh.T``, the LSTM step is
``torch.nn.LSTMCell`` (gates i, f, g, o) with ``bias_ih + bias_hh = b``, the
backward passes are autograd on the loss ``sum(dHs * Hs)`` (``dh_norms`` from
the hidden states' retained gradients), and clipping is
``clip_grad_norm_`` / ``clip_grad_value_``. A convention drifting away from
PyTorch's, in the solutions or in the contract, shows up here.

``COMPARISONS[function](functions, rng, *shape)`` gives, per output, the pair
(ours, PyTorch's); ``autograder/build/crosscheck.py`` runs them over ``SHAPES``.
"""
import numpy as np

from autograder.build.crosscheck import as_numpy, leaf, torch_module

# Every size that is easy to get wrong on its own: one step, one sequence, one
# hidden unit, and a sequence long enough for rounding to build up.
SHAPES = {  # name -> (T, N, D, H)
    "small": (4, 3, 5, 6),
    "T=1": (1, 2, 3, 4),
    "N=1": (6, 1, 2, 3),
    "H=1": (3, 2, 1, 1),
    "long": (300, 2, 3, 4),
}
MODULES = ("recurrence", "bptt", "clipping", "lstm")  # the solution modules holding the compared functions


def _params(kind, rng, D, H):
    """Weights in the spec's layout, scaled so that 300 steps neither saturate nor blow up."""
    gates = 4 if kind == "lstm" else 1
    return {"Wx": rng.normal(0, 1 / np.sqrt(D), (D, gates * H)),
            "Wh": rng.normal(0, 0.9 / np.sqrt(H), (H, gates * H)),
            "b": rng.normal(0, 0.5, gates * H)}


def _cell(kind, rng, Wx, Wh, b):
    """The PyTorch cell holding the same weights: transposed, and b split at random into two biases."""
    torch = torch_module()
    D, H = Wx.shape[0], Wh.shape[0]
    cell = {"rnn": torch.nn.RNNCell, "lstm": torch.nn.LSTMCell}[kind](D, H, dtype=torch.float64)
    split = rng.normal(size=b.shape)
    with torch.no_grad():
        for tensor, value in ((cell.weight_ih, Wx.T), (cell.weight_hh, Wh.T), (cell.bias_ih, b - split),
                              (cell.bias_hh, split)):
            tensor.copy_(torch.as_tensor(value))
    return cell


def _cell_grads(cell):
    # bias_ih and bias_hh are added, so each receives the gradient of b.
    return {"Wx": cell.weight_ih.grad.T, "Wh": cell.weight_hh.grad.T, "b": cell.bias_ih.grad}


def _states(rng, N, H, kind):
    states = {"h": np.tanh(rng.normal(size=(N, H)))}
    if kind == "lstm":
        states["c"] = rng.normal(size=(N, H))
    return states


# ------------------------------------------------------------ the comparisons
# Each takes the functions under test, a seeded generator and (T, N, D, H), and
# returns {output name: (ours, PyTorch's)}.

def _rnn_step(f, rng, T, N, D, H):
    params, x, h = _params("rnn", rng, D, H), rng.normal(size=(N, D)), _states(rng, N, H, "rnn")["h"]
    cell = _cell("rnn", rng, **params)
    return {"h": (f["rnn_step"](x, h, **params), cell(leaf(x), leaf(h)))}


def _sequence(kind, f, rng, T, N, D, H):
    """Forward and backward pairs of a whole sequence, the torch side stepping the cell over time."""
    torch = torch_module()
    params, states = _params(kind, rng, D, H), _states(rng, N, H, kind)
    X, dHs = rng.normal(size=(T, N, D)), rng.normal(size=(T, N, H))
    initial = {"h0": states["h"], **({"c0": states["c"]} if kind == "lstm" else {})}
    Hs, cache = f[f"{kind}_forward"](X, *initial.values(), **params)
    grads, dh_norms = f[f"{kind}_backward"](dHs, cache)

    cell = _cell(kind, rng, **params)
    leaves = {"X": leaf(X), **{name: leaf(value) for name, value in initial.items()}}
    state = leaves["h0"] if kind == "rnn" else (leaves["h0"], leaves["c0"])
    hs = []
    for t in range(T):
        state = cell(leaves["X"][t], state)
        h = state if kind == "rnn" else state[0]
        h.retain_grad()  # its .grad becomes the total gradient on h_{t+1}: dh_norms[t]
        hs.append(h)
    torch_Hs = torch.stack(hs)
    (torch_Hs * torch.as_tensor(dHs)).sum().backward()
    torch_grads = {**{name: leaf.grad for name, leaf in leaves.items()}, **_cell_grads(cell)}

    forward = {"Hs": (Hs, torch_Hs)}
    backward = {f"grads[{name}]": (grads[name], torch_grads[name]) for name in torch_grads}
    backward["dh_norms"] = (dh_norms, torch.stack([h.grad.norm() for h in hs]))
    return forward, backward


def _lstm_step(f, rng, T, N, D, H):
    """Forward and backward pairs of one LSTM step, with upstream gradients on both h and c."""
    params, states = _params("lstm", rng, D, H), _states(rng, N, H, "lstm")
    x, dh, dc = rng.normal(size=(N, D)), rng.normal(size=(N, H)), rng.normal(size=(N, H))
    h, c, cache = f["lstm_step_forward"](x, states["h"], states["c"], **params)
    ours = f["lstm_step_backward"](dh, dc, cache)

    cell = _cell("lstm", rng, **params)
    leaves = {"x": leaf(x), "h_prev": leaf(states["h"]), "c_prev": leaf(states["c"])}
    torch = torch_module()
    torch_h, torch_c = cell(leaves["x"], (leaves["h_prev"], leaves["c_prev"]))
    ((torch_h * torch.as_tensor(dh)).sum() + (torch_c * torch.as_tensor(dc)).sum()).backward()
    theirs = [leaf.grad for leaf in leaves.values()] + list(_cell_grads(cell).values())
    names = ("dx", "dh_prev", "dc_prev", "dWx", "dWh", "db")
    return {"h": (h, torch_h), "c": (c, torch_c)}, dict(zip(names, zip(ours, theirs)))


def _square(rng, H):
    """A matrix of spectral radius 0.95: its powers stay finite over a long sequence."""
    W = rng.normal(size=(H, H))
    return W * 0.95 / np.max(np.abs(np.linalg.eigvals(W)))


def _jacobian_power_norms(f, rng, T, N, D, H):
    torch = torch_module()
    W, v = _square(rng, H), rng.normal(size=H)
    # Each power on its own (torch squares repeatedly), not the solution's running product.
    theirs = torch.stack([torch.linalg.vector_norm(torch.linalg.matrix_power(torch.as_tensor(W.T), t)
                                                   @ torch.as_tensor(v)) for t in range(1, T + 1)])
    return {"norms": (f["jacobian_power_norms"](W, v, T), theirs)}


def _iterate_map(f, rng, T, N, D, H):
    torch = torch_module()
    W, h0 = _square(rng, H) * 2, rng.normal(size=H)  # radius 1.9: the state settles away from 0
    states = [torch.as_tensor(h0)]
    for _ in range(T):
        states.append(torch.tanh(torch.as_tensor(W) @ states[-1]))
    return {"states": (f["iterate_map"](W, h0, T), torch.stack(states))}


def _grads(rng, D, H):
    return {name: rng.normal(0, 0.5, shape) for name, shape in (("Wx", (D, H)), ("Wh", (H, H)), ("b", (H,)))}


def _containers(grads):
    return {"dict": grads, "list": list(grads.values())}


def _as_parameters(grads):
    """Parameters whose .grad holds the arrays, for torch's in-place clipping."""
    torch = torch_module()
    parameters = []
    for value in grads.values():
        parameter = torch.nn.Parameter(torch.zeros(value.shape, dtype=torch.float64))
        parameter.grad = torch.tensor(value, dtype=torch.float64)
        parameters.append(parameter)
    return parameters


def _torch_total_norm(grads):
    torch = torch_module()
    return torch.nn.utils.get_total_norm([torch.as_tensor(g) for g in grads.values()])


def _clipped(container, clipped):
    return clipped.values() if isinstance(container, dict) else clipped


def _global_norm(f, rng, T, N, D, H):
    grads = _grads(rng, D, H)
    theirs = _torch_total_norm(grads)
    return {name: (f["global_norm"](container), theirs) for name, container in _containers(grads).items()}


def _clip_by_global_norm(f, rng, T, N, D, H):
    torch = torch_module()
    grads = _grads(rng, D, H)
    total = float(_torch_total_norm(grads))
    pairs = {}
    # At the threshold PyTorch still scales, by max_norm / (max_norm + 1e-6).
    for where, factor in (("below", 2.0), ("at", 1.0), ("above", 0.5)):
        parameters = _as_parameters(grads)
        torch_norm = torch.nn.utils.clip_grad_norm_(parameters, total * factor)
        for name, container in _containers(grads).items():
            clipped, norm = f["clip_by_global_norm"](container, total * factor)
            pairs[f"{name}/{where}/total_norm"] = (norm, torch_norm)
            for key, ours, parameter in zip(grads, _clipped(container, clipped), parameters):
                pairs[f"{name}/{where}/clipped[{key}]"] = (ours, parameter.grad)
    # A nan gradient with error_if_nonfinite: ours raises ValueError where PyTorch raises RuntimeError.
    # Without it the two differ and are not compared: PyTorch multiplies every gradient by
    # clamp(nan, max=1) = nan, while the spec scales "only when coef < 1", which nan is not. The
    # contract accepts both readings (docs/assignment-contract.md, hidden check nonfinite_norm_without_error).
    broken = {**grads, "b": np.full(H, np.nan)}
    raised = []
    for clip, error in ((lambda: f["clip_by_global_norm"](broken, 1.0, error_if_nonfinite=True), ValueError),
                        (lambda: torch.nn.utils.clip_grad_norm_(_as_parameters(broken), 1.0,
                                                                error_if_nonfinite=True), RuntimeError)):
        try:
            clip()
            raised.append(0.0)
        except error:
            raised.append(1.0)
    pairs["nonfinite/raises"] = tuple(raised)
    return pairs


def _clip_by_value(f, rng, T, N, D, H):
    torch = torch_module()
    grads = _grads(rng, D, H)
    clip_value = 0.5 * max(np.max(np.abs(g)) for g in grads.values())
    parameters = _as_parameters(grads)
    torch.nn.utils.clip_grad_value_(parameters, clip_value)
    pairs = {}
    for name, container in _containers(grads).items():
        clipped = f["clip_by_value"](container, clip_value)
        for key, ours, parameter in zip(grads, _clipped(container, clipped), parameters):
            pairs[f"{name}/clipped[{key}]"] = (ours, parameter.grad)
    return pairs


COMPARISONS = {
    "rnn_step": _rnn_step,
    "rnn_forward": lambda *args: _sequence("rnn", *args)[0],
    "iterate_map": _iterate_map,
    "jacobian_power_norms": _jacobian_power_norms,
    "rnn_backward": lambda *args: _sequence("rnn", *args)[1],
    "global_norm": _global_norm,
    "clip_by_global_norm": _clip_by_global_norm,
    "clip_by_value": _clip_by_value,
    "lstm_step_forward": lambda *args: _lstm_step(*args)[0],
    "lstm_step_backward": lambda *args: _lstm_step(*args)[1],
    "lstm_forward": lambda *args: _sequence("lstm", *args)[0],
    "lstm_backward": lambda *args: _sequence("lstm", *args)[1],
}
