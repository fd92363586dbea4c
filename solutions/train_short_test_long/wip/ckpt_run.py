"""Scratch (setting search): one float64 training run of ../tiny_lm.py with evaluations at
checkpoints. Prints one JSON line per checkpoint: bits at L, 2L, 4L, 8L, train CPU seconds."""
import argparse, json, os, sys, time
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import numpy as np
from language import Language, bigram_nats, exact_nats, generate
from lm_loss import bits_per_token
from tiny_lm import Adam, Training, evaluate, init_model, learning_rate, loss_and_grads


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


a = argparse.ArgumentParser()
a.add_argument("--scheme", required=True); a.add_argument("--seed", type=int, default=0)
a.add_argument("--L", type=int, default=32); a.add_argument("--steps", type=int, default=4000)
a.add_argument("--ckpts", default=""); a.add_argument("--batch", type=int, default=32)
a.add_argument("--D", type=int, default=32); a.add_argument("--heads", type=int, default=4)
a.add_argument("--lr", type=float, default=3e-3); a.add_argument("--p_copy", type=float, default=0.1)
a.add_argument("--span", type=int, default=8); a.add_argument("--dmax", type=int, default=200)
a.add_argument("--tag", default="")
args = a.parse_args()
lang = Language(p_copy=args.p_copy, span=args.span, dmax=args.dmax)
tr, te, floor, bigram = texts(lang, 300_000, 32_769)
ckpts = {int(c) for c in args.ckpts.split(",") if c} | {args.steps}
training = Training(L=args.L, steps=args.steps, batch=args.batch, d_model=args.D,
                    n_heads=args.heads, lr=args.lr, seed=args.seed)
model = init_model(lang.V, args.D, 2, args.heads, args.scheme, args.seed)
opt = Adam(model.params)
rng = np.random.default_rng(args.seed + 1000)
offsets = np.arange(args.L + 1)[:, None]
train_cpu = 0.0
for step in range(args.steps):
    t0 = time.process_time()
    starts = rng.integers(0, len(tr) - args.L - 1, size=args.batch)
    w = tr[starts[None, :] + offsets]
    loss, g = loss_and_grads(model, w[:-1], w[1:])
    opt.step(model.params, g, learning_rate(step, training))
    train_cpu += time.process_time() - t0
    if step + 1 in ckpts:
        t0 = time.process_time()
        bits = evaluate(model, te, [m * args.L for m in (1, 2, 4, 8)])
        bits = {str(k // args.L): v for k, v in bits.items()}
        print(json.dumps({**vars(args), "at": step + 1, "bits": bits, "floor": floor, "bigram": bigram,
                          "train_cpu": round(train_cpu, 1), "eval_cpu": round(time.process_time() - t0, 1),
                          "coretype": os.environ.get("OPENBLAS_CORETYPE", "default")}), flush=True)
