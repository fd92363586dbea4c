import sys

import pytest
from hypothesis import settings

from autograder import assignment as course

RNN = course.load("rnn_shortcomings")

# The same examples on every machine: CI runs once, on a fresh one, and must not
# meet an example no run here has seen. Random examples: pytest --hypothesis-profile=default.
settings.register_profile("deterministic", derandomize=True)
settings.load_profile("deterministic")

# The reference solutions are flat modules (recurrence, bptt, ...), as in the student release.
sys.path.insert(0, str(RNN.source))


@pytest.fixture(scope="session")
def exported_submission(tmp_path_factory):
    """The zip that the notebook's export cell writes, after a run with the reference solutions."""
    from autograder import notebook
    from autograder.release import student_copy

    folder = student_copy(RNN, tmp_path_factory.mktemp("exported") / RNN.name, RNN.source)
    notebook.execute(RNN, folder)
    [exported] = folder.glob(f"{RNN.name}_*.zip")
    return exported
