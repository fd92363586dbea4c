import sys

import pytest
from hypothesis import settings

from autograder import assignment as course
from buglib import built_once
from notebook_figures import recorded, recording


# The same examples on every machine: CI runs once, on a fresh one, and must not
# meet an example no run here has seen. Random examples: pytest --hypothesis-profile=default.
settings.register_profile("deterministic", derandomize=True, deadline=None)  # no timing in tests
settings.load_profile("deterministic")

# The reference solutions are flat modules (recurrence, bptt, gru, ...), as in the student releases.
for _assignment in reversed(course.every()):
    sys.path.insert(0, str(_assignment.source))


# Each zip's build runs Otter and re-runs every known mistake on every case: once per session, for
# every test file that grades with it or reads it. Tests read the zips; none may change them.
@pytest.fixture(scope="session")
def autograder_zip(tmp_path_factory):
    """zip_of(assignment): its Gradescope autograder zip, as `python -m autograder build` makes it."""
    from autograder.build import package

    return built_once(lambda assignment: package.build_autograder(
        assignment, tmp_path_factory.mktemp(f"autograder-{assignment.name}") / "autograder.zip"))


@pytest.fixture(scope="session")
def student_zip(tmp_path_factory):
    """zip_of(assignment): its student kit's zip, as `python -m autograder build` makes it."""
    from autograder.build import package

    def build(assignment):
        folder = tmp_path_factory.mktemp(f"student-{assignment.name}")
        return package.build_student_zip(assignment, folder / "student.zip", folder=folder / assignment.name)

    return built_once(build)


@pytest.fixture(scope="session")
def solved_notebook(tmp_path_factory):
    """run(assignment): (folder, executed notebook) of its notebook run headless with the reference solutions
    (every assignment's, side by side as the course's zips unpack), run once per assignment."""
    from autograder.build import notebook
    from autograder.build.release import course_copy

    made = {}

    def run(assignment):
        if assignment.name not in made:
            root = tmp_path_factory.mktemp("solved")
            folder = course_copy(root / "course", solutions=True) / assignment.name
            made[assignment.name] = folder, notebook.execute(assignment, folder, env=recording(root))
        return made[assignment.name]

    return run


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
