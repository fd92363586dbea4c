import sys

import pytest
from hypothesis import settings

from autograder import assignment as course


# The same examples on every machine: CI runs once, on a fresh one, and must not
# meet an example no run here has seen. Random examples: pytest --hypothesis-profile=default.
settings.register_profile("deterministic", derandomize=True, deadline=None)  # no timing in tests
settings.load_profile("deterministic")

# The reference solutions are flat modules (recurrence, bptt, gru, ...), as in the student releases.
for _assignment in reversed(course.every()):
    sys.path.insert(0, str(_assignment.source))


@pytest.fixture(scope="session")
def solved_notebook(tmp_path_factory):
    """run(assignment): (folder, executed notebook) of its notebook run headless with the reference solutions
    (every assignment's, side by side as the course's zips unpack), run once per assignment."""
    from autograder.build import notebook
    from autograder.build.release import course_copy

    made = {}

    def run(assignment):
        if assignment.name not in made:
            folder = course_copy(tmp_path_factory.mktemp("solved"), solutions=True) / assignment.name
            made[assignment.name] = folder, notebook.execute(assignment, folder)
        return made[assignment.name]

    return run


@pytest.fixture(scope="session")
def exported_submission(solved_notebook):
    """export(assignment): the zip that its notebook's export cell wrote in that run."""
    def export(assignment):
        folder, _ = solved_notebook(assignment)
        [exported] = folder.glob(f"{assignment.name}_*.zip")
        return exported

    return export
