"""The newest Pythons a TA's or a student's new machine runs, in fresh Debian roots: Debian 13's own
3.13 and Debian forky's 3.14. On each: the README's set-up and its install check, the student kit's
set-up and check.py, and the Gradescope image's setup.sh on the root's Python.

Each root is ``debootstrap --variant=minbase --include=python3-venv,ca-certificates``, made once and
cached beside the harness's Debian 12 root (autograder/grading/harness.py); each run works in a copy,
as root, with the network, in bubblewrap, on a copy of this repository (the files git lists: what a
clone has, plus uncommitted work). Needs root, debootstrap and bubblewrap, and a few minutes: it runs
apart, with ``pytest -m newest_python`` (the README's "What CI runs").
"""
import concurrent.futures
import re
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from autograder import assignment as course
from autograder.build import image
from autograder.build.release import install_command
from autograder.grading import grade, harness
from test_environment import readme_blocks

# One pair of roots serves every test, the per-assignment ones too: they run on one pytest-xdist worker.
pytestmark = [pytest.mark.newest_python, pytest.mark.xdist_group("newest_python")]

# Debian's suite -> the Python its python3 is.
SUITES = {"trixie": "3.13", "forky": "3.14"}
ASSIGNMENTS = course.every()
FIRST = next(a for a in ASSIGNMENTS if not a.other_sources)  # the kit whose README sets up the environment
REPOSITORY = "/repo"  # where the copy of the repository goes in the root
STEP_TIMEOUT = 900


def python_root(suite):
    """The cached Debian root of ``suite`` with python3 and its venv, made on first use (about 70 s here)."""
    try:
        return harness.base_root(suite=suite, include=("python3-venv", "ca-certificates"))
    except harness.Unavailable as error:
        pytest.fail(f"no Debian {suite} root: {error}")


def repository_copy(target):
    """The repository's files as a clone has them, with uncommitted work: what git lists, ignored files left out."""
    listed = subprocess.run(["git", "-C", str(course.ROOT), "ls-files", "-z", "--cached", "--others",
                             "--exclude-standard"], capture_output=True, text=True, check=True).stdout
    for name in filter(None, listed.split("\0")):
        if (course.ROOT / name).is_file():  # a file deleted but not yet committed is listed, and gone
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(course.ROOT / name, target / name)


def network_ready(root):
    """The host's name resolution, and its pip certificate authority where the host has one (these machines
    reach PyPI through a proxy; see harness.py)."""
    for name in ("resolv.conf", "hosts"):
        if Path("/etc", name).is_file():
            shutil.copyfile(Path("/etc", name), root / "etc" / name)
    cert = harness._host_pip_cert()
    if cert:
        shutil.copyfile(cert, root / harness.HARNESS_CA.lstrip("/"))
        (root / "etc" / "pip.conf").write_text(f"[global]\ncert = {harness.HARNESS_CA}\n")


def in_root(root, script, cwd="/"):
    """``script`` (bash, stopping at the first failure) as root in ``root``, with the network."""
    command = ["bwrap", "--bind", str(root), "/", "--proc", "/proc", "--dev", "/dev", "--ro-bind", "/sys", "/sys",
               "--die-with-parent", "--chdir", cwd, "bash", "-c", f"set -euo pipefail\n{script}"]
    started = time.monotonic()
    run = subprocess.run(command, env=harness.ENVIRONMENT, capture_output=True, text=True, timeout=STEP_TIMEOUT)
    run.seconds = time.monotonic() - started
    return run


def readme_setup():
    """The README's set-up, less the whole suite (that runs on the host): ``pip install -e ".[dev]"``."""
    [install, _suite] = readme_blocks()[0]
    return install


def readme_install_check():
    return "\n".join(readme_blocks()[1])


# The assignment the README's install check grades; its autograder zip goes through setup.sh too.
GRADED = course.load(re.search(r"--assignment (\S+)", readme_install_check()).group(1))


def prove(suite, zip_file, place):
    """In a copy of ``suite``'s root: step -> its finished run (output, exit status, seconds)."""
    root = place / "root"
    started = time.monotonic()
    subprocess.run(["cp", "-a", str(python_root(suite)), str(root)], check=True)
    made = time.monotonic() - started
    network_ready(root)
    repository_copy(root / REPOSITORY.lstrip("/"))
    with zipfile.ZipFile(zip_file) as archive:
        archive.extractall(root / image.SOURCE.lstrip("/"))
    kits = {a.name: f"{REPOSITORY}/{a.release.relative_to(course.ROOT)}" for a in ASSIGNMENTS}
    finished_work = " && ".join(f"cp {' '.join(f'{REPOSITORY}/solutions/{a.name}/{name}' for name in a.submitted_files)} "
                                f"{kits[a.name]}/" for a in ASSIGNMENTS)
    steps = {
        "python": ("python3 --version", "/"),
        # The README: a virtual environment, its set-up, its install check.
        "setup": (f"python3 -m venv /venv && source /venv/bin/activate && {readme_setup()}", REPOSITORY),
        "install check": (f"source /venv/bin/activate && {readme_install_check()}", REPOSITORY),
        # The student kit: its README's set-up in a venv of its own (one serves every kit), then check.py.
        "kit setup": (f"python3 -m venv /kit && source /kit/bin/activate && {install_command()}", kits[FIRST.name]),
        **{f"check.py on the stubs of {name}": ('status=0; /kit/bin/python check.py || status=$?; '
                                                'echo "exit status $status"', kit) for name, kit in kits.items()},
        "finished work": (finished_work, "/"),  # every kit's, as a later kit imports an earlier one's modules
        **{f"check.py on finished work of {name}": ("/kit/bin/python check.py", kit) for name, kit in kits.items()},
        # The Gradescope image, as Gradescope builds it.
        "setup.sh": (f"bash {image.SOURCE}/setup.sh", image.SOURCE),
    }
    runs = {name: in_root(root, script, cwd) for name, (script, cwd) in steps.items()}
    print(f"\n== Debian {suite}: root (debootstrap unless cached, then a copy) {made:.0f} s, "
          + ", ".join(f"{name} {run.seconds:.0f} s" for name, run in runs.items()))
    return root, runs


@pytest.fixture(scope="module")
def proven(tmp_path_factory, autograder_zip):
    """suite -> (its root, step -> run). The suites side by side: much of each step is waiting on PyPI."""
    reason = harness.unavailable_reason()
    if reason:
        pytest.skip(f"no Debian root here: {reason}")
    zip_file = autograder_zip(GRADED)
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(SUITES)) as pool:
        found = {suite: pool.submit(prove, suite, zip_file, tmp_path_factory.mktemp(f"debian-{suite}"))
                 for suite in SUITES}
        return {suite: future.result() for suite, future in found.items()}


each_suite = pytest.mark.parametrize("suite", SUITES, ids=[f"{suite}-python{v}" for suite, v in SUITES.items()])


def _tail(run):
    return f"{run.stdout[-2500:]}\n{run.stderr[-2500:]}"


@each_suite
def test_the_root_runs_the_newest_python_of_its_debian(proven, suite):
    _, runs = proven[suite]
    assert runs["python"].stdout.startswith(f"Python {SUITES[suite]}."), runs["python"].stdout


@each_suite
def test_the_readmes_set_up_installs_the_project(proven, suite):
    _, runs = proven[suite]
    assert runs["setup"].returncode == 0, _tail(runs["setup"])


@each_suite
def test_the_readmes_install_check_passes_and_grades_the_reference_100_and_the_stubs_0(proven, suite):
    root, runs = proven[suite]
    assert runs["install check"].returncode == 0, _tail(runs["install check"])
    reference, stubs = grade.submission_names([f"{REPOSITORY}/solutions/{GRADED.name}",
                                               f"{REPOSITORY}/assignments/{GRADED.name}"])
    gradebook = (root / "tmp" / "install-check" / "grades.csv").read_text().splitlines()
    totals = {row.split(",")[0]: row.split(",")[6] for row in gradebook[1:]}
    assert gradebook[0].split(",")[6] == "total" and totals == {reference: "100", stubs: "0"}, gradebook


@each_suite
@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=course.names())
def test_the_student_kit_installs_and_check_py_explains_the_stubs_and_passes_finished_work(proven, suite, assignment):
    _, runs = proven[suite]
    assert runs["kit setup"].returncode == 0, _tail(runs["kit setup"])
    stubs = runs[f"check.py on the stubs of {assignment.name}"]
    assert "exit status 1" in stubs.stdout and "Traceback" not in stubs.stdout + stubs.stderr, _tail(stubs)
    assert "is not implemented yet" in stubs.stdout
    assert runs["finished work"].returncode == 0, _tail(runs["finished work"])
    finished = runs[f"check.py on finished work of {assignment.name}"]
    assert finished.returncode == 0, _tail(finished)
    assert finished.stdout.count("all public checks passed") == len(assignment.questions), _tail(finished)


@each_suite
def test_setup_sh_builds_the_gradescope_image_on_the_roots_own_python(proven, suite):
    _, runs = proven[suite]
    setup = runs["setup.sh"]
    assert setup.returncode == 0 and "== setup.sh: done" in setup.stdout, _tail(setup)
    assert f"using /usr/bin/python3 (Python {SUITES[suite]})" in setup.stdout
