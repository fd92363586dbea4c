"""The package pins of pyproject.toml, the one place they are written."""
import re
import tomllib

from autograder import assignment as course

# What a student's own machine needs beside the `student` extra: no grading tools.
STUDENT_PACKAGES = ("numpy", "matplotlib")


def _pyproject():
    with open(course.ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)


def _project():
    return _pyproject()["project"]


def python_versions():
    """The Python versions the project runs on, oldest first: ``>=3.11,<3.15`` -> 3.11, 3.12, 3.13, 3.14.
    The kits, the conda files and the Gradescope image's setup.sh take their range from here."""
    found = re.fullmatch(r">=3\.(\d+),<3\.(\d+)", _project()["requires-python"].replace(" ", ""))
    if not found:
        raise ValueError(f"requires-python must read '>=3.X,<3.Y', not {_project()['requires-python']!r}")
    oldest, past_newest = map(int, found.groups())
    return [f"3.{minor}" for minor in range(oldest, past_newest)]


def conda_python():
    """The conda spec of the same range: ``python>=3.11,<3.15``."""
    return f"python{_project()['requires-python'].replace(' ', '')}"


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


def student_otter():
    """otter-grader's pin, without extras: the kit installs it with ``pip install --no-deps``."""
    return next(without_extras(pin) for pin in dependencies() if name_of(pin) == "otter-grader")


def _plain_requirement(requirement):
    """``click (>=8.1.7,<9.0.0)`` -> ``click>=8.1.7,<9.0.0`` (markers kept)."""
    requirement, _, marker = requirement.partition(";")
    name, _, specifier = requirement.partition("(")
    plain = name.strip() + specifier.rstrip().rstrip(")").strip()
    return f"{plain}; {marker.strip()}" if marker.strip() else plain


def otter_dependencies():
    """otter-grader's own runtime dependencies, read from the installed package (the pin's version),
    with nbconvert's ``webpdf`` extra left out: it is playwright (167 MB), used only by PDF exports,
    which grader.check, the notebook's export (``pdf=False``) and pytest never make."""
    from importlib.metadata import requires, version

    wanted = student_otter().partition("==")[2]
    if version("otter-grader") != wanted:
        raise RuntimeError(f"otter-grader {version('otter-grader')} is installed, the pins say {wanted}: "
                           "install the project's pins (pip install -e '.[dev]') before building")
    found = [_plain_requirement(r) for r in requires("otter-grader") if "extra ==" not in r]
    return [r.replace("nbconvert[webpdf]", "nbconvert") for r in found]


def student():
    """The student kit's requirements: numpy and matplotlib, otter-grader's own dependencies (otter-grader
    itself goes in after them, without its dependencies: ``student_otter``), then the `student` extra."""
    return [pin for pin in dependencies() if name_of(pin) in STUDENT_PACKAGES] + otter_dependencies() + extra("student")
