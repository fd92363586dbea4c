"""Both contracts: inputs of another dtype (float32, integers) give float64 outputs, as float64 inputs do.

Run on every stored case of the reference solutions, through the same procedures as the checks, with
every floating input turned to float32. Not graded: the checks hand students float64 inputs only.
"""
import json
import subprocess
import sys

import pytest

from autograder import assignment as course

SCRIPT = """
import json
import numpy as np
import procedures
from cases import CASES, inputs_of

odd = {}
for name, (procedure, _, _) in CASES.items():
    inputs = {k: v.astype(np.float32) if isinstance(v, np.ndarray) and v.dtype == np.float64 and v.ndim else v
              for k, v in inputs_of(name).items()}
    outputs, _ = procedures.run(procedure, inputs)
    found = {k: str(v.dtype) for k, v in outputs.items() if isinstance(v, np.ndarray) and v.dtype.kind == "f"
             and v.dtype != np.float64}
    if found:
        odd[name] = found
print(json.dumps(odd))
"""


@pytest.mark.parametrize("assignment", course.every(), ids=course.names())
def test_float32_inputs_give_float64_outputs(assignment):
    run = subprocess.run([sys.executable, "-c", SCRIPT], cwd=assignment.source, capture_output=True, text=True,
                         env=course.env_with_path(course.ROOT, course.SUPPORT, assignment.grading,
                                                  *assignment.other_sources), timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    assert json.loads(run.stdout) == {}
