"""Benchmark: the reference RNN and LSTM, forward + backward, beside torch.nn.RNN / torch.nn.LSTM on the CPU.

    python benchmarks/torch_speed.py [--runs 7] [--warmup 2]

For (T, N, D, H) = (20, 1, 2, 2), (50, 32, 64, 128), (200, 64, 128, 256), in
float64 and float32, times one forward and one backward pass (loss
sum(dHs * Hs)) of the reference solutions (numpy) and of PyTorch, side by side
in one run, and prints the medians, their ratio, GFLOP/s, and the fraction of
this machine's matmul peak (a large square matmul of the same dtype, measured
in the same run). PyTorch gets as many threads as numpy's BLAS. Figures, not
assertions; needs the torch extra (`pip install -e ".[torch]"`).

The reference follows the spec, which computes in float64: given float32
inputs it converts them, so its float32 rows time float64 arithmetic and are
set against the float64 peak.
"""
import argparse
import ctypes
import glob
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "solutions" / "rnn_shortcomings"))

from bptt import rnn_backward  # noqa: E402
from lstm import lstm_backward, lstm_forward  # noqa: E402
from recurrence import rnn_forward  # noqa: E402

SHAPES = [(20, 1, 2, 2), (50, 32, 64, 128), (200, 64, 128, 256)]  # (T, N, D, H)
DTYPES = ("float64", "float32")
PEAK_SIZE = 2048


def openblas_threads():
    """Get and set functions for the thread count of numpy's bundled OpenBLAS (through ctypes), or None."""
    for library in glob.glob(os.path.join(os.path.dirname(np.__file__) + ".libs", "*openblas*")):
        handle = ctypes.CDLL(library)
        for prefix, suffix in (("scipy_", "64_"), ("", "64_"), ("", "")):
            get = getattr(handle, f"{prefix}openblas_get_num_threads{suffix}", None)
            if get is not None:
                return get, getattr(handle, f"{prefix}openblas_set_num_threads{suffix}")
    return None


def use_threads(requested, torch):
    """Give numpy's BLAS and torch the same number of threads; returns it and where it came from."""
    blas = openblas_threads()
    if requested:
        if blas is None:
            sys.exit("--threads needs numpy's bundled OpenBLAS (set OPENBLAS_NUM_THREADS instead)")
        blas[1](requested)
        threads, how = requested, "--threads"
    elif blas is not None:
        threads, how = blas[0](), "asked numpy's OpenBLAS"
    else:  # OpenBLAS starts one thread per usable core unless an environment variable says otherwise
        told = os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS")
        threads, how = (int(told), "from the environment") if told else (len(os.sched_getaffinity(0)), "one per core")
    torch.set_num_threads(threads)
    return threads, how


def times_ms(run, runs, warmup):
    for _ in range(warmup):
        run()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(1e3 * (time.perf_counter() - start))
    return times


def median_ms(run, runs, warmup):
    return statistics.median(times_ms(run, runs, warmup))


def flops(kind, T, N, D, H):
    """Matrix-product FLOPs of forward + backward; the element-wise work is left out.

    Forward: each step multiplies (N, D) by Wx (D, G*H) and (N, H) by Wh (H, G*H),
    2*N*(D+H)*G*H FLOPs, with G = 1 gate block for the RNN and 4 for the LSTM.
    Backward: the gradients on the inputs (dA @ Wx.T, dA @ Wh.T) and on the
    weights (X.T @ dA, H_prev.T @ dA) cost as much again each: 3 times the
    forward in all, 6*T*N*(D+H)*G*H.
    """
    return 6 * T * N * (D + H) * (4 if kind == "lstm" else 1) * H


def matmul_peak(dtype, runs, warmup):
    """GFLOP/s of numpy on a large square product of this dtype: what BLAS reaches here.

    The fastest run, not the median: a peak is what the machine can do, and a
    busy neighbour only ever slows a run down.
    """
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(2, PEAK_SIZE, PEAK_SIZE)).astype(dtype)
    return 2 * PEAK_SIZE ** 3 / min(times_ms(lambda: A @ B, runs, warmup)) / 1e6


def inputs(kind, T, N, D, H, dtype):
    rng = np.random.default_rng(T * N)
    G = 4 if kind == "lstm" else 1
    arrays = {"X": rng.normal(size=(T, N, D)), "h0": np.tanh(rng.normal(size=(N, H))),
              **({"c0": rng.normal(size=(N, H))} if kind == "lstm" else {}),
              "Wx": rng.normal(0, 1 / np.sqrt(D), (D, G * H)), "Wh": rng.normal(0, 1 / np.sqrt(H), (H, G * H)),
              "b": rng.normal(0, 0.1, G * H), "dHs": rng.normal(size=(T, N, H))}
    return {name: value.astype(dtype) for name, value in arrays.items()}


def numpy_run(kind, arrays):
    forward, backward = {"rnn": (rnn_forward, rnn_backward), "lstm": (lstm_forward, lstm_backward)}[kind]
    arguments = {k: v for k, v in arrays.items() if k != "dHs"}

    def run():
        _, cache = forward(**arguments)
        backward(arrays["dHs"], cache)
    return run


def torch_run(torch, kind, arrays):
    """torch.nn.RNN / LSTM holding the same weights; one forward and one backward, as the reference does."""
    D, H = arrays["Wx"].shape[0], arrays["Wh"].shape[0]
    dtype = getattr(torch, str(arrays["X"].dtype))
    module = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM}[kind](D, H, dtype=dtype)
    with torch.no_grad():
        module.weight_ih_l0.copy_(torch.as_tensor(arrays["Wx"].T))
        module.weight_hh_l0.copy_(torch.as_tensor(arrays["Wh"].T))
        module.bias_ih_l0.copy_(torch.as_tensor(arrays["b"]))
        module.bias_hh_l0.zero_()
    X = torch.as_tensor(arrays["X"]).requires_grad_()
    state = [torch.as_tensor(arrays[name])[None].requires_grad_() for name in ("h0", "c0") if name in arrays]
    dHs = torch.as_tensor(arrays["dHs"])

    def run():
        Hs, _ = module(X, state[0] if kind == "rnn" else tuple(state))
        Hs.backward(dHs)
    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="timed runs per figure, median taken (default 7)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs before them (default 2)")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads for numpy's BLAS and torch (default: what numpy's BLAS uses)")
    args = parser.parse_args()
    if args.runs < 5:
        parser.error("--runs must be at least 5")
    try:
        import torch
    except ImportError:
        sys.exit('PyTorch is not installed: pip install -e ".[torch]"')

    threads, how = use_threads(args.threads, torch)
    peaks = {dtype: matmul_peak(dtype, args.runs, args.warmup) for dtype in DTYPES}
    print(f"numpy {np.__version__} (BLAS threads: {threads}, {how}), torch {torch.__version__} "
          f"(set_num_threads({threads})); {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start")
    print(f"numpy matmul peak ({PEAK_SIZE}x{PEAK_SIZE}, fastest run): " + ", ".join(f"{d} {p:.1f} GFLOP/s" for d, p in peaks.items()))
    print(f"medians of {args.runs} runs after {args.warmup} warm-up runs; forward + backward; "
          "GFLOP/s from 6*T*N*(D+H)*G*H matmul FLOPs (G = 1 RNN, 4 LSTM); the reference computes in float64")
    header = (f"{'model':<5} {'T, N, D, H':<18} {'dtype':<8} {'numpy ms':>10} {'torch ms':>10} {'np/torch':>9} "
              f"{'np GFLOP/s':>11} {'torch GFLOP/s':>14} {'np % peak':>10} {'torch % peak':>13}")
    print(header)
    print("-" * len(header))
    for kind in ("rnn", "lstm"):
        for shape in SHAPES:
            for dtype in DTYPES:
                arrays = inputs(kind, *shape, dtype)
                ours = median_ms(numpy_run(kind, arrays), args.runs, args.warmup)
                theirs = median_ms(torch_run(torch, kind, arrays), args.runs, args.warmup)
                work = flops(kind, *shape) / 1e6  # per ms -> GFLOP/s
                print(f"{kind:<5} {str(shape)[1:-1]:<18} {dtype:<8} {ours:>10.2f} {theirs:>10.2f} {ours / theirs:>9.2f} "
                      f"{work / ours:>11.1f} {work / theirs:>14.1f} {100 * work / ours / peaks['float64']:>9.0f}% "
                      f"{100 * work / theirs / peaks[dtype]:>12.0f}%")
    # Only the recurrent product h @ Wh of each step cannot be batched over time: its rate bounds any
    # time-stepping implementation, this one or PyTorch's.
    rng = np.random.default_rng(0)
    for T, N, D, H in SHAPES:
        h, Wh = rng.normal(size=(N, H)), rng.normal(size=(H, 4 * H))
        rate = 2 * N * H * 4 * H / median_ms(lambda: h @ Wh, 10 * args.runs, args.warmup) / 1e6
        print(f"one step's recurrent product (N, H) @ (H, 4H) at {(T, N, D, H)}, float64: "
              f"{rate:.2f} GFLOP/s, {100 * rate / peaks['float64']:.0f}% of the peak")
    # The LSTM's forward pass also evaluates 3H exponentials (sigmoid of i, f, o) and 2H tanh (g and c)
    # per row and step; numpy's float64 versions of these cost far more than a multiply-add on some
    # CPUs. Even with every product at the peak, that time alone caps the fraction of the peak.
    for T, N, D, H in SHAPES[1:]:
        z = rng.normal(size=(N, H))
        exp_ns, tanh_ns = (1e6 * median_ms(lambda f=f: f(z), 10 * args.runs, args.warmup) / z.size
                           for f in (np.exp, np.tanh))
        transcendental_ms = T * N * (3 * H * exp_ns + 2 * H * tanh_ns) / 1e6
        products_ms = flops("lstm", T, N, D, H) / 1e6 / peaks["float64"]
        print(f"lstm {(T, N, D, H)}: np.exp {exp_ns:.1f} ns and np.tanh {tanh_ns:.1f} ns per float64 element; "
              f"products at the peak {products_ms:.0f} ms + exp/tanh {transcendental_ms:.0f} ms: at most "
              f"{100 * products_ms / (products_ms + transcendental_ms):.0f}% of the peak before any other work")
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
