"""Compute ``fixtures.npz``: every case's inputs and the reference solutions' outputs.

Runs as a subprocess inside the assignment's solutions folder (``python -m
autograder.build.fixtures OUT [--public]``) so that the reference modules are
imported under the same names the students use, without ever sharing a process
with a submission. The assignment's ``grading/`` folder is on its path: its
``cases.py`` says what to run (``CASES``, and, when the assignment has a printed
script, ``PRINTED``: the inputs of its checks) and its ``mistakes.py``, if any,
which known mistakes to run too.
"""
import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from autograder import assignment as course
from autograder.support import fixture_file  # the file's format, shipped beside the checks


# Reference values computed on another CPU differ in the last bits (OpenBLAS picks its
# kernels by CPU; seen: 3.6e-15 apart). Far below what any check resolves (rtol 1e-6),
# so a rebuild that only moves values within this keeps the committed file.
SAME_RTOL = 1e-12


def build(assignment, out_path, public_only, previous=None):
    """Write the fixtures of ``assignment`` (all cases, or only the public ones) to ``out_path``.

    ``previous``: the bytes of an earlier build; they are written back unchanged when
    the new values equal them to ``SAME_RTOL``, so a rebuild on another CPU does not churn.
    """
    subprocess.run(
        [sys.executable, "-m", "autograder.build.fixtures", str(out_path)] + (["--public"] if public_only else []),
        cwd=assignment.source, check=True,
        env=course.env_with_path(course.ROOT, course.SUPPORT, assignment.grading, *assignment.other_sources),
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
            scale = float(np.max(np.abs(b[np.isfinite(b)]), initial=0.0))  # a mask's -inf is compared as equal
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


@contextlib.contextmanager
def _solutions_with(mistake):
    """While active, the student modules are the reference solutions with ``mistake`` made in them."""
    import procedures

    home = os.getcwd()
    with tempfile.TemporaryDirectory() as folder:
        for source in Path(home).glob("*.py"):
            shutil.copy(source, folder)
        changed = Path(folder) / mistake.file
        text = changed.read_text()
        if text.count(mistake.find) != 1:
            raise ValueError(f"{mistake.file}: the text of a mistake occurs {text.count(mistake.find)} times")
        changed.write_text(text.replace(mistake.find, mistake.replace))
        sys.path.insert(0, folder)
        os.chdir(folder)
        try:
            yield
        finally:
            os.chdir(home)
            sys.path.remove(folder)
            procedures.forget_student_modules()


def _known_mistakes():
    try:
        from mistakes import MISTAKES  # the assignment's grading/mistakes.py
    except ModuleNotFoundError:
        return {}
    return MISTAKES


def _add_variants(cases):
    """Store in ``cases`` what every known mistake gives on those of its kinds, with its hint (see mistakes.py)."""
    import procedures

    for name, mistake in _known_mistakes().items():
        with _solutions_with(mistake):
            for case in cases:
                if case.procedure not in mistake.kinds:
                    continue
                try:
                    with np.errstate(all="ignore"):  # a mistake may well give nan or inf: that is its trace
                        outputs, _ = procedures.run(case.procedure, case.inputs)
                except procedures.StudentCodeError:
                    continue
                case.variants[name] = fixture_file.Variant(mistake.hint, outputs)


def _compute(public_only):
    import cases  # the assignment's, through PYTHONPATH
    import procedures  # the support module, through PYTHONPATH; it imports from the working directory

    graded = []
    for name, (procedure, public, _) in cases.CASES.items():
        if public_only and not public:
            continue
        if fixture_file.procedure_of(name) != procedure:
            raise ValueError(f"cases.py: the case {name!r} runs {procedure}: its name must start with {procedure}/")
        inputs = cases.inputs_of(name)
        outputs, _ = procedures.run(procedure, inputs)
        graded.append(fixture_file.Case(name, inputs, outputs))
    _add_variants(graded)
    if procedures.assignment().spec.printed is not None:  # an assignment may have no printed-script question
        graded.append(_printed(procedures.assignment(), cases.PRINTED))
    return fixture_file.arrays_of(graded)


def _printed(plugin, inputs):
    """The printed script's lines, and the ``inputs`` its checks call the student's functions with, under
    the case its SPEC names."""
    lines = subprocess.run([sys.executable, plugin.script], capture_output=True, text=True, check=True).stdout
    return fixture_file.Case(plugin.spec.printed.case, inputs, {"lines": np.array(lines.splitlines())})


if __name__ == "__main__":
    arrays = _compute(public_only="--public" in sys.argv)
    save(sys.argv[1], arrays)
