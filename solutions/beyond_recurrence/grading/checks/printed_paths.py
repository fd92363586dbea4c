OK_FORMAT = False

from otter.test_files import test_case

from checking import expect_printed_lines

name = "printed_paths"

FORMAT_HINT = "Print each line as f'{name}: gradient norm at distance {k}: {norm:.4e}', with norm = norms[k]."


@test_case(name="prints_the_recurrent_models", points=7, hidden=False)
def test_prints_the_recurrent_models():
    expect_printed_lines(1, 9, hint="RNN, LSTM and GRU, at distances 1, 10 and 50 in that order. " + FORMAT_HINT
                         + " In your folder the RNN and the LSTM are your first assignment's (the grader runs the "
                           "reference ones): if `python check.py` fails in ../rnn_shortcomings, fix that first.")


@test_case(name="prints_attention", points=8, hidden=False)
def test_prints_attention():
    expect_printed_lines(10, 15, hint="attention, then attention (ALiBi 1/16), at distances 1, 10 and 50. "
                                      + FORMAT_HINT)
