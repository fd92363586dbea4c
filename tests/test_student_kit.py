"""The student kit alone sets a student up: a fresh venv with only its requirements.txt
runs check.py, pytest and the notebook, and the notebook's last cell packs the upload."""
import subprocess
import sys
import venv
import zipfile

import pytest
import yaml

import buglib

from autograder import assignment as course
from autograder import pins
from autograder.build.release import environment_yml, install_command, requirements_txt

ASSIGNMENTS = course.every()
# One venv (the `kit` fixture) serves every assignment's tests: they run on one pytest-xdist worker.
pytestmark = pytest.mark.xdist_group("student_kit")
# The kit whose README sets up the environment: one that needs no other kit beside it.
FIRST = next(a for a in ASSIGNMENTS if not a.other_sources)


def test_the_kit_pins_what_a_student_needs_and_no_grading_tools():
    assert all((a.release / "requirements.txt").read_text() == requirements_txt() for a in ASSIGNMENTS)
    names = [pins.name_of(pin) for pin in pins.student()]
    assert {"numpy", "matplotlib", "pandas", "nbconvert", "pytest", "jupyterlab"} <= set(names)
    assert not {"torch", "hypothesis", "tqdm", "playwright", "otter-grader"} & set(names)
    assert not any("webpdf" in pin for pin in pins.student())
    assert pins.student_otter() == "otter-grader==7.0.0"


def setup_commands(assignment):
    """The pip commands of the kit README's set-up, each as an argument list for ``python -m pip``."""
    readme = (assignment.release / "README.md").read_text()
    [line] = [line for line in readme.splitlines() if line.startswith("pip install")]
    return [command.split()[1:] for command in line.split("&&")]


def test_every_kits_readme_installs_what_the_build_pins():
    for assignment in course.every():
        readme = (assignment.release / "README.md").read_text()
        assert install_command() in readme and f"pip install --no-deps {pins.student_otter()}" in readme


def test_every_kits_readme_names_the_projects_pythons():
    versions = pins.python_versions()
    for assignment in course.every():
        assert f"Python {versions[0]} to {versions[-1]}:" in (assignment.release / "README.md").read_text()


def test_one_environment_serves_every_assignment():
    kits = {(assignment.release / "requirements.txt").read_text() for assignment in course.every()}
    conda = {(assignment.release / "environment.yml").read_text() for assignment in course.every()}
    assert len(kits) == 1 and len(conda) == 1


def test_the_conda_file_pins_the_same_packages():
    environment = yaml.safe_load(environment_yml())
    pip = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert pip == pins.student()
    assert pins.conda_python() in environment["dependencies"]  # the project's range, not one Python


@pytest.fixture(scope="module")
def kit(tmp_path_factory, student_zip):
    """The unpacked student.zips, side by side, and a venv that has nothing but the first one's requirements.txt,
    installed from the network as its README says."""
    root = tmp_path_factory.mktemp("kit")
    for assignment in ASSIGNMENTS:
        with zipfile.ZipFile(student_zip(assignment)) as z:
            z.extractall(root / "unpacked")
    folder = root / "unpacked" / FIRST.name
    venv.create(root / "venv", with_pip=True)
    python = root / "venv" / "bin" / "python"
    for command in setup_commands(FIRST):  # the README's own, without byte-compiling all ~570 MB
        # installed: Python compiles what the kit imports when it imports it
        subprocess.run([python, "-m", "pip", *command, "-q", "--disable-pip-version-check", "--no-compile"],
                       cwd=folder, check=True, capture_output=True)
    return folder, python


def run(python, *args, folder):
    return subprocess.run([python, *args], cwd=folder, capture_output=True, text=True, timeout=600)


@pytest.mark.network
def test_check_py_runs_in_the_kit_and_explains_the_stubs(kit):
    folder, python = kit
    result = run(python, "check.py", FIRST.question_names[0], folder=folder)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert "NotImplementedError" in result.stdout or "not implemented" in result.stdout.lower()


@pytest.mark.network
def test_pytest_and_the_notebook_run_in_the_kit_with_finished_work(kit, tmp_path):
    folder, python = kit
    for name in FIRST.submitted_files:
        (folder / name).write_bytes((FIRST.source / name).read_bytes())
    tests = run(python, "-m", "pytest", folder=folder)
    assert tests.returncode == 0, tests.stdout[-2000:]
    notebook = run(python, "-m", "jupyter", "execute", FIRST.notebook, folder=folder)
    assert notebook.returncode == 0, notebook.stderr[-2000:]
    [upload] = folder.glob(f"{FIRST.name}_*.zip")
    with zipfile.ZipFile(upload) as z:
        assert {FIRST.notebook, *FIRST.submitted_files} <= set(z.namelist())


@pytest.mark.network
@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=course.names())
def test_the_first_kits_environment_runs_every_kit(kit, assignment):
    folder, python = kit
    for finished in ASSIGNMENTS:  # a later kit imports an earlier one's modules
        for name in finished.submitted_files:
            (folder.parent / finished.name / name).write_bytes((finished.source / name).read_bytes())
    tests = run(python, "-m", "pytest", folder=folder.parent / assignment.name)
    assert tests.returncode == 0, tests.stdout[-2000:]
    check = run(python, "check.py", folder=folder.parent / assignment.name)
    assert check.returncode == 0 and check.stdout.count("all public checks passed") == len(assignment.questions), \
        check.stdout[-2000:]


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=course.names())
def test_a_package_the_grader_lacks_fails_the_local_checks_with_the_graders_message(tmp_path, assignment):
    """pandas is installed here (Otter needs it), not on the Gradescope image: check.py says what the grader will."""
    from autograder.build.release import student_copy

    question = next(q for q in assignment.questions if not q.script)
    folder = student_copy(assignment, tmp_path / "work", assignment.source)
    buglib.write_submission(assignment, {"file": question.file, "inject": "import pandas  # noqa: F401\n"}, folder)
    check = run(sys.executable, "check.py", question.name, folder=folder)
    assert check.returncode == 1, check.stdout[-2000:]
    assert f"{question.file} could not be imported: ModuleNotFoundError: No module named 'pandas': the grader has " \
           "Python's standard library, numpy and matplotlib, not pandas" in " ".join(check.stdout.split()), \
        check.stdout[-2000:]
