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
from autograder.build import package
from autograder.build.release import environment_yml, install_command, requirements_txt

RNN = course.load("rnn_shortcomings")


def test_the_kit_pins_what_a_student_needs_and_no_grading_tools():
    assert (RNN.release / "requirements.txt").read_text() == requirements_txt()
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
def kit(tmp_path_factory):
    """The unpacked student.zips, side by side, and a venv that has nothing but the first one's requirements.txt."""
    root = tmp_path_factory.mktemp("kit")
    for assignment in course.every():
        built = package.build_student_zip(assignment, root / f"{assignment.name}.zip", folder=root / "build" / assignment.name)
        with zipfile.ZipFile(built) as z:
            z.extractall(root / "unpacked")
    folder = root / "unpacked" / RNN.name
    venv.create(root / "venv", with_pip=True)
    python = root / "venv" / "bin" / "python"
    for command in setup_commands(RNN):  # the README's own
        subprocess.run([python, "-m", "pip", *command, "-q", "--disable-pip-version-check"],
                       cwd=folder, check=True, capture_output=True)
    return folder, python


def run(python, *args, folder):
    return subprocess.run([python, *args], cwd=folder, capture_output=True, text=True, timeout=600)


def test_check_py_runs_in_the_kit_and_explains_the_stubs(kit):
    folder, python = kit
    result = run(python, "check.py", "recurrence", folder=folder)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert "NotImplementedError" in result.stdout or "not implemented" in result.stdout.lower()


def test_pytest_and_the_notebook_run_in_the_kit_with_finished_work(kit, tmp_path):
    folder, python = kit
    for name in RNN.submitted_files:
        (folder / name).write_bytes((RNN.source / name).read_bytes())
    tests = run(python, "-m", "pytest", folder=folder)
    assert tests.returncode == 0, tests.stdout[-2000:]
    notebook = run(python, "-m", "jupyter", "execute", f"{RNN.name}.ipynb", folder=folder)
    assert notebook.returncode == 0, notebook.stderr[-2000:]
    [upload] = folder.glob(f"{RNN.name}_*.zip")
    with zipfile.ZipFile(upload) as z:
        assert {f"{RNN.name}.ipynb", *RNN.submitted_files} <= set(z.namelist())


def test_the_first_kits_environment_runs_the_second_kit(kit):
    folder, python = kit
    second = course.load("beyond_recurrence")
    for assignment in (RNN, second):
        for name in assignment.submitted_files:
            (folder.parent / assignment.name / name).write_bytes((assignment.source / name).read_bytes())
    tests = run(python, "-m", "pytest", folder=folder.parent / second.name)
    assert tests.returncode == 0, tests.stdout[-2000:]
    check = run(python, "check.py", folder=folder.parent / second.name)
    assert check.returncode == 0 and check.stdout.count("all public checks passed") == len(second.questions), \
        check.stdout[-2000:]


def test_check_py_pytest_and_grader_check_give_one_verdict_on_a_failing_zero_point_check(tmp_path):
    """The bias left out of rnn_step fails a 0-point public check of bptt: every tool says so."""
    import buglib
    from autograder.build.release import student_copy

    folder = student_copy(RNN, tmp_path / "work", RNN.source)
    buglib.write_submission(RNN, buglib.load(RNN)["missing_bias"], folder)
    check = run(sys.executable, "check.py", "bptt", folder=folder)
    assert check.returncode == 1 and "all public checks passed" not in check.stdout, check.stdout[-2000:]
    tests = run(sys.executable, "-m", "pytest", "-q", "-k", "bptt", "-p", "no:cacheprovider", folder=folder)
    assert tests.returncode == 1, tests.stdout[-2000:]
    in_notebook = run(sys.executable, "-c", "import otter; r = otter.Notebook(tests_dir='tests').check('bptt'); "
                      "print(all(c.passed for c in r.test_case_results))", folder=folder)
    assert in_notebook.stdout.strip().endswith("False"), in_notebook.stdout[-2000:]


def test_an_unfinished_first_assignment_is_named_where_it_raises(tmp_path):
    """The second kit beside the first one's stubs: a check names the stub's file and line, through
    earlier.py, and the line of the student's own file that called it, not the function it checked."""
    from autograder.build.release import student_copy

    second = course.load("beyond_recurrence")
    student_copy(RNN, tmp_path / RNN.name)
    folder = student_copy(second, tmp_path / second.name, second.source)
    check = run(sys.executable, "check.py", "gradient_paths", folder=folder)
    assert "rnn_path_norms stopped: rnn_forward is not implemented yet" in check.stdout, check.stdout[-3000:]
    assert f"../{RNN.name}/recurrence.py, line " in check.stdout
    assert "reached from gradient_paths.py, line " in check.stdout


def test_a_package_the_grader_lacks_fails_the_local_checks_with_the_graders_message(tmp_path):
    """pandas is installed here (Otter needs it), not on the Gradescope image: check.py says what the grader will."""
    import buglib
    from autograder.build.release import student_copy

    folder = student_copy(RNN, tmp_path / "work", RNN.source)
    buglib.write_submission(RNN, buglib.load(RNN, buglib.HOSTILE)["imports_a_package_the_grader_lacks"], folder)
    check = run(sys.executable, "check.py", "lstm", folder=folder)
    assert check.returncode == 1, check.stdout[-2000:]
    assert "lstm.py could not be imported: ModuleNotFoundError: No module named 'pandas': the grader has Python's " \
           "standard library, numpy and matplotlib, not pandas" in " ".join(check.stdout.split()), check.stdout[-2000:]


def test_check_py_answers_help_and_shows_each_checks_points_and_the_questions_total(tmp_path):
    from autograder.build.release import student_copy

    folder = student_copy(RNN, tmp_path / "work")
    usage = run(sys.executable, "check.py", "--help", folder=folder)
    assert usage.returncode == 0 and "usage: python check.py [QUESTION ...]" in usage.stdout
    assert all(q in usage.stdout for q in RNN.question_names) and "20 points   recurrence.py" in usage.stdout
    assert max(map(len, usage.stdout.splitlines())) <= 100
    unknown = run(sys.executable, "check.py", "--nope", folder=folder)
    assert unknown.returncode == 1 and "unknown question(s): --nope" in unknown.stderr
    stubs = run(sys.executable, "check.py", "recurrence", folder=folder)
    assert stubs.returncode == 1 and "❌ rnn_step_small_batch (3 pts)" in stubs.stdout
    assert buglib.says("recurrence: some public checks failed: 0 pts of the 10 pts its public checks are worth "
                       "(the question is worth 20 pts; hidden checks decide the rest)", stubs.stdout)
    assert max(map(len, stubs.stdout.splitlines())) <= 110, stubs.stdout


def test_the_second_kit_alone_says_once_why_the_first_assignment_is_missing(tmp_path):
    """Unpacked away from the first kit, every gradient_paths check fails for one reason: the first says
    it in full, without fragments of source code, and the others point back to it."""
    from autograder.build.release import student_copy

    second = course.load("beyond_recurrence")
    folder = student_copy(second, tmp_path / second.name, second.source)
    check = run(sys.executable, "check.py", "gradient_paths", folder=folder)
    assert check.stdout.count("were found neither in") == 1, check.stdout
    assert check.stdout.count("(the same failure as last_step_upstream_small, above)") >= 3, check.stdout
    assert "raise ImportError(" not in check.stdout and "noqa" not in check.stdout, check.stdout
    assert "reached from gradient_paths.py, line " in check.stdout
