"""A causal language model's loss, and its perplexity over a long text.

The model reads tokens 0 .. t and gives log-probabilities of token t + 1. Over a
text of M tokens every target token 1 .. M-1 is scored once; the text is cut
into windows (each a sequence of its own: positions restart at 0), either
non-overlapping (stride = L) or sliding (each window scores only its last
`stride` targets, so that each target is predicted with at least L - stride
tokens of context, except in the first window). Bits per token and perplexity
are averages over tokens, never averages of window averages.
"""
import numpy as np


def cross_entropy(logits, targets):
    """Softmax cross-entropy of next-token predictions, mean over tokens.

    Inputs:
    - logits: shape (T, N, V)
    - targets: int array, shape (T, N), entries in 0 .. V-1; T * N >= 1

    Returns a tuple of:
    - loss: float, the mean over the T * N tokens of -log softmax(logits)[target] (nats)
    - dlogits: shape (T, N, V), the gradient of loss (the mean) on logits:
      (softmax(logits) - onehot(targets)) / (T * N)

    Stable: each row's max is subtracted before exponentiating.
    """
    logits = np.asarray(logits)
    targets = np.asarray(targets)
    if logits.ndim != 3 or targets.shape != logits.shape[:2]:
        raise ValueError(f"logits must be (T, N, V) and targets (T, N), got {logits.shape}, {targets.shape}")
    count = targets.size
    if count == 0:
        raise ValueError("cross_entropy needs at least one token")
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_z = np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    log_p = shifted - log_z
    picked = np.take_along_axis(log_p, targets[..., None], axis=-1)[..., 0]
    loss = -picked.sum() / count
    dlogits = np.exp(log_p)
    np.put_along_axis(dlogits, targets[..., None],
                      np.take_along_axis(dlogits, targets[..., None], axis=-1) - 1.0, axis=-1)
    dlogits /= count
    return float(loss), dlogits


def _windows(M, L, stride):
    """(start, end, first_scored) per window: inputs tokens[start:end], targets
    tokens[start+1:end+1], of which those from index first_scored on are scored."""
    windows = []
    end = min(L, M - 1)
    windows.append((0, end, 0))
    while end < M - 1:
        new_end = min(end + stride, M - 1)
        # Non-overlapping: the last window may be short. Sliding: every window after
        # the first has L inputs (when the text has them).
        start = end if stride == L else max(0, new_end - L)
        windows.append((start, new_end, end - start))
        end = new_end
    return windows


def window_nats(log_probs, tokens, L, stride=None, max_batch_tokens=1 << 16):
    """Nats of every target token of a long text, scored window by window.

    Inputs:
    - log_probs: a function mapping int inputs (Tw, B) to log-probabilities
      (Tw, B, V) of the next token after each position (positions 0 .. Tw-1 of
      each window, as a sequence of its own)
    - tokens: int array (M,), M >= 2
    - L: window length (inputs per window), an int >= 1
    - stride: None (= L): non-overlapping windows, inputs tokens[s:s+L], targets
      tokens[s+1:s+L+1] for s = 0, L, 2L, ... (the last one shorter when L does
      not divide M - 1); 1 <= stride < L: sliding
      windows of L inputs advancing by stride, each scoring only its last
      `stride` targets, except the first, which scores all its targets
    - max_batch_tokens: windows of one length are batched, at most this many
      inputs per call (a memory bound; it does not change which targets are scored)

    Returns:
    - nats: shape (M - 1,), nats[m - 1] = -log p(tokens[m] | its window's context)
    """
    tokens = np.asarray(tokens)
    M = tokens.shape[0]
    if tokens.ndim != 1 or M < 2:
        raise ValueError(f"tokens must have shape (M,) with M >= 2, got {tokens.shape}")
    stride = L if stride is None else stride
    if not 1 <= stride <= L:
        raise ValueError(f"stride must be in 1 .. L, got {stride}")
    nats = np.full(M - 1, np.nan)
    by_length = {}
    for start, end, first in _windows(M, L, stride):
        by_length.setdefault(end - start, []).append((start, end, first))
    for length, group in by_length.items():
        per_call = max(1, max_batch_tokens // length)
        for g in range(0, len(group), per_call):
            chunk = group[g:g + per_call]
            starts = np.array([s for s, _, _ in chunk])
            idx = starts[None, :] + np.arange(length)[:, None]  # (length, B)
            lp = np.asarray(log_probs(tokens[idx]))
            target_lp = np.take_along_axis(lp, tokens[idx + 1][..., None], axis=-1)[..., 0]
            for b, (start, end, first) in enumerate(chunk):
                nats[start + first:end] = -target_lp[first:, b]
    assert not np.isnan(nats).any()
    return nats


def bits_per_token(nats):
    """Mean bits per token of per-token nats (shape (M,)): mean(nats) / ln 2."""
    return float(np.mean(nats) / np.log(2.0))


def perplexity(nats):
    """Per-token perplexity: exp(mean(nats))."""
    return float(np.exp(np.mean(nats)))
