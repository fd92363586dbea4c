"""One run of the experiment: train one scheme on windows of length L, evaluate
bits/token at L, 2L, 4L, 8L (non-overlapping windows) on a held-out text.

Prints one JSON line. Example:
    OPENBLAS_NUM_THREADS=1 python exp.py --scheme alibi --seed 0
"""
import argparse
import json
import os
import time

import numpy as np

from language import Language, exact_nats, generate, bigram_nats
from lm_loss import bits_per_token, window_nats
from tiny_lm import log_probs_fn, train

HERE = os.path.dirname(os.path.abspath(__file__))


def texts(lang, train_tokens, test_tokens):
    """Training and held-out texts (seeds 1 and 2), cached on disk by setting."""
    key = f"{lang.S}_{lang.p_copy}_{lang.span}_{lang.dmin}_{lang.dmax}_{lang.power}_{lang.alpha}_{lang.seed}"
    path = os.path.join(HERE, "cache", f"text_{key}_{train_tokens}_{test_tokens}.npz")
    if os.path.exists(path):
        z = np.load(path)
        return z["train"], z["test"], float(z["floor"]), float(z["bigram"])
    tr, te = generate(lang, train_tokens, 1), generate(lang, test_tokens, 2)
    floor = bits_per_token(exact_nats(lang, te))
    bigram = bits_per_token(bigram_nats(tr, te, lang.V))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.savez(path, train=tr, test=te, floor=floor, bigram=bigram)
    return tr, te, floor, bigram


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--scheme", required=True)
    a.add_argument("--seed", type=int, default=0)
    a.add_argument("--L", type=int, default=32)
    a.add_argument("--steps", type=int, default=4000)
    a.add_argument("--batch", type=int, default=32)
    a.add_argument("--D", type=int, default=64)
    a.add_argument("--layers", type=int, default=2)
    a.add_argument("--heads", type=int, default=4)
    a.add_argument("--lr", type=float, default=3e-3)
    a.add_argument("--warmup", type=int, default=100)
    a.add_argument("--schedule", default="constant")
    a.add_argument("--dtype", default="float64")
    a.add_argument("--S", type=int, default=16)
    a.add_argument("--p_copy", type=float, default=0.1)
    a.add_argument("--span", type=int, default=8)
    a.add_argument("--dmin", type=int, default=8)
    a.add_argument("--dmax", type=int, default=200)
    a.add_argument("--power", type=float, default=1.5)
    a.add_argument("--alpha", type=float, default=0.3)
    a.add_argument("--train_tokens", type=int, default=300_000)
    a.add_argument("--test_tokens", type=int, default=32_769)
    a.add_argument("--emb_std", type=float, default=1.0)
    a.add_argument("--tag", default="")
    args = a.parse_args()
    lang = Language(S=args.S, p_copy=args.p_copy, span=args.span, dmin=args.dmin,
                    dmax=args.dmax, power=args.power, alpha=args.alpha, seed=0)
    tr, te, floor, bigram = texts(lang, args.train_tokens, args.test_tokens)
    t0 = time.process_time()
    p = train(tr, lang.V, args.scheme, args.L, args.steps, args.batch, args.D, args.layers,
              args.heads, args.lr, args.seed, dtype=np.dtype(args.dtype),
              warmup=args.warmup, schedule=args.schedule, emb_std=args.emb_std)
    train_cpu = time.process_time() - t0
    t0 = time.process_time()
    lp = log_probs_fn(p, args.heads, args.scheme)
    bits = {m: bits_per_token(window_nats(lp, te, m * args.L)) for m in (1, 2, 4, 8)}
    eval_cpu = time.process_time() - t0
    print(json.dumps({**vars(args), "bits": bits, "floor": floor, "bigram": bigram,
                      "train_cpu": round(train_cpu, 1), "eval_cpu": round(eval_cpu, 1),
                      "coretype": os.environ.get("OPENBLAS_CORETYPE", "default")}), flush=True)


if __name__ == "__main__":
    main()
