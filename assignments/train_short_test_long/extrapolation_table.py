# Generated from solutions/train_short_test_long/extrapolation_table.py
# by `python -m autograder build`: edit that file, not this copy.
"""Train short, test long: the full table, at classroom scale (the ALiBi paper's Figure 1).

Provided (not graded). One tiny language model per positional scheme and seed,
trained on windows of L tokens of the course's language, then scored on a held-out
text read in non-overlapping windows of L, 2L, 4L and 8L tokens: bits per token,
beside the language's exact floor and a bigram model. It trains through your
multihead.py, positions.py and lm_loss.py, in float64.

    python extrapolation_table.py                       # 4 schemes x 3 seeds, ~1 CPU min a run
    python extrapolation_table.py --jobs 2              # the same, two runs at a time
    python extrapolation_table.py --schemes alibi rope --seeds 0 --out results.toml

Prints one line per run, then the table in markdown and the papers' claims, each
with whether it holds in every seed. The notebook shows the table of
extrapolation_results.toml, which `--out extrapolation_results.toml` wrote.
"""
import argparse
import concurrent.futures
import dataclasses
import functools
import json
import numbers
import os
import sys
import time
import tomllib

if __name__ == "__main__":
    # One BLAS thread unless you chose otherwise, set before numpy loads (the runs of --jobs inherit it):
    # the matrices are small, and two runs side by side, each with spinning BLAS threads, ran several
    # times slower than on one thread each (measured on the course's training loops).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from language import Language, bigram_nats, exact_nats, generate
from lm_loss import bits_per_token
from multihead import SCHEMES
from tiny_lm import Training, evaluate, train

TRAINING_TOKENS, HELD_OUT_TOKENS = 300_000, 32_769  # 32,768 targets: every window length divides it
TEXT_SEEDS = {"training": 1, "held_out": 2}
# The notebook's setting (tiny_lm.Training()): the table's rows are the notebook's curves, for
# every scheme and seed.
TABLE_TRAINING = Training()
MULTIPLES = (1, 2, 4, 8)


def texts(lang):
    """The training and held-out texts."""
    return (generate(lang, TRAINING_TOKENS, TEXT_SEEDS["training"]),
            generate(lang, HELD_OUT_TOKENS, TEXT_SEEDS["held_out"]))


def baselines(lang, training, held_out):
    """The held-out text's bits per token under the language itself (the floor) and a bigram model."""
    return (bits_per_token(exact_nats(lang, held_out)),
            bits_per_token(bigram_nats(training, held_out, lang.V)))


def run(scheme, seed, lang, training_text, held_out, base):
    """One model: trained on windows of base.L tokens, scored at L .. 8L."""
    setting = dataclasses.replace(base, seed=seed)
    model, train_cpu = train(training_text, lang.V, scheme, setting, progress=None)
    start = time.process_time()
    bits = evaluate(model, held_out, [m * setting.L for m in MULTIPLES])
    return {"scheme": scheme, "seed": seed, "bits": bits,
            "train_cpu_s": round(train_cpu, 1), "eval_cpu_s": round(time.process_time() - start, 1)}


def markdown_table(runs, L, floor, bigram):
    """Bits per token, one row per scheme and seed, one column per evaluation length."""
    lengths = [m * L for m in MULTIPLES]
    lines = [f"Bits per token on the held-out text (trained on L = {L}); "
             f"floor {floor:.3f}, bigram {bigram:.3f}.", "",
             "| scheme | seed | " + " | ".join(f"{n}" for n in lengths) + " | 8L - L |",
             "| --- | --- | " + " | ".join("---" for _ in lengths) + " | --- |"]
    for r in runs:
        b = [r["bits"][n] for n in lengths]
        lines.append(f"| {r['scheme']} | {r['seed']} | " + " | ".join(f"{v:.3f}" for v in b)
                     + f" | {b[-1] - b[0]:+.3f} |")
    lines.append("| floor | | " + " | ".join(f"{floor:.3f}" for _ in lengths) + " | |")
    lines.append("| bigram | | " + " | ".join(f"{bigram:.3f}" for _ in lengths) + " | |")
    return "\n".join(lines)


# The papers' claims, at this scale: (statement, scheme, margin(bits by multiple of L)), the claim
# holding in a run when its margin is positive. Press et al. (ALiBi), Figure 1: sinusoidal and rotary
# degrade past L, ALiBi does not; Kazemnejad et al.: no positions (NoPE) generalises in length.
CLAIMS = [
    ("ALiBi is better at 8L than at L", "alibi", lambda b: b[1] - b[8]),
    ("ALiBi is no worse at any length past L", "alibi", lambda b: min(b[1] - b[k] for k in (2, 4, 8))),
    ("RoPE is worse at 2L than at L", "rope", lambda b: b[2] - b[1]),
    ("RoPE is worse at 8L than at L", "rope", lambda b: b[8] - b[1]),
    ("sinusoidal is worse at 2L than at L", "sinusoidal", lambda b: b[2] - b[1]),
    ("sinusoidal is worse at 4L and 8L than at L", "sinusoidal", lambda b: min(b[4], b[8]) - b[1]),
    ("none (NoPE) stays within 0.05 bits of its value at L", "none",
     lambda b: 0.05 - max(abs(b[k] - b[1]) for k in (2, 4, 8))),
]


def by_multiple(run, L):
    """A run's bits per token keyed by the multiple of L."""
    return {n // L: bits for n, bits in run["bits"].items()}


def claim_margins(runs, L):
    """(statement, scheme, [margin of each run of the scheme]) of each claim whose scheme the runs hold."""
    found = []
    for statement, scheme, margin in CLAIMS:
        margins = [margin(by_multiple(r, L)) for r in runs if r["scheme"] == scheme]
        if margins:
            found.append((statement, scheme, margins))
    return found


def seed_spread(runs, scheme):
    """The largest difference between the seeds of ``scheme`` at one evaluation length."""
    rows = [r["bits"] for r in runs if r["scheme"] == scheme]
    return max(max(row[n] for row in rows) - min(row[n] for row in rows) for n in rows[0])


def claims_markdown(runs, L):
    """One line per claim: in how many runs it holds, by what smallest margin, beside the seed spread."""
    lines = []
    for statement, scheme, margins in claim_margins(runs, L):
        held = sum(m > 0 for m in margins)
        lines.append(f"- {statement}: holds in {held} of {len(margins)} runs (smallest margin "
                     f"{min(margins):+.3f} bits; the seeds of {scheme} differ by up to "
                     f"{seed_spread(runs, scheme):.3f})")
    return "\n".join(lines)


def toml_value(value):
    """``value`` in TOML: the results file holds numbers, ASCII strings and tables of them."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{key} = {toml_value(v)}" for key, v in value.items()) + " }"
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string, for ASCII text
    if isinstance(value, numbers.Integral):
        return str(int(value))
    return repr(float(value))  # numpy's floats print as np.float64(...)


def results_toml(lang, base, floor, bigram, runs):
    """The results file: the setting, the floor and bigram, one [[runs]] table per run."""
    command = " ".join(["python extrapolation_table.py", *sys.argv[1:]])
    lines = [f"# Generated by `{command}`: run it again, do not edit.",
             f"floor = {toml_value(floor)}", f"bigram = {toml_value(bigram)}", "", "[language]"]
    lines += [f"{key} = {toml_value(v)}" for key, v in dataclasses.asdict(lang).items() if key != "transitions"]
    lines += ["", "[training]", *(f"{key} = {toml_value(v)}" for key, v in dataclasses.asdict(base).items())]
    for r in runs:
        lines += ["", "[[runs]]", *(f"{key} = {toml_value(v)}" for key, v in r.items())]
    return "\n".join(lines) + "\n"


def load_results(path):
    """(runs, L, floor, bigram) of a results file, each run's bits keyed by the window length."""
    with open(path, "rb") as f:
        data = tomllib.load(f)
    runs = [{**r, "bits": {int(n): bits for n, bits in r["bits"].items()}} for r in data["runs"]]
    return runs, data["training"]["L"], data["floor"], data["bigram"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schemes", nargs="+", choices=SCHEMES, default=list(SCHEMES))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--steps", type=int, default=TABLE_TRAINING.steps,
                        help="training steps per run (fewer for a quick look)")
    parser.add_argument("--jobs", type=int, default=1, help="runs at a time (one process each)")
    parser.add_argument("--out", help="write the runs, the setting, floor and bigram (TOML)")
    args = parser.parse_args()

    lang = Language()
    training_text, held_out = texts(lang)
    floor, bigram = baselines(lang, training_text, held_out)
    base = dataclasses.replace(TABLE_TRAINING, steps=args.steps)
    print(f"floor {floor:.3f} bits/token, bigram {bigram:.3f}; {base}", flush=True)
    runs = []
    schemes, seeds = zip(*[(scheme, seed) for scheme in args.schemes for seed in args.seeds])
    one_run = functools.partial(run, lang=lang, training_text=training_text, held_out=held_out, base=base)
    with concurrent.futures.ProcessPoolExecutor(args.jobs) as pool:
        for r in pool.map(one_run, schemes, seeds):  # in the table's order, each printed when done
            runs.append(r)
            bits = " ".join(f"{v:.3f}" for v in r["bits"].values())
            print(f"{r['scheme']:>10} seed {r['seed']}: {bits} bits/token at "
                  f"{'/'.join(str(n) for n in r['bits'])} "
                  f"({r['train_cpu_s']} + {r['eval_cpu_s']} CPU s)", flush=True)
    print()
    print(markdown_table(runs, base.L, floor, bigram))
    print()
    print(claims_markdown(runs, base.L))
    if args.out:
        with open(args.out, "w") as f:
            f.write(results_toml(lang, base, floor, bigram, runs))


if __name__ == "__main__":
    main()
