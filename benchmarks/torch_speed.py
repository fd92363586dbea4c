"""Benchmark: the reference RNN and LSTM, forward + backward, beside torch.nn.RNN / torch.nn.LSTM on the CPU.

    python benchmarks/torch_speed.py [--runs 7] [--warmup 2]

For (T, N, D, H) = (20, 1, 2, 2), (50, 32, 64, 128), (200, 64, 128, 256), in
float64 and float32, times one forward and one backward pass (loss
sum(dHs * Hs)) of the reference solutions (numpy) and of PyTorch, side by side
in one run, and prints the medians, their ratio, GFLOP/s, and the fraction of
this machine's matmul peak (a large square matmul of the same dtype, measured
in the same run). PyTorch gets as many threads as numpy's BLAS. Figures, not
assertions; needs the torch extra (`pip install -e ".[torch]"`).

The two are timed in alternation, run for run, so that a busy neighbour on a
shared machine slows both alike; np/torch is the ratio of the medians, and
"pairs" the range of the ratios of the runs timed side by side, a measure of
the noise. Before each timed run the same function runs
untimed for at least 0.2 s: idle OpenBLAS threads keep spinning for a while
after a call and would take the cores from the other library, and a pause
instead would let the timed run start with sleeping threads.

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


SETTLE_S = 0.2  # OpenBLAS's idle threads spin for about 2**28 cycles before they sleep


def times_ms(runs, warmup, *functions, settle=0.0):
    """Milliseconds of each function's timed runs, the functions alternating run by run.

    Before each timed run, the function also runs untimed for ``settle`` seconds.
    """
    for _ in range(warmup):
        for run in functions:
            run()
    times = [[] for _ in functions]
    for _ in range(runs):
        for run, kept in zip(functions, times):
            settled = time.perf_counter() + settle
            while time.perf_counter() < settled:
                run()
            start = time.perf_counter()
            run()
            kept.append(1e3 * (time.perf_counter() - start))
    return times


def median_ms(run, runs, warmup):
    return statistics.median(times_ms(runs, warmup, run)[0])


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
    return 2 * PEAK_SIZE ** 3 / min(times_ms(runs, warmup, lambda: A @ B)[0]) / 1e6


def lstm_floor_ms(T, N, D, H, peak, runs, warmup):
    """The least time, in ms, of a numpy LSTM forward + backward that steps through time, by parts.

    Each step must multiply h (N, H) by Wh (H, 4H) forward and da (N, 4H) by
    Wh.T backward, one step after the other: these products run at their own,
    measured, rate. Every other product can be batched over time and is given
    the full peak. The forward must also evaluate 5H exponentials per row and
    step (sigmoid of i, f, o; tanh of g and c, as 2 * sigmoid(2x) - 1, at
    np.exp's measured rate): numpy's float64 exp is scalar code on CPUs
    without AVX-512. Nothing else is counted, so the real figure is higher.
    """
    rng = np.random.default_rng(0)
    h, Wh, da, z = rng.normal(size=(N, H)), rng.normal(size=(H, 4 * H)), rng.normal(size=(N, 4 * H)), rng.normal(size=(N, 5 * H))
    step = 2 * N * H * 4 * H  # FLOPs of one recurrent product
    parts = {
        "recurrent products": T * (median_ms(lambda: h @ Wh, 10 * runs, warmup) + median_ms(lambda: da @ Wh.T, 10 * runs, warmup)),
        "batched products at the peak": (flops("lstm", T, N, D, H) - 2 * T * step) / 1e6 / peak,
        "exp": T * median_ms(lambda: np.exp(z), 10 * runs, warmup),
    }
    return {**parts, "total": sum(parts.values())}


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
    print(f"medians of {args.runs} runs after {args.warmup} warm-up runs, numpy and torch alternating; forward + backward; "
          "GFLOP/s from 6*T*N*(D+H)*G*H matmul FLOPs (G = 1 RNN, 4 LSTM); the reference computes in float64")
    header = (f"{'model':<5} {'T, N, D, H':<18} {'dtype':<8} {'numpy ms':>10} {'torch ms':>10} {'np/torch':>9} "
              f"{'pairs':>11} {'np GFLOP/s':>11} {'torch GFLOP/s':>14} {'np % peak':>10} {'torch % peak':>13}")
    print(header)
    print("-" * len(header))
    for kind in ("rnn", "lstm"):
        for shape in SHAPES:
            for dtype in DTYPES:
                arrays = inputs(kind, *shape, dtype)
                ours, theirs = times_ms(args.runs, args.warmup, numpy_run(kind, arrays),
                                        torch_run(torch, kind, arrays), settle=SETTLE_S)
                pairs = [a / b for a, b in zip(ours, theirs)]
                ours, theirs = statistics.median(ours), statistics.median(theirs)
                work = flops(kind, *shape) / 1e6  # per ms -> GFLOP/s
                spread = f"{min(pairs):.2f}-{max(pairs):.2f}"
                print(f"{kind:<5} {str(shape)[1:-1]:<18} {dtype:<8} {ours:>10.2f} {theirs:>10.2f} "
                      f"{ours / theirs:>9.2f} {spread:>11} {work / ours:>11.1f} {work / theirs:>14.1f} "
                      f"{100 * work / ours / peaks['float64']:>9.0f}% {100 * work / theirs / peaks[dtype]:>12.0f}%")
    for shape in SHAPES[1:]:
        floor = lstm_floor_ms(*shape, peaks["float64"], args.runs, args.warmup)
        print(f"lstm {shape}, float64: no numpy LSTM stepping through time with np.exp can take less than {floor['total']:.0f} ms, "
              f"{100 * flops('lstm', *shape) / 1e6 / floor['total'] / peaks['float64']:.0f}% of the peak: "
              + ", ".join(f"{name} {ms:.0f} ms" for name, ms in floor.items() if name != "total"))
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
