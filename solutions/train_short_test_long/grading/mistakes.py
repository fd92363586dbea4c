"""Known mistakes: how each one is made, which checks it shows in, and the hint that names it.

Each mistake is a change to the reference solutions (find/replace in ``file``;
the text must occur once). When the fixtures are built, every case of the
listed kinds is run again with the changed solutions, and what comes out is
stored beside the reference values, with the hint. A failing check whose
outputs are exactly those of a mistake gives that mistake's hint and no other
(``checking.diagnose``); the changed code itself never leaves the build. A bug
of ``library/bugs.toml`` can name one (``mistake = "..."``) instead of
restating its change. The multi-head checks replay the reference's positions
(calls.py), so a mistake of positions.py shows in the positions checks only.
"""
from collections import namedtuple

Mistake = namedtuple("Mistake", "kinds file find replace hint")

ROPE = ("rope", "rope_backward")
MULTIHEAD = ("multihead_attention_forward", "multihead_attention_backward")

_SINES = "    P[:, 0::2] = np.sin(angles)\n    P[:, 1::2] = np.cos(angles)\n"
_PAIRS = "    even, odd = X[..., 0::2], X[..., 1::2]\n"
_BIAS = "B = np.where(distance >= 0, -slopes[:, None, None] * distance, -np.inf)"
_SPLIT = "Q, K, V = ((X @ W).reshape(T, N, H, dh) for W in (Wq, Wk, Wv))"
_SHIFT = "    shifted = logits - logits.max(axis=-1, keepdims=True)\n"
# The reference's heads are the second assignment's attention_weights; a student may write the softmax
# in multihead.py instead, batched over the heads (library/correct.toml), and make its mistakes there.
_HEADS = ("    A = np.empty((N, H, T, T))\n    for h in range(H):\n"
          "        A[:, h] = attention_weights(Q[:, :, h], K[:, :, h], slopes[h])\n")


MISTAKES = {
    # ------------------------------------------------------------ positions
    "sinusoidal_sin_cos_swapped": Mistake(
        ("sinusoidal_encoding",), "positions.py", _SINES,
        "    P[:, 0::2] = np.cos(angles)\n    P[:, 1::2] = np.sin(angles)\n",
        "Your encodings are exactly what cosines in the even columns and sines in the odd ones give: "
        "P[t, 2i] = sin(t * w_i), P[t, 2i+1] = cos(t * w_i)."),
    "sinusoidal_halves_concatenated": Mistake(
        ("sinusoidal_encoding",), "positions.py", _SINES,
        "    P[:, :d // 2] = np.sin(angles)\n    P[:, d // 2:] = np.cos(angles)\n",
        "Your encodings are exactly what the sines in the first half of the columns and the cosines in the "
        "second half give (the tensor2tensor layout): the contract interleaves them, sin in column 2i and cos "
        "in column 2i+1."),
    "sinusoidal_exponent_i_over_d": Mistake(
        ("sinusoidal_encoding",), "positions.py", "frequencies = 10000.0 ** (-np.arange(0, d, 2) / d)",
        "frequencies = 10000.0 ** (-np.arange(d // 2) / d)",
        "Your encodings are exactly what the frequencies 10000^(-i / d) give: pair i's is 10000^(-2i / d), "
        "the exponent counting the columns, 0, 2, 4, ..."),
    "rope_half_split_pairs": Mistake(
        ROPE, "positions.py", _PAIRS + "    Y = np.empty_like(X)\n"
        "    Y[..., 0::2] = even * cos - odd * sin\n    Y[..., 1::2] = even * sin + odd * cos\n",
        "    even, odd = X[..., :dh // 2], X[..., dh // 2:]\n    Y = np.empty_like(X)\n"
        "    Y[..., :dh // 2] = even * cos - odd * sin\n    Y[..., dh // 2:] = even * sin + odd * cos\n",
        "Your rotation is exactly what pairing feature i with feature i + dh/2 gives (Hugging Face's rotate_half): "
        "the contract's pairs are interleaved, (2i, 2i+1), as in the RoFormer paper."),
    "rope_position_index_not_value": Mistake(
        ROPE, "positions.py", "angles = positions[:, None] * base ** (-np.arange(0, dh, 2) / dh)",
        "angles = np.arange(X.shape[0])[:, None] * base ** (-np.arange(0, dh, 2) / dh)",
        "Your rotation is exactly what the steps 0 .. T-1 give in place of the positions you were given: "
        "rotate step t by positions[t] (a window may start anywhere)."),
    "rope_backward_same_direction": Mistake(
        ("rope_backward",), "positions.py", "dX = rope(dY, -positions, base)", "dX = rope(dY, positions, base)",
        "Your gradient is exactly dY rotated the same way as the forward: the transpose of a rotation turns "
        "the other way, by -theta."),
    "alibi_slopes_reversed": Mistake(
        ("alibi_slopes",), "positions.py", "    # END SOLUTION\n    return slopes\n",
        "    slopes = slopes[::-1]\n    # END SOLUTION\n    return slopes\n",
        "Your slopes are exactly the paper's in reverse order: head 0 gets the first slope of the rule "
        "(for 8 heads 1/2, the steepest), the last head the gentlest."),
    "alibi_slopes_sorted": Mistake(
        ("alibi_slopes",), "positions.py", "    # END SOLUTION\n    return slopes\n",
        "    slopes = np.sort(slopes)[::-1]\n    # END SOLUTION\n    return slopes\n",
        "Your slopes are exactly the paper's sorted from the steepest down: when H is not a power of two, the "
        "rule puts the extra slopes (every other one of 2n heads) after the n slopes of n heads, unsorted."),
    "alibi_bias_sign_flipped": Mistake(
        ("alibi_biases",), "positions.py", _BIAS,
        "B = np.where(distance >= 0, slopes[:, None, None] * distance, -np.inf)",
        "Your biases are exactly ALiBi's with the wrong sign: B[h, i, j] = -slopes[h] * (i - j), a penalty that "
        "grows with the distance."),
    "alibi_mask_times_inf": Mistake(
        ("alibi_biases",), "positions.py", _BIAS,
        "B = -slopes[:, None, None] * distance * (distance >= 0) + (distance < 0) * -np.inf",
        "Your biases are exactly what a mask multiplied by -inf gives: 0 * inf is nan, so every visible entry "
        "becomes nan. Fill the entries with j > i by np.where(distance >= 0, ..., -np.inf) instead."),
    # ------------------------------------------------------------ multihead
    "multihead_rope_rotates_values": Mistake(
        MULTIHEAD, "multihead.py", "Q, K = rope(Q, positions), rope(K, positions)",
        "Q, K, V = rope(Q, positions), rope(K, positions), rope(V, positions)",
        "Your outputs are exactly what rotating the values too gives: RoPE rotates the queries and the keys, "
        "so that their dot products depend on i - j; the values are read as they are."),
    "multihead_heads_interleaved": Mistake(
        MULTIHEAD, "multihead.py", _SPLIT, "Q, K, V = ((X @ W).reshape(T, N, dh, H).swapaxes(2, 3) for W in (Wq, Wk, Wv))",
        "Your outputs are exactly what heads made of every H-th column give: head h owns the column block "
        "h*dh .. (h+1)*dh - 1, so reshape (T, N, H*dh) to (T, N, H, dh)."),
    "multihead_scale_by_model_width": Mistake(
        ("multihead_attention_backward",), "multihead.py", "scale = 1.0 / np.sqrt(dh)", "scale = 1.0 / np.sqrt(D)",
        "Your gradients are exactly what the scores' gradient divided by sqrt(D), the model width, gives: each "
        "head's scores were divided by sqrt(dh), the width of its own queries and keys."),
    "multihead_scale_by_all_heads": Mistake(
        ("multihead_attention_backward",), "multihead.py", "scale = 1.0 / np.sqrt(dh)",
        "scale = 1.0 / np.sqrt(H * dh)",
        "Your gradients are exactly what the scores' gradient divided by sqrt(H * dh) gives: each head's scores "
        "were divided by sqrt(dh), the width of its own queries and keys."),
    "multihead_slopes_reversed_across_heads": Mistake(
        MULTIHEAD, "multihead.py", 'slopes = alibi_slopes(H) if scheme == "alibi" else np.zeros(H)',
        'slopes = alibi_slopes(H)[::-1] if scheme == "alibi" else np.zeros(H)',
        "Your outputs are exactly what the heads' slopes in reverse order give: head h gets alibi_slopes(H)[h]."),
    "multihead_softmax_over_queries": Mistake(
        MULTIHEAD, "multihead.py", _HEADS,
        "    from positions import alibi_biases\n"
        "    S = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh) + alibi_biases(T, slopes)\n"
        "    S -= S.max(axis=-1, keepdims=True, initial=-np.inf)\n"
        "    A = np.exp(S)\n    A /= A.sum(axis=-2, keepdims=True)\n",
        "Your outputs are exactly what a softmax over the queries (axis -2) gives: normalise each query's row "
        "over the keys, the last axis."),
    "multihead_rope_backward_skipped": Mistake(
        ("multihead_attention_backward",), "multihead.py",
        "        dQ, dK = rope_backward(dQ, positions), rope_backward(dK, positions)\n",
        "        pass\n",
        "Your gradients are exactly what they are without rope_backward: for \"rope\" the rotated queries "
        "and keys came from Q and K, so their gradients go back through the rotation."),
    "multihead_dWo_from_values": Mistake(
        ("multihead_attention_backward",), "multihead.py", "dWo = O.reshape(rows, H * dh).T @ dY.reshape(rows, D)",
        "dWo = v.transpose(2, 0, 1, 3).reshape(rows, H * dh).T @ dY.reshape(rows, D)",
        "Your dWo is exactly what the values V give in place of the heads' outputs O: Y = O Wo, so "
        "dWo = O^T dY."),
    "multihead_softmax_backward_without_the_mean": Mistake(
        ("multihead_attention_backward",), "multihead.py",
        "dS = A * (dA - np.sum(A * dA, axis=-1, keepdims=True)) * scale", "dS = A * dA * scale",
        "Your gradients are exactly what the softmax's backward as A * dA gives: subtract each row's "
        "sum_j A * dA first, dS = A * (dA - sum_j A * dA)."),
    # ------------------------------------------------------------ language_model
    "cross_entropy_without_max_shift": Mistake(
        ("cross_entropy",), "lm_loss.py", _SHIFT, "    shifted = logits\n",
        "Your loss is exactly what it is without the max-shift: np.exp overflows beyond about 709. Subtract "
        "each row's largest logit first (keepdims=True); the log-softmax does not change."),
    "cross_entropy_gradient_not_averaged": Mistake(
        ("cross_entropy",), "lm_loss.py", "    dlogits /= count\n", "",
        "Your dlogits is exactly the gradient of the sum over tokens: the loss is their mean, so its gradient "
        "is divided by the number of tokens T * N too."),
    "cross_entropy_sum_not_mean": Mistake(
        ("cross_entropy",), "lm_loss.py", "loss = -float(picked.sum()) / count", "loss = -float(picked.sum())",
        "Your loss is exactly the sum over tokens: the contract's loss is the mean, divided by T * N."),
    "window_nats_sliding_scores_every_target": Mistake(
        ("window_nats",), "lm_loss.py", "windows.append((start, new_end, end - start))",
        "windows.append((start, new_end, 0))",
        "Your nats are exactly what sliding windows scoring every target give: each window after the first "
        "scores only the targets no earlier window scored, its last ones."),
    "perplexity_averaged_per_window": Mistake(
        ("perplexity",), "lm_loss.py", "ppl = float(np.exp(np.mean(nats)))",
        "ppl = float(np.mean(np.exp(np.mean(nats, axis=-1))))",
        "Your perplexity is exactly the mean of per-window perplexities (one per row): the perplexity is "
        "exp of the mean over every token."),
    "bits_per_token_log2_of_nats": Mistake(
        ("bits_per_token",), "lm_loss.py", "bits = float(np.mean(nats)) / np.log(2.0)",
        "bits = float(np.mean(nats)) * np.log(2.0)",
        "Your bits are exactly the nats multiplied by ln 2: one bit is ln 2 nats, so divide by np.log(2)."),
}
