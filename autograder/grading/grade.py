"""Grade a folder of submissions without Docker: ``python -m autograder grade SUBMISSION... --out DIR``.

The built autograder zip is unpacked into a private folder; one grading
process per core (a ``Lane``: tests, reference values and numpy loaded once)
takes submissions one after another, running every call into student code
in a fresh, limited worker. Writes ``DIR/<submission>/results.json``
(Gradescope format), ``DIR/<submission>/feedback.txt`` (what the student may
see) and ``DIR/grades.csv``. A broken submission gets status ``error`` or
``timeout`` and the points it earned; it never stops the run.
"""
import atexit
import contextlib
import errno
import hashlib
import json
import multiprocessing
import os
import re
import secrets
import shutil
import sys
import tempfile
import zipfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from collections import Counter
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from tqdm import tqdm

from autograder import assignment as course
from autograder.grading import results, written
from autograder.grading.engine import question_points
from autograder.isolation import sandbox

_LANE = None


# Files the grader writes at the top of --out: no submission's folder may take their names.
GRADEBOOK = "grades.csv"
WRITTEN = "written"  # OUT/written/<question>.html: every submission's answer to one written question
RESERVED_NAMES = (GRADEBOOK, WRITTEN)
MAX_NAME_CHARS = 64


def _slug(submission):
    """A submission's file or folder name, made safe: ASCII letters, digits, ``-``, ``_`` and ``.``
    (any run of other characters becomes one ``_``), no leading dot or hyphen, at most
    ``MAX_NAME_CHARS`` characters, never empty."""
    base = Path(os.path.abspath(submission)).name  # "." and "dir/" have names too
    for suffix in (".zip", ".ipynb"):  # an upload's kind is not part of its name
        if base.lower().endswith(suffix):
            base = base[:-len(suffix)]
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", base).lstrip(".-")[:MAX_NAME_CHARS]
    return slug or "submission"


def _short_hash(submission):
    return hashlib.sha256(os.path.abspath(submission).encode("utf-8", "surrogateescape")).hexdigest()[:8]


def submission_names(submissions):
    """One result-folder name per submission: distinct, deterministic, safe.

    A name is the slug of the file or folder name (``_slug``). When several submissions share
    a slug (``sectionA/alice`` and ``sectionB/alice``; ``a b`` and ``a_b``; letter case ignored,
    for case-insensitive file systems) or the slug is one of ``RESERVED_NAMES``, each of them
    gets ``-`` and 8 hex digits of the SHA-256 of its absolute path. A name still taken after
    that (the same path given twice) is numbered ``-2``, ``-3``, ... with a number no other name
    has. So names never collide, never start with a dot (no ``..``), hold no ``/`` and no
    control character, and are never ``grades.csv``: a result folder stays inside --out and
    cannot shadow the gradebook.
    """
    slugs = [_slug(s) for s in submissions]
    shared = Counter(slug.casefold() for slug in slugs)
    reserved = {n.casefold() for n in RESERVED_NAMES}
    wanted = [f"{slug}-{_short_hash(s)}" if shared[slug.casefold()] > 1 or slug.casefold() in reserved else slug
              for s, slug in zip(submissions, slugs)]
    taken, names = {n.casefold() for n in wanted} | reserved, []
    given = set()
    for name in wanted:
        if name.casefold() in given:
            number = 2
            while f"{name}-{number}".casefold() in taken:
                number += 1
            name = f"{name}-{number}"
            taken.add(name.casefold())
        given.add(name.casefold())
        names.append(name)
    return names


def unpack_autograder(autograder_zip, target):
    """The autograder zip, unpacked where only this user can read it."""
    os.chmod(target, 0o700)
    with zipfile.ZipFile(autograder_zip) as archive:
        archive.extractall(target)
    return Path(target)


def _start_lane(autograder_dir):
    global _LANE
    from autograder.grading.engine import Lane

    _LANE = Lane(autograder_dir)
    # The lane's zygote reads the unpacked autograder while it starts, and grade() deletes that
    # folder once the pool has joined its processes. Closing the lane as its process exits makes
    # that join wait for the zygote too (a spawned process exits through atexit).
    atexit.register(_LANE.close)


def _grade_in_lane(submission, name, uid):
    return _LANE.grade(submission, name, uid)


def shipped_assignment(autograder_dir):
    """The assignment of an unpacked autograder, from the manifest shipped beside its checks."""
    return course.Assignment(Path(autograder_dir) / "files" / course.MANIFEST)


def questions_of(autograder_zip):
    """The question names of an autograder zip, in the gradebook's order (read without unpacking it)."""
    from autograder.support import manifest

    with zipfile.ZipFile(autograder_zip) as archive:
        return manifest.parse(archive.read(f"files/{course.MANIFEST}").decode()).question_names


def prepare_out_dir(out_dir):
    """Create ``out_dir`` and make sure files can be written in it; raise OSError if not.

    Checked before grading, so that a bad ``--out`` costs nothing rather than a whole run.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "it is a file, not a folder", str(out_dir))
    out_dir.mkdir(parents=True, exist_ok=True)
    tempfile.TemporaryFile(dir=out_dir).close()  # permissions, a read-only file system
    gradebook = out_dir / GRADEBOOK
    if gradebook.is_dir() and not gradebook.is_symlink():  # left by an earlier grader's result folder
        raise IsADirectoryError(errno.EISDIR, f"{GRADEBOOK} in it is a folder: move it away", str(gradebook))
    return out_dir


def grade(submissions, out_dir, autograder_zip, jobs=None, progress=True):
    """Grade every submission; write the per-submission files and grades.csv; return the outcomes."""
    out_dir = prepare_out_dir(out_dir)
    names = submission_names(submissions)
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(submissions)))
    uid_base = sandbox.fresh_uid_base(len(submissions))
    work = [(os.path.abspath(s), n, uid_base + i) for i, (s, n) in enumerate(zip(submissions, names))]
    private = Path(tempfile.mkdtemp(prefix="autograder-"))
    outcomes, warned = {}, set()
    with OutFolder(out_dir) as out:
        try:
            autograder_dir = unpack_autograder(autograder_zip, private)
            assignment = shipped_assignment(autograder_dir)
            questions, written_questions = assignment.question_names, assignment.written
            points = question_points(autograder_dir / "tests", questions)
            with tqdm(total=len(work), desc="grading", unit="submission", disable=not progress,
                      file=sys.stderr) as bar:
                # A grading process that dies (it should not) takes the pool with it: the submissions
                # it left ungraded go to a fresh pool, one at a time, then count as errors.
                for attempt_jobs in (jobs, 1):
                    left = [w for w in work if w[1] not in outcomes]
                    if not left:
                        break
                    for outcome in _grade_in_pool(left, autograder_dir, attempt_jobs):
                        outcomes[outcome.name] = outcome
                        if outcome.sandbox_note and outcome.sandbox_note not in warned:
                            warned.add(outcome.sandbox_note)  # said once per run, and in each row's message
                            tqdm.write(f"warning: {outcome.name}: {outcome.sandbox_note}", file=sys.stderr)
                        _write_submission_files(out, outcome, points, written_questions)  # as they come: a run cut short keeps them
                        bar.update()
            for _, name, _ in work:
                if name not in outcomes:
                    outcomes[name] = results.Outcome(name, status="error", message="its grading process died twice")
        finally:
            shutil.rmtree(private, ignore_errors=True)
        # Every lane, zygote and worker has exited by now (the pools have joined them): written
        # again, atomically, nothing a submission started can still change these files.
        ordered = [outcomes[n] for n in names]
        for outcome in ordered:
            _write_submission_files(out, outcome, points, written_questions)
        _write_written_pages(out, assignment, ordered)
        out.write(None, GRADEBOOK, results.gradebook_text(ordered, questions), sync=True)
    return ordered


def _grade_in_pool(work, autograder_dir, jobs):
    """Yield the outcomes of ``work`` as lanes finish them; stop quietly if the pool breaks."""
    context = multiprocessing.get_context("spawn")  # lanes start clean, sharing nothing
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_lane, initargs=(autograder_dir,)) as pool:
        futures = {pool.submit(_grade_in_lane, *item): item for item in work}
        for future in as_completed(futures):
            try:
                yield future.result()
            except BrokenProcessPool:
                continue
            except Exception as error:  # noqa: BLE001 - Lane.grade never raises; if it did, one row says so
                name = futures[future][1]
                yield results.Outcome(name, status="error", message=f"the grader failed: {type(error).__name__}: {error}")


class OutFolder:
    """--out, held open: files are written inside it, atomically, never through a link.

    Each file is written to a new temporary file in its folder (``O_EXCL | O_NOFOLLOW``) and
    renamed over its name (``os.replace``), so a reader sees the old file or the new one,
    never half of one, and a link found at the name is replaced, never followed. Paths are
    resolved from the folder's descriptor: a link put in place of --out or of a result folder
    during the run does not redirect the writes.
    """

    def __init__(self, path):
        self.fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        os.close(self.fd)

    def _folder(self, name):
        """A descriptor of the result folder ``name`` in --out, made (or remade, if something else
        holds the name: a link, a file) as a real folder."""
        for _ in range(3):
            try:
                return os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=self.fd)
            except FileNotFoundError:
                pass
            except (NotADirectoryError, OSError) as error:  # ELOOP for a link, ENOTDIR for a file
                if error.errno not in (errno.ELOOP, errno.ENOTDIR):
                    raise
                os.unlink(name, dir_fd=self.fd)
            try:
                os.mkdir(name, 0o755, dir_fd=self.fd)
            except FileExistsError:
                pass
        raise OSError(errno.EAGAIN, "the result folder keeps changing", name)

    def write(self, folder, name, text, sync=False):
        """Write ``text`` to ``folder/name`` in --out (``folder`` None: at the top); with ``sync``,
        on disk before it takes the name."""
        fd = self._folder(folder) if folder else self.fd
        try:
            temporary = f".{name}.{secrets.token_hex(4)}.tmp"
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644, dir_fd=fd)
            try:
                with os.fdopen(handle, "w", encoding="utf-8", newline="") as f:
                    f.write(text)
                    if sync:
                        f.flush()
                        os.fsync(f.fileno())
                os.replace(temporary, name, src_dir_fd=fd, dst_dir_fd=fd)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary, dir_fd=fd)
                raise
        finally:
            if fd != self.fd:
                os.close(fd)


def _write_submission_files(out, outcome, points, written_questions):
    report = results.gradescope_results(outcome, points, written_questions)
    out.write(outcome.name, "results.json", json.dumps(report, indent=2))
    out.write(outcome.name, "feedback.txt", results.feedback_text(outcome, points, written_questions))


def _write_written_pages(out, assignment, outcomes):
    """OUT/written/<question>.html: one page per written question, every submission's answer on it."""
    names = [q.name for q in assignment.written]
    feedback = {o.name: f"../{o.name}/feedback.txt" for o in outcomes}  # from OUT/written/ to OUT/<name>/
    for question in assignment.written:
        rows = [(o.name, o.written.get(question.name) or written.Answer(None, "not graded (" + o.status + ")"))
                for o in outcomes]
        page = written.question_page(assignment.title, question, rows, names, feedback=feedback)
        out.write(WRITTEN, f"{question.name}.html", page)
