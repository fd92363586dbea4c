"""Train short, test long: the full table, at classroom scale (the ALiBi paper's Figure 1).

Provided (not graded). One tiny language model per positional scheme and seed,
trained on windows of L tokens of the course's language, then scored on a held-out
text read in non-overlapping windows of L, 2L, 4L and 8L tokens: bits per token,
beside the language's exact floor and a bigram model. It trains through your
multihead.py, positions.py and lm_loss.py, in float64.

    python extrapolation_table.py                       # 4 schemes x 3 seeds, ~1 CPU min a run
    python extrapolation_table.py --schemes alibi rope --seeds 0 --out results.json

Prints one line per run, then the table in markdown.
"""
import argparse
import dataclasses
import json
import time

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
    """The training and held-out texts, and the held-out text's floor and bigram bits."""
    training = generate(lang, TRAINING_TOKENS, TEXT_SEEDS["training"])
    held_out = generate(lang, HELD_OUT_TOKENS, TEXT_SEEDS["held_out"])
    floor = bits_per_token(exact_nats(lang, held_out))
    bigram = bits_per_token(bigram_nats(training, held_out, lang.V))
    return training, held_out, floor, bigram


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schemes", nargs="+", choices=SCHEMES, default=list(SCHEMES))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--steps", type=int, default=TABLE_TRAINING.steps,
                        help="training steps per run (fewer for a quick look)")
    parser.add_argument("--out", help="write the runs, the setting, floor and bigram as JSON")
    args = parser.parse_args()

    lang = Language()
    training_text, held_out, floor, bigram = texts(lang)
    base = dataclasses.replace(TABLE_TRAINING, steps=args.steps)
    print(f"floor {floor:.3f} bits/token, bigram {bigram:.3f}; {base}", flush=True)
    runs = []
    for scheme in args.schemes:
        for seed in args.seeds:
            r = run(scheme, seed, lang, training_text, held_out, base)
            runs.append(r)
            bits = " ".join(f"{v:.3f}" for v in r["bits"].values())
            print(f"{scheme:>10} seed {seed}: {bits} bits/token at "
                  f"{'/'.join(str(n) for n in r['bits'])} "
                  f"({r['train_cpu_s']} + {r['eval_cpu_s']} CPU s)", flush=True)
    print()
    print(markdown_table(runs, base.L, floor, bigram))
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"language": {k: v for k, v in dataclasses.asdict(lang).items()
                                    if k != "transitions"},
                       "training": dataclasses.asdict(base), "floor": floor, "bigram": bigram,
                       "runs": [{**r, "bits": {str(n): v for n, v in r["bits"].items()}}
                                for r in runs]}, f, indent=1)


if __name__ == "__main__":
    main()
