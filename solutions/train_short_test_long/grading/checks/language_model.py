OK_FORMAT = False

from otter.test_files import test_case

from checking import expect_case, expect_edge_case, expect_inputs_unchanged

name = "language_model"

LOSS_HINT = ("loss = the mean over the T * N tokens of -log softmax(logits)[target]; dlogits = (softmax(logits) - "
             "onehot(targets)) / (T * N), the gradient of that mean.")
WINDOW_HINT = ("Non-overlapping windows: inputs tokens[s:s+L], targets tokens[s+1:s+L+1] for s = 0, L, 2L, ...; each "
               "window is a sequence of its own (positions from 0), and nats[m - 1] belongs to target tokens[m].")
BUDGET_HINT = ("max_batch_tokens bounds the inputs of one call of log_probs: windows of one length go together, "
               "at most max_batch_tokens // length of them, at least one (a longer window goes alone).")
SLIDING_HINT = ("Sliding windows: after the first, each window ends stride targets later, holds L inputs and scores "
                "only the targets no earlier window scored: its last ones, with the most context.")
BITS_HINT = "bits = the mean of every entry of nats, divided by ln 2 (np.log(2)): one bit is ln 2 nats."
PERPLEXITY_HINT = "perplexity = exp(mean of every entry of nats): one mean over all the tokens, then np.exp."


@test_case(name="cross_entropy_small_batch", points=5, hidden=False)
def test_cross_entropy_small_batch():
    expect_case("cross_entropy/small", hint=LOSS_HINT)


@test_case(name="window_nats_non_overlapping", points=3, hidden=False)
def test_window_nats_non_overlapping():
    expect_case("window_nats/non_overlapping", hint=WINDOW_HINT)


@test_case(name="window_nats_sliding", points=3, hidden=False)
def test_window_nats_sliding():
    expect_case("window_nats/sliding", hint=SLIDING_HINT)


@test_case(name="bits_per_token_small", points=2, hidden=False)
def test_bits_per_token_small():
    expect_case("bits_per_token/small", hint=BITS_HINT)


@test_case(name="perplexity_small", points=3, hidden=False)
def test_perplexity_small():
    expect_case("perplexity/small", hint=PERPLEXITY_HINT)


@test_case(name="cross_entropy_large_logits", points=3, hidden=True)
def test_cross_entropy_large_logits():
    expect_edge_case("cross_entropy/large_logits", needs="cross_entropy/ordinary", hint=(
        "Logits of several hundred must give a finite loss: subtract each row's largest logit before np.exp "
        "(the softmax does not change), or exp overflows to inf and inf / inf is nan."))


@test_case(name="cross_entropy_one_token", points=2, hidden=True)
def test_cross_entropy_one_token():
    expect_case("cross_entropy/one_token", hint=LOSS_HINT + " With one token the mean is that token's loss.")


@test_case(name="window_nats_uneven_lengths", points=3, hidden=True)
def test_window_nats_uneven_lengths():
    expect_case("window_nats/short_last", hint=WINDOW_HINT + " When L does not divide M - 1, the last window is "
                                                             "shorter: it holds the targets left.")
    expect_case("window_nats/one_window", hint=WINDOW_HINT + " With L >= M - 1 the text is one window.")
    expect_case("window_nats/long_text", hint=WINDOW_HINT + " stride = L is the same as None.")
    expect_case("window_nats/small_batches", hints={"nats": WINDOW_HINT, "inputs_beyond_budget": BUDGET_HINT})


@test_case(name="window_nats_other_strides", points=2, hidden=True)
def test_window_nats_other_strides():
    expect_case("window_nats/sliding_uneven", hint=SLIDING_HINT + " The last window ends at the text's end.")
    expect_case("window_nats/stride_one", hint=SLIDING_HINT)
    expect_case("window_nats/windows_beyond_budget",
                hints={"nats": SLIDING_HINT, "inputs_beyond_budget": BUDGET_HINT})


@test_case(name="bits_per_token_other_shapes", points=2, hidden=True)
def test_bits_per_token_other_shapes():
    expect_case("bits_per_token/windows", hint=BITS_HINT + " nats may hold one row per window.")
    expect_case("bits_per_token/one_token", hint=BITS_HINT)


@test_case(name="perplexity_other_shapes", points=2, hidden=True)
def test_perplexity_other_shapes():
    expect_case("perplexity/windows", hint=PERPLEXITY_HINT)
    expect_case("perplexity/one_token", hint=PERPLEXITY_HINT)


@test_case(name="language_model_does_not_modify_inputs", points=1, hidden=True)
def test_language_model_does_not_modify_inputs():
    expect_inputs_unchanged("cross_entropy/ordinary", hint=LOSS_HINT)
