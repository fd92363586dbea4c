"""The student notebook's cells, as Python data: ``autograder/build/notebook.py`` writes them with nbformat.

Each cell is ``(kind, source)``: ``"markdown"`` or ``"code"`` with its text,
or ``("written", name)`` for the manifest's written question ``name`` (its
prompt, answer cell and Otter's BEGIN/END QUESTION cells). Code cells must run
to the end even when the student has implemented nothing yet: ``attempt``
turns NotImplementedError into a one-line message, so later cells (and the
checks) still run. The first code cell is ``setup_cell`` (imports and Otter's
grader), the last ``EXPORT`` (the zip to upload).

The experiment's numbers in the text are the reference solutions' (seed 0, any
BLAS kernel: the float64 runs agree to 1e-15 bits; docs/maintainers.md gives
them); the figures' titles are computed from the curves drawn.
"""
from pathlib import Path

from autograder import assignment as course
from autograder.build.notebook import EXPORT, setup_cell

assignment = course.load(Path(__file__).resolve().parents[1].name)  # this folder's assignment

CELLS = [
    ("markdown", f"""# {assignment.title}

The first assignment showed a recurrent network forgetting: the gradient
from a token $k$ steps back crosses $k$ Jacobians and fades. The second
replaced the recurrence by attention, which reaches any earlier token in one
step. But attention on its own has **no notion of order**: its output at step
$i$ is a weighted sum over the set of earlier tokens, and shuffling them
changes nothing. A language model needs order, so it must be given positions,
and the way it is given them decides what happens on texts longer than the
ones it was trained on: "train short, test long" (Press et al., 2022).

You implement the three ways of the papers in `positions.py` (sinusoidal
encodings, RoPE, ALiBi), multi-head causal attention with each of them in
`multihead.py`, and a language model's loss over a long text in `lm_loss.py`;
`length_numbers.py` prints ten numbers computed with them. Then the notebook trains two tiny language models **with your functions** on
windows of 32 tokens of a synthetic language, and reads a held-out text in
windows of 32 to 256 tokens. `python check.py` or `pytest` run each
question's public checks outside the notebook."""),
    ("code", setup_cell(assignment, "import positions, multihead, lm_loss\n"
                                    "import language, tiny_lm, extrapolation_table")),
    ("markdown", r"""## 1. Positions (`positions.py`)

**Sinusoidal encodings** (Vaswani et al., 2017) are added to the token
embeddings: position $t$ gets $\sin(t\,w_i)$ and $\cos(t\,w_i)$ in columns
$2i$ and $2i+1$, with $w_i = 10000^{-2i/d}$. The first columns turn fast,
the last ones slowly: every position gets its own pattern. A model trained on
positions 0 to 31 has never seen the patterns of positions 32 and beyond."""),
    ("code", r"""with attempt("sinusoidal_encoding"):
    P = positions.sinusoidal_encoding(np.arange(64), 32)
    fig, ax = plt.subplots(figsize=(7, 4.3), layout="constrained")
    shown = ax.imshow(P, cmap="RdBu", vmin=-1, vmax=1, aspect="auto")
    ax.axhline(31.5, color="black", lw=1.5, ls="--")
    ax.text(31, 30.5, "above: the training positions 0-31", ha="right", va="bottom", fontsize=8,
            bbox={"facecolor": "white", "edgecolor": "none"})
    ax.set_xlabel("column (sin, cos interleaved)"); ax.set_ylabel("position t")
    fig.colorbar(shown, ax=ax, shrink=0.8)
    turns = 2 * np.pi / 10000.0 ** (-np.arange(0, 32, 2) / 32)
    ax.set_title(f"Sinusoidal encodings, d = 32: columns 0-1 repeat every {turns[0]:.1f} positions,\n"
                 f"columns 30-31 every {turns[-1]:,.0f}", fontsize=10)
    plt.show()"""),
    ("markdown", r"""**RoPE** (Su et al., 2021) rotates each pair of a head's query and key
features by the angle $t\,w_i$ of its position instead. A rotation by $i$
and one by $j$ leave a dot product that depends on the difference only:
$R_i q \cdot R_j k = q \cdot R_{j-i} k$. Below, one query and one key, the
query $i - j$ steps after the key, with the key at three positions: the
three RoPE curves are one; with sinusoidal encodings added to $q$ and $k$
instead, the score also depends on where the pair sits."""),
    ("code", r"""with attempt("rope"):
    rng = np.random.default_rng(0)
    q, k = rng.normal(size=(2, 8))
    gaps = np.arange(32)
    fig, ax = plt.subplots(figsize=(7, 4.3), layout="constrained")
    rotary, added = [], []
    for j, width in ((0, 3), (100, 2), (1000, 1)):  # wider below: the RoPE curves lie on one another
        i = j + gaps
        rotary.append(positions.rope(np.tile(q, (32, 1)), i) @ positions.rope(k[None], [j])[0])
        added.append((q + positions.sinusoidal_encoding(i, 8)) @ (k + positions.sinusoidal_encoding([j], 8)[0]))
        ax.plot(gaps, rotary[-1], "-", lw=width, label=f"RoPE, key at {j}")
        ax.plot(gaps, added[-1], ":", label=f"sinusoidal added, key at {j}")
    ax.set_xlabel("i - j (query after key)"); ax.set_ylabel("q . k"); ax.legend(fontsize=8, ncol=2)
    apart = lambda curves: np.abs(np.array(curves) - curves[0]).max()
    ax.set_title(f"RoPE's q . k depends on i - j only: its 3 curves differ by {apart(rotary):.0e};\n"
                 f"with sinusoidal encodings added instead, by {apart(added):.2f}", fontsize=10)
    plt.show()"""),
    ("markdown", r"""**ALiBi** (Press et al., 2022) adds no encoding at all: head $h$ adds
$-m_h (i - j)$ to its score of key $j$ at query $i$, a penalty linear in the
distance, with a different slope $m_h$ per head. It means the same at
distance 300 as at distance 3, seen in training or not. The figure shows the
biases of the 4 heads of the notebook's model (`alibi_slopes(4)`), up to 8
times the training length."""),
    ("code", r"""with attempt("alibi_slopes / alibi_biases"):
    slopes = positions.alibi_slopes(4)
    B = positions.alibi_biases(257, slopes)
    distance = np.arange(257)
    fig, ax = plt.subplots(figsize=(7, 4.3), layout="constrained")
    for head, m in enumerate(slopes):
        ax.plot(distance, B[head, 256, ::-1], label=f"head {head}, slope 1/{1 / m:g}")
    ax.axvline(31, color="gray", ls="--", lw=1, label="trained up to distance 31")
    ax.set_xlabel("distance i - j"); ax.set_ylabel("bias added to the score"); ax.legend(fontsize=8)
    ax.set_title(f"ALiBi's 4 heads: at distance 256 the bias is {B[0, 256, 0]:.0f} for the steepest, "
                 f"{B[-1, 256, 0]:.1f} for the gentlest", fontsize=10)
    plt.show()"""),
    ("code", r"""grader.check("positions")"""),
    ("markdown", r"""## 2. Multi-head attention (`multihead.py`)

Head $h$ owns the column block $h\,d_h \ldots (h+1)\,d_h - 1$ of $W_q$, $W_k$
and $W_v$; each head's scores are divided by $\sqrt{d_h}$ and get the bias of
its scheme. Without positions, the last output is a weighted sum over the
*set* of earlier tokens: shuffle them and it does not move. RoPE and ALiBi
make it depend on the order."""),
    ("code", r"""with attempt("shuffling the earlier tokens"):
    rng = np.random.default_rng(1)
    T, D, H = 12, 16, 4
    X = rng.normal(size=(T, 1, D))
    Wq, Wk, Wv, Wo = (rng.normal(0, D ** -0.5, (D, D)) for _ in range(4))
    shuffled = X.copy()
    shuffled[:-1] = X[:-1][rng.permutation(T - 1)]  # the last token stays last
    for scheme in ("none", "rope", "alibi"):
        last, shuffled_last = (multihead.multihead_attention_forward(x, Wq, Wk, Wv, Wo, H, scheme)[0][-1]
                               for x in (X, shuffled))
        print(f"{scheme:>5}: shuffling the 11 earlier tokens moves the last output by "
              f"{np.abs(last - shuffled_last).max():.1e}")"""),
    ("code", r"""grader.check("multihead")"""),
    ("markdown", r"""## 3. The language model's loss (`lm_loss.py`)

Cross-entropy in nats per token, and a long text scored window by window:
every target once, bits per token and perplexity averaged over tokens.
`window_nats` reads the text in non-overlapping windows (each window's
first tokens see little context) or in sliding ones (each target scored by
the window that gives it the most context, at the cost of more windows)."""),
    ("code", r"""grader.check("language_model")"""),
    ("markdown", r"""## 4. The printed check (`length_numbers.py`)

Ten lines computed with your functions every time the script runs: ALiBi's
slopes for 8 and 6 heads, two sinusoidal encodings, RoPE at positions 1
and 100, and the bits per token of one fixed random model with each scheme,
in windows of 16 and 32 then sliding. Each line is worth a point."""),
    ("code", r"""with attempt("python length_numbers.py"):  # as the grader runs it: the script as __main__
    runpy.run_path("length_numbers.py", run_name="__main__")"""),
    ("code", r"""grader.check("printed_numbers")"""),
    ("markdown", r"""## 5. The language and its floor (`language.py`, provided)

The course makes its own text, so that the best possible score is known
exactly. 16 symbols follow a Markov chain; after a free token, with
probability 0.3, a marker announces a **copy**: the next 8 tokens repeat the
8 found $d$ tokens back, $d$ between 8 and 200 (short distances more likely).
About 70 % of the tokens are copies. The **floor** is the language's own
bits per token (the Bayes-optimal predictor, reading the whole past):
nothing does better on average. The **bigram** model looks at the previous
token only. A model reading windows of $n$ tokens can copy only when the
source lies inside its window."""),
    ("code", r"""lang = language.Language()
training_text, held_out = extrapolation_table.texts(lang)
L, LENGTHS = 32, [32, 64, 128, 256]  # trained on L tokens, evaluated up to 8L
_, sources = language.generate(lang, len(held_out), extrapolation_table.TEXT_SEEDS["held_out"],
                               return_sources=True)
copied = np.flatnonzero(sources >= 0)
print(f"training text {len(training_text):,} tokens, held-out text {len(held_out):,}; "
      f"{len(copied) / len(held_out):.0%} of the held-out tokens are copies")
for n in LENGTHS:
    window_start = (copied - 1) // n * n  # the window (non-overlapping, length n) that predicts it
    print(f"  in windows of {n:>3}: {np.mean(sources[copied] < window_start):.0%} of the copies' sources "
          "lie before the window")
floor = bigram = None
with attempt("bits_per_token (the floor and the bigram model)"):
    floor, bigram = extrapolation_table.baselines(lang, training_text, held_out)
    print(f"floor {floor:.3f} bits/token, bigram model {bigram:.3f}")"""),
    ("markdown", r"""## 6. Train short, test long

Two models, the same in all but their positions: 2 layers, 4 heads,
$d_{model} = 32$, trained for 3000 steps of Adam on random windows of
$L = 32$ tokens (`tiny_lm.py`: its attention is your `multihead.py`, its
positions your `positions.py`, its loss your `lm_loss.py`). Each cell takes
about a minute of CPU (50 CPU seconds measured on the 2-core machine the
course was timed on); the line below it counts the steps. Then both read the
held-out text in non-overlapping windows of 32, 64, 128 and 256 tokens.

This text describes the reference solutions: at the training length RoPE
is better than ALiBi (2.76 against 2.81 bits/token); past it, ALiBi
**improves** at every longer window (2.62 at 256), while RoPE **degrades**
(3.02 at 256, near the bigram model's 3.07: its heads meet rotation angles,
at distances past 31, that they never saw in training). Why ALiBi improves
is the question of the sliding windows below. The run below uses **your**
functions: if they differ, its title says so."""),
    ("code", r"""models, curves = {}, {}
with attempt("training with ALiBi"):
    models["ALiBi"], _ = tiny_lm.train(training_text, lang.V, "alibi")
    curves["ALiBi"] = tiny_lm.evaluate(models["ALiBi"], held_out, LENGTHS)
    print("ALiBi:", ", ".join(f"{bits:.3f} bits/token at {n}" for n, bits in curves["ALiBi"].items()))"""),
    ("code", r"""with attempt("training with RoPE"):
    models["RoPE"], _ = tiny_lm.train(training_text, lang.V, "rope")
    curves["RoPE"] = tiny_lm.evaluate(models["RoPE"], held_out, LENGTHS)
    print("RoPE:", ", ".join(f"{bits:.3f} bits/token at {n}" for n, bits in curves["RoPE"].items()))"""),
    ("code", r"""def trend(name):
    start, end = curves[name][LENGTHS[0]], curves[name][LENGTHS[-1]]
    if end < start - 0.05:
        return f"{name} improves from {start:.2f} to {end:.2f}"
    if end > start + 0.05:
        return f"{name} degrades from {start:.2f} to {end:.2f}"
    return f"{name} stays near {start:.2f} ({end:.2f})"


if len(curves) == 2 and floor is not None:
    fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    for name, colour in (("ALiBi", "#D55E00"), ("RoPE", "#0072B2")):
        ax.plot(LENGTHS, list(curves[name].values()), "o-", color=colour, label=name)
    ax.plot(LENGTHS, [bigram] * 4, "--", color="gray", label=f"bigram model ({bigram:.2f})")
    ax.plot(LENGTHS, [floor] * 4, ":", color="black", label=f"floor, the language itself ({floor:.2f})")
    ax.axvline(L, color="gray", lw=0.8)
    ax.set_xscale("log", base=2); ax.set_xticks(LENGTHS, [f"{n}\n({n // L}L)" for n in LENGTHS])
    ax.set_xlabel("evaluation window (tokens)"); ax.set_ylabel("bits per token (held-out text)")
    ax.legend(fontsize=8)
    as_in_the_text = trend("ALiBi").startswith("ALiBi improves") and trend("RoPE").startswith("RoPE degrades")
    ax.set_title(f"Trained on {L} tokens, read in windows of {LENGTHS[0]} to {LENGTHS[-1]} (bits/token):\n"
                 f"{trend('ALiBi')}, {trend('RoPE')}" + ("" if as_in_the_text else
                 "\n(with the reference functions ALiBi improves and RoPE degrades)"), fontsize=10)
    plt.show()
else:
    print("The figure needs both models' curves and the floor: see the messages above.")"""),
    ("markdown", r"""Both curves stay more than a bit above the floor: the floor reads the
whole past (a copy's source may be 200 tokens back, and the language knows
where copies start), a model of this size reads its window and learned part
of the copying in 3000 steps.

**Sliding windows.** In non-overlapping windows, a window's first tokens
have little context: the first target of each window sees one token. A
longer window has fewer such tokens, so it can score better without the
model reading anything far back. Press et al. check this with sliding
windows: each window of $n$ tokens moves by $n/4$ and scores only its last
quarter of targets, so every target sees at least $3n/4$ earlier tokens, at
the cost of four times the windows. Below, both models read sliding windows
of 32 (their training length) and of 256 tokens (about 10 CPU seconds per
model)."""),
    ("code", r"""for name, model in models.items():
    with attempt(f"sliding windows ({name})"):
        for n in (L, 8 * L):
            sliding = lm_loss.bits_per_token(lm_loss.window_nats(
                lambda inputs: tiny_lm.log_probs(model, inputs), held_out, n, stride=n // 4))
            print(f"{name:>5}: windows of {n:>3} sliding by {n // 4:>2}: {sliding:.3f} bits/token "
                  f"(non-overlapping: {curves[name][n]:.3f})")"""),
    ("markdown", r"""With the reference solutions: in windows of 32 sliding by 8, RoPE scores
2.50 bits/token and ALiBi 2.58, both better than anything read in
non-overlapping windows. In windows of 256 sliding by 64, where every target
sees at least 192 earlier tokens, RoPE falls to 3.12, worse than the bigram
model, and ALiBi to 2.61: a little worse than at 32, not better. So ALiBi's
gain in non-overlapping windows came from each window's first tokens, which
longer windows make rarer, not from copies further back (Press et al. find
the same). What ALiBi carries past the training length is that it keeps
working, where RoPE breaks; it does not learn to use distances it never saw."""),
    ("written", "alibi_extrapolates"),  # prompt and points: the manifest's [[written]]
    ("markdown", r"""## 7. The four schemes, three seeds each

`python extrapolation_table.py` trains the four schemes (no positions,
sinusoidal, RoPE, ALiBi) with seeds 0, 1 and 2 in the notebook's setting,
about 10 CPU minutes in all. Its results with the reference solutions are in
`extrapolation_results.toml` (run it with `--out extrapolation_results.toml`
to replace them by your functions'). Below, that table and the papers'
claims, each with the number of runs where it holds at this scale, then the
four schemes drawn (the mean of the seeds, their range shaded) beside your
two runs of part 6, which are the table's seed 0 when your functions are
right."""),
    ("code", r"""from IPython.display import Markdown, display

runs, table_L, table_floor, table_bigram = extrapolation_table.load_results("extrapolation_results.toml")
display(Markdown(extrapolation_table.markdown_table(runs, table_L, table_floor, table_bigram) + "\n\n"
                 + extrapolation_table.claims_markdown(runs, table_L)))"""),
    ("code", r"""table_lengths = [m * table_L for m in extrapolation_table.MULTIPLES]
if len(curves) == 2:  # the table's schemes beside your two runs of part 6
    fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    colours = {"none": "#999999", "sinusoidal": "#009E73", "rope": "#0072B2", "alibi": "#D55E00"}
    changes = []
    for scheme, colour in colours.items():
        rows = np.array([[r["bits"][n] for n in table_lengths] for r in runs if r["scheme"] == scheme])
        ax.fill_between(table_lengths, rows.min(axis=0), rows.max(axis=0), color=colour, alpha=0.25, lw=0)
        ax.plot(table_lengths, rows.mean(axis=0), "o-", color=colour, label=f"{scheme} (mean of {len(rows)} seeds)")
        change = rows[:, -1] - rows[:, 0]  # each seed's 8L - L
        changes.append(f"{scheme} {change.min():+.3f} to {change.max():+.3f}")
    apart = 0.0
    for name, scheme in (("ALiBi", "alibi"), ("RoPE", "rope")):
        [seed_0] = [[r["bits"][n] for n in table_lengths] for r in runs if r["scheme"] == scheme and r["seed"] == 0]
        yours = [curves[name][n] for n in table_lengths]
        apart = max(apart, np.abs(np.subtract(yours, seed_0)).max())
        ax.plot(table_lengths, yours, "x", ms=9, mew=2, color=colours[scheme], label=f"your {name} run (seed 0)")
    ax.plot(table_lengths, [table_bigram] * 4, "--", color="gray", label=f"bigram model ({table_bigram:.2f})")
    ax.plot(table_lengths, [table_floor] * 4, ":", color="black", label=f"floor ({table_floor:.2f})")
    ax.set_xscale("log", base=2)
    ax.set_xticks(table_lengths, [f"{n}\n({n // table_L}L)" for n in table_lengths])
    ax.set_xlabel("evaluation window (tokens)"); ax.set_ylabel("bits per token (log2 of the perplexity)")
    ax.legend(fontsize=8, ncol=2)
    ax.set_title("extrapolation_results.toml: change in bits/token from L to 8L, over seeds:\n"
                 + ", ".join(changes) + ("" if apart < 0.0005 else
                 f"\n(your seed-0 runs differ from the table's by up to {apart:.3f})"), fontsize=10)
    plt.show()
else:
    print("The figure draws the table beside your two runs of part 6: see the messages there.")"""),
    ("markdown", r"""What the table says, with its limits:

- **ALiBi** improves past $L$ in every seed (in non-overlapping windows:
  the first tokens' effect above), and **RoPE** degrades in every seed,
  already at $2L$: the notebook's contrast is no accident of a seed.
- **Sinusoidal** encodings degrade clearly at $4L$ and $8L$ (Press et al.'s
  Figure 1). At $2L$ they are worse in every seed too, but by less than the
  spread between seeds: at this scale, "slightly worse at $2L$" is all one
  can say.
- **No positions** (NoPE) is flat, as Kazemnejad et al. (2023) report for
  length generalisation, but here it learned little: at $L$ it is less than
  0.1 bit below the bigram model, far above the schemes with positions.
  Flat because it uses little context, not because it extrapolates what it
  learned: this table does not confirm the paper at this scale.
- Every model stays more than a bit above the floor."""),
    ("written", "mask_and_position"),
    ("markdown", r"""## Submit

Save the notebook (Ctrl-S / Cmd-S), then run the cell below. It writes a zip
holding this notebook and your files, and shows a link to it: upload that zip.
The autograder grades the files; your written answers are read from the
notebook."""),
    ("code", EXPORT),
]
