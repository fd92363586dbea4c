"""Build the two things an instructor uploads per assignment: the Gradescope autograder zip and the student zip.

``autograder.zip`` is made by ``otter generate`` from the full Otter tests, the
fixtures of every case and the support files. Three things are changed in what
Otter produces:

- a one-cell driver notebook: Otter grades exactly one notebook or one
  ``.py`` file, and a submission here is several ``.py`` files; the driver is
  the notebook Otter runs, and the checks import the student's modules;
- ``setup.sh``, ``run_autograder`` and the requirements files come from
  ``autograder/build/image.py`` (a venv of the project's pins, no conda), not Otter's template;
- ``run_otter.py`` grades with the course's sandboxed engine
  (``autograder/grading/gradescope.py``, shipped in the zip): student code runs in
  locked-down worker processes as an unprivileged user, and results.json is
  written once by the grader. ``otter run -a autograder.zip`` still works
  too, through the driver notebook, but runs student code inside Otter's own
  process, without those protections.
"""
import functools
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import nbformat

from autograder import assignment as course
from autograder.build import fixtures, image, release, validate

GRADING_SUPPORT = ("checking.py", "procedures.py", "plugin.py", "manifest.py", "fixture_file.py", "verdicts.py",
                   "submission_layout.py")
OTTER_CONFIG = {
    "show_stdout": False,
    "show_hidden": False,
    "print_summary": True,
}
RUN_OTTER = '''"""Grades the submission with the course's sandboxed engine (see autograder/grading/gradescope.py)."""
import os
import sys

sys.path.insert(0, "/autograder/source")
from autograder.grading.gradescope import main  # noqa: E402

if __name__ == "__main__":
    main(os.environ.get("AUTOGRADER_ROOT", "/autograder"))
'''
# Otter's conda image (Miniforge, R libraries, Chromium), replaced by the lean one of autograder/build/image.py.
OTTER_IMAGE_FILES = ("environment.yml",)
# The grading engine, shipped inside the zip for Gradescope's run_otter.py.
ENGINE_MODULES = ("__init__.py", "assignment.py", "support/manifest.py",
                  "isolation/__init__.py", "isolation/wire.py", "isolation/confine.py", "isolation/preload.py",
                  "isolation/zygote.py", "isolation/sandbox.py",
                  "grading/__init__.py", "grading/engine.py", "grading/results.py", "grading/written.py",
                  "grading/gradescope.py")


def driver_notebook():
    source = (
        "# Grading driver, supplied by the autograder: the checks that follow import\n"
        "# the student's modules from this folder.\n"
        "import submission_layout\n"
        "submission_layout.normalize('.')"
    )
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source, id="grading-driver")])
    notebook.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    return nbformat.writes(notebook)


def check_points(assignment):
    """The points of every question's checks, which must add up to the manifest's; ValueError if not."""
    from autograder.grading.engine import question_points

    found = question_points(assignment.checks, assignment.question_names)
    wrong = {q: (found[q], p) for q, p in assignment.points.items() if found[q] != p}
    if wrong:
        raise ValueError(f"{assignment.name}: the checks' points differ from {course.MANIFEST}'s: " + ", ".join(
            f"{q} has {got} in {assignment.checks.name}/{q}.py, {want} in the manifest" for q, (got, want) in wrong.items()))
    shares = {q.name: sum(dict(q.functions).values()) for q in assignment.questions if q.functions}
    unbalanced = {q: (total, assignment.points[q]) for q, total in shares.items() if total != assignment.points[q]}
    if unbalanced:
        raise ValueError(f"{assignment.name}: the functions' shares of a question must add up to its points: " + ", ".join(
            f"{q}'s add up to {total}, not {points}" for q, (total, points) in unbalanced.items()))
    return found


def build_autograder(assignment, out_zip):
    """Write the Gradescope autograder zip of ``assignment`` to ``out_zip``."""
    points = check_points(assignment)
    validate.check_plugin(assignment)
    # Named as the course's notebook: Otter copies its support files over the submission, so
    # `otter run` on an upload that holds the student's notebook (the export cell's zip) finds
    # one notebook, the driver, instead of stopping at "More than one .ipynb file found".
    driver = assignment.notebook
    with tempfile.TemporaryDirectory() as staging:
        staging = Path(staging)
        (staging / "tests").mkdir()
        for test_file in assignment.checks.glob("*.py"):
            release.copy_generated(test_file, staging / "tests" / test_file.name)
        fixtures.build(assignment, staging / "fixtures.npz", public_only=False)
        given = assignment.provided_files + assignment.reference_files
        support = [*GRADING_SUPPORT, course.CALLS, course.MANIFEST, *given, driver, "fixtures.npz"]
        # The same copies as the student's kit, marked as generated: the same bytes in both.
        for name in GRADING_SUPPORT:
            release.copy_generated(course.SUPPORT / name, staging / name)
        release.copy_generated(assignment.grading / course.CALLS, staging / course.CALLS)
        release.copy_generated(assignment.manifest, staging / course.MANIFEST)
        for name in given:
            release.copy_generated(assignment.file(name), staging / name)
        (staging / driver).write_text(driver_notebook())
        config = {"points_possible": sum(points.values()), **OTTER_CONFIG}
        (staging / "otter_config.json").write_text(json.dumps(config, indent=2))
        # Otter's image files (its setup.sh, environment.yml) are replaced below: no requirements for it.
        subprocess.run(
            [sys.executable, "-m", "otter", "generate", "-t", "tests", "-o", "autograder.zip",
             "-c", "otter_config.json", "--no-requirements", "--no-environment",
             "--python-version", "3.11", *support],
            cwd=staging, check=True, capture_output=True, text=True,
        )
        engine = {f"autograder/{name}": release.marked((course.PACKAGE / name).read_text(), course.PACKAGE / name,
                                                       name).encode() for name in ENGINE_MODULES}
        lean_image = {name: text.encode() for name, text in image.files().items()}
        _rewrite_zip(staging / "autograder.zip", out_zip, {"run_otter.py": RUN_OTTER.encode(), **engine, **lean_image},
                     drop=OTTER_IMAGE_FILES)
    return Path(out_zip)


@functools.lru_cache(maxsize=1)
def _last_commit_time():
    """The checkout's last commit time (seconds since the epoch), or None outside a git checkout."""
    try:
        found = subprocess.run(["git", "-C", str(course.ROOT), "log", "-1", "--format=%ct"],
                               capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return int(found.stdout) if found.returncode == 0 and found.stdout.strip().isdigit() else None


def zip_time():
    """The time every member of a built zip carries: ``SOURCE_DATE_EPOCH`` (the reproducible-builds
    convention) if set, else the last commit's, else 1980-01-01 (zip's earliest). Never the build's own
    time, so the same files make the same zip; 1980 only as a last resort, since an unpacked kit's
    files then show as "46 years ago"."""
    seconds = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    seconds = int(seconds) if seconds.isdigit() else _last_commit_time()
    if seconds is None:
        return (1980, 1, 1, 0, 0, 0)
    return max((1980, 1, 1, 0, 0, 0), time.gmtime(seconds)[:6])


def _member(name):
    """A zip entry without the build's time and owner: the same files make the same zip."""
    member = zipfile.ZipInfo(name, date_time=zip_time())
    member.compress_type = zipfile.ZIP_DEFLATED
    member.external_attr = (0o755 if name.endswith(("run_autograder", ".sh")) else 0o644) << 16
    return member


def _rewrite_zip(source_zip, out_zip, replacements, drop=()):
    """Copy ``source_zip`` to ``out_zip`` without the members ``drop``, with members replaced or
    added (name -> bytes)."""
    Path(out_zip).parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(source_zip) as source, zipfile.ZipFile(out_zip, "w") as out:
        for item in source.infolist():
            if item.filename not in replacements and item.filename not in drop and not item.is_dir():
                out.writestr(_member(item.filename), source.read(item))
        for name, data in replacements.items():
            out.writestr(_member(name), data)


def is_local_clutter(relative_path):
    """Files that working in a release folder leaves there (Otter's log, bytecode, exported zips)."""
    return "__pycache__" in relative_path.parts or relative_path.name.startswith(".") or relative_path.suffix == ".zip"


def build_student_zip(assignment, out_zip, folder=None):
    """Regenerate the release of ``assignment`` (in ``folder``, default its release folder) and zip it
    as the students download it."""
    folder = release.write_release(assignment, folder)
    Path(out_zip).parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out_zip, "w") as out:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not is_local_clutter(path.relative_to(folder)):
                out.writestr(_member(f"{assignment.name}/{path.relative_to(folder).as_posix()}"), path.read_bytes())
    return Path(out_zip)


def build_all(assignment):
    """Regenerate the release of ``assignment`` and write both its zips into its dist folder; return their paths."""
    return (build_autograder(assignment, assignment.dist / "autograder.zip"),
            build_student_zip(assignment, assignment.dist / "student.zip"))
