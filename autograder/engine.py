"""Grade one submission with the autograder's Otter tests, student code in sandboxed workers.

A ``Lane`` is one grading process: it loads the Otter test files, the checks
and the reference values once, starts its zygote, and then grades any number
of submissions one after the other. The lane never imports a student's
module; it only compares the plain data the workers send back. The Otter
test files are run by Otter's own ``ExceptionTestFile``, so messages and
points are exactly what ``otter run`` gives.
"""
import os
import secrets
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

from autograder import paths, sandbox
from autograder.results import Outcome

MAX_UNPACKED_BYTES = 50 * 2**20
ISOLATION_WARNING = (
    "not running as root: student code runs as your own user, so it can read your files "
    "(solutions, hidden tests) and outlive its time limit in background processes. "
    "Grade as root (e.g. in a container) for full isolation."
)


def unpack(submission, target):
    """Copy a submission folder or unpack a zip into ``target`` (no links, no escaping paths, size capped)."""
    submission = Path(submission)
    if not submission.exists():  # most likely a typo on the command line
        raise ValueError(f"{submission} does not exist")
    if submission.is_dir():
        total = 0
        for path in submission.rglob("*"):
            if path.is_file() and not path.is_symlink():
                total += path.stat().st_size
                if total > MAX_UNPACKED_BYTES:
                    raise ValueError(f"the submission is larger than {MAX_UNPACKED_BYTES >> 20} MB")
                destination = target / path.relative_to(submission)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, destination)
        return
    if not zipfile.is_zipfile(submission):
        raise ValueError(f"{submission.name} is neither a folder nor a zip file")
    with zipfile.ZipFile(submission) as archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
            raise ValueError(f"the zip unpacks to more than {MAX_UNPACKED_BYTES >> 20} MB")
        for member in members:
            relative = Path(member.filename)
            if relative.is_absolute() or ".." in relative.parts:
                continue
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as source, open(destination, "wb") as out:
                shutil.copyfileobj(source, out)


def hidden_paths(autograder_dir):
    """What a worker must not see: the unpacked autograder and this repository's secrets."""
    repo = paths.ROOT
    inside_repo = Path(sys.prefix).resolve().is_relative_to(repo)  # a virtualenv inside the checkout
    secrets_in_repo = [repo / n for n in ("solutions", "autograder", "dist", "tests", ".git")] if inside_repo else [repo]
    return [p for p in [Path(autograder_dir), *secrets_in_repo] if p.is_dir()]


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


class Lane:
    """A grading process: tests and reference values loaded once, one zygote."""

    def __init__(self, autograder_dir):
        self.autograder_dir = Path(autograder_dir)
        files = self.autograder_dir / "files"
        sys.path.insert(0, str(files))
        import checking  # the autograder's trusted copy

        ExceptionTestFile = _otter_test_files().ExceptionTestFile
        checking.show_check_messages_only()  # checking came first: install it now that Otter is loaded
        self.checking = checking
        self.test_files = [
            (q, ExceptionTestFile.from_file(str(self.autograder_dir / "tests" / f"{q}.py"))) for q in paths.QUESTIONS
        ]
        self.points = {q: sum(tc.points for tc in tf.test_cases) for q, tf in self.test_files}
        self.provided = [files / name for name in paths.PROVIDED_FILES + ("procedures.py",)]
        self.workspace = Path(tempfile.mkdtemp(prefix="rnn-grading-"))
        os.chmod(self.workspace, 0o711)  # workers may enter their own folder, not list the others
        self.zygote = sandbox.Zygote(files, hide=hidden_paths(self.autograder_dir) if sandbox.is_root() else ())

    def close(self):
        self.zygote.close()
        shutil.rmtree(self.workspace, ignore_errors=True)

    def _sandbox_folder(self, files_dir):
        """A root-owned, read-only copy of the graded files plus the trusted provided modules."""
        folder = self.workspace / secrets.token_hex(8)
        folder.mkdir(mode=0o755)
        for name in paths.SUBMITTED_FILES:
            if (files_dir / name).is_file():
                shutil.copyfile(files_dir / name, folder / name)
        for path in self.provided:
            shutil.copyfile(path, folder / path.name)
        for path in folder.iterdir():
            os.chmod(path, 0o644)
        return folder

    def grade_folder(self, name, files_dir, uid):
        """Grade the graded files found at the top of ``files_dir``."""
        outcome = Outcome(name)
        if not self.zygote.alive():  # killed from outside: start another rather than fail every submission
            self.zygote = sandbox.Zygote(self.zygote.support_dir, self.zygote.hide)
        folder = self._sandbox_folder(Path(files_dir))
        backend = sandbox.SandboxBackend(self.zygote, folder, uid if sandbox.is_root() else None)
        self.checking.BACKEND = backend
        try:
            backend.preflight(name[:-3] for name in paths.SUBMITTED_FILES if name != "gradient_norms.py")
            for question, test_file in self.test_files:
                backend.start_question(question)
                test_file.run({})
                score = 0
                for result in test_file.test_case_results:
                    case = result.test_case
                    score += case.points if result.passed else 0
                    outcome.cases.append({
                        "question": question, "name": case.name, "points": case.points,
                        "hidden": case.hidden, "passed": bool(result.passed), "message": result.message,
                    })
                outcome.scores[question] = score
        finally:
            self.checking.BACKEND = self.checking.LocalBackend()
            sandbox.kill_uid(backend.uid)
            shutil.rmtree(folder, ignore_errors=True)
        if backend.timed_out:
            outcome.status = "timeout"
        return outcome

    def grade(self, submission, name, uid):
        """Unpack, lay out and grade one submission (folder or zip); never raises."""
        import submission_layout

        with tempfile.TemporaryDirectory(prefix="submission-") as unpacked:
            unpacked = Path(unpacked)
            try:
                unpack(submission, unpacked)
            except (OSError, ValueError, zipfile.BadZipFile) as error:
                return Outcome(name, status="error", message=f"could not read the submission: {error}")
            notes = submission_layout.normalize(unpacked)
            missing = [f for f in paths.SUBMITTED_FILES if not (unpacked / f).exists()]
            if len(missing) == len(paths.SUBMITTED_FILES):  # zero points, but not for wrong answers
                return Outcome(name, status="error",
                               message=f"no submission files found (expected {', '.join(missing)})")
            try:
                outcome = self.grade_folder(name, unpacked, uid)
            except Exception as error:  # a bug of the grader's own: report it, keep going
                return Outcome(name, status="error", message=f"the grader failed: {type(error).__name__}: {error}")
        outcome.message = "; ".join(notes + ([f"missing: {', '.join(missing)}"] if missing else []))
        return outcome
