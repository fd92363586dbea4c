"""Summarise runs/*.jsonl: bits/token per scheme x eval length x seed, CPU seconds."""
import json
import sys
from collections import defaultdict

rows = [json.loads(l) for f in sys.argv[1:] for l in open(f)]
groups = defaultdict(list)
for r in rows:
    key = (r["dtype"], r["steps"], r["D"], r["L"], r["batch"], r["lr"], r["schedule"], r["p_copy"], r["span"], r["coretype"], r["tag"])
    groups[key].append(r)
for key, rs in groups.items():
    print(f"\n### dtype={key[0]} steps={key[1]} D={key[2]} L={key[3]} batch={key[4]} lr={key[5]} "
          f"schedule={key[6]} p_copy={key[7]} span={key[8]} BLAS core={key[9]} {key[10]}")
    L = key[3]
    print(f"floor {rs[0]['floor']:.3f} bits/token, bigram {rs[0]['bigram']:.3f}\n")
    print(f"| scheme | seed | {L} | {2*L} | {4*L} | {8*L} | 8L - L | train CPU s | total CPU s (user+sys) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    order = ["alibi", "sinusoidal", "rope", "none"]
    for r in sorted(rs, key=lambda r: (order.index(r["scheme"]), r["seed"])):
        b = [r["bits"][k] for k in ("1", "2", "4", "8")]
        t = r["time"].split()
        print(f"| {r['scheme']} | {r['seed']} | " + " | ".join(f"{v:.3f}" for v in b)
              + f" | {b[3]-b[0]:+.3f} | {r['train_cpu']} | {float(t[0])+float(t[2]):.1f} |")
