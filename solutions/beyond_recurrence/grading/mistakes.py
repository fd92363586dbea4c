"""Known mistakes: how each one is made, which checks it shows in, and the hint that names it.

Each mistake is a change to the reference solutions (find/replace, the text
must occur once). When the fixtures are built, every case of the listed kinds
is run again with the changed solutions, and what comes out is stored beside
the reference values (``<case>/variant_<mistake>/<output>``), with the hint.
A failing check whose outputs are exactly those of a mistake gives that
mistake's hint and no other (``checking.diagnose``); the changed code itself
never leaves the build. Mistakes that leave a trace computable from the
student's output alone (an input modified in place, a cache changed by the
backward, a missing square root) are recognised by the course's ``checking.py``.
"""
from collections import namedtuple

Mistake = namedtuple("Mistake", "kinds file find replace hint")

GRU_CELL = ("gru_step_forward", "gru_step_backward", "gru_forward", "gru_backward")
GRU_CELL_BACKWARD = ("gru_step_backward", "gru_backward")
GRU_SEQUENCE = ("gru_forward", "gru_backward")
BIAS = ("alibi_bias", "attention_weights", "attention_forward", "attention_backward")
WEIGHTS = ("attention_weights", "attention_forward", "attention_backward")
FORWARD = ("attention_forward", "attention_backward")
BACKWARD = ("attention_backward",)
PATHS = ("rnn_path_norms", "lstm_path_norms", "gru_path_norms", "attention_path_norms")

_CELL_CALL = "    h, gates = _cell_forward(x @ Wx + bx, ah, h_prev)\n"
_SCALE = "    scores /= np.sqrt(Q.shape[-1])\n"
_BIAS = "B = np.where(distance >= 0, -slope * distance, -np.inf)"
_UPSTREAM = "    dYs = np.zeros_like(Ys)\n"
_NORMS = "np.linalg.norm(dX[::-1].reshape(T, N * D), axis=1)"

MISTAKES = {
    # ------------------------------------------------------------ gru
    "gru_gate_order_zrn": Mistake(
        GRU_CELL, "gru.py", "    r, z = gates[:, :H], gates[:, H:2 * H]\n    gates[:, 2 * H:]",
        "    z, r = gates[:, :H], gates[:, H:2 * H]\n    gates[:, 2 * H:]",
        "Your outputs are exactly what the gate order z, r, n gives: PyTorch's order, and the contract's, is "
        "r, z, n (the first H columns are the reset gate)."),
    "gru_bh_n_outside_reset": Mistake(
        GRU_CELL, "gru.py", _CELL_CALL,
        "    outside = np.arange(3 * H) >= 2 * H\n"
        "    h, gates = _cell_forward(x @ Wx + bx + bh * outside, ah - bh * outside, h_prev)\n",
        "Your outputs are exactly what bh_n outside the reset gate gives: PyTorch computes "
        "n = tanh(x Wx_n + bx_n + r * (h Wh_n + bh_n)), the bias inside the product with r."),
    "gru_update_mix_swapped": Mistake(
        GRU_CELL, "gru.py", "h = n + z * (h_prev - n)", "h = h_prev + z * (n - h_prev)",
        "Your outputs are exactly what h = z * n + (1 - z) * h_prev gives: z keeps the old state, "
        "h = (1 - z) * n + z * h_prev."),
    "gru_reset_on_the_state": Mistake(
        ("gru_step_forward", "gru_step_backward"), "gru.py", _CELL_CALL,
        _CELL_CALL + "    r = gates[:, :H]\n"
        "    ah = np.concatenate([ah[:, :2 * H], (r * h_prev) @ Wh[:, 2 * H:] + bh[2 * H:]], axis=1)\n"
        "    n = np.tanh(x @ Wx[:, 2 * H:] + bx[2 * H:] + ah[:, 2 * H:])\n"
        "    gates[:, 2 * H:] = n\n"
        "    h = (1 - gates[:, H:2 * H]) * n + gates[:, H:2 * H] * h_prev\n",
        "Your outputs are exactly what the reset gate applied to h_prev before the product gives, "
        "(r * h_prev) @ Wh_n (the GRU paper's form): PyTorch's is r * (h_prev @ Wh_n + bh_n)."),
    "gru_missing_tanh_derivative": Mistake(
        GRU_CELL_BACKWARD, "gru.py", "da_n = dn * (1.0 - n ** 2)", "da_n = dn",
        "Your gradients are exactly what they are without the candidate's tanh derivative: multiply the gradient "
        "on n by 1 - n**2."),
    "gru_sigmoid_derivative_as_tanh": Mistake(
        GRU_CELL_BACKWARD, "gru.py", "dax = np.concatenate([dr * r * (1.0 - r), dz * z * (1.0 - z), da_n], axis=1)",
        "dax = np.concatenate([dr * (1.0 - r ** 2), dz * (1.0 - z ** 2), da_n], axis=1)",
        "Your gradients are exactly what tanh's derivative 1 - s**2 gives for the gates r and z: they are "
        "sigmoids, whose derivative is s * (1 - s)."),
    "gru_reset_not_applied_to_dah_n": Mistake(
        GRU_CELL_BACKWARD, "gru.py", "    dah[:, 2 * H:] *= r\n", "",
        "Your gradients are exactly what they are when the gradient on h_prev @ Wh_n + bh_n is not multiplied "
        "by r: that term enters n as r * (h_prev @ Wh_n + bh_n)."),
    "gru_dz_sign_flipped": Mistake(
        GRU_CELL_BACKWARD, "gru.py", "dz = dh * (h_prev - n)", "dz = dh * (n - h_prev)",
        "Your gradients are exactly what dz = dh * (n - h_prev) gives: h = (1 - z) * n + z * h_prev, so "
        "dh/dz = h_prev - n."),
    "gru_dr_from_the_wrong_factor": Mistake(
        GRU_CELL_BACKWARD, "gru.py", "    cache = (x, h_prev, Wx, Wh, gates, ah[:, 2 * H:])\n",
        "    cache = (x, h_prev, Wx, Wh, gates, ah[:, 2 * H:] - bh[2 * H:])\n",
        "Your gradients are exactly what dr gives from h_prev @ Wh_n without bh_n: r multiplies "
        "h_prev @ Wh_n + bh_n, bias included."),
    "gru_step_missing_direct_path": Mistake(
        ("gru_step_backward",), "gru.py", "dh_prev = dh_direct + dah @ Wh.T", "dh_prev = dah @ Wh.T",
        "Your dh_prev is exactly what it is without the direct path: h = ... + z * h_prev also sends dh * z "
        "straight to h_prev."),
    "gru_backward_missing_direct_path": Mistake(
        ("gru_backward",), "gru.py", "dh_next = dh_direct + dAH[t] @ Wh.T", "dh_next = dAH[t] @ Wh.T",
        "Your gradients are exactly what they are when only the path through Wh is carried back in time: "
        "add the direct dh * z to what flows to h_{t-1}."),
    "gru_dh_norms_before_flow_back": Mistake(
        ("gru_backward",), "gru.py", "dh_norms[t] = np.linalg.norm(dh)", "dh_norms[t] = np.linalg.norm(dHs[t])",
        "Your dh_norms[t] is exactly the norm of dHs[t] alone: it is the norm of the total gradient on h_{t+1}, "
        "dHs[t] plus what flows back from step t+1."),
    "gru_bias_gradients_swapped": Mistake(
        ("gru_backward",), "gru.py", '"bx": dAX.sum(axis=0),', '"bx": dAH.sum(axis=0),',
        "Your dbx is exactly the sum of the gradient on h_prev @ Wh + bh: bx enters through x @ Wx + bx, whose "
        "gradient differs from bh's in n's columns (r multiplies bh_n)."),
    "gru_forward_reuses_h0": Mistake(
        GRU_SEQUENCE, "gru.py", "ah = H_all[t] @ Wh + bh", "ah = H_all[0] @ Wh + bh",
        "Every step of your gru_forward reads h0: feed each new state into the next step."),
    # ------------------------------------------------------------ attention
    "attention_missing_scale": Mistake(
        WEIGHTS, "attention.py", _SCALE, "",
        "Your outputs are exactly what scores without the division by sqrt(d) give: A = softmax(Q K^T / sqrt(d) + B)."),
    "attention_scale_by_d": Mistake(
        WEIGHTS, "attention.py", _SCALE, "    scores /= Q.shape[-1]\n",
        "Your outputs are exactly what scores divided by d give: divide by sqrt(d), PyTorch's default scale."),
    "attention_mask_not_causal": Mistake(
        BIAS, "attention.py", _BIAS, "B = -slope * np.abs(distance)",
        "Your outputs are exactly what they are without the causal mask: B[i, j] is -inf for every j > i, so that "
        "step i never sees the future."),
    "attention_alibi_sign_flipped": Mistake(
        BIAS, "attention.py", _BIAS, "B = np.where(distance >= 0, slope * distance, -np.inf)",
        "Your outputs are exactly what ALiBi's bias with the wrong sign gives: B[i, j] = -slope * (i - j), a "
        "penalty that grows with the distance."),
    "attention_alibi_distance_j_minus_i": Mistake(
        BIAS, "attention.py", "distance = np.arange(T)[:, None] - np.arange(T)[None, :]",
        "distance = np.arange(T)[None, :] - np.arange(T)[:, None]",
        "Your outputs are exactly what the distance j - i gives: with i the query's row and j the key's column, "
        "the distance back is i - j (row index minus column index)."),
    "attention_mask_times_inf": Mistake(
        BIAS, "attention.py", _BIAS, "B = -slope * distance * (distance >= 0) + (distance < 0) * -np.inf",
        "Your outputs are exactly what a mask multiplied by -inf gives: 0 * inf is nan, so every visible entry "
        "becomes nan. Fill the entries with j > i by np.where(distance >= 0, ..., -np.inf) instead."),
    "attention_mask_hides_the_diagonal": Mistake(
        BIAS, "attention.py", _BIAS, "B = np.where(distance > 0, -slope * distance, -np.inf)",
        "Your outputs are exactly what a mask over the diagonal too gives: step i attends to itself (j = i, "
        "bias 0); only j > i is masked."),
    "attention_softmax_over_queries": Mistake(
        WEIGHTS, "attention.py", "A /= A.sum(axis=-1, keepdims=True)", "A /= A.sum(axis=-2, keepdims=True)",
        "Your weights are exactly what a softmax over the queries (axis -2) gives: normalise each query's row "
        "over the keys, the last axis."),
    "attention_weights_scale_Q_in_place": Mistake(
        WEIGHTS, "attention.py", "    scores = Q.transpose(1, 0, 2) @ K.transpose(1, 2, 0)\n" + _SCALE,
        "    Q /= np.sqrt(Q.shape[-1])\n    scores = Q.transpose(1, 0, 2) @ K.transpose(1, 2, 0)\n",
        "Your gradients are exactly what they are when attention_weights divides Q in place (Q /= ...): the "
        "forward pass's Q, kept for the backward, is then scaled too. Scale the scores, or a copy."),
    "attention_reads_with_transposed_weights": Mistake(
        FORWARD, "attention.py", "Y = (A @ V.transpose(1, 0, 2)).transpose(1, 0, 2)",
        "Y = (A.transpose(0, 2, 1) @ V.transpose(1, 0, 2)).transpose(1, 0, 2)",
        "Your outputs are exactly what A^T V gives: output i reads the values with its own row of weights, "
        "Y[i] = sum_j A[i, j] V[j]."),
    "attention_dWq_dWk_swapped": Mistake(
        BACKWARD, "attention.py",
        '        "Wq": rows.T @ dQ.reshape(T * N, Wq.shape[1]),\n        "Wk": rows.T @ dK.reshape(T * N, Wk.shape[1]),',
        '        "Wq": rows.T @ dK.reshape(T * N, Wq.shape[1]),\n        "Wk": rows.T @ dQ.reshape(T * N, Wk.shape[1]),',
        "Your dWq and dWk are exactly each other's: dWq comes from the gradient on the queries Q, dWk from the "
        "one on the keys K."),
    "attention_softmax_backward_without_the_mean": Mistake(
        BACKWARD, "attention.py", "    dS -= np.sum(A * dA, axis=-1, keepdims=True)\n", "",
        "Your gradients are exactly what the softmax's backward as A * dA gives: subtract each row's "
        "sum_j A * dA first, dS = A * (dA - sum_j A * dA)."),
    "attention_backward_missing_scale": Mistake(
        BACKWARD, "attention.py", "    dS /= np.sqrt(Q.shape[-1])\n", "",
        "Your gradients are exactly what the backward pass without 1 / sqrt(d) gives: the scores were divided "
        "by sqrt(d), so their gradient is too."),
    "attention_dK_not_transposed": Mistake(
        BACKWARD, "attention.py", "dK = (dS.transpose(0, 2, 1) @ Q.transpose(1, 0, 2)).transpose(1, 0, 2)",
        "dK = (dS @ Q.transpose(1, 0, 2)).transpose(1, 0, 2)",
        "Your gradient on the keys is exactly what dS @ Q gives: key j sits in column j of the scores, so "
        "dK = dS^T Q."),
    "attention_dX_missing_value_path": Mistake(
        BACKWARD, "attention.py", '"X": dQ @ Wq.T + dK @ Wk.T + dV @ Wv.T,', '"X": dQ @ Wq.T + dK @ Wk.T,',
        "Your dX is exactly what it is without the value path: X feeds V too, so dX also has the term dV @ Wv.T."),
    # ------------------------------------------------------------ gradient_paths
    "paths_upstream_on_the_first_step": Mistake(
        ("last_step_upstream", *PATHS), "gradient_paths.py", "dYs[-1:] = 1.0", "dYs[:1] = 1.0",
        "Your upstream gradient has its ones on the first step: the loss is the sum of the last step's outputs, "
        "Ys[-1]."),
    "paths_upstream_reuses_Ys": Mistake(
        ("last_step_upstream", *PATHS), "gradient_paths.py", _UPSTREAM, "    dYs = Ys\n    dYs[:] = 0.0\n",
        "Your path norms are exactly what they are when last_step_upstream writes into Ys: the outputs are "
        "also in the forward pass's cache. Return a new array (np.zeros_like)."),
    "paths_upstream_ones_everywhere": Mistake(
        ("last_step_upstream", *PATHS), "gradient_paths.py", _UPSTREAM, "    dYs = np.ones_like(Ys)\n",
        "Your upstream gradient has ones on every step: only the last step's outputs are in the loss, the other "
        "steps get zeros."),
    "paths_distance_off_by_one": Mistake(
        ("distance_norms", *PATHS), "gradient_paths.py",
        "    norms = np.linalg.norm(dX[::-1].reshape(T, N * D), axis=1)\n",
        "    norms = np.array([np.linalg.norm(dX[T - 1 - k]) for k in range(1, T + 1)])\n",
        "Your norms[k] is the norm of dX[T-2-k], one step too far back: distance 0 is the last step, dX[T-1]."),
    "paths_distance_not_reversed": Mistake(
        ("distance_norms", *PATHS), "gradient_paths.py", _NORMS, "np.linalg.norm(dX.reshape(T, N * D), axis=1)",
        "Your norms are in time order: norms[k] belongs to the distance k from the last step, so norms[0] is "
        "dX[T-1]'s."),
    "paths_distance_first_sequence_only": Mistake(
        ("distance_norms", *PATHS), "gradient_paths.py", _NORMS, "np.linalg.norm(dX[::-1, 0], axis=1)",
        "Your norms cover the first sequence of the batch only: take the Frobenius norm of each step's whole "
        "(N, D) gradient."),
    "paths_rnn_ones_on_every_step": Mistake(
        ("rnn_path_norms",), "gradient_paths.py", "grads, _ = bptt.rnn_backward(last_step_upstream(Hs), cache)",
        "grads, _ = bptt.rnn_backward(np.ones_like(Hs), cache)",
        "Your rnn_path_norms sends ones to every hidden state: use last_step_upstream, ones on the last step only."),
    "paths_gru_hidden_norms_instead_of_inputs": Mistake(
        ("gru_path_norms",), "gradient_paths.py",
        '    grads, _ = gru.gru_backward(last_step_upstream(Hs), cache)\n    norms = distance_norms(grads["X"])',
        '    grads, dh_norms = gru.gru_backward(last_step_upstream(Hs), cache)\n    norms = dh_norms[::-1]',
        "Your gru_path_norms reports the norms on the hidden states (dh_norms): the path norms are those of the "
        "gradient on the inputs, grads[\"X\"]."),
    "paths_attention_ignores_slope": Mistake(
        ("attention_path_norms",), "gradient_paths.py", "Y, cache = attention.attention_forward(X, Wq, Wk, Wv, slope)",
        "Y, cache = attention.attention_forward(X, Wq, Wk, Wv)",
        "Your attention_path_norms leaves ALiBi out: pass the slope on to attention_forward."),
    "paths_lstm_states_swapped": Mistake(
        ("lstm_path_norms",), "gradient_paths.py", "Hs, cache = lstm.lstm_forward(X, h0, c0, Wx, Wh, b)",
        "Hs, cache = lstm.lstm_forward(X, c0, h0, Wx, Wh, b)",
        "Your lstm_path_norms swaps the initial states: lstm_forward takes h0 before c0."),
}
