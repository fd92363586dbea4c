"""Compute ``fixtures.npz``: every case's inputs and the reference solutions' outputs.

Runs as a subprocess inside the solutions folder (``python -m autograder.fixtures
OUT [--public]``) so that the reference modules are imported under the same
names the students use, without ever sharing a process with a submission.
"""
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np

from autograder import paths
from autograder.cases import CASES, LECTURE_W, LECTURE_W_EXPLODE, LECTURE_W_VANISH, inputs_of


# Reference values computed on another CPU differ in the last bits (OpenBLAS picks its
# kernels by CPU; seen: 3.6e-15 apart). Far below what any check resolves (rtol 1e-6),
# so a rebuild that only moves values within this keeps the committed file.
SAME_RTOL = 1e-12


def build(out_path, public_only, previous=None):
    """Write the fixtures (all cases, or only the public ones) to ``out_path``.

    ``previous``: the bytes of an earlier build; they are written back unchanged when
    the new values equal them to ``SAME_RTOL``, so a rebuild on another CPU does not churn.
    """
    subprocess.run(
        [sys.executable, "-m", "autograder.fixtures", str(out_path)] + (["--public"] if public_only else []),
        cwd=paths.SOLUTIONS, check=True, env=paths.env_with_path(paths.ROOT, paths.SUPPORT),
    )
    if previous is not None:
        with np.load(io.BytesIO(previous)) as old, np.load(out_path) as new:
            unchanged = same_values(old, new)
        if unchanged:
            Path(out_path).write_bytes(previous)


def same_values(old, new):
    """True when two loaded fixture files hold the same arrays, floats to ``SAME_RTOL``."""
    if sorted(old.files) != sorted(new.files):
        return False
    for key in old.files:
        a, b = old[key], new[key]
        if a.shape != b.shape or a.dtype != b.dtype:
            return False
        if a.dtype.kind == "f":
            scale = float(np.max(np.abs(b), initial=0.0))
            if not np.allclose(a, b, rtol=SAME_RTOL, atol=SAME_RTOL * scale, equal_nan=True):
                return False
        elif not np.array_equal(a, b):
            return False
    return True


def save(path, arrays):
    """``np.savez_compressed`` without time stamps: the same arrays give the same bytes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, value in arrays.items():
            member = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(member, "w", force_zip64=True) as f:
                np.lib.format.write_array(f, np.asanyarray(value), allow_pickle=False)


# An LSTM that slices its gates as i, f, o, g (CS231n's order) computes what the
# right one computes with the g and o blocks of Wx, Wh and b swapped: so the
# outputs of that common bug come from the reference itself, for the hints.
GATE_ORDER_KINDS = ("lstm_step_forward", "lstm_forward")


def _swap_g_and_o(inputs):
    swapped = dict(inputs)
    for name in ("Wx", "Wh", "b"):
        g, o = np.split(inputs[name], 4, axis=-1)[2:]
        H = g.shape[-1]
        swapped[name] = inputs[name].copy()
        swapped[name][..., 2 * H:3 * H], swapped[name][..., 3 * H:] = o, g
    return swapped


def _compute(public_only):
    import procedures  # the support module, through PYTHONPATH; it imports from the working directory

    arrays = {}
    for name, (procedure, public, _) in CASES.items():
        if public_only and not public:
            continue
        inputs = inputs_of(name)
        outputs, _ = procedures.run(procedure, inputs)
        arrays.update({f"{name}/in/{k}": np.asarray(v) for k, v in inputs.items()})
        arrays.update({f"{name}/out/{k}": np.asarray(v) for k, v in outputs.items()})
        if procedure in GATE_ORDER_KINDS:
            swapped, _ = procedures.run(procedure, _swap_g_and_o(inputs))
            arrays.update({f"{name}/variant_gates_ifog/{k}": np.asarray(v) for k, v in swapped.items()})
    lines = subprocess.run(
        [sys.executable, "gradient_norms.py"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    arrays["printed_norms/lecture/out/lines"] = np.array(lines)
    arrays["printed_norms/lecture/in/W"] = LECTURE_W
    arrays["printed_norms/lecture/in/W_vanish"] = LECTURE_W_VANISH
    arrays["printed_norms/lecture/in/W_explode"] = LECTURE_W_EXPLODE
    return arrays


if __name__ == "__main__":
    arrays = _compute(public_only="--public" in sys.argv)
    save(sys.argv[1], arrays)
