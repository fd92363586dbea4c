"""The package pins of pyproject.toml, the one place they are written."""
import re
import tomllib

from autograder import assignment as course

# What a student's own machine needs beside the `student` extra: no grading tools.
STUDENT_PACKAGES = ("numpy", "matplotlib", "otter-grader")


def _pyproject():
    with open(course.ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)


def _project():
    return _pyproject()["project"]


def name_of(pin):
    """``otter-grader[grading]==7.0.0`` -> ``otter-grader``."""
    return re.split(r"[\[=<>;\s]", pin)[0]


def without_extras(pin):
    """``otter-grader[grading]==7.0.0`` -> ``otter-grader==7.0.0``."""
    return re.sub(r"\[[^\]]*\]", "", pin)


def dependencies(exclude=()):
    return [pin for pin in _project()["dependencies"] if name_of(pin) not in exclude]


def extra(name):
    return list(_project()["optional-dependencies"][name])


def everything():
    """Every pin: the dependencies, then each extra's, then the Gradescope image's own."""
    return (dependencies() + [pin for extra_pins in _project()["optional-dependencies"].values() for pin in extra_pins]
            + gradescope_image()["otter-imports"])


def gradescope_image():
    """``[tool.course.gradescope-image]``: which dependencies the image takes, and the pins of what
    ``otter.test_files`` imports (otter-grader itself goes in without its dependencies)."""
    return _pyproject()["tool"]["course"]["gradescope-image"]


def student():
    """The student kit: the runtime pins a student needs, without their grading extras (grader.check,
    the export and pytest need none of them), then the `student` extra."""
    return [without_extras(pin) for pin in dependencies() if name_of(pin) in STUDENT_PACKAGES] + extra("student")
