"""Compute ``fixtures.npz``: every case's inputs and the reference solutions' outputs.

Runs as a subprocess inside the solutions folder (``python -m autograder.fixtures
OUT [--public]``) so that the reference modules are imported under the same
names the students use, without ever sharing a process with a submission.
"""
import subprocess
import sys
import types

import numpy as np

from autograder import paths
from autograder.cases import CASES, LECTURE_W, LECTURE_W_EXPLODE, LECTURE_W_VANISH, inputs_of


def build(out_path, public_only):
    """Write the fixtures (all cases, or only the public ones) to ``out_path``."""
    subprocess.run(
        [sys.executable, "-m", "autograder.fixtures", str(out_path)] + (["--public"] if public_only else []),
        cwd=paths.SOLUTIONS, check=True, env=paths.env_with_path(paths.ROOT, paths.SUPPORT),
    )


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
