import sys

from hypothesis import settings

from autograder import paths

# The same examples on every machine: CI runs once, on a fresh one, and must not
# meet an example no run here has seen. Random examples: pytest --hypothesis-profile=default.
settings.register_profile("deterministic", derandomize=True)
settings.load_profile("deterministic")

# The reference solutions are flat modules (recurrence, bptt, ...), as in the student release.
sys.path.insert(0, str(paths.SOLUTIONS))
