"""Generate an assignment's student release folder ``assignments/<name>`` from its solutions.

Everything in the release is derived: stubs from the solution files, the
provided modules copied, the public checks cut out of the Otter test files,
and fixtures holding only the public cases. ``python -m autograder build``
rewrites it; a test fails when the committed folder differs from a fresh build.
"""
import re
import shutil
from pathlib import Path

from autograder import assignment as course
from autograder import pins
from autograder.build import fixtures, notebook
from autograder.build.stubs import make_stub
from autograder.grading.engine import declared_checks

# A student's folder: at its top, the notebook, the files they write, the provided helpers, the README,
# the set-up files and check.py; in tests/, Otter's public checks (the folder Otter and pytest look in)
# and, in tests/support/, everything that runs them.
TESTS = Path("tests")
MACHINERY = TESTS / "support"
# The course's checks library (autograder/support), shipped with every assignment: file -> where it goes.
# conftest.py stays at the top: in tests/, Otter would take it for a test file (grader.check_all()).
SUPPORT_FILES = {"check.py": Path("check.py"), "conftest.py": Path("conftest.py"),
                 "checking.py": MACHINERY / "checking.py", "procedures.py": MACHINERY / "procedures.py",
                 "fixture_file.py": MACHINERY / "fixture_file.py", "verdicts.py": MACHINERY / "verdicts.py",
                 "plugin.py": MACHINERY / "plugin.py", "manifest.py": MACHINERY / "manifest.py",
                 "notebook_support.py": MACHINERY / "notebook_support.py"}
STUDENT_README = "README.md"
# The folder is its own pytest project, whatever it sits in; the machinery, then the student's files,
# go on sys.path (never tests/, whose files are named as the student's modules).
PYTEST_INI = """[pytest]
addopts = -q -p no:cacheprovider --import-mode=importlib
pythonpath = tests/support .
testpaths = tests
filterwarnings = ignore::DeprecationWarning
"""


# Every file the build copies or writes into a release or a zip, but the student's own (stubs, notebook)
# and binary ones, starts with this mark: a copy of checking.py must not pass for the source to edit.
# Two lines, so that the longest source's stays within 100 characters.
MARK = ("Generated from {source}", "by `python -m autograder build`: edit that file, not this copy.")
# The mark's comment syntax, by file type: (first line's opening, second line's opening, closing).
COMMENTS = {**dict.fromkeys((".py", ".toml", ".ini", ".yml", ".txt"), ("# ", "# ", "")),
            ".md": ("<!-- ", "     ", " -->")}
MARKED_SOURCE = re.compile(r"(?:# |<!-- )Generated from (\S+)")


def marked(text, source, name):
    """``text``, the file ``name`` of a release or a zip, under the mark naming ``source`` (a file of the
    repository) on its first line, or its second after a shebang (which must stay first)."""
    if Path(name).suffix not in COMMENTS:
        raise ValueError(f"{name}: no comment syntax known for a generated mark")
    first, second, closing = COMMENTS[Path(name).suffix]
    said, how = MARK
    mark = f"{first}{said.format(source=Path(source).relative_to(course.ROOT).as_posix())}\n{second}{how}{closing}\n"
    shebang = text.partition("\n")[0] + "\n" if text.startswith("#!") else ""
    return shebang + mark + text[len(shebang):]


def write_generated(target, text, source):
    """Write ``text`` into the file ``target`` under the mark naming ``source`` (``marked``)."""
    Path(target).write_text(marked(text, source, Path(target).name))


def copy_generated(source, target):
    """Copy the file ``source`` to ``target`` under the mark naming it."""
    write_generated(target, Path(source).read_text(), source)


def generated_from(data):
    """The source a generated file's mark names (its bytes ``data``), or None if it carries none."""
    lines = data.decode(errors="replace").splitlines()[:2]
    lines = lines[1:] if lines and lines[0].startswith("#!") else lines[:1]
    found = MARKED_SOURCE.fullmatch(lines[0]) if lines else None
    return found and found.group(1)


# Where the set-up files' pins are written (autograder/pins.py reads them).
PINS = course.ROOT / "pyproject.toml"


def install_command():
    """The set-up's pip line, as the kits' READMEs give it."""
    return f"pip install -r requirements.txt && pip install --no-deps {pins.student_otter()}"


def _why_no_deps(comment):
    return [f"{comment} otter-grader goes in last, without its dependencies: they are listed here, all but",
            f"{comment} playwright (167 MB, for PDF exports, which this course never makes)."]


def requirements_txt():
    header = ["# The course's environment, for both assignments. In a venv:", f"#   {install_command()}",
              *_why_no_deps("#")]
    return marked("".join(f"{line}\n" for line in header + pins.student()), PINS, "requirements.txt")


# One environment serves every assignment of the course: the kits pin the same packages.
ENVIRONMENT = "rnn-course"


def environment_yml():
    lines = [f"# conda env create -f environment.yml && conda activate {ENVIRONMENT}",
             f"# then: pip install --no-deps {pins.student_otter()}", *_why_no_deps("#"),
             f"name: {ENVIRONMENT}", "channels:", "  - conda-forge", "dependencies:",
             f"  - {pins.conda_python()}", "  - pip", "  - pip:", *(f"      - {pin}" for pin in pins.student())]
    return marked("\n".join(lines) + "\n", PINS, "environment.yml")


def hidden_test_functions(assignment):
    """(test file, function node, source text) of every hidden Otter test case of ``assignment``."""
    found = []
    for path in sorted(assignment.checks.glob("*.py")):
        source = path.read_text()
        found += [(path, check.node, source) for check in declared_checks(source) if check.hidden]
    return found


# Put first in every public test file: Otter runs it from the assignment's folder, however it is called
# (the notebook, check.py, pytest, or otter.Notebook().check in a shell). The grader's copies, which
# must never import from a folder of the submission, import the machinery from the grading folder.
FIND_MACHINERY = f"""import sys

if "{MACHINERY.as_posix()}" not in sys.path:  # the checks' machinery, from the assignment's folder
    sys.path.insert(0, "{MACHINERY.as_posix()}")
"""


def public_test_source(source):
    """An Otter test file for the release: every ``@test_case(..., hidden=True)`` function removed,
    the machinery found in tests/support/."""
    lines = source.splitlines()
    drop = set()
    for node in (check.node for check in declared_checks(source) if check.hidden):
        start = min(d.lineno for d in node.decorator_list) - 1
        # the blank lines that separated it from the previous definition go too
        while start > 0 and not lines[start - 1].strip():
            start -= 1
        drop.update(range(start, node.end_lineno))
    return FIND_MACHINERY + "\n" + "\n".join(line for i, line in enumerate(lines) if i not in drop).rstrip() + "\n"


def write_release(assignment, target=None):
    """(Re)write the whole student release of ``assignment`` into ``target`` (default: its release folder)."""
    target = Path(target or assignment.release)
    old_fixtures = target / MACHINERY / "fixtures.npz"  # kept byte for byte when unchanged
    previous = old_fixtures.read_bytes() if old_fixtures.is_file() else None
    if target.exists():
        shutil.rmtree(target)
    (target / MACHINERY).mkdir(parents=True)
    for name in assignment.submitted_files:
        (target / name).write_text(make_stub((assignment.source / name).read_text()))
    for name in assignment.provided_files:
        copy_generated(assignment.file(name), target / name)
    for name, where in SUPPORT_FILES.items():
        copy_generated(course.SUPPORT / name, target / where)
    copy_generated(assignment.grading / course.CALLS, target / MACHINERY / course.CALLS)
    copy_generated(assignment.manifest, target / MACHINERY / course.MANIFEST)
    for test_file in sorted(assignment.checks.glob("*.py")):
        write_generated(target / TESTS / test_file.name, public_test_source(test_file.read_text()), test_file)
    fixtures.build(assignment, target / MACHINERY / "fixtures.npz", public_only=True, previous=previous)
    copy_generated(assignment.source / STUDENT_README, target / STUDENT_README)
    (target / "requirements.txt").write_text(requirements_txt())
    (target / "environment.yml").write_text(environment_yml())
    notebook.write(assignment, target / assignment.notebook)
    write_generated(target / "pytest.ini", PYTEST_INI, Path(__file__))
    return target


def course_copy(root, solutions=False):
    """Every assignment's committed release side by side in ``root``, as a student unpacks the course's
    zips (a later assignment finds an earlier one's modules there), with the graded files of the
    solutions when ``solutions``, else the stubs; returns ``root``."""
    for assignment in course.every():
        student_copy(assignment, Path(root) / assignment.name, assignment.source if solutions else None)
    return Path(root)


def student_copy(assignment, target, files_from=None):
    """A student's working folder at ``target``: the committed release, with the graded
    files taken from the folder ``files_from`` (e.g. the solutions) when given, else the stubs."""
    shutil.copytree(assignment.release, target)
    if files_from is not None:
        for name in assignment.submitted_files:
            shutil.copyfile(Path(files_from) / name, Path(target) / name)
    return Path(target)
