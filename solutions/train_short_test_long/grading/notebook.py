"""The student notebook's cells, as Python data: ``autograder/build/notebook.py`` writes them with nbformat.

Each cell is ``(kind, source)``: ``"markdown"`` or ``"code"`` with its text,
or ``("written", name)`` for the manifest's written question ``name`` (its
prompt, answer cell and Otter's BEGIN/END QUESTION cells). Code cells must run
to the end even when the student has implemented nothing yet: ``attempt``
turns NotImplementedError into a one-line message, so later cells (and the
checks) still run. The first code cell is ``setup_cell`` (imports and Otter's
grader), the last ``EXPORT`` (the zip to upload).
"""
from pathlib import Path

from autograder import assignment as course
from autograder.build.notebook import EXPORT, setup_cell

assignment = course.load(Path(__file__).resolve().parents[1].name)  # this folder's assignment

CELLS = [
    ("markdown", f"""# {assignment.title}

Attention reaches any earlier token in one step, but on its own it has no
notion of order. Implement the `TODO` blocks of `positions.py` (sinusoidal
encodings, RoPE, ALiBi), `multihead.py` (multi-head causal attention with
each scheme) and `lm_loss.py` (a language model's loss, bits per token and
perplexity over windows). `python check.py` or `pytest` run each question's
public checks outside the notebook."""),
    ("code", setup_cell(assignment, "import positions, multihead, lm_loss")),
    ("markdown", r"""## 1. ALiBi's biases (`positions.py`)

ALiBi adds $-m_h (i - j)$ to head $h$'s score of key $j$ at query $i$: a
penalty linear in the distance, with a different slope $m_h$ per head. The
figure shows the bias of the steepest and of the gentlest of 8 heads over 32
steps: the gentlest barely discounts distance, the steepest looks at the last
few tokens only."""),
    ("code", r"""with attempt("alibi_slopes / alibi_biases"):
    slopes = positions.alibi_slopes(8)
    B = positions.alibi_biases(32, slopes)
    steep, gentle = int(np.argmax(slopes)), int(np.argmin(slopes))
    fig, axes = plt.subplots(1, 2, figsize=(9, 4))
    for ax, head in zip(axes, (steep, gentle)):
        shown = ax.imshow(np.where(np.isfinite(B[head]), B[head], np.nan), cmap="viridis")
        ax.set_title(f"head {head}, slope {slopes[head]:g}")
        ax.set_xlabel("key j"); ax.set_ylabel("query i")
        fig.colorbar(shown, ax=ax, shrink=0.8)
    fig.suptitle(f"ALiBi biases at distance 31: {B[steep, 31, 0]:.1f} for the steepest head, "
                 f"{B[gentle, 31, 0]:.2f} for the gentlest (future masked)")
    plt.show()"""),
    ("code", r"""grader.check("positions")"""),
    ("markdown", r"""## 2. Multi-head attention (`multihead.py`)

Head $h$ owns the column block $h\,d_h \ldots (h+1)\,d_h - 1$ of $W_q$, $W_k$
and $W_v$; each head's scores are divided by $\sqrt{d_h}$ and get the bias of
its scheme."""),
    ("code", r"""grader.check("multihead")"""),
    ("markdown", r"""## 3. The language model's loss (`lm_loss.py`)

Cross-entropy in nats per token, and a long text scored window by window:
every target once, bits per token and perplexity averaged over tokens."""),
    ("code", r"""grader.check("language_model")"""),
    ("written", "alibi_extrapolates"),  # prompt and points: the manifest's [[written]]
    ("written", "mask_and_position"),
    ("markdown", r"""## Submit

Save the notebook (Ctrl-S / Cmd-S), then run the cell below. It writes a zip
holding this notebook and your files, and shows a link to it: upload that zip.
The autograder grades the files; your written answers are read from the
notebook."""),
    ("code", EXPORT),
]
