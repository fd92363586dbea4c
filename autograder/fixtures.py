"""Compute ``fixtures.npz``: every case's inputs and the reference solutions' outputs.

Runs as a subprocess inside the solutions folder (``python -m autograder.fixtures
OUT [--public]``) so that the reference modules are imported under the same
names the students use, without ever sharing a process with a submission.
"""
import subprocess
import sys

import numpy as np

from autograder import paths
from autograder.cases import CASES, LECTURE_W, LECTURE_W_EXPLODE, LECTURE_W_VANISH, inputs_of


def build(out_path, public_only):
    """Write the fixtures (all cases, or only the public ones) to ``out_path``."""
    subprocess.run(
        [sys.executable, "-m", "autograder.fixtures", str(out_path)] + (["--public"] if public_only else []),
        cwd=paths.SOLUTIONS, check=True, env=paths.env_with_path(paths.ROOT, paths.SUPPORT),
    )


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
    np.savez_compressed(sys.argv[1], **arrays)
