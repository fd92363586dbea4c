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
    ("markdown", r"""# RNNs and their shortcomings

A recurrent network reads a sequence one step at a time and summarises
everything so far in its hidden state:

$$h_t = \tanh(x_t W_x + h_{t-1} W_h + b).$$

Training it means backpropagating through every step. Going back one step
multiplies the gradient by that step's Jacobian,
$\partial h_t / \partial h_{t-1} = \mathrm{diag}(1 - h_t^2)\, W_h^\top$, so after
$k$ steps the gradient has been multiplied by $k$ such matrices: its norm
shrinks (vanishes) or grows (explodes) roughly like $\sigma^k$, with $\sigma$
the largest singular value of $W_h$ (times the tanh slopes). You will see it
happen in your own code, tame the explosion with clipping, and see why an
LSTM's additive cell state keeps the gradient alive.

Implement the `TODO` blocks of `recurrence.py`, `bptt.py`, `clipping.py`,
`lstm.py` and `gradient_norms.py`; each part below ends with the public
checks of its question. `python check.py` or `pytest` run the same checks
outside the notebook."""),
    ("code", setup_cell(assignment, "import recurrence, bptt, clipping, lstm, long_range")),
    ("markdown", r"""## 1. The recurrence (`recurrence.py`)

`rnn_step` computes one step for a whole batch (row-vector convention:
`x @ Wx + h_prev @ Wh + b`), `rnn_forward` loops it over time, and
`iterate_map` is the lecture's demo: the input-free map $h \leftarrow \tanh(W h)$
(column-vector form). With the lecture's contractive $W$ the state forgets
where it started and decays to 0: the memory of the first input is gone."""),
    ("code", r"""W = np.array([[0.7, 0.2], [0.1, 0.6]])
with attempt("iterate_map"):
    states = recurrence.iterate_map(W, np.array([1.0, 0.0]), 20)
    plt.figure(figsize=(6, 3))
    plt.plot(states[:, 0], "o-", label="$h_1$")
    plt.plot(states[:, 1], "s-", label="$h_2$")
    plt.xlabel("step k"); plt.ylabel("state"); plt.legend()
    plt.title("h <- tanh(W h) forgets its start: the state decays to 0")
    plt.show()
    print("Hidden state after 20 steps:", states[-1])"""),
    ("code", r"""grader.check("recurrence")"""),
    ("markdown", r"""## 2. Backpropagation through time (`bptt.py`)

The lecture's experiment: push a vector back through the same linear
Jacobian again and again, $v \leftarrow W^\top v$. For the diagonal matrices of
the lecture the norm after $t$ steps is dominated by $\rho(W)^t$, the largest
eigenvalue to the power $t$ (dashed lines): 0.5 vanishes, 1.3 explodes."""),
    ("code", r"""W_vanish = np.array([[0.5, 0.0], [0.0, 0.4]])
W_explode = np.array([[1.3, 0.0], [0.0, 1.1]])
with attempt("jacobian_power_norms"):
    t = np.arange(1, 31)
    plt.figure(figsize=(6, 3.5))
    for W_, name in ((W_vanish, "vanishing"), (W_explode, "exploding")):
        norms = bptt.jacobian_power_norms(W_, np.ones(2), 30)
        rho = max(abs(np.linalg.eigvals(W_)))
        line, = plt.semilogy(t, norms, "o", ms=3, label=f"{name}: measured")
        plt.semilogy(t, rho ** t, "--", color=line.get_color(), label=f"{name}: $\\rho^t$, $\\rho$ = {rho:g}")
    plt.xlabel("steps back t"); plt.ylabel("$||(W^T)^t v||$"); plt.legend(fontsize=8)
    plt.title("Repeated Jacobians: the norm follows the spectral radius to the power t")
    plt.show()"""),
    ("markdown", r"""Now a real RNN and LSTMs of the same size (H = 32, PyTorch's default
initialisation) on the same random sequence of T = 200 steps, with a
gradient only on the last hidden state. `dh_norms[t]` is the norm of the
gradient reaching $h_{t+1}$: read the plot from right to left. The LSTM's
forget-gate bias sets how close $f$ sits to 1. Here, and in the next
assignment, the gradient **survives** 200 steps when it keeps at least
0.1 % of its norm ($10^{-3}$) on the way back; it only does once $f$ is
near 1. The curves come from **your** `rnn_forward`, `rnn_backward`,
`lstm_forward` and `lstm_backward` (parts 1, 2 and 4): until those pass
their checks, the plot and its title may say otherwise."""),
    ("code", r"""def uniform(rng, shape, H):
    return rng.uniform(-1 / np.sqrt(H), 1 / np.sqrt(H), shape)


rng = np.random.default_rng(0)
T, N, D, H = 200, 1, 32, 32
X = rng.normal(size=(T, N, D))
dHs = np.zeros((T, N, H)); dHs[-1] = rng.normal(size=(N, H))
curves = {}
with attempt("rnn_forward / rnn_backward"):
    Hs, cache = recurrence.rnn_forward(X, np.zeros((N, H)), uniform(rng, (D, H), H), uniform(rng, (H, H), H),
                                       uniform(rng, H, H))
    curves["RNN"] = bptt.rnn_backward(dHs, cache)[1]
with attempt("lstm_forward / lstm_backward"):
    Wx, Wh, b0 = uniform(rng, (D, 4 * H), H), uniform(rng, (H, 4 * H), H), uniform(rng, 4 * H, H)
    for forget_bias in (0, 1, 2, 3):
        b = b0.copy(); b[H:2 * H] += forget_bias
        Hs, cache = lstm.lstm_forward(X, np.zeros((N, H)), np.zeros((N, H)), Wx, Wh, b)
        curves[f"LSTM (forget bias {forget_bias})"] = lstm.lstm_backward(dHs, cache)[1]
if curves:
    plt.figure(figsize=(7, 4))
    for name, norms in curves.items():
        plt.semilogy(np.arange(1, T + 1), norms, label=f"{name}: keeps {norms[0] / norms[-1]:.1e} of its norm")
    plt.xlabel("time step t"); plt.ylabel(r"$\|\partial L / \partial h_t\|$"); plt.legend(fontsize=8)
    survivors = [name for name, norms in curves.items() if norms[0] / norms[-1] >= 1e-3]
    plt.title(f"Over 200 steps the gradient survives (keeps 0.1 %) only in: {' and '.join(survivors) or 'none'}"
              if len(curves) == 5 else "Gradient norms back through time (the missing curves need your code)")
    plt.show()"""),
    ("code", r"""grader.check("bptt")"""),
    ("markdown", r"""## 3. Gradient clipping (`clipping.py`)

Clipping by global norm rescales all gradients by one factor when their
joint norm exceeds a threshold: the direction of the update is kept, only
its length is capped. Clipping each array on its own, or each value, changes
the direction. Below, the gradients of an RNN with a large recurrent matrix
(exploding) before and after clipping to norm 1."""),
    ("code", r"""with attempt("rnn_backward / clip_by_global_norm"):
    rng = np.random.default_rng(1)
    T, N, D, H = 30, 4, 3, 8
    params = dict(Wx=rng.normal(size=(D, H)), Wh=3.0 * rng.normal(size=(H, H)) / np.sqrt(H), b=np.zeros(H))
    Hs, cache = recurrence.rnn_forward(rng.normal(size=(T, N, D)), np.zeros((N, H)), **params)
    grads, _ = bptt.rnn_backward(rng.normal(size=Hs.shape), cache)
    grads = {k: grads[k] for k in params}
    clipped, total = clipping.clip_by_global_norm(grads, 1.0)
    print(f"global norm before clipping: {total:.3g}, after: {clipping.global_norm(clipped):.3g}")
    for k in grads:
        cosine = np.sum(grads[k] * clipped[k]) / (np.linalg.norm(grads[k]) * np.linalg.norm(clipped[k]))
        print(f"  {k}: norm {np.linalg.norm(grads[k]):9.3g} -> {np.linalg.norm(clipped[k]):7.3g}, cosine {cosine:.3f}")"""),
    ("markdown", r"""Clipping in a training run: the same RNN (H = 32, a recurrent matrix with
spectral radius about 1.5) trained by plain gradient descent (learning rate
0.05) on the adding problem of part 6 (T = 30), once without clipping and
once with `clip_by_global_norm(grads, 1.0)`. Gradient descent takes steps
proportional to the gradient: without clipping, the gradient of norm 120 at
step 5 moves the weights 120 times farther than a clipped step (at most
0.05), and from there on the gradients keep exploding; with clipping the
loss falls below the baseline. (The curves after step 5 differ slightly
from one machine to another, as rounding differences grow with the
gradient; the outcome does not.)

This text describes the reference solutions. The run below uses **your**
`rnn_forward` (part 1), `rnn_backward` (part 2) and `clip_by_global_norm`,
and the figure's title states what it shows: if title and text disagree,
one of those functions is wrong, and `grader.check("recurrence")`,
`grader.check("bptt")` and the check below say which."""),
    ("code", r"""with attempt("training with and without clipping"):
    runs = {label: long_range.train("rnn", T=30, seed=3, steps=300, lr=0.05, optimizer="sgd", max_norm=max_norm,
                                    recurrent_gain=1.5, eval_every=300)
            for label, max_norm in (("no clipping", None), ("clipped at norm 1", 1.0))}
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
    for (label, run), colour in zip(runs.items(), ("#D55E00", "#0072B2")):
        left.semilogy(np.arange(1, run["steps"] + 1), run["grad_norms"], color=colour,
                      label=f"{label} (largest {run['grad_norms'].max():.0e})")
        right.semilogy(np.arange(1, run["steps"] + 1), run["losses"], color=colour,
                       label=f"{label} (last 100 steps: {run['losses'][-100:].mean():.2g})")
    left.set_ylim(0.1, 1e6); right.set_ylim(0.03, 10)  # the unclipped run leaves both charts through the top
    left.set_xlabel("training step"); left.set_ylabel("global gradient norm (before clipping)")
    right.set_xlabel("training step"); right.set_ylabel("training loss (MSE)")
    right.axhline(long_range.BASELINE_MSE, color="gray", ls=":", label="predict the mean (1/6)")
    left.legend(fontsize=8, loc="upper left"); right.legend(fontsize=8, loc="upper right")
    unclipped, clipped = runs["no clipping"], runs["clipped at norm 1"]
    above = np.flatnonzero(unclipped["grad_norms"] > 100)
    ending = clipped["losses"][-100:].mean()
    fig.suptitle((f"Unclipped, the gradient norm passes 100 at step {above[0] + 1}" if above.size
                  else "Unclipped, the gradient norm stays under 100")
                 + (f"; clipped at norm 1, the loss ends below the baseline ({ending:.2g} < 1/6)"
                    if ending < long_range.BASELINE_MSE else f"; clipped at norm 1, the loss ends at {ending:.2g}, "
                    f"not below 1/6 as with the reference functions"))
    plt.show()
    for label, run in runs.items():
        print(f"{label}: largest gradient norm {run['grad_norms'].max():.3g}, above 100 at "
              f"{np.mean(run['grad_norms'] > 100):.0%} of the steps, lowest loss after step 10 "
              f"{run['losses'][10:].min():.3g}, mean loss over the last 100 steps {run['losses'][-100:].mean():.3g}")"""),
    ("code", r"""grader.check("clipping")"""),
    ("markdown", r"""## 4. The LSTM cell (`lstm.py`)

$a = x W_x + h_{t-1} W_h + b$, split in the order **i, f, g, o**;
$c_t = f \odot c_{t-1} + i \odot g$, $h_t = o \odot \tanh(c_t)$. Going back one
step through the cell state multiplies the gradient by $f$ alone, with no
$W_h$ and no tanh slope: that is the path the plot of part 2 showed.
"""),
    ("written", "lstm_gradient"),  # prompt and points: the manifest's [[written]]
    ("code", r"""grader.check("lstm")"""),
    ("markdown", r"""## 5. The lecture's printout (`gradient_norms.py`)

Your script must print the lecture's twelve lines exactly, computed with
your own functions."""),
    ("code", r"""with attempt("python gradient_norms.py"):  # as the grader runs it: the script as __main__
    runpy.run_path("gradient_norms.py", run_name="__main__")"""),
    ("code", r"""grader.check("printed_norms")"""),
    ("markdown", r"""## 6. A counter-example: the adding problem (provided, not graded)

Each step of a sequence carries a random value in [0, 1) and a marker; two
steps are marked, one in the first tenth of the sequence and one in its
second half. The target, read off the last hidden state, is the sum of the
two marked values. Predicting the mean gives a mean squared error of 1/6: a
model that cannot carry the first value to the end stays there.

`long_range.py` trains an RNN and an LSTM of the same size (H = 32, batch 64,
Adam at learning rate 0.01, the best of 0.001, 0.003 and 0.01 for both, and
clipping at norm 1) with **your** forward, backward and clipping functions.
Below: one seed and 600 steps, the RNN at T = 10, then both at T = 50 (about
10 seconds on the 2-core machine it was timed on, up to 2 minutes while other
programs kept its cores busy). `python long_range.py` prints the table over
three seeds (under a minute)."""),
    ("code", r"""results = []
with attempt("the adding problem"):
    for model, T in (("rnn", 10), ("rnn", 50), ("lstm", 50)):
        results.append(long_range.train(model, T, seed=0, steps=600))
if results:
    print(long_range.table(results))
    plt.figure(figsize=(7, 4))
    for r, colour in zip(results, ("#56B4E9", "#0072B2", "#E69F00")):  # the RNN's blues, the LSTM's orange
        steps, mse = zip(*r["curve"])
        plt.semilogy(steps, mse, "o-" if r["model"] == "lstm" else "s--", ms=3, color=colour,
                     label=f"{r['model'].upper()}, T = {r['T']}")
    plt.axhline(long_range.BASELINE_MSE, color="gray", ls=":", label="predict the mean (1/6)")
    plt.axhline(long_range.SOLVED_MSE, color="black", ls="--", lw=1, label="solved")
    plt.ylim(top=0.5)  # room between the baseline and the top of the axes
    plt.xlabel("training step"); plt.ylabel("test MSE"); plt.legend(fontsize=8)
    carried = [r["model"].upper() for r in results if r["T"] == 50 and r["solved_at"] is not None]
    plt.title("Over 50 steps " + (f"only the {carried[0]} carries" if len(carried) == 1 else
                                  "both carry" if carried else "neither carries") + " the first value to the end")
    plt.show()"""),
    ("written", "counter_example"),  # prompt and points: the manifest's [[written]]
    ("markdown", r"""## Submit

Save the notebook (Ctrl-S / Cmd-S), then run the cell below. It writes a zip
holding this notebook and your five files, and shows a link to it: upload
that zip. The autograder grades the five files; your written answers are
read from the notebook."""),
    ("code", EXPORT),
]
