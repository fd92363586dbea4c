"""Known mistakes: how each one is made, which checks it shows in, and the hint that names it.

Each mistake is a change to the reference solutions (find/replace, the text
must occur once). When the fixtures are built, every case of the listed kinds
is run again with the changed solutions, and what comes out is stored beside
the reference values (``<case>/variant_<mistake>/<output>``), with the hint
(``<case>/variant_<mistake>/.hint``). A failing check whose outputs are
exactly those of a mistake gives that mistake's hint and no other
(``checking.diagnose``); the changed code itself never leaves the build.

Mistakes that leave a trace computable from the student's output alone (a sum
of norms, a missing square root, an input modified in place) are recognised
in ``support/checking.py`` instead.
"""
from collections import namedtuple

Mistake = namedtuple("Mistake", "kinds file find replace hint")

RNN_STEP = ("rnn_step", "rnn_forward", "rnn_backward")  # rnn_forward calls rnn_step; bptt's finite differences too
RNN_FORWARD = ("rnn_forward", "rnn_backward")
LSTM_CELL = ("lstm_step_forward", "lstm_step_backward", "lstm_forward", "lstm_backward")
LSTM_CELL_BACKWARD = ("lstm_step_backward", "lstm_backward")

_LSTM_SLICE = "    i, f, g, o = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]\n"

MISTAKES = {
    # ------------------------------------------------------------ recurrence
    "rnn_step_without_bias": Mistake(
        RNN_STEP, "recurrence.py", "h = np.tanh(x @ Wx + h_prev @ Wh + b)", "h = np.tanh(x @ Wx + h_prev @ Wh)",
        "Your states are exactly what tanh(x @ Wx + h_prev @ Wh) gives, without the bias b: add b inside the tanh."),
    "rnn_step_relu": Mistake(
        RNN_STEP, "recurrence.py", "h = np.tanh(x @ Wx + h_prev @ Wh + b)",
        "h = np.maximum(0.0, x @ Wx + h_prev @ Wh + b)",
        "Your states are exactly what a ReLU, max(0, ...), gives instead of tanh: squash with np.tanh."),
    "rnn_step_Wh_transposed": Mistake(
        RNN_STEP, "recurrence.py", "h = np.tanh(x @ Wx + h_prev @ Wh + b)", "h = np.tanh(x @ Wx + h_prev @ Wh.T + b)",
        "Your states are exactly what h_prev @ Wh.T gives: the recurrent term is h_prev @ Wh, Wh as it is given."),
    "rnn_forward_reuses_h0": Mistake(
        RNN_FORWARD, "recurrence.py", "h = rnn_step(X[t], h, Wx, Wh, b)", "h = rnn_step(X[t], h0, Wx, Wh, b)",
        "Every step of your loop starts from h0: feed each new state into the next step."),
    "rnn_forward_stores_previous_state": Mistake(
        RNN_FORWARD, "recurrence.py", "        h = rnn_step(X[t], h, Wx, Wh, b)\n        Hs[t] = h\n",
        "        Hs[t] = h\n        h = rnn_step(X[t], h, Wx, Wh, b)\n",
        "Your rnn_forward stores in Hs[t] the state before reading X[t] (Hs[0] is h0): Hs[t] must be the state "
        "after reading X[t], h_{t+1} (rnn_backward then reads the same states from the cache)."),
    "iterate_map_starts_one_step_ahead": Mistake(
        ("iterate_map",), "recurrence.py", "    states[0] = h0\n", "    states[0] = np.tanh(W @ h0)\n",
        "Your states start one step ahead, with tanh(W @ h0): states[0] is h0 itself."),
    "iterate_map_row_vector_form": Mistake(
        ("iterate_map",), "recurrence.py", "states[k] = np.tanh(W @ states[k - 1])",
        "states[k] = np.tanh(states[k - 1] @ W)",
        "Your states are exactly what the row-vector form tanh(h @ W) gives: the lecture's map is tanh(W @ h)."),
    # ------------------------------------------------------------------ bptt
    "jacobian_diagonal_only": Mistake(
        ("jacobian_power_norms",), "bptt.py", "        vec = W.T @ vec\n", "        vec = np.diag(W) * vec\n",
        "Your norms are exactly what the diagonal of W alone gives (np.diag(W) * vec, an element-wise product): "
        "multiply by the whole transposed matrix, W.T @ vec."),
    "jacobian_not_transposed": Mistake(
        ("jacobian_power_norms",), "bptt.py", "        vec = W.T @ vec\n", "        vec = W @ vec\n",
        "Your norms are exactly what multiplying by W (not W.T) gives: the product is (W.T)^t v, and with a "
        "non-symmetric W, W.T and W differ."),
    "jacobian_norm_before_multiplying": Mistake(
        ("jacobian_power_norms",), "bptt.py", "        vec = W.T @ vec\n        norms[t] = np.linalg.norm(vec)\n",
        "        norms[t] = np.linalg.norm(vec)\n        vec = W.T @ vec\n",
        "Your norms are measured before multiplying, one step late (your first one is ||v||): multiply by W.T "
        "first, then take the norm, so that norms[0] = ||W.T v||."),
    "bptt_without_tanh_derivative": Mistake(
        ("rnn_backward",), "bptt.py", "dA[t] = dh * (1.0 - Hs[t] ** 2)", "dA[t] = dh",
        "Your gradients are exactly what backpropagation without the tanh derivative gives: multiply dh by "
        "1 - h_t**2 at every step."),
    "bptt_not_carried_back": Mistake(
        ("rnn_backward",), "bptt.py", "dh = dHs[t] + dh_next", "dh = dHs[t]",
        "Your gradients are exactly what dh = dHs[t] alone gives: the gradient from step t+1 is not carried "
        "back; add it to dHs[t]."),
    "bptt_sends_back_through_Wh": Mistake(
        ("rnn_backward",), "bptt.py", "dh_next = dA[t] @ Wh.T", "dh_next = dA[t] @ Wh",
        "Your gradients are exactly what sending the gradient back through Wh (not Wh.T) gives: a step sends "
        "da_t @ Wh.T to the previous state."),
    "bptt_state_not_shifted": Mistake(
        ("rnn_backward",), "bptt.py", "H_prev = np.concatenate([h0[None], Hs])[:-1]", "H_prev = Hs",
        "Your dWh pairs step t's gradient with the state h_t it produced instead of the previous one: use "
        "h_{t-1}, with h0 at the first step."),
    "bptt_norm_after_tanh_derivative": Mistake(
        ("rnn_backward",), "bptt.py", "dh_norms[t] = np.linalg.norm(dh)",
        "dh_norms[t] = np.linalg.norm(dh * (1.0 - Hs[t] ** 2))",
        "Your dh_norms are measured after multiplying by the tanh derivative (your gradients are right): "
        "take the norm of dh before it."),
    "bptt_norm_of_upstream_only": Mistake(
        ("rnn_backward",), "bptt.py", "dh_norms[t] = np.linalg.norm(dh)", "dh_norms[t] = np.linalg.norm(dHs[t])",
        "Your dh_norms[t] is the norm of dHs[t] alone (your gradients are right): take the norm of dHs[t] plus "
        "what step t+1 sends back."),
    # -------------------------------------------------------------- clipping
    "clipping_per_array": Mistake(
        ("clip_by_global_norm",), "clipping.py", "clipped = [g * coef if coef < 1 else g.copy() for g in arrays]",
        "clipped = [g * min(1.0, max_norm / (np.linalg.norm(g) + eps)) for g in arrays]",
        "Your arrays are each clipped by their own norm: clip every array by one factor, from the norm of all "
        "gradients together."),
    "clipping_scales_up": Mistake(
        ("clip_by_global_norm",), "clipping.py", "clipped = [g * coef if coef < 1 else g.copy() for g in arrays]",
        "clipped = [g * coef for g in arrays]",
        "Your small gradients are scaled up: multiply by coef = max_norm / (total_norm + eps) only when it is below 1."),
    "clip_by_value_upper_bound_only": Mistake(
        ("clip_by_value",), "clipping.py", "clipped = [np.clip(g, -clip_value, clip_value) for g in arrays]",
        "clipped = [np.minimum(g, clip_value) for g in arrays]",
        "Your values are only capped from above: entries below -clip_value must be raised to -clip_value too."),
    # ------------------------------------------------------------------ lstm
    "lstm_gates_ifog": Mistake(
        LSTM_CELL, "lstm.py", _LSTM_SLICE, _LSTM_SLICE.replace("i, f, g, o", "i, f, o, g"),
        "Your outputs are exactly what the gate order i, f, o, g (CS231n's) gives: this assignment stacks the "
        "gates as i, f, g, o, like PyTorch."),
    "lstm_sigmoid_candidate": Mistake(
        LSTM_CELL, "lstm.py", "sigmoid(f), _tanh(g), sigmoid(o)", "sigmoid(f), sigmoid(g), sigmoid(o)",
        "Your outputs are exactly what a sigmoid on the candidate g gives: g takes tanh, only i, f and o take "
        "the sigmoid."),
    "lstm_without_forget_gate": Mistake(
        LSTM_CELL, "lstm.py", "    c = f * c_prev + i * g\n", "    c = c_prev + i * g\n",
        "Your outputs are exactly what c = c_prev + i * g gives, without the forget gate: multiply c_prev by f."),
    "lstm_backward_drops_h_to_c": Mistake(
        LSTM_CELL_BACKWARD, "lstm.py", "dc_total = dc + dh * o * (1.0 - tanh_c ** 2)", "dc_total = dc",
        "Your gradients are exactly what leaving dh's path through h = o * tanh(c) out of the cell gradient "
        "gives: the gradient on c is dc + dh * o * (1 - tanh(c)**2)."),
    "lstm_forget_gate_without_sigmoid_derivative": Mistake(
        LSTM_CELL_BACKWARD, "lstm.py", "    slopes[:, 2 * H:3 * H] = 1.0 - g ** 2\n",
        "    slopes[:, 2 * H:3 * H] = 1.0 - g ** 2\n    slopes[:, H:2 * H] = 1.0\n",
        "Your gradients are exactly what the forget gate gives without its sigmoid derivative: multiply its "
        "gradient by f * (1 - f), as for i and o."),
    "lstm_cell_gradient_skips_forget_gate": Mistake(
        LSTM_CELL_BACKWARD, "lstm.py", "dc_prev = dc_total * f", "dc_prev = dc_total",
        "Your dc_prev is the cell's gradient passed on unchanged: c = f * c_prev + i * g, so dc_prev is that "
        "gradient times f."),
    "lstm_cell_state_updated_in_place": Mistake(
        ("lstm_backward",), "lstm.py", "    c = f * c_prev + i * g\n", "    c_prev *= f\n    c = c_prev + i * g\n",
        "Your gradients are exactly what a cell that updates c_prev in place (c_prev *= f) gives: the cache then "
        "holds changed states; build c as a new array."),
    "lstm_backward_not_carried_back": Mistake(
        ("lstm_backward",), "lstm.py", "dh = dHs[t] + dh_next", "dh = dHs[t]",
        "Your gradients are exactly what dh = dHs[t] alone gives: the gradient from step t+1 is not carried "
        "back; add it to dHs[t]."),
    "lstm_norm_one_step_early": Mistake(
        ("lstm_backward",), "lstm.py",
        "        dh_norms[t] = np.linalg.norm(dh)\n        dA[t], dc_next = _cell_backward(dh, dc_next, C_all[t], "
        "gates[t], tanh_C[t])\n        dh_next = dA[t] @ Wh.T\n",
        "        dA[t], dc_next = _cell_backward(dh, dc_next, C_all[t], gates[t], tanh_C[t])\n        dh_next = "
        "dA[t] @ Wh.T\n        dh_norms[t] = np.linalg.norm(dh_next)\n",
        "Your dh_norms[t] is the norm of the gradient sent back to h_t, one step early: dh_norms[t] is the "
        "norm of dHs[t] plus the carried gradient, the total on h_{t+1}."),
}


def for_kind(kind):
    """The mistakes that show in the checks of procedure ``kind``."""
    return {name: mistake for name, mistake in MISTAKES.items() if kind in mistake.kinds}
