"""The course's assignments: where each one's folders are, and what its manifest says.

An assignment is a folder ``solutions/<name>/`` holding ``assignment.toml`` (its
manifest: questions, files, points), its reference modules and its
``grading/`` and ``library/`` folders. Nothing in ``autograder/`` names an
assignment: every tool takes an ``Assignment`` and reads the rest from it.

This module is also shipped inside the autograder zip, where the grading
engine reads the manifest copied next to the checks (``Assignment(path)``). The
manifest is parsed by the checks' support (``autograder/support/manifest.py``),
shipped in the zip with it.
"""
import importlib.util
import os
import sys
from pathlib import Path

from autograder.support import manifest as manifest_file

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "autograder"
SUPPORT = PACKAGE / "support"  # the checks' library, shipped with every assignment
SOURCES = ROOT / "solutions"  # one folder per assignment: what its instructor writes
RELEASES = ROOT / "assignments"  # one folder per assignment: generated for the students
DIST = ROOT / "dist"
MANIFEST = manifest_file.FILE
# The assignment's module of procedures (grading/calls.py): the only file of its grading/
# folder that ships with the checks, since it runs next to the student's code.
CALLS = "calls.py"


class Assignment:
    """One assignment, as its manifest describes it."""

    def __init__(self, manifest):
        """The assignment of the manifest at ``manifest``: in the repository, or inside an unpacked autograder."""
        self.manifest = Path(manifest)
        self.parsed = manifest_file.load(self.manifest)  # what the manifest says: the one parser's Manifest
        self.name = self.parsed.name or self.manifest.parent.name
        self.title = self.parsed.title
        self.questions = self.parsed.questions
        self.written = self.parsed.written
        self.source = self.manifest.parent
        # The contract students and outside tools rely on: names, shapes, conventions (from the repository's root).
        self.contract = ROOT / self.parsed.contract if self.parsed.contract else None
        self.provided_files = self.parsed.provided_files
        self.reference_files = self.parsed.reference_files
        self._elsewhere = {f: name for name, files in [*self.parsed.shared.items(), *self.parsed.reference_from.items()]
                           for f in files}

    def __repr__(self):
        return f"Assignment({self.name!r})"

    # ------------------------------------------------------------ what it grades
    @property
    def question_names(self):
        return self.parsed.question_names

    @property
    def submitted_files(self):
        """The files a student edits and submits, one graded question each."""
        return self.parsed.submitted_files

    @property
    def modules(self):
        """The submitted files imported as modules (every one but the printed scripts)."""
        return self.parsed.modules

    @property
    def points(self):
        return self.parsed.points

    @property
    def notebook(self):
        return f"{self.name}.ipynb"

    # ------------------------------------------------------------ where it lives
    @property
    def grading(self):
        """What only the grader sees: cases, checks, known mistakes, the notebook's cells, the cross-check."""
        return self.source / "grading"

    @property
    def checks(self):
        """The Otter test files, one per question (``tests/`` in the release, without the hidden ones)."""
        return self.grading / "checks"

    @property
    def library(self):
        """Submissions the project's tests grade: plausible bugs, correct alternatives, hostile code."""
        return self.source / "library"

    @property
    def release(self):
        return RELEASES / self.name

    @property
    def dist(self):
        return DIST / self.name

    def file(self, name):
        """Where the provided or reference file ``name`` comes from: this folder, or another assignment's."""
        other = self._elsewhere.get(name)
        return (SOURCES / other if other else self.source) / name

    @property
    def other_sources(self):
        """The solution folders of the assignments this one takes files from."""
        return tuple(dict.fromkeys(SOURCES / other for other in self._elsewhere.values()))

    def grading_module(self, stem):
        """The module ``grading/<stem>.py``, loaded under a name of its own (two assignments' ``cases``
        never collide), with the grading folder and the solutions importable from it."""
        key = f"_assignment_{self.name}_{stem}"
        if key not in sys.modules:
            for folder in (self.grading, self.source, *self.other_sources):
                if str(folder) not in sys.path:
                    sys.path.append(str(folder))
            spec = importlib.util.spec_from_file_location(key, self.grading / f"{stem}.py")
            module = importlib.util.module_from_spec(spec)
            sys.modules[key] = module
            spec.loader.exec_module(module)
        return sys.modules[key]


def names():
    """Every assignment of the repository, by name, in order."""
    return tuple(sorted(p.parent.name for p in SOURCES.glob(f"*/{MANIFEST}")))


def load(name):
    """The assignment ``name`` of the repository."""
    manifest = SOURCES / name / MANIFEST
    if not manifest.is_file():
        raise LookupError(f"no assignment {name!r}: choose from {', '.join(names())}")
    return Assignment(manifest)


def every():
    return [load(name) for name in names()]


def env_with_path(*folders):
    """A copy of the environment with ``folders`` in front of PYTHONPATH."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(f) for f in folders] + [env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env
