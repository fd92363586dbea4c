# Generated from autograder/support/manifest.py
# by `python -m autograder build`: edit that file, not this copy.
"""An assignment's manifest (``assignment.toml``), parsed in one place (provided, not graded).

The manifest says what an assignment grades: its questions (the file each grades, its points, its
functions), its written questions, and the files it gives (its own, and other assignments'). Every
reader goes through ``load`` or ``parse``: ``check.py``, the notebook's helpers, the plug-in
(``plugin.py``), ``submission_layout.py``, and the grader's ``autograder/assignment.py``. What follows
from it (the student's modules, the module of each function, the printed script) is computed here.

It ships beside the manifest (the release's tests/support/, the autograder zip), and needs nothing
but the standard library.
"""
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass

FILE = "assignment.toml"


@dataclass(frozen=True)
class Question:
    name: str
    file: str  # the student's file it grades
    points: int
    script: bool = False  # graded by what ``python <file>`` prints, never imported on its own
    # The share of the points each function's work represents (published in the contract): a function
    # wrong on every case loses at least its share (tests/test_grading.py holds the libraries to it).
    functions: tuple = ()

    def __post_init__(self):
        object.__setattr__(self, "functions", tuple(dict(self.functions).items()))


@dataclass(frozen=True)
class WrittenQuestion:
    """A question answered in the notebook and graded by hand, outside the autograder's points."""
    name: str
    points: int
    prompt: str  # Markdown, as the notebook shows it after "Question `name`"


@dataclass(frozen=True)
class Manifest:
    """What one ``assignment.toml`` says, and what follows from it."""

    name: str | None  # None: the manifest's folder names the assignment
    title: str
    questions: tuple[Question, ...]
    written: tuple[WrittenQuestion, ...]
    contract: str | None  # the contract's page, from the repository's root
    provided: tuple[str, ...]  # helper files given to students
    # Files of other assignments, by their assignment: ``shared`` ones are given to students like the
    # provided files; ``reference_from`` ones are the other assignment's graded modules, which this one
    # builds on: the grader runs their reference versions, students their own.
    shared: Mapping[str, tuple[str, ...]]
    reference_from: Mapping[str, tuple[str, ...]]

    @property
    def question_names(self):
        return tuple(q.name for q in self.questions)

    @property
    def points(self):
        return {q.name: q.points for q in self.questions}

    @property
    def submitted_files(self):
        """The files a student edits and submits, one graded question each."""
        return tuple(q.file for q in self.questions)

    @property
    def modules(self):
        """The submitted files imported as modules (every one but the printed scripts)."""
        return tuple(_stem(q.file) for q in self.questions if not q.script)

    @property
    def provided_files(self):
        """The helper files given to students: the assignment's own, then other assignments' shared ones."""
        return self.provided + tuple(f for files in self.shared.values() for f in files)

    @property
    def reference_files(self):
        """Other assignments' graded files this one runs in their reference versions."""
        return tuple(f for files in self.reference_from.values() for f in files)

    @property
    def graded_modules(self):
        """The modules of the graded files (the student's own code)."""
        return tuple(dict.fromkeys(_stem(q.file) for q in self.questions))

    @property
    def student_modules(self):
        """The graded modules, then those of the given files (provided, shared, reference versions)."""
        given = self.provided_files + self.reference_files
        return tuple(dict.fromkeys([*self.graded_modules, *map(_stem, given)]))

    @property
    def functions(self):
        """Every function of the questions, with the module of its question's file."""
        return {name: _stem(q.file) for q in self.questions for name, _ in q.functions}

    @property
    def script(self):
        """The file of the ``script = true`` question, None if there is none."""
        return next((q.file for q in self.questions if q.script), None)


def parse(text):
    """The ``Manifest`` of the TOML ``text``."""
    data = tomllib.loads(text)
    return Manifest(
        name=data.get("name"),
        title=data["title"],
        questions=tuple(Question(**q) for q in data["questions"]),
        written=tuple(WrittenQuestion(**q) for q in data.get("written", ())),
        contract=data.get("contract"),
        provided=tuple(data.get("provided", ())),
        shared={name: tuple(files) for name, files in data.get("shared", {}).items()},
        reference_from={name: tuple(files) for name, files in data.get("reference_from", {}).items()},
    )


def load(path):
    """The ``Manifest`` of the file at ``path``."""
    with open(path, encoding="utf-8") as f:
        return parse(f.read())


def beside(module_file):
    """The ``Manifest`` shipped in the folder of ``module_file`` (a support module's ``__file__``)."""
    return load(os.path.join(os.path.dirname(os.path.abspath(module_file)), FILE))


def _stem(file_name):
    return os.path.splitext(file_name)[0]
