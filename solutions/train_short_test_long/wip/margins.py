"""Scratch: the claims' margins for one setting over seeds x BLAS kernels (runs3/*.jsonl).
usage: python margins.py D L batch lr p_copy at"""
import glob, json, sys
from collections import defaultdict
D, L, batch, lr, pc, at = (int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]),
                           float(sys.argv[5]), int(sys.argv[6]))
rows = [json.loads(l) for f in sorted(glob.glob("runs3/*.jsonl")) for l in open(f)]
for f in sorted(glob.glob("runs3/table_*.json")):  # extrapolation_table.py --out (default core)
    t = json.load(open(f)); tr = t["training"]
    rows += [{"scheme": r["scheme"], "seed": r["seed"], "D": tr["d_model"], "L": tr["L"], "batch": tr["batch"],
              "lr": tr["lr"], "p_copy": t["language"]["p_copy"], "at": tr["steps"], "coretype": "default",
              "bits": {str(int(n) // tr["L"]): v for n, v in r["bits"].items()}, "floor": t["floor"],
              "bigram": t["bigram"], "train_cpu": r["train_cpu_s"], "eval_cpu": r["eval_cpu_s"]} for r in t["runs"]]
rows = [r for r in rows if (r["D"], r["L"], r["batch"], r["lr"], r["p_copy"], r["at"]) == (D, L, batch, lr, pc, at)]
runs = {(r["scheme"], r["seed"], r["coretype"]): [r["bits"][k] for k in "1248"] for r in rows}
cpu_of = {(r["scheme"], r["seed"], r["coretype"]): f'{r["train_cpu"]} + {r["eval_cpu"]}' for r in rows}
print(f"setting D={D} L={L} batch={batch} lr={lr} p_copy={pc} steps={at}; floor {rows[0]['floor']:.3f} bigram {rows[0]['bigram']:.3f}")
cpu = defaultdict(list)
for r in rows: cpu[r["scheme"]].append(r["train_cpu"] + r["eval_cpu"])
print("CPU s (train+eval) per run:", {k: (min(v), max(v)) for k, v in cpu.items()})
print(f"| scheme | seed | BLAS core | {L} | {2*L} | {4*L} | {8*L} | CPU s (train + eval) |\n| --- | --- | --- | --- | --- | --- | --- | --- |")
for k in sorted(runs):
    print(f"| {k[0]} | {k[1]} | {k[2]} | " + " | ".join(f"{v:.3f}" for v in runs[k]) + f" | {cpu_of[k]} |")
by_run = defaultdict(list)
for (s, seed, core), b in runs.items():
    by_run[(s, seed)].append(b)
spread = {}
for (s, seed), bs in by_run.items():
    if len(bs) > 1:
        gap = max(max(col) - min(col) for col in zip(*bs))
        spread[s] = max(spread.get(s, 0.0), gap)
claims = {
    "alibi no worse past L: min_k bits(L) - bits(kL), k=2,4,8": ("alibi", lambda b: b[0] - max(b[1:])),
    "alibi better at 8L than L: bits(L) - bits(8L)": ("alibi", lambda b: b[0] - b[3]),
    "rope worse at 4L and 8L: min_k bits(kL) - bits(L), k=4,8": ("rope", lambda b: min(b[2:]) - b[0]),
    "rope worse at 8L: bits(8L) - bits(L)": ("rope", lambda b: b[3] - b[0]),
    "rope worse at 2L: bits(2L) - bits(L)": ("rope", lambda b: b[1] - b[0]),
    "sinusoidal worse past L: min_k bits(kL) - bits(L)": ("sinusoidal", lambda b: min(b[1:]) - b[0]),
    "sinusoidal worse at 8L: bits(8L) - bits(L)": ("sinusoidal", lambda b: b[3] - b[0]),
    "sinusoidal worse at 4L and 8L: min_k bits(kL) - bits(L), k=4,8": ("sinusoidal", lambda b: min(b[2:]) - b[0]),
    "none within 0.05 of flat: 0.05 - max_k |bits(kL) - bits(L)|": ("none", lambda b: 0.05 - max(abs(x - b[0]) for x in b[1:])),
    "none learns copying at L: bigram - bits(L)": ("none", lambda b: rows[0]["bigram"] - b[0]),
    "sinusoidal learns copying at L: bigram - bits(L)": ("sinusoidal", lambda b: rows[0]["bigram"] - b[0]),
}
print("\nkernel spread (max over seeds and lengths of max - min across BLAS cores):", {k: f"{v:.1e}" for k, v in spread.items()})
seedrange = {s: max(max(col) - min(col) for col in zip(*[b for (sc, _, c), b in runs.items() if sc == s and c == "default"])) for s in {k[0] for k in runs}}
print("seed spread (max over lengths of max - min across seeds, default core):", {k: round(v, 3) for k, v in seedrange.items()})
print("\n| claim | min margin (runs) | 3 x kernel spread | holds with margin |\n| --- | --- | --- | --- |")
for name, (s, f) in claims.items():
    ms = [f(b) for (sc, _, _), b in runs.items() if sc == s]
    if not ms: continue
    if s not in spread:
        print(f"| {name} | {min(ms):+.3f} ({len(ms)}) | (no Haswell pair yet) | |"); continue
    print(f"| {name} | {min(ms):+.3f} ({len(ms)}) | {3*spread[s]:.3f} | {'yes' if min(ms) > 3*spread[s] else 'NO'} |")
# contrast: alibi better than rope at each of 2L..8L, per (seed, core)
for s2 in ("rope", "sinusoidal", "none"):
    at_L = [runs[("alibi", seed, c)][0] - runs[(s2, seed, c)][0] for (s, seed, c) in runs if s == "alibi" and (s2, seed, c) in runs]
    if at_L: print(f"{s2} below alibi at L: min margin {min(at_L):+.3f} ({len(at_L)})")
    ds = [min(runs[(s2, seed, c)][i] - runs[("alibi", seed, c)][i] for i in (1, 2, 3))
          for (s, seed, c) in runs if s == "alibi" and (s2, seed, c) in runs]
    if ds: print(f"alibi below {s2} at 2L..8L: min margin {min(ds):+.3f} ({len(ds)}); "
                 f"3 x max(spread alibi, {s2}) = {3*max(spread.get('alibi', 0), spread.get(s2, 0)):.3f}")
