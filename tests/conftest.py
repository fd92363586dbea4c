import os
import sys

# Before numpy loads: OpenBLAS's threads spin while they wait, so with one pytest-xdist worker per core
# (or a grading job beside the tests) they fight for the cores: a training run measured 6.4 s alone,
# 46 s with a second one beside it, 5.5 s each on one thread. The course's matrices are small.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

from autograder import assignment as course
from buglib import made_once
from notebook_figures import recorded, recording


# The same examples on every machine: CI runs once, on a fresh one, and must not
# meet an example no run here has seen. Random examples: pytest --hypothesis-profile=default.
settings.register_profile("deterministic", derandomize=True, deadline=None)  # no timing in tests
settings.load_profile("deterministic")

# The reference solutions are flat modules (recurrence, bptt, gru, ...), as in the student releases.
for _assignment in reversed(course.every()):
    sys.path.insert(0, str(_assignment.source))


# Each zip's build runs Otter and re-runs every known mistake on every case: once per run (across
# pytest-xdist's workers too), for every test file that grades with it or reads it. Tests read the zips;
# none may change them.
@pytest.fixture(scope="session")
def autograder_zip(tmp_path_factory):
    """zip_of(assignment): its Gradescope autograder zip, as `python -m autograder build` makes it."""
    from autograder.build import package

    return made_once(tmp_path_factory, "autograder",
                     lambda assignment, folder: package.build_autograder(assignment, folder / "autograder.zip"))


@pytest.fixture(scope="session")
def student_zip(tmp_path_factory):
    """zip_of(assignment): its student kit's zip, as `python -m autograder build` makes it."""
    from autograder.build import package

    return made_once(tmp_path_factory, "student", lambda assignment, folder: package.build_student_zip(
        assignment, folder / "student.zip", folder=folder / assignment.name))


@pytest.fixture(scope="session")
def solved_notebook(tmp_path_factory):
    """run(assignment): (folder, executed notebook) of its notebook run headless with the reference solutions
    (every assignment's, side by side as the course's zips unpack), run once per test run."""
    from autograder.build import notebook
    from autograder.build.release import course_copy

    def run(assignment, root):
        folder = course_copy(root / "course", solutions=True) / assignment.name
        return folder, notebook.execute(assignment, folder, env=recording(root))

    return made_once(tmp_path_factory, "solved", run)


@pytest.fixture(scope="session")
def solved_figures(solved_notebook):
    """figures(assignment): the matplotlib figures its notebook showed in ``solved_notebook``'s run, in order."""
    def figures(assignment):
        folder, _ = solved_notebook(assignment)
        return recorded(folder.parent.parent)

    return figures


@pytest.fixture(scope="session")
def exported_submission(solved_notebook):
    """export(assignment): the zip that its notebook's export cell wrote in that run."""
    def export(assignment):
        folder, _ = solved_notebook(assignment)
        [exported] = folder.glob(f"{assignment.name}_*.zip")
        return exported

    return export


def _assignment_of(item):
    """The name of the assignment a test is parametrized with, if any (alone, or inside a tuple)."""
    names = set(course.names())
    for value in getattr(getattr(item, "callspec", None), "params", {}).values():
        for part in value if isinstance(value, tuple) else (value,):
            if isinstance(part, course.Assignment):
                return part.name
            if isinstance(part, str) and part in names:
                return part
    return None


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which reads the groups into the test ids
def pytest_collection_modifyitems(config, items):
    """Spread the tests over pytest-xdist's workers (--dist loadgroup) by module and assignment.

    A module's tests of one assignment run on one worker, so its per-assignment work (a library graded,
    a notebook's figures read) is done once; a module whose fixtures serve every assignment at once
    names its own group (``pytestmark = pytest.mark.xdist_group(...)``)."""
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            module = item.nodeid.split("::")[0]
            assignment = _assignment_of(item)
            # No "]" in a group's name: xdist takes a name ending in one for a parametrized id, not a group.
            item.add_marker(pytest.mark.xdist_group(f"{module}:{assignment}" if assignment else module))
