"""Question ``language_model``: a causal language model's loss, and its perplexity over a long text.

The model reads tokens 0 .. t and gives log-probabilities of token t + 1.
Training minimises the cross-entropy of those predictions, in nats per token.
Evaluation scores a long text of M tokens, every target 1 .. M-1 exactly once,
cut into windows that are sequences of their own (positions restart at 0 in
each): non-overlapping windows, or sliding windows that score only their last
`stride` targets, so that each of those is predicted with at least L - stride
tokens of context (Press et al., 2022, section 4). Bits per token and
perplexity are averages over tokens, never averages of per-window averages.
Inputs of any real dtype give float64 outputs; inputs are never modified.
"""
import numpy as np


def cross_entropy(logits, targets):
    """Softmax cross-entropy of next-token predictions, the mean over tokens, and its gradient.

    Inputs:
    - logits: shape (T, N, V), unnormalised log-probabilities of the V tokens
    - targets: ints in 0 .. V-1, shape (T, N); T * N >= 1

    Returns a tuple of:
    - loss: a float, the mean over the T * N tokens of
      -log softmax(logits[t, n])[targets[t, n]] (nats)
    - dlogits: shape (T, N, V), float64, the gradient of that mean on the
      logits: (softmax(logits) - onehot(targets)) / (T * N)

    Stable for logits of any size: each row's largest logit is subtracted
    before np.exp (the softmax does not change).
    """
    logits = np.asarray(logits, dtype=np.float64)
    targets = np.asarray(targets)
    if logits.ndim != 3:
        raise ValueError(f"logits must have shape (T, N, V), got {logits.shape}")
    if targets.shape != logits.shape[:2] or targets.dtype.kind not in "iu":
        raise ValueError(f"targets must be ints of shape {logits.shape[:2]}, got {targets.dtype} {targets.shape}")
    if targets.size == 0:
        raise ValueError("cross_entropy needs at least one token (T * N >= 1)")
    if np.any((targets < 0) | (targets >= logits.shape[2])):
        raise ValueError(f"targets must be in 0 .. V-1 = {logits.shape[2] - 1}")
    ########################################################################
    # TODO: implement cross_entropy.
    # log softmax = logits - max - log(sum(exp(logits - max))) over the last axis (keepdims=True);
    # np.take_along_axis(log_p, targets[..., None], axis=-1) picks each target's entry. The
    # gradient of the mean is softmax minus one at the target, divided by the number of tokens.
    ########################################################################
    raise NotImplementedError("cross_entropy is not implemented yet")
    ########################################################################
    #                           END OF YOUR CODE                           #
    ########################################################################
    return loss, dlogits


def window_nats(log_probs, tokens, L, stride=None, max_batch_tokens=65536):
    """The nats of every target token of a long text, scored window by window.

    Inputs:
    - log_probs: the model, a function mapping ints of shape (Tw, B), B windows
      of Tw tokens each (time-major, positions 0 .. Tw-1 of each window), to
      log-probabilities of the next token after each of them, shape (Tw, B, V)
    - tokens: the text, ints of shape (M,), M >= 2
    - L: the window length (inputs per window), an int >= 1
    - stride: None (the same as L) for non-overlapping windows: inputs
      tokens[s:s+L] and targets tokens[s+1:s+L+1] for s = 0, L, 2L, ..., the
      last window shorter when L does not divide M - 1. 1 <= stride < L for
      sliding windows: the first is tokens[0:L] and scores all its targets;
      each next one ends stride targets later (at most at M - 1), has L inputs
      (fewer only when the text is shorter) and scores only the targets that
      no earlier window scored
    - max_batch_tokens: windows of one length go to log_probs together, at most
      this many inputs per call, a longer window alone (bounds memory; changes
      no number)

    Returns:
    - nats: shape (M - 1,), float64; nats[m - 1] = -log p(tokens[m] | the
      context of the window that scores it), so every target is scored once
    """
    tokens = np.asarray(tokens)
    if tokens.ndim != 1 or tokens.shape[0] < 2 or tokens.dtype.kind not in "iu":
        raise ValueError(f"tokens must be ints of shape (M,) with M >= 2, got {tokens.dtype} {tokens.shape}")
    if isinstance(L, bool) or int(L) != L or L < 1:
        raise ValueError(f"L must be an int >= 1, got {L!r}")
    L = int(L)
    stride = L if stride is None else stride
    if isinstance(stride, bool) or int(stride) != stride or not 1 <= stride <= L:
        raise ValueError(f"stride must be None or an int in 1 .. L = {L}, got {stride!r}")
    stride = int(stride)
    M = tokens.shape[0]
    ########################################################################
    # TODO: implement window_nats.
    # first list the windows as (start, end, first scored): inputs tokens[start:end], targets
    # tokens[start+1:end+1], of which those from index `first` on are scored (0 for the first
    # window and for non-overlapping ones). Then call log_probs on windows of one length together
    # (an index array starts[None, :] + np.arange(length)[:, None] is (length, B)), and pick each
    # target's log-probability with np.take_along_axis.
    ########################################################################
    raise NotImplementedError("window_nats is not implemented yet")
    ########################################################################
    #                           END OF YOUR CODE                           #
    ########################################################################
    return nats


def bits_per_token(nats):
    """Mean bits per token.

    Inputs:
    - nats: the nats of each scored token, any shape (e.g. (M - 1,) from
      window_nats, or (W, Lw): W windows of Lw tokens each), at least one entry

    Returns:
    - bits: a float, the mean over every token of nats / ln 2
    """
    nats = np.asarray(nats, dtype=np.float64)
    if nats.size == 0:
        raise ValueError("bits_per_token needs at least one token")
    ########################################################################
    # TODO: implement bits_per_token.
    # one bit is ln 2 nats; the mean is over every entry, whatever the shape.
    ########################################################################
    raise NotImplementedError("bits_per_token is not implemented yet")
    ########################################################################
    #                           END OF YOUR CODE                           #
    ########################################################################
    return bits


def perplexity(nats):
    """Per-token perplexity: exp of the mean nats over every token.

    Inputs:
    - nats: the nats of each scored token, any shape (e.g. (M - 1,), or
      (W, Lw) per window), at least one entry

    Returns:
    - ppl: a float, exp(mean(nats)) over every token: not a mean of
      per-window perplexities, which weighs the windows' tokens differently
    """
    nats = np.asarray(nats, dtype=np.float64)
    if nats.size == 0:
        raise ValueError("perplexity needs at least one token")
    ########################################################################
    # TODO: implement perplexity.
    # the mean over every entry first, then one np.exp.
    ########################################################################
    raise NotImplementedError("perplexity is not implemented yet")
    ########################################################################
    #                           END OF YOUR CODE                           #
    ########################################################################
    return ppl
