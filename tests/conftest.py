import sys

import pytest
from hypothesis import settings

from autograder import paths

# The same examples on every machine: CI runs once, on a fresh one, and must not
# meet an example no run here has seen. Random examples: pytest --hypothesis-profile=default.
settings.register_profile("deterministic", derandomize=True)
settings.load_profile("deterministic")

# The reference solutions are flat modules (recurrence, bptt, ...), as in the student release.
sys.path.insert(0, str(paths.SOLUTIONS))


@pytest.fixture(scope="session")
def exported_submission(tmp_path_factory):
    """The zip that the notebook's export cell writes, after a run with the reference solutions."""
    from autograder import notebook
    from autograder.release import student_copy

    folder = student_copy(tmp_path_factory.mktemp("exported") / paths.ASSIGNMENT, paths.SOLUTIONS)
    notebook.execute(folder)
    [exported] = folder.glob(f"{paths.ASSIGNMENT}_*.zip")
    return exported
