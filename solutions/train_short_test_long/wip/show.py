"""Scratch: summarise runs3/*.jsonl (one line per checkpoint)."""
import json, sys, glob
rows = [json.loads(l) for f in sorted(glob.glob("runs3/*.jsonl")) for l in open(f)]
for r in sorted(rows, key=lambda r: (r["D"], r["L"], r["p_copy"], r["lr"], r["batch"], r["scheme"], r["at"], r["seed"], r["coretype"])):
    b = [r["bits"][k] for k in ("1", "2", "4", "8")]
    print(f"{r['scheme']:>10} s{r['seed']} {r['coretype']:>7} D{r['D']} L{r['L']} b{r['batch']} lr{r['lr']} pc{r['p_copy']} {r['tag']} @{r['at']:>5}: "
          + " ".join(f"{v:.3f}" for v in b) + f" | 8L-L {b[3]-b[0]:+.3f} min(L-kL) {b[0]-max(b[1:]):+.3f} min(4L,8L-L) {min(b[2:])-b[0]:+.3f}"
          + f" | cpu {r['train_cpu']}+{r['eval_cpu']}  floor {r['floor']:.3f} bigram {r['bigram']:.3f}")
