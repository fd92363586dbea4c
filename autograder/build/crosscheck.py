"""An assignment's reference solutions against PyTorch, in float64: same inputs, compared outputs and gradients.

The comparisons are the assignment's (``grading/crosscheck.py``: ``SHAPES``,
``MODULES`` and ``COMPARISONS``, one per graded function); this module runs
them and reports. Used by the project's tests and by ``python -m autograder
crosscheck``. torch is imported only when a comparison runs, so the rest of
the package never needs it.
"""
import importlib.util
import sys
from pathlib import Path
from typing import NamedTuple

import numpy as np

# Relative to the largest magnitude of the PyTorch output: both sides compute in
# float64, so what differs is rounding (seen: below 1e-14), never a convention.
RTOL = 1e-10
TORCH_MISSING = 'PyTorch is not installed; `pip install -e ".[torch]"` installs it (torch==2.13.0, CPU build)'


class Difference(NamedTuple):
    """How far one output of one function is from PyTorch's, on one shape."""
    function: str
    shape: str
    output: str
    abs: float  # max |ours - torch|
    rel: float  # abs / max |torch|

    @property
    def ok(self):
        return self.rel <= RTOL


def reference_functions(assignment, folder=None):
    """The compared functions of the solution files in ``folder`` (default: the assignment's solutions), by name.

    The modules are loaded from their files without entering ``sys.modules``, so
    a changed copy of the solutions (as the tests make) never shadows the
    reference. Their imports (``from shapes import ...``) find the solutions' modules.
    """
    comparisons = assignment.grading_module("crosscheck")
    for importable in (assignment.source, *assignment.other_sources):
        if str(importable) not in sys.path:
            sys.path.append(str(importable))
    functions = {}
    for stem in comparisons.MODULES:
        spec = importlib.util.spec_from_file_location(f"crosscheck_{assignment.name}_{stem}",
                                                      Path(folder or assignment.source) / f"{stem}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        functions.update({name: getattr(module, name) for name in comparisons.COMPARISONS if hasattr(module, name)})
    return functions


def compare(assignment, function, shape, functions=None):
    """The differences of every output of ``function`` from PyTorch's, on the named shape of ``SHAPES``."""
    comparisons = assignment.grading_module("crosscheck")
    functions = functions or reference_functions(assignment)
    sizes = comparisons.SHAPES[shape]
    rng = np.random.default_rng([list(comparisons.COMPARISONS).index(function), *sizes])
    pairs = comparisons.COMPARISONS[function](functions, rng, *sizes)
    differences = []
    for output, (ours, theirs) in pairs.items():
        ours, theirs = np.asarray(ours, dtype=np.float64), as_numpy(theirs)
        if ours.shape != theirs.shape:
            raise ValueError(f"{function} {output}: shape {ours.shape}, PyTorch's is {theirs.shape}")
        # Equal entries count as no gap, the same infinities too (a mask's -inf); others that are not
        # finite (nan, or inf against a number) as an infinite one.
        with np.errstate(invalid="ignore"):
            gaps = np.where(ours == theirs, 0.0, np.abs(ours - theirs))
        gap = float(np.max(np.nan_to_num(gaps, nan=np.inf), initial=0.0))
        scale = float(np.max(np.abs(theirs[np.isfinite(theirs)]), initial=0.0))
        differences.append(Difference(function, shape, output, gap, gap / scale if scale else gap))
    return differences


# ------------------------------------------------------------------ torch side, for the comparisons

def torch_module():
    try:
        import torch
    except ImportError:
        raise ImportError(TORCH_MISSING) from None
    return torch


def as_numpy(value):
    if hasattr(value, "detach"):
        value = value.detach().numpy()
    return np.asarray(value, dtype=np.float64)


def leaf(array):
    torch = torch_module()
    return torch.tensor(array, dtype=torch.float64, requires_grad=True)


def report(assignment, out=sys.stdout):
    """Print the largest differences of every function over every shape; True when all are within RTOL."""
    torch = torch_module()
    comparisons = assignment.grading_module("crosscheck")
    functions = reference_functions(assignment)
    print(f"{assignment.name}: reference solutions vs PyTorch {torch.__version__}, float64; shapes: "
          + ", ".join(f"{name} {shape}" for name, shape in comparisons.SHAPES.items()), file=out)
    header = f"{'function':<22} {'outputs':>7} {'max abs diff':>13} {'max rel diff':>13}  {'worst (shape: output)':<40} ok"
    print(header, file=out)
    print("-" * len(header), file=out)
    all_ok = True
    for function in comparisons.COMPARISONS:
        differences = [d for shape in comparisons.SHAPES for d in compare(assignment, function, shape, functions)]
        worst = max(differences, key=lambda d: d.rel)
        ok = all(d.ok for d in differences)
        all_ok &= ok
        print(f"{function:<22} {len(differences):>7} {max(d.abs for d in differences):>13.2e} {worst.rel:>13.2e}  "
              f"{worst.shape + ': ' + worst.output:<40} {'yes' if ok else 'NO'}", file=out)
    print(f"tolerance: max rel diff <= {RTOL:g} (relative to the largest PyTorch value of each output)", file=out)
    return all_ok
