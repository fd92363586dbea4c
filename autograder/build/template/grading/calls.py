"""How the checks call the student's functions (provided, not graded).

``procedures.py`` (the course's, beside this file) holds what every
assignment shares: loading the student's modules, calling a function with its
failures explained, describing what came back. This module names the
assignment's modules and functions and, per kind of check (the first part of a
case's name in ``cases.py``), the procedure that calls the student's code and
names its outputs. It ships with the checks (in the release and in the
autograder); the grader's workers run it next to the student's code.
"""
from procedures import returns

# Every module of the student's folder that the checks import (to reload them fresh, to preload them).
STUDENT_MODULES = ("softmax",)
# Each graded function -> its module.
FUNCTIONS = {"softmax": "softmax"}
# Kind of case -> procedure: ``returns(function, output names...)`` calls the function with the case's
# inputs (by name) and names what it returns; write your own function for anything more (see
# the other assignments' calls.py: a backward pass called after its forward, a tuple unpacked).
PROCEDURES = {"softmax": returns("softmax", "probs")}
# Kind of case -> the modules it imports, when they are not FUNCTIONS[kind]'s alone.
MODULES_OF = {}
