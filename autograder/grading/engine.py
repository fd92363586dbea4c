"""Grade one submission with the autograder's Otter tests, student code in sandboxed workers.

A ``Lane`` is one grading process: it loads the Otter test files, the checks
and the reference values once, starts its zygote, and then grades any number
of submissions one after the other. The lane never imports a student's
module; it only compares the plain data the workers send back. The Otter
test files are run by Otter's own ``ExceptionTestFile``, so messages and
points are exactly what ``otter run`` gives.
"""
import ast
import os
import secrets
import shutil
import sys
import stat
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from autograder import assignment as course
from autograder.grading import written
from autograder.isolation import confine, sandbox
from autograder.grading.results import CheckResult, Outcome

# What unpacking one submission may cost. The five files are a few kB; a notebook export adds a
# few MB. Past these bounds the submission is refused with a message, whatever its shape.
MAX_UNPACKED_BYTES = 50 * 2**20  # bytes actually written, all files together
MAX_ENTRIES = 2_000  # files and folders
MAX_DEPTH = 32  # folders inside folders

class UnreadableSubmission(ValueError):
    """A submission this grader refuses to read, with a message for the student."""


def unpack(submission, target, budget=None):
    """Copy a submission folder or unpack a zip into ``target``: regular files and folders only.

    Never follows or creates a link, never writes outside ``target``, and stops with
    ``UnreadableSubmission`` past ``MAX_UNPACKED_BYTES`` written, ``MAX_ENTRIES`` entries or
    ``MAX_DEPTH`` nested folders. Folders are walked with an explicit stack (``os.walk`` and
    ``Path.rglob`` recurse, and raise RecursionError about 1,000 folders down in Python 3.11).
    """
    submission, target = Path(submission), Path(target)
    if not submission.exists() and not submission.is_symlink():  # most likely a typo on the command line
        raise UnreadableSubmission(f"{submission} does not exist")
    budget = budget or _Budget()
    if submission.is_dir():
        _copy_folder(submission, target, budget)
    elif submission.is_file() and zipfile.is_zipfile(submission):
        _unpack_zip(submission, target, budget)
    elif submission.is_file() and submission.suffix.lower() == ".ipynb":
        _copy_notebook(submission, target, budget)
    elif submission.is_file() and (submission.suffix.lower() == ".zip" or _starts_like_a_zip(submission)):
        raise UnreadableSubmission(f"{submission.name} is a damaged zip file (cut short, or damaged data): "
                                   "zip the files again and upload the new zip")
    else:
        raise UnreadableSubmission(f"{submission.name} is neither a folder nor a zip file")
    return budget


def _starts_like_a_zip(path):
    with open(path, "rb") as f:
        return f.read(4) == b"PK\x03\x04"


def _copy_notebook(notebook, target, budget):
    """A notebook uploaded on its own (downloaded from JupyterLab): kept under its name, so that its written
    answers are read; the graded files it does not hold are missing, as they would be from a zip of it."""
    budget.entry((notebook.name,))
    source = os.fdopen(os.open(notebook, os.O_RDONLY | os.O_NOFOLLOW), "rb")
    with source, _create(target / notebook.name) as out:
        budget.copy(source, out)


class _Budget:
    def __init__(self):
        self.bytes = self.entries = 0

    def entry(self, relative_parts):
        self.entries += 1
        if self.entries > MAX_ENTRIES:
            raise UnreadableSubmission(f"it holds more than {MAX_ENTRIES} files and folders")
        if len(relative_parts) > MAX_DEPTH:
            raise UnreadableSubmission(f"its folders are nested more than {MAX_DEPTH} deep")

    def copy(self, source, out):
        """Copy the open file ``source`` to the open file ``out``, counting what is written."""
        while chunk := source.read(1 << 16):
            self.bytes += len(chunk)
            if self.bytes > MAX_UNPACKED_BYTES:
                raise UnreadableSubmission(f"it unpacks to more than {MAX_UNPACKED_BYTES >> 20} MB")
            out.write(chunk)


def _create(path):
    """A new regular file at ``path``, refusing to follow a link or reuse a name."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600), "wb")


def _copy_folder(submission, target, budget):
    stack = [()]  # relative parts of the folders still to copy
    while stack:
        parts = stack.pop()
        with os.scandir(submission.joinpath(*parts)) as entries:
            entries = sorted(entries, key=lambda e: e.name)
        for entry in entries:
            relative = (*parts, entry.name)
            if entry.is_symlink():
                continue  # links are not followed, wherever they point
            budget.entry(relative)
            if entry.is_dir(follow_symlinks=False):
                target.joinpath(*relative).mkdir()
                stack.append(relative)
            elif entry.is_file(follow_symlinks=False):
                source = os.fdopen(os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW), "rb")
                with source, _create(target.joinpath(*relative)) as out:
                    budget.copy(source, out)


_READABLE_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate", zipfile.ZIP_BZIP2: "bzip2",
                     zipfile.ZIP_LZMA: "lzma"}


def _unpack_zip(submission, target, budget):
    try:
        archive = zipfile.ZipFile(submission)
    except zipfile.BadZipFile as error:
        raise UnreadableSubmission(f"{submission.name} is not a readable zip file ({error})") from None
    with archive:
        if len(archive.infolist()) > MAX_ENTRIES:
            raise UnreadableSubmission(f"it holds more than {MAX_ENTRIES} files and folders")
        for member in archive.infolist():
            relative = PurePosixPath(member.filename.replace("\\", "/"))
            if relative.is_absolute() or ".." in relative.parts or not relative.parts:
                continue
            if stat.S_ISLNK(member.external_attr >> 16):
                continue  # a link stored in the zip: never created
            budget.entry(relative.parts)
            destination = target.joinpath(*relative.parts)
            for level in reversed(relative.parents[:-1]):
                folder = target.joinpath(*level.parts)
                if not folder.is_dir():
                    folder.mkdir()  # FileExistsError if a file holds the name: the guard reports it
            if member.is_dir():
                destination.mkdir(exist_ok=True)
                continue
            if member.flag_bits & 0x1:
                raise UnreadableSubmission(f"{member.filename} is encrypted (a zip with a password): "
                                           "zip the files again without one")
            if member.compress_type not in _READABLE_METHODS:
                raise UnreadableSubmission(
                    f"{member.filename} is compressed with a method this grader cannot read (method "
                    f"{member.compress_type}): zip the files again with ordinary (deflate) compression")
            if destination.is_file() and not destination.is_symlink():
                destination.unlink()  # a name stored twice: the later one wins, as with unzip
            try:
                with archive.open(member) as source, _create(destination) as out:
                    budget.copy(source, out)
            except (zipfile.BadZipFile, zlib.error, EOFError) as error:
                raise UnreadableSubmission(f"the zip is damaged: {member.filename} cannot be unpacked "
                                           f"({error})") from None


def _copy_students_files(source, target, trusted):
    """Copy what the student's code may read at the top of ``source`` (laid out, and bounded by
    ``unpack``) into ``target``: regular files and folders, links never followed, less what
    ``submission_layout.left_out`` names and less any top-level entry that would stand for one of the
    grader's own modules (``trusted``: ``shapes.py``, a ``shapes/`` package, ``shapes.so``): those are
    the grader's copies. Folders get mode 755, files 644: readable in the sandbox, written by no one."""
    import submission_layout

    stack = [()]
    while stack:
        parts = stack.pop()
        with os.scandir(source.joinpath(*parts)) as entries:
            entries = sorted(entries, key=lambda e: e.name)
        for entry in entries:
            if submission_layout.left_out(entry.name) or (not parts and entry.name.split(".")[0] in trusted):
                continue
            relative = (*parts, entry.name)
            if entry.is_dir(follow_symlinks=False):
                target.joinpath(*relative).mkdir(mode=0o755)
                stack.append(relative)
            elif entry.is_file(follow_symlinks=False):
                with open(entry.path, "rb") as f, _create(target.joinpath(*relative)) as out:
                    shutil.copyfileobj(f, out)
                os.chmod(target.joinpath(*relative), 0o644)


def _otter_test_files():
    """Otter's ``otter.test_files``, without running ``otter/__init__.py``.

    That file imports Otter's whole API (pandas, nbconvert, ...): measured here,
    0.6 s and 65 MB more per grading process, for the one class a lane uses.
    When Otter is already imported, it is used as it is.
    """
    import importlib
    import importlib.util
    import types

    if "otter" not in sys.modules:
        spec = importlib.util.find_spec("otter")
        package = types.ModuleType("otter")
        package.__path__ = list(spec.submodule_search_locations)
        sys.modules["otter"] = package
    return importlib.import_module("otter.test_files")


@dataclass(frozen=True)
class DeclaredCheck:
    """A check of an Otter test file, as its ``@test_case(name=..., points=..., hidden=...)`` states it."""
    name: str
    points: float
    hidden: bool
    node: ast.FunctionDef  # where it is in the source (the release cuts the hidden ones out)


def declared_checks(source):
    """The checks of an Otter test file's source, read without running it: the one reader of ``@test_case``
    (the points the build holds to the manifest, the grader's totals, the hidden checks the release leaves
    out). ValueError for a check that states no points (Otter would share some out)."""
    checks = []
    for node in ast.parse(source).body:
        for decorator in getattr(node, "decorator_list", ()):
            if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", None) == "test_case":
                stated = {k.arg: ast.literal_eval(k.value) for k in decorator.keywords
                          if k.arg in ("name", "points", "hidden")}
                if "points" not in stated:
                    raise ValueError(f"the check {stated.get('name', node.name)} states no points")
                checks.append(DeclaredCheck(stated.get("name", node.name), stated["points"],
                                            stated.get("hidden") is True, node))
    return checks


def declared_points(source):
    """{check name: points} of an Otter test file's source (see declared_checks)."""
    return {check.name: check.points for check in declared_checks(source)}


def question_points(tests_dir, questions):
    """Points per question, from the Otter test files ``tests_dir/<question>.py``."""
    return {q: sum(declared_points((Path(tests_dir) / f"{q}.py").read_text()).values()) for q in questions}


class Lane:
    """A grading process: tests and reference values loaded once, one zygote."""

    def __init__(self, autograder_dir):
        self.autograder_dir = Path(autograder_dir)
        files = self.autograder_dir / "files"
        self.zygote = sandbox.Zygote(files)  # first: it loads numpy while this process loads Otter
        sys.path.insert(0, str(files))
        import checking  # the autograder's trusted copy

        ExceptionTestFile = _otter_test_files().ExceptionTestFile
        checking.show_check_messages_only()  # checking came first: install it now that Otter is loaded
        self.checking = checking
        self.assignment = course.Assignment(files / course.MANIFEST)
        self.test_files = [
            (q, ExceptionTestFile.from_file(str(self.autograder_dir / "tests" / f"{q}.py")))
            for q in self.assignment.question_names
        ]
        self.points = question_points(self.autograder_dir / "tests", self.assignment.question_names)
        trusted = self.assignment.provided_files + self.assignment.reference_files + ("procedures.py", "plugin.py",
                                                                                      "manifest.py", course.CALLS)
        self.provided = [files / name for name in trusted]
        self.trusted_modules = [path.stem for path in self.provided if path.suffix == ".py"]
        self.workspace = Path(tempfile.mkdtemp(prefix="grading-"))
        os.chmod(self.workspace, 0o711)  # workers may enter their own folder, not list the others

    def close(self):
        self.zygote.close()
        shutil.rmtree(self.workspace, ignore_errors=True)

    def _sandbox_folder(self, files_dir):
        """A copy of the student's working folder (graded files, their own modules, packages and data:
        ``_copy_students_files``) plus the trusted provided modules, all read-only to the submission
        and owned by the grader, and an empty folder to mount its root file system on."""
        place = self.workspace / secrets.token_hex(8)
        place.mkdir(mode=0o755)
        (place / "root").mkdir(mode=0o755)
        folder = place / "files"
        folder.mkdir(mode=0o755)
        _copy_students_files(Path(files_dir), folder, {Path(p).stem for p in self.provided})
        for path in self.provided:
            shutil.copyfile(path, folder / path.name)
            os.chmod(folder / path.name, 0o644)
        return place

    def grade_folder(self, name, files_dir, uid):
        """Grade the graded files found at the top of ``files_dir``."""
        outcome = Outcome(name)
        if not self.zygote.alive():  # killed from outside: start another rather than fail every submission
            self.zygote = sandbox.Zygote(self.zygote.support_dir)
        place = self._sandbox_folder(Path(files_dir))
        try:
            box = self.zygote.open(place / "files", place / "root", uid, self.trusted_modules)
        except sandbox.SandboxError as error:
            shutil.rmtree(place, ignore_errors=True)
            return Outcome(name, status="error", message=f"the grader failed: {error}")
        outcome.sandbox_note = sandbox.describe_missing(box.missing)
        backend = sandbox.SandboxBackend(box, self.assignment)
        try:
            with self.checking.use_backend(backend):
                backend.prepare(place / "files", self.assignment.modules)
                for question, test_file in self.test_files:
                    backend.start_question(question)
                    test_file.run({})
                    score = 0
                    verdicts = self.checking.verdicts_of(test_file)
                    for result, (verdict, details) in zip(test_file.test_case_results, verdicts):
                        case = result.test_case
                        score += case.points if result.passed else 0
                        outcome.cases.append(CheckResult(question, case.name, case.points, case.hidden,
                                                         bool(result.passed), verdict.value, details))
                    outcome.scores[question] = score
        finally:
            box.close()
            if sandbox.is_root():  # without namespaces, what escaped the sandbox's own sweep
                sandbox.kill_uid(uid)
                confine.remove_ipc_of(uid)
            shutil.rmtree(place, ignore_errors=True)
        if backend.timed_out:
            outcome.status = "timeout"
        return outcome

    def grade(self, submission, name, uid):
        """Unpack, lay out and grade one submission (folder or zip); never raises.

        Until it has been unpacked and laid out, a submission is data: any exception on the
        way (a damaged zip, a folder where a file belongs, a RecursionError) becomes this
        submission's error row, never the batch's end.
        """
        with tempfile.TemporaryDirectory(prefix="submission-", ignore_cleanup_errors=True) as unpacked:
            unpacked = Path(unpacked)
            try:
                notes = read_submission(submission, unpacked, self.assignment.submitted_files)
            except Exception as error:  # noqa: BLE001 - whatever the input does, it is this submission's
                return Outcome(name, status="error", message=f"could not read the submission: {_describe(error)}")
            answers = self._written_answers(unpacked)
            missing = [f for f in self.assignment.submitted_files if not (unpacked / f).is_file()]
            if len(missing) == len(self.assignment.submitted_files):  # zero points, but not for wrong answers
                return Outcome(name, status="error", written=answers,
                               message=f"no submission files found (expected {', '.join(missing)})")
            try:
                outcome = self.grade_folder(name, unpacked, uid)
            except Exception as error:  # a bug of the grader's own: report it, keep going
                return Outcome(name, status="error", written=answers,
                               message=f"the grader failed: {type(error).__name__}: {error}")
        outcome.written = answers
        outcome.message = "; ".join(notes + ([f"missing: {', '.join(missing)}"] if missing else []))
        return outcome

    def _written_answers(self, unpacked):
        """The notebook's written answers; a notebook that cannot be read only costs its answers."""
        names = [q.name for q in self.assignment.written]
        try:
            return written.answers_of(unpacked, self.assignment.notebook, names)
        except Exception as error:  # noqa: BLE001 - the notebook is the student's data
            return {n: written.Answer(None, f"the notebook could not be read ({type(error).__name__})")
                    for n in names}


def read_submission(submission, target, graded_files, layout=None):
    """Unpack ``submission`` into ``target`` and bring its graded files to the top; the layout's notes.

    When none of ``graded_files`` is anywhere in it but it holds exactly one zip (the notebook's
    export uploaded inside a folder, or zipped again), that zip is unpacked beside it, within the
    same bounds, and read instead. ``layout``: the ``submission_layout`` module to use (default: the
    autograder's copy, on the lane's path).
    """
    if layout is None:
        import submission_layout as layout

    budget = unpack(submission, target)
    notes = []
    if not _holds_any(target, graded_files):
        inner = _zips_inside(target)
        if len(inner) == 1:
            relative = inner[0].relative_to(target).as_posix()
            folder = inner[0].with_name(inner[0].name + ".unpacked")
            folder.mkdir()
            unpack(inner[0], folder, budget)
            notes.append(f"graded files read from the zip {relative} inside the submission")
    return notes + layout.normalize(target, graded_files=graded_files)


def _walk_files(root):
    """Every regular file below ``root`` (links not followed; ``unpack`` already bounded the tree)."""
    stack = [Path(root)]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=False):
                    yield Path(entry.path)


def _holds_any(root, names):
    return any(path.name in names for path in _walk_files(root))


def _zips_inside(root):
    return sorted(path for path in _walk_files(root)
                  if path.suffix.lower() == ".zip" and "__MACOSX" not in path.parts and zipfile.is_zipfile(path))


def _describe(error):
    """An exception as the student reads it: our own messages as they are, others with their class."""
    if isinstance(error, UnreadableSubmission):
        return str(error)
    if isinstance(error, OSError) and error.strerror:
        where = f": {Path(error.filename).name}" if error.filename else ""
        return f"{error.strerror}{where}"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
