"""The Gradescope image: a lean setup.sh made from the pins, proven in a Gradescope-like container.

The tests marked ``gradescope_container`` stand the image up for real (``autograder/grading/harness.py``:
a fresh Debian root, setup.sh as root, run_autograder per submission, in a container that allows
namespaces and in a plain chroot that refuses them). They need root, debootstrap and bubblewrap,
and run apart: ``pytest -m gradescope_container`` (CI does; see docs/instructors.md).
"""
import concurrent.futures
import json
import re
import subprocess
import time
import zipfile

import pytest

import buglib
from autograder import assignment as course
from autograder import pins
from autograder.build import image
from autograder.grading import harness, written
from autograder.build.release import student_copy

ASSIGNMENTS = course.every()
# One image and one grading run of every assignment serve all the tests: they run on one pytest-xdist worker.
pytestmark = pytest.mark.xdist_group("gradescope_image")


@pytest.fixture(scope="module")
def built_zips(autograder_zip):
    return {a.name: autograder_zip(a) for a in ASSIGNMENTS}


def test_setup_sh_installs_the_pinned_wheels_and_nothing_of_otters_conda_image():
    setup = image.setup_sh()
    for pin in image.requirements() + image.requirements_no_deps():
        assert pin in setup
    for absent in ("miniforge", "mamba", "conda", "playwright", "chromium", "libgit2", "r-base", "wget", "curl"):
        assert absent not in setup.lower(), absent
    assert subprocess.run(["bash", "-n"], input=setup, text=True).returncode == 0
    assert subprocess.run(["bash", "-n"], input=image.run_autograder(), text=True).returncode == 0


def test_setup_sh_takes_the_images_python_when_the_project_supports_it_else_the_newest_packaged():
    """3.11 to 3.14, newest first: a Debian 13 image's own 3.13 is used; one without Python gets the
    distribution's newest (python3.11 is no package of Debian 13 at all)."""
    setup = image.setup_sh()
    assert "sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 14))" in setup
    assert "for candidate in python3 python3.14 python3.13 python3.12 python3.11; do" in setup
    assert 'for version in 3.14 3.13 3.12 3.11; do\n        if apt-cache show "python$version-venv"' in setup
    assert "apt_install python3.11" not in setup


def test_the_images_pins_are_the_projects():
    assert image.requirements() == [p for p in pins.dependencies()
                                    if pins.name_of(p) in ("numpy", "matplotlib", "nbformat")]
    otter = next(p for p in pins.dependencies() if pins.name_of(p) == "otter-grader")
    assert image.requirements_no_deps()[0] == pins.without_extras(otter) == "otter-grader==7.0.0"


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=course.names())
def test_the_zip_carries_the_lean_image_at_its_root(built_zips, assignment):
    with zipfile.ZipFile(built_zips[assignment.name]) as archive:
        names = set(archive.namelist())
        assert {"setup.sh", "run_autograder", image.REQUIREMENTS, image.REQUIREMENTS_NO_DEPS} <= names
        assert "environment.yml" not in names
        assert archive.read("setup.sh").decode() == image.setup_sh()
        for name in ("setup.sh", "run_autograder"):
            assert (archive.getinfo(name).external_attr >> 16) & 0o111, name


def test_every_zip_gives_setup_sh_the_same_inputs(built_zips):
    """The pins are the project's: one image serves every assignment (the container's tests build it once)."""
    first, *others = ASSIGNMENTS
    for assignment in others:
        assert harness.image_inputs(built_zips[assignment.name]) == harness.image_inputs(built_zips[first.name])


# ------------------------------------------------------------ in the container
container = pytest.mark.gradescope_container
# What a submission may guess of Gradescope's layout: where the results go.
VALUES = {"OUT": "/autograder/results", "FORGE_TARGET": "/autograder/results/results.json"}
ANSWER = "The forget gate's path multiplies by f alone: **no** tanh slope, so $\\prod f$ stays large."


def export_zip(assignment, target):
    """What the notebook's export cell writes: the notebook, an answer typed in each written question, the files."""
    import nbformat

    from autograder.build import notebook

    nb = notebook.notebook(assignment)
    for cell in nb.cells:
        if cell.source == written.PLACEHOLDER:
            cell.source = ANSWER
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr(assignment.notebook, nbformat.writes(nb))
        for name in assignment.submitted_files:
            archive.write(assignment.source / name, name)
    return target


def expected(assignment, entry):
    return {q: float(entry.get("scores", {}).get(q, p)) for q, p in assignment.points.items()}


def grade_in_container(assignment, box, root):
    """(submission, mode) -> (Graded, expected scores) of one assignment, in its image ``box``."""
    full = dict(assignment.points)
    bugs = buglib.load(assignment)
    first_bug = next(iter(bugs))
    hostile = buglib.load(assignment, buglib.HOSTILE)
    export = export_zip(assignment, root / "export.zip")
    inside_folder = root / "export-in-a-folder"
    inside_folder.mkdir()
    export_zip(assignment, inside_folder / "my_submission.zip")
    submissions = {
        "reference": (student_copy(assignment, root / "reference", assignment.source), full),
        "stubs": (student_copy(assignment, root / "stubs"), {q: 0.0 for q in full}),
        "export": (export, full),
        "export-in-a-folder": (inside_folder, full),
        f"bug:{first_bug}": (buglib.write_submission(assignment, bugs[first_bug], root / first_bug),
                             expected(assignment, bugs[first_bug])),
        "unreadable": (root / "unreadable.zip", {q: 0.0 for q in full}),  # graded as `grade` does: 0, error
    }
    (root / "unreadable.zip").write_bytes(b"not a zip file")
    for name in (name for name, entry in hostile.items() if entry.get("container")):  # each library's sample
        submissions[f"hostile:{name}"] = (buglib.write_submission(assignment, hostile[name], root / name, VALUES),
                                          expected(assignment, hostile[name]))
    rows = {}
    for name, (path, scores) in submissions.items():
        for mode in harness.MODES:
            graded = box.grade(path, mode, name)
            if hostile.get(name.removeprefix("hostile:"), {}).get("forges"):  # its writer had time to try again
                time.sleep(3)
                graded.after = (box.root / "autograder" / "results" / "results.json").read_text()
            rows[name, mode] = graded, {q: float(s) for q, s in scores.items()}
    return rows


@pytest.fixture(scope="module")
def graded_in_container(built_zips, tmp_path_factory):
    """Per assignment: (setup.sh's seconds, MB the image added, (submission, mode) -> (Graded, expected scores)).

    setup.sh builds the first assignment's image from the pins alone; every zip carrying the same setup.sh
    and requirements starts from a copy of it and runs its own setup.sh there (which finds everything in
    place). The assignments are then graded side by side: most of the time is the hostile samples' time
    limits running out, not the cores."""
    reason = harness.unavailable_reason()
    if reason:
        pytest.skip(f"no Gradescope-like container here: {reason}")
    first, *others = ASSIGNMENTS
    images = {first.name: harness.Image(built_zips[first.name])}
    try:
        for a in others:
            same = harness.image_inputs(built_zips[a.name]) == harness.image_inputs(built_zips[first.name])
            images[a.name] = harness.Image(built_zips[a.name], start_from=images[first.name] if same else None)
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(ASSIGNMENTS)) as pool:
            running = {a.name: pool.submit(grade_in_container, a, images[a.name],
                                           tmp_path_factory.mktemp(f"container-{a.name}")) for a in ASSIGNMENTS}
            every = {}
            for name, future in running.items():
                box, rows = images[name], future.result()
                print(f"\n== {name}\n{harness.table(box, [g for g, _ in rows.values()])}")
                every[name] = box.setup_seconds, box.image_mb - box.base_mb, rows
        return every
    finally:
        for box in images.values():
            box.close()


def _rows(graded_in_container):
    return [(a, key, row) for a, (_, _, rows) in graded_in_container.items() for key, row in rows.items()]


@container
def test_every_submission_gets_its_scores_and_a_valid_results_json_in_both_modes(graded_in_container):
    for assignment, (name, mode), (graded, scores) in _rows(graded_in_container):
        assert graded.problems == [], (assignment, name, mode, graded.problems, graded.stdout[-2000:])
        got = {t["name"]: t["score"] for t in graded.report["tests"] if "max_score" in t}
        assert got == scores, (assignment, name, mode, graded.stdout[-2000:])
        assert graded.score == sum(scores.values())


@container
def test_the_image_is_built_by_setup_sh_alone_and_stays_lean(graded_in_container):
    for assignment, (seconds, added_mb, _) in graded_in_container.items():
        assert added_mb < 600, (assignment, added_mb)  # Otter's conda image: about 2 GB


@container
def test_written_answers_reach_the_graders_beside_the_score(graded_in_container):
    for assignment in ASSIGNMENTS:
        rows = graded_in_container[assignment.name][2]
        for mode in harness.MODES:
            for name in ("export", "export-in-a-folder"):
                tests = rows[name, mode][0].report["tests"]
                shown = [t for t in tests if t["name"].startswith("Written answer: ")]
                assert [t["name"].split()[2] for t in shown] == [q.name for q in assignment.written]
                for t in shown:
                    assert t["output"] == ANSWER and t["output_format"] == "md" and t["visibility"] == "visible"
                    assert "score" not in t and "max_score" not in t
            untouched = [t for t in rows["reference", mode][0].report["tests"] if t["name"].startswith("Written answer: ")]
            assert untouched and all("placeholder is still there" in t["output"] for t in untouched)
            bug = next(name for name in {n for n, _ in rows} if name.startswith("bug:"))  # five files, no notebook
            plain = [t for t in rows[bug, mode][0].report["tests"] if t["name"].startswith("Written answer: ")]
            assert plain and all("no notebook in the submission" in t["output"] for t in plain)


@container
def test_students_never_read_about_the_sandbox_but_the_instructors_log_does(graded_in_container):
    for assignment, (name, mode), (graded, _) in _rows(graded_in_container):
        assert "sandbox without" not in json.dumps(graded.report), (assignment, name, mode)
    for assignment in ASSIGNMENTS:
        stdout = graded_in_container[assignment.name][2]["reference", "chroot"][0].stdout
        assert re.search(r"sandbox without .*namespaces", stdout), stdout[-1000:]


@container
def test_a_forged_results_json_never_stands(graded_in_container):
    forged = [(assignment.name, name) for assignment in ASSIGNMENTS
              for name, entry in buglib.load(assignment, buglib.HOSTILE).items() if entry.get("container") and entry.get("forges")]
    assert forged
    for assignment_name, name in forged:
        for mode in harness.MODES:
            graded, scores = graded_in_container[assignment_name][2][f"hostile:{name}", mode]
            assert json.loads(graded.after) == graded.report and graded.report["score"] == sum(scores.values())
