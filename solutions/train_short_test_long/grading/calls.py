"""How the checks call the student's functions (provided, not graded).

``procedures.py`` (the course's, beside this file) holds what every
assignment shares: loading the student's modules, calling a function with its
failures explained, describing what came back, running a forward then its
backward. This module declares, as one ``SPEC`` (the API of ``plugin.py``),
the assignment's procedures: per kind of check (the first part of a case's
name in ``cases.py``), the procedure that calls the student's code and names
its outputs. The modules and functions are the manifest's (assignment.toml).
It ships with the checks (in the release and in the autograder); the
grader's workers run it next to the student's code.
"""
from plugin import Spec
from procedures import returns

SPEC = Spec(
    # Kind of case -> procedure: ``returns(function, output names...)`` calls the function with the case's
    # inputs (by name) and names what it returns; write your own function for anything more. A forward
    # with a backward pass is declared with a ``Backward`` (see plugin.py and the other assignments).
    procedures={"softmax": returns("softmax", "probs")},
)
