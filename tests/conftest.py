import sys

from autograder import paths

# The reference solutions are flat modules (recurrence, bptt, ...), as in the student release.
sys.path.insert(0, str(paths.SOLUTIONS))
