# Generated from solutions/train_short_test_long/grading/checks/language_model.py
# by `python -m autograder build`: edit that file, not this copy.
import sys

if "tests/support" not in sys.path:  # the checks' machinery, from the assignment's folder
    sys.path.insert(0, "tests/support")

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
