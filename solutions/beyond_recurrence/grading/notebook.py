"""The student notebook's cells, as Python data: ``autograder/build/notebook.py`` writes them with nbformat.

Each cell is ``(kind, source)``. Code cells must run to the end even when the
student has implemented nothing yet: ``attempt`` turns NotImplementedError
into a one-line message, so later cells (and the checks) still run.
"""
from pathlib import Path

from autograder import assignment as course
from autograder.build.notebook import EXPORT, setup_cell

assignment = course.load(Path(__file__).resolve().parents[1].name)  # this folder's assignment

CELLS = [
    ("markdown", r"""# Beyond recurrence: GRU, attention and ALiBi

The first assignment ended with the LSTM: an additive cell state that lets
the gradient survive many steps when the forget gate stays near 1. This one
follows the lecture's last slide to what came next:

- the **GRU** (Cho et al., 2014), the LSTM's idea with one state and three
  gates: $h_t = (1 - z) \odot n + z \odot h_{t-1}$;
- **attention** (Vaswani et al., 2017), which drops the recurrence: the
  output at step $i$ reads every earlier input directly,
  $Y_i = \sum_{j \le i} A_{ij} V_j$, with
  $A_{i\cdot} = \mathrm{softmax}(Q_i K^\top / \sqrt{d} + B_{i\cdot})$;
- **ALiBi** (Press et al., 2022), a bias $B_{ij} = -m\,(i - j)$ linear in
  the distance, which tells attention where things are.

The question running through it: how much of the gradient of the last
output reaches an input $k$ steps back? Through a recurrence it crosses $k$
Jacobians; through attention, one.

Implement the `TODO` blocks of `gru.py`, `attention.py`, `gradient_paths.py`
and `path_norms.py`; each part ends with the public checks of its question.
The tanh RNN and the LSTM come from your first assignment (`earlier.py` finds
`recurrence.py`, `bptt.py`, `clipping.py` and `lstm.py` in this folder or in
`../rnn_shortcomings`). `python check.py` or `pytest` run the same checks
outside the notebook."""),
    ("code", setup_cell(assignment, "import gru, attention")),
    ("code", r"""import importlib


class Unavailable:
    # Stands for a module that could not be imported: each part that uses it says why, in one line.
    def __init__(self, name, error):
        self.name, self.error = name, error

    def __getattr__(self, attribute):
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        raise ImportError(f"{self.name}.py is not available ({self.error})")


def load(name):
    try:
        return importlib.import_module(name)
    except Exception as error:  # the reason is said where the module is used
        return Unavailable(name, f"{type(error).__name__}: {error}")


earlier = load("earlier")  # first: it makes the first assignment's modules importable
if isinstance(earlier, Unavailable):
    print("The first assignment's modules:", earlier.error)
    recurrence, bptt, lstm, gradient_paths, long_range_attention = (
        Unavailable(name, earlier.error) for name in ("recurrence", "bptt", "lstm", "gradient_paths",
                                                     "long_range_attention"))
else:
    print("the tanh RNN and the LSTM come from", earlier.folder() or "the Python path")
    recurrence, bptt, lstm = load("recurrence"), load("bptt"), load("lstm")
    gradient_paths, long_range_attention = load("gradient_paths"), load("long_range_attention")"""),
    ("markdown", r"""## 1. The GRU (`gru.py`)

PyTorch's conventions: gates stacked r, z, n along $3H$, `Wx` is
`weight_ih.T`, `Wh` is `weight_hh.T`, and the two biases `bx`, `bh` are kept
apart because the reset gate multiplies the hidden part of the candidate,
its bias included: $n = \tanh(x W_{x,n} + b_{x,n} + r \odot (h W_{h,n} + b_{h,n}))$.

Going back one step multiplies the gradient on $h$ by $z$ (plus what flows
through the gates and the candidate): when $z$ stays near 1 the state is
copied and the gradient survives, as through the LSTM's cell when $f$ is
near 1. As in the first assignment, the gradient **survives** 200 steps when
it keeps at least 0.1 % of its norm ($10^{-3}$). Below, the three recurrent
models of the same size on the same sequence of T = 200 steps, a gradient
on the last state only: `dh_norms` read from right to left. The RNN and LSTM
curves come from **your first assignment's** functions (`earlier.py` finds
them), the GRU's from `gru.py`: until those pass their checks, the plot and
its title may say otherwise."""),
    ("code", r"""rng = np.random.default_rng(0)
T, N, D, H = 200, 1, 32, 32
X = rng.normal(size=(T, N, D))
dHs = np.zeros((T, N, H)); dHs[-1] = rng.normal(size=(N, H))
bound = 1 / np.sqrt(H)
curves = {}
with attempt("rnn_forward / rnn_backward (first assignment)"):
    Hs, cache = recurrence.rnn_forward(X, np.zeros((N, H)), *(rng.uniform(-bound, bound, s) for s in ((D, H), (H, H), H)))
    curves["RNN"] = bptt.rnn_backward(dHs, cache)[1]
with attempt("lstm_forward / lstm_backward (first assignment)"):
    Wx, Wh, b = (rng.uniform(-bound, bound, s) for s in ((D, 4 * H), (H, 4 * H), 4 * H))
    b[H:2 * H] += 3.0  # forget gate near sigmoid(3) = 0.95: the first assignment's survivor
    Hs, cache = lstm.lstm_forward(X, np.zeros((N, H)), np.zeros((N, H)), Wx, Wh, b)
    curves["LSTM (forget bias 3)"] = lstm.lstm_backward(dHs, cache)[1]
with attempt("gru_forward / gru_backward"):
    Wx, Wh, bx, bh = (rng.uniform(-bound, bound, s) for s in ((D, 3 * H), (H, 3 * H), 3 * H, 3 * H))
    for update_bias in (0, 2, 4):
        bx_ = bx.copy(); bx_[H:2 * H] += update_bias
        Hs, cache = gru.gru_forward(X, np.zeros((N, H)), Wx, Wh, bx_, bh)
        curves[f"GRU (update bias {update_bias})"] = gru.gru_backward(dHs, cache)[1]
if curves:
    plt.figure(figsize=(7, 4))
    for name, norms in curves.items():
        plt.semilogy(np.arange(1, T + 1), norms, label=f"{name}: keeps {norms[0] / norms[-1]:.1e} of its norm")
    plt.xlabel("time step t"); plt.ylabel(r"$\|\partial L / \partial h_t\|$"); plt.legend(fontsize=8)
    survivors = [name for name, norms in curves.items() if norms[0] / norms[-1] >= 1e-3]
    plt.title(f"Over 200 steps the gradient survives (keeps 0.1 %) only in: {' and '.join(survivors) or 'none'}"
              if len(curves) == 5 else "Gradient norms back through time (the missing curves need your code)")
    plt.show()"""),
    ("code", r"""grader.check("gru")"""),
    ("markdown", r"""## 2. Causal attention with ALiBi (`attention.py`)

`alibi_bias(T, slope)` is the whole bias: $-m\,(i - j)$ on and below the
diagonal and $-\infty$ above it (step $i$ must not see the future).
`attention_weights` turns scores into weights, one softmax per query row;
`attention_forward` and `attention_backward` do the layer. Below, the
weights of one random sequence: without a bias every earlier step gets a
share; with ALiBi the weight of a step $k$ back is cut by $e^{-m k}$, so
each query looks mostly at its recent past."""),
    ("code", r"""rng = np.random.default_rng(1)
T, D, d = 24, 8, 8
X = rng.normal(size=(T, 1, D))
Wq, Wk, Wv = (rng.normal(0, 1 / np.sqrt(D), (D, d)) for _ in range(3))
with attempt("attention_weights"):
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.3), layout="constrained")
    for ax, slope in zip(axes, (0.0, 0.25)):
        A = attention.attention_weights(X @ Wq, X @ Wk, slope)[0]
        image = ax.imshow(A, cmap="viridis", vmin=0, vmax=1)
        ax.set_title(f"slope {slope:g}" + (" (plain causal)" if slope == 0 else " (ALiBi)"))
        ax.set_xlabel("key j"); ax.set_ylabel("query i")
    fig.colorbar(image, ax=axes, label="$A_{ij}$", shrink=0.9)  # one scale for both: no tick labels collide
    fig.suptitle("Attention weights $A_{ij}$: zero above the diagonal, every row sums to 1")
    plt.show()"""),
    ("code", r"""grader.check("attention")"""),
    ("markdown", r"""## 3. Gradient paths (`gradient_paths.py`)

Take the loss $L = \sum Y_T$, the sum of the last step's outputs
(`last_step_upstream`), and measure $\|\partial L / \partial x_{T-1-k}\|$ for
every distance $k$ (`distance_norms`): how much the last output can learn
from an input $k$ steps back. The four models read the same sequence
(`same_sequence`: PyTorch's default initialisations, gate biases +1)."""),
    ("code", r"""with attempt("the gradient paths"):
    X, params = gradient_paths.same_sequence(0, T=64)
    paths = {
        "RNN": gradient_paths.rnn_path_norms(X, **params["rnn"]),
        "LSTM": gradient_paths.lstm_path_norms(X, **params["lstm"]),
        "GRU": gradient_paths.gru_path_norms(X, **params["gru"]),
        "attention": gradient_paths.attention_path_norms(X, **params["attention"]),
        "attention (ALiBi 1/16)": gradient_paths.attention_path_norms(X, **params["attention"], slope=1 / 16),
    }
    plt.figure(figsize=(7, 4.5))
    for name, norms in paths.items():
        plt.semilogy(np.arange(len(norms)), norms, "--" if "ALiBi" in name else "-", label=name)
    plt.xlabel("distance k from the last step"); plt.ylabel(r"$\|\partial L / \partial x_{T-1-k}\|$")
    plt.legend(fontsize=8)
    far = len(paths["attention"]) - 1
    plt.title(f"Through attention every input is one step away: at distance {far} it keeps "
              f"{paths['attention'][far] / paths['attention'][0]:.0%} of its gradient, the recurrences under 1e-5",
              fontsize=10)
    plt.show()
    for name, norms in paths.items():
        print(f"{name:<22} distance 1: {norms[1]:.2e}   distance 50: {norms[50]:.2e}   ratio {norms[50] / norms[1]:.1e}")"""),
    ("markdown", r"""The recurrent curves are straight lines on a log axis: a product of $k$
Jacobians shrinks geometrically, fast for the RNN, slowly where a gate holds
the state (LSTM, GRU), but it shrinks. Attention's path has length 1 at
every distance: its curve stays flat (its level is the attention weight
times the weights' scale). ALiBi bends it down again, but by the choice of
one number, the slope, $e^{-mk}$, not by a chain of Jacobians: a smaller
slope (the paper's heads go down to 1/256) keeps far inputs in reach."""),
    ("code", r"""grader.check("gradient_paths")"""),
    ("markdown", r"""## 4. The printed check (`path_norms.py`)

Like the lecture's printout: fifteen lines, the norms of part 3 at distances
1, 10 and 50, computed with your functions every time the script runs."""),
    ("code", r"""with attempt("python path_norms.py"):  # as the grader runs it: the script as __main__
    runpy.run_path("path_norms.py", run_name="__main__")"""),
    ("code", r"""grader.check("printed_paths")"""),
    ("markdown", r"""## 5. The counter-example, one step further (provided, not graded)

The first assignment's adding problem at T = 200: two marked values, the
first in the first tenth of the sequence, the target their sum; predicting
the mean gives a mean squared error of 1/6. `long_range_attention.py`
trains an LSTM (the first assignment's), a GRU and one head of attention
with ALiBi (yours), with the same budget of 200 steps, batch, clipping and
data, each at the learning rate that was best for it on seed 0 (its
`LEARNING_RATES`). Measured with the reference solutions on three seeds: attention
solves it by step 100, the GRU by step 200, the LSTM not at all. Below: one
seed (about 20 seconds on the 2-core machine it was timed on, about 5 minutes
while other programs kept its cores busy); `python long_range_attention.py`
prints the table over three seeds (under a minute)."""),
    ("code", r"""results = []
with attempt("the adding problem at T = 200"):
    for model in long_range_attention.MODELS:
        results.append(long_range_attention.train(model, 200, seed=0, eval_every=10))
if results:
    print(long_range_attention.HEADER)
    for r in results:
        print(long_range_attention.row(r))
    plt.figure(figsize=(7.5, 4.3))
    names = {"lstm": "LSTM", "gru": "GRU", "attention": "attention (ALiBi)"}
    colours = {"lstm": "#E69F00", "gru": "#009E73", "attention": "#D55E00"}  # as in part 3's figure
    for r in results:
        steps, mse = zip(*r["curve"])
        plt.semilogy(steps, mse, "o-", ms=3, color=colours[r["model"]], label=f"{names[r['model']]}, T = {r['T']}")
    plt.axhline(long_range_attention.BASELINE_MSE, color="gray", ls=":", label="predict the mean (1/6)")
    plt.axhline(long_range_attention.SOLVED_MSE, color="black", ls="--", lw=1, label="solved")
    plt.xlabel("training step"); plt.ylabel("test MSE"); plt.legend(fontsize=8)
    def outcome(r):
        lowest = min(mse for _, mse in r["curve"])
        if r["solved_at"]:
            return f"{names[r['model']]} is solved at step {r['solved_at']}"
        if lowest > long_range_attention.BASELINE_MSE / 2:
            return f"the {names[r['model']]} stays near the baseline"
        return f"the {names[r['model']]} reaches {lowest:.2g}, not solved"
    plt.title("At T = 200: " + "; ".join(outcome(r) for r in results), fontsize=10)
    plt.show()"""),
    ("written", "path_length"),  # prompt and points: the manifest's [[written]]
    ("markdown", r"""## Submit

Save the notebook (Ctrl-S / Cmd-S), then run the cell below. It writes a zip
holding this notebook and your four files, and shows a link to it: upload
that zip. The autograder grades the four files; your written answer is read
from the notebook."""),
    ("code", EXPORT),
]
