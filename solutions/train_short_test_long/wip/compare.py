"""Kernel spread: |bits(SkylakeX) - bits(Haswell)| for the same scheme, seed and length,
and whether each claim holds per seed under each kernel."""
import json
import sys

def load(files):
    out = {}
    for f in files:
        if not __import__("os").path.exists(f):
            continue
        for l in open(f):
            r = json.loads(l)
            out[(r["scheme"], r["seed"])] = [r["bits"][k] for k in ("1", "2", "4", "8")]
    return out

# usage: compare.py SKYLAKEX_FILES... -- HASWELL_FILES...
args = sys.argv[1:] or ["runs/b1.jsonl", "runs/main.jsonl", "--", "runs/haswell.jsonl"]
cut = args.index("--")
sky, has = load(args[:cut]), load(args[cut + 1:])
print("| scheme | seed | SkylakeX L..8L | Haswell L..8L | max abs diff |")
print("| --- | --- | --- | --- | --- |")
diffs = []
for key in sorted(set(sky) & set(has)):
    d = max(abs(a - b) for a, b in zip(sky[key], has[key]))
    diffs.append(d)
    print(f"| {key[0]} | {key[1]} | {' '.join(f'{v:.3f}' for v in sky[key])} | "
          f"{' '.join(f'{v:.3f}' for v in has[key])} | {d:.3f} |")
if diffs:
    print(f"\nmax spread {max(diffs):.3f} bits, mean {sum(diffs)/len(diffs):.3f}")

def claims(runs, name):
    seeds = sorted({s for _, s in runs})
    print(f"\n{name}: per seed, margins in bits (positive = claim holds)")
    for s in seeds:
        g = lambda sc: runs.get((sc, s))
        a, si, ro, no = g("alibi"), g("sinusoidal"), g("rope"), g("none")
        row = [f"seed {s}"]
        if a: row.append(f"alibi no worse past L: min(L - {{2L,4L,8L}}) = {min(a[0]-x for x in a[1:]):+.3f}")
        if si: row.append(f"sinusoidal worse past L: min({{2L,4L,8L}} - L) = {min(x-si[0] for x in si[1:]):+.3f}")
        if ro: row.append(f"rope worse at 4L, 8L: min = {min(x-ro[0] for x in ro[2:]):+.3f}")
        if a and si and ro and no:
            row.append("alibi best at 8L by " + f"{min(x[3] for x in (si, ro, no)) - a[3]:+.3f}")
        print("; ".join(row))

claims(sky, "SkylakeX (default)")
claims(has, "Haswell")
