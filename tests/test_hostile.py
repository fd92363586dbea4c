"""Hostile and broken submissions get a correct, unforged score and a clear message, through the real paths.

Every assignment's library (``solutions/<name>/library/hostile.toml``) is graded
once by `python -m autograder grade` (as root here, so with privilege dropping
and hidden paths); its entries marked ``gradescope`` also go through the
Gradescope entry point of the built zip, and its ``sandbox`` ones through every
sandbox mode. Entries with a hostile shape (crafted zips, odd names, deep
folders, links) are written by ``write_shaped``. No test names an assignment
but the sandbox's own (``one_sandbox``), which need one module to run.
"""
import contextlib
import csv
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, strategies as st

import buglib
from autograder import assignment as course
from autograder.isolation import sandbox, wire
from autograder.grading.grade import GRADEBOOK, WRITTEN, question_points, submission_names
from autograder.grading.results import MAX_OUTPUT_CHARS
from autograder.grading.results import clean_text

ASSIGNMENTS = course.every()
LIBRARIES = {a.name: buglib.load(a, buglib.HOSTILE) for a in ASSIGNMENTS}
POINTS = {a.name: question_points(a.checks, a.question_names) for a in ASSIGNMENTS}
# The sandbox's own tests (one_sandbox) call this assignment's clipping.py through its procedures.
RNN = course.load("rnn_shortcomings")
FORGED_SCORE = "999"
ENCRYPTED_FLAG = 0x1
UNKNOWN_METHOD = 98  # PPMd: 7-Zip offers it, Python cannot read it


def _central_headers(data):
    """Offsets of a zip's central-directory file headers, in order."""
    end = data.rfind(b"PK\x05\x06")
    count, _, offset = struct.unpack("<HII", data[end + 10:end + 20])
    for _ in range(count):
        yield offset
        name_len, extra_len, comment_len = struct.unpack("<HHH", data[offset + 28:offset + 34])
        offset += 46 + name_len + extra_len + comment_len


def craft_zip(folder, target, damage=None):
    """Zip ``folder``'s files, deflated; then, per ``damage``, set every member's encrypted flag
    ("encrypted"), give it an unknown compression method ("method"), or corrupt its deflate
    stream ("deflate": a first block of the reserved type 3)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
            archive.write(path, path.relative_to(folder).as_posix())
    if damage is None:
        return target
    data = bytearray(Path(target).read_bytes())
    with zipfile.ZipFile(target) as archive:
        members = archive.infolist()
    for member, central in zip(members, _central_headers(data)):
        local = member.header_offset
        if damage == "encrypted":
            data[local + 6] |= ENCRYPTED_FLAG
            data[central + 8] |= ENCRYPTED_FLAG
        elif damage == "method":
            data[local + 8:local + 10] = data[central + 10:central + 12] = struct.pack("<H", UNKNOWN_METHOD)
        elif damage == "deflate":
            name_len, extra_len = struct.unpack("<HH", data[local + 26:local + 30])
            data[local + 30 + name_len + extra_len] = 0b111  # final block, type 3 (reserved)
        else:
            raise ValueError(f"unknown zip_damage {damage!r}")
    Path(target).write_bytes(bytes(data))
    return target


def nest(folder, depth):
    """Move ``folder``'s files ``depth`` folders down, one mkdir at a time (os.makedirs recurses)."""
    files = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    for name in files:
        (folder / name).unlink()
    for _ in range(depth):
        folder = folder / "d"
        folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)


def remove_deep(folder):
    """Remove a tree deeper than shutil.rmtree can recurse (Python 3.11): a level at a time, from the bottom."""
    chain = [Path(folder)]
    while below := [p for p in chain[-1].iterdir() if p.is_dir() and not p.is_symlink()]:
        chain.append(below[0])
    for level in reversed(chain):
        shutil.rmtree(level)


def library_entries(where=lambda entry: True):
    """(assignment, entry name) of every hostile library entry of the course that ``where`` accepts."""
    return [pytest.param(a, name, id=f"{a.name}-{name}") for a in ASSIGNMENTS
            for name, entry in sorted(LIBRARIES[a.name].items()) if where(entry)]


def per_assignment():
    return pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=[a.name for a in ASSIGNMENTS])


def write_shaped(name, entry, root, values, assignment):
    """The submission of library entry ``name``, shaped as the entry says (see the library's header)."""
    path = Path(root) / entry.get("path", name + (".zip" if entry.get("zip") else ""))
    path.parent.mkdir(parents=True, exist_ok=True)
    if entry.get("zip"):
        staging = buglib.write_submission(assignment, entry, Path(root) / ".staging" / name, values)
        return craft_zip(staging, path, entry.get("zip_damage"))
    buglib.write_submission(assignment, entry, path, values)
    if "nest" in entry:
        nest(path, entry["nest"])
    if "link" in entry:
        (path / entry["link"]).unlink()
        (path / entry["link"]).symlink_to(assignment.source / entry["link"])
    return path


def row_name(name, entry, submission):
    """The gradebook name the library expects for entry ``name``, graded from ``submission``."""
    row = entry.get("row", name)
    if entry.get("hashed"):
        row += "-" + hashlib.sha256(os.path.abspath(submission).encode()).hexdigest()[:8]
    return row


SECRET_VARIABLE = "TA_API_TOKEN"  # set in the grader's environment: no submission may see it
IPC_KEYS = {"shm": 0x524E4E01, "msg": 0x524E4E02}  # what leaves_ipc_and_files_behind creates


class Listener:
    """TCP and UDP on 127.0.0.1, an abstract UNIX socket and a pathname one that any user may connect
    to (as a TA's ssh-agent is to the TA's own uid), recording whatever reaches them."""

    def __init__(self):
        self.tcp = socket.create_server(("127.0.0.1", 0))
        self.port = self.tcp.getsockname()[1]
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", self.port))
        self.abstract_name = f"rnn-grader-test-{os.getpid()}-{self.port}"
        self.unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.unix.bind("\0" + self.abstract_name)
        self.unix.listen()
        self.folder = tempfile.mkdtemp(prefix="rnn-grader-socket-")
        os.chmod(self.folder, 0o777)
        self.path = os.path.join(self.folder, "agent.sock")
        self.pathname = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.pathname.bind(self.path)
        os.chmod(self.path, 0o777)
        self.pathname.listen()
        self.received, self.stop = [], threading.Event()
        self.threads = [threading.Thread(target=self._serve, args=(s,), daemon=True)
                        for s in (self.tcp, self.udp, self.unix, self.pathname)]
        for thread in self.threads:
            thread.start()

    def _serve(self, sock):
        sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                if sock.type == socket.SOCK_DGRAM:
                    self.received.append(sock.recv(100))
                else:
                    connection, _ = sock.accept()
                    self.received.append(b"connection")
                    connection.close()
            except OSError:
                pass

    def close(self):
        self.stop.set()
        for thread in self.threads:
            thread.join()
        for sock in (self.tcp, self.udp, self.unix, self.pathname):
            sock.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def hostile_values(root, out, listener, marker):
    """What the library's placeholders stand for (see its header)."""
    return {"LIBRARY": root / "library", "REPO_ROOT": course.ROOT, "OUT": out, "PORT": listener.port,
            "ABSTRACT": listener.abstract_name, "UNIX_PATH": listener.path, "MARKER": marker,
            "FORGE_TARGET": out / "forges_results_later" / "results.json", "PLANTED": planted_folder(root)}


def planted_folder(root):
    """A folder of the host holding a module, as a real package's would: no submission may make the
    grader write beside it (``names_files_for_the_grader_to_write``)."""
    return Path(root) / "planted"


def plant(root):
    folder = planted_folder(root)
    folder.mkdir(mode=0o755)
    (folder / "target.py").write_text("VALUE = 1\n")
    folder.chmod(0o777)  # even a folder anyone may write in: the grader itself must not write there
    return folder


# Runs a command and reports the largest resident set of any process it started (the kernel folds each
# reaped process's peak into its parent's, down the tree): the grader's own memory, whatever a
# submission's init or workers did.
PEAK_MEMORY = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:]).returncode
print(f"PEAK_RSS_KB={resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}", file=sys.stderr)
sys.exit(code)
"""


def honest_here(entry, missing):
    """Whether library ``entry`` must get its honest score in a mode lacking the layers ``missing``
    (``honest_where`` names the layer that entry's attack needs missing; docs/isolation.md says why)."""
    needs = entry.get("honest_where")
    return needs is None or needs not in missing


def grade_library(assignment, names, root, autograder_zip, as_user=(), without="", python=sys.executable,
                  code=course.ROOT):
    """Grade entries ``names`` of ``assignment``'s hostile library in one ``python -m autograder grade``
    run, the command prefixed by ``as_user`` (e.g. setpriv), with $AUTOGRADER_SANDBOX_WITHOUT = ``without``.
    Returns (out, rows by entry name, the run, what reached the listener, the marker)."""
    library = buglib.load(assignment, buglib.HOSTILE)
    out = root / "grades"  # beside the library: nothing may be written next to it
    marker = f"rnnleft{secrets.token_hex(3)}"
    listener = Listener()
    values = hostile_values(root, out, listener, marker)
    submissions = {name: write_shaped(name, library[name], root / "library", values, assignment) for name in names}
    planted = plant(root)
    env = {**os.environ, SECRET_VARIABLE: "tok-do-not-show", sandbox.WITHOUT_VARIABLE: without,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(code), os.environ.get("PYTHONPATH", "")]))}
    started = time.monotonic()
    try:
        run = subprocess.run(
            [*as_user, python, "-c", PEAK_MEMORY, python, "-m", "autograder", "grade", *map(str, submissions.values()),
             "--out", str(out), "--autograder", str(autograder_zip), *buglib.GRADE_OPTIONS],
            capture_output=True, text=True, env=env, timeout=900, cwd=root,
        )
        run.seconds = time.monotonic() - started
        assert run.returncode == 0, run.stderr[-3000:]
        run.peak_bytes = 1024 * int(re.findall(r"PEAK_RSS_KB=(\d+)", run.stderr)[-1])
        run.planted = sorted(p.name for p in planted.iterdir())
        time.sleep(4)  # give anything left running the time to try its forgery
    finally:
        listener.close()
        for name in names:
            if "nest" in library[name]:
                remove_deep(submissions[name])  # deeper than shutil.rmtree can go
    with open(out / GRADEBOOK, newline="") as f:
        by_row = {row["submission"]: row for row in csv.DictReader(f)}
    rows = {name: by_row.get(row_name(name, library[name], path)) for name, path in submissions.items()}
    return out, rows, run, listener.received, marker


@pytest.fixture(scope="session")
def graded_run(tmp_path_factory, autograder_zip):
    """run_of(assignment): its whole library graded in one run, once: (root of the submissions, out, rows by
    entry name, the run)."""
    def grade(assignment):
        root = tmp_path_factory.mktemp(f"hostile-{assignment.name}")
        out, rows, run, received, marker = grade_library(assignment, sorted(LIBRARIES[assignment.name]), root,
                                                         autograder_zip(assignment))
        run.received, run.marker = received, marker
        return root, out, rows, run

    return buglib.built_once(grade)


@pytest.fixture(scope="session")
def graded(graded_run):
    """graded(assignment): (out, rows by entry name) of its library's run."""
    return lambda assignment: graded_run(assignment)[1:3]


def folder(out, rows, name):
    """The result folder of library entry ``name``: named as its gradebook row."""
    return out / rows[name]["submission"]


def expected_scores(assignment, name):
    entry, points = LIBRARIES[assignment.name][name], POINTS[assignment.name]
    return {q: float(entry["scores"].get(q, points[q])) for q in assignment.question_names}


def missing_layers(row):
    """The sandbox layers a gradebook row says its submission's sandbox lacked."""
    return set(re.findall(r"(namespaces|landlock|seccomp|cgroup) \(", row["message"]))


@pytest.mark.parametrize(("assignment", "name"), library_entries())
def test_hostile_submission_gets_its_correct_score_and_status(graded, assignment, name):
    _, rows = graded(assignment)
    entry = LIBRARIES[assignment.name][name]
    assert rows[name] is not None, f"no gradebook row named {row_name(name, entry, '...')!r}"
    if not honest_here(entry, missing_layers(rows[name])):
        pytest.skip(f"{name} needs {entry['honest_where']}, which this machine refused")
    assert {q: float(rows[name][q]) for q in assignment.question_names} == expected_scores(assignment, name)
    assert rows[name]["status"] == entry["status"]


def question_output(report, question):
    """What results.json says of one question: its public checks, then its hidden ones."""
    outputs = {t["name"]: t["output"] for t in report["tests"]}
    return outputs[f"{question} (public checks)"] + "\n" + outputs[question]


@pytest.mark.parametrize(("assignment", "name"), library_entries(lambda entry: "says" in entry))
def test_hostile_submission_is_told_what_happened(graded, assignment, name):
    out, rows = graded(assignment)
    entry = LIBRARIES[assignment.name][name]
    question = next(iter(entry["scores"]))
    report = json.loads((folder(out, rows, name) / "results.json").read_text())
    assert buglib.says(entry["says"], question_output(report, question))


@pytest.mark.parametrize(("assignment", "name"), library_entries(lambda entry: entry.get("forges")))
def test_nothing_forges_a_result_even_later(graded, assignment, name):
    """Entries marked ``forges`` write the score 999 wherever a result could be read from."""
    out, rows = graded(assignment)
    report = json.loads((folder(out, rows, name) / "results.json").read_text())
    honest = sum(expected_scores(assignment, name).values())
    assert report["score"] == honest and float(rows[name]["total"]) == honest
    for path in out.rglob("*"):
        if path.is_file():
            # the forged score as a number of its own, not digits inside a reference value such as 0.00999683
            forged = re.search(rf"(?<![\d.]){FORGED_SCORE}(?![\d.])", path.read_text(errors="replace"))
            assert not forged or path.name == "feedback.txt"


@pytest.mark.skipif(not sandbox.is_root(), reason="privilege dropping needs root")
@pytest.mark.parametrize(("assignment", "name"), library_entries(lambda entry: "never_says" in entry))
def test_student_code_cannot_read_tests_solutions_or_reference_values(graded, assignment, name):
    """Entries marked ``never_says`` look for the grader's files and say so if they find any."""
    out, rows = graded(assignment)
    entry = LIBRARIES[assignment.name][name]
    report = (folder(out, rows, name) / "results.json").read_text()
    assert entry["says"] in report and entry["never_says"] not in report


@pytest.mark.skipif(not sandbox.is_root(), reason="privilege dropping needs root")
@per_assignment()
def test_no_process_of_a_submission_outlives_its_grading(graded, assignment):
    """No process with a submission's uid is left without a grader above it. Another test's grading may
    be running meanwhile (pytest-xdist's other worker): its sandboxes hang below its grader, while a
    process that outlived its grading was handed to init (pid 1)."""
    graded(assignment)
    table = subprocess.run(["ps", "-eo", "uid=,pid=,ppid=,args="], capture_output=True, text=True).stdout
    rows = [line.split(None, 3) for line in table.splitlines() if line.strip()]
    uid_of = {int(pid): int(uid) for uid, pid, *_ in rows}
    parent_of = {int(pid): int(ppid) for _, pid, ppid, *_ in rows}

    def under_a_grader(pid):
        seen = set()
        while pid > 1 and pid not in seen:
            seen.add(pid)
            pid = parent_of.get(pid, 0)
            if pid > 1 and uid_of.get(pid, 0) < sandbox.UID_BASE:
                return True
        return False

    left = [" ".join(row) for row in rows if int(row[0]) >= sandbox.UID_BASE and not under_a_grader(int(row[1]))]
    assert not left


@per_assignment()
def test_visible_feedback_holds_no_hidden_check_and_is_capped(graded, assignment):
    out, rows = graded(assignment)
    hidden_sources = hidden_test_sources(assignment)
    for name in LIBRARIES[assignment.name]:
        report = json.loads((folder(out, rows, name) / "results.json").read_text())
        visible = [t["output"] for t in report["tests"] if t["visibility"] == "visible"] + [report["output"]]
        feedback = (folder(out, rows, name) / "feedback.txt").read_text()
        # feedback.txt is the published view: each question's checks, capped as results.json's entries are
        assert all(len(section) < 2 * MAX_OUTPUT_CHARS + 1_000 for section in feedback.split("\n== "))
        visible.append(feedback)
        for text in visible:
            assert len(text) < 30_000 or text is feedback
            for source_line in hidden_sources:
                assert source_line not in text, (name, source_line)


def hidden_test_sources(assignment):
    """Distinctive lines of the hidden checks: their statements that no public check has."""
    import ast

    from autograder.build import release

    lines = set()
    for path, node, source in release.hidden_test_functions(assignment):
        public_text = (assignment.release / "tests" / path.name).read_text()
        for statement in node.body:
            first_line = ast.get_source_segment(source, statement).split("\n")[0]
            if first_line not in public_text:
                lines.add(first_line)
    return lines


def run_gradescope(autograder_zip, submission_folder, root, env=None):
    """Grade like Gradescope: the zip in root/source, the submission in root/submission."""
    with zipfile.ZipFile(autograder_zip) as archive:
        archive.extractall(root / "source")
    shutil.copytree(submission_folder, root / "submission")
    run = subprocess.run([sys.executable, str(root / "source" / "run_otter.py")], capture_output=True, text=True,
                         env={**(env or os.environ), "AUTOGRADER_ROOT": str(root)}, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    return root / "results" / "results.json"


@pytest.mark.parametrize(("assignment", "name"), library_entries(lambda entry: entry.get("gradescope")))
def test_gradescope_entry_grades_hostile_submissions_the_same(graded, autograder_zip, tmp_path, assignment, name):
    _, rows = graded(assignment)
    entry = LIBRARIES[assignment.name][name]
    listener = Listener()
    try:
        values = {**hostile_values(tmp_path, tmp_path / "autograder" / "results", listener, "unused"),
                  "FORGE_TARGET": tmp_path / "autograder" / "results" / "results.json"}
        submission = buglib.write_submission(assignment, entry, tmp_path / "work", values)
        results_json = run_gradescope(autograder_zip(assignment), submission, tmp_path / "autograder")
    finally:
        listener.close()
    time.sleep(4 if entry.get("forges") else 0)  # its background writer's time to try again
    report = json.loads(results_json.read_text())
    scored = {t["name"]: t["score"] for t in report["tests"] if "score" in t}
    assert scored == {q: float(rows[name][q]) for q in assignment.question_names}
    assert report["score"] == float(rows[name]["total"])


@pytest.mark.parametrize(("assignment", "name"), library_entries(lambda entry: "message" in entry))
def test_hostile_submission_gets_its_message_in_the_gradebook(graded, assignment, name):
    _, rows = graded(assignment)
    assert LIBRARIES[assignment.name][name]["message"] in rows[name]["message"]


@per_assignment()
def test_every_submission_has_a_row_and_a_result_folder_of_its_own(graded_run, assignment):
    root, out, rows, _ = graded_run(assignment)
    with open(out / GRADEBOOK, newline="") as f:
        names = [row["submission"] for row in csv.DictReader(f)]
    assert len(names) == len(set(n.casefold() for n in names)) == len(LIBRARIES[assignment.name])
    assert all(rows.values()), [n for n, row in rows.items() if row is None]
    folders = {p.name for p in out.iterdir() if p.is_dir()}
    assert folders == set(names) | {WRITTEN} and not (out / GRADEBOOK).is_symlink()
    assert sorted(p.name for p in root.iterdir()) == ["grades", "library", "planted"]  # nothing written beside --out
    for path in out.rglob("*"):
        assert not path.is_symlink() and len(path.relative_to(out).parts) <= 2, path


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@per_assignment()
def test_no_control_character_reaches_the_gradebook_or_the_feedback(graded_run, assignment):
    _, out, _, run = graded_run(assignment)
    with open(out / GRADEBOOK, newline="") as f:
        gradebook = f.read()
    assert gradebook.count("\n") == len(LIBRARIES[assignment.name]) + 1
    assert gradebook.count("\r\n") == gradebook.count("\r")
    assert not CONTROL.search(gradebook.replace("\r\n", "")) and not CONTROL.search(run.stdout)
    for path in out.glob("*/feedback.txt"):
        assert not CONTROL.search(path.read_text()), path
    for path in out.glob("*/results.json"):
        for text in _strings(json.loads(path.read_text())):
            assert not CONTROL.search(text), path


# The pieces behind those outcomes, each on its own (no grading run).

@given(st.lists(st.text(st.characters(blacklist_characters="\x00"), min_size=1, max_size=12), min_size=1,
                max_size=8))
def test_result_folder_names_are_distinct_safe_and_deterministic(raw):
    submissions = [f"/submissions/{'/'.join(parts)}" for parts in zip(raw, reversed(raw))] + raw
    names = submission_names(submissions)
    assert names == submission_names(submissions)
    assert len({n.casefold() for n in names}) == len(submissions)
    out = Path("/grades")
    for name in names:
        assert re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9._-]*", name) and name.casefold() != GRADEBOOK
        assert (out / name).resolve().parent == out and len(name) <= 64 + 12


def test_result_folder_names_for_the_reported_cases():
    names = submission_names(["sectionA/alice", "sectionB/alice", "alice-2", "grades.csv.zip", "...zip", "x", "x"])
    assert names[0].startswith("alice-") and names[1].startswith("alice-") and names[0] != names[1]
    assert names[2] == "alice-2" and names[3].startswith("grades.csv-") and names[4] == "submission"
    assert names[5:] == [names[5], names[5] + "-2"]


@given(st.text())
def test_clean_text_leaves_no_control_character(text):
    one_line, lines = clean_text(text), clean_text(text, newlines=True)
    assert not CONTROL.search(one_line) and "\n" not in one_line and "\t" not in one_line
    assert not CONTROL.search(lines)
    assert clean_text(one_line) == one_line


def test_clean_text_removes_terminal_escapes_and_keeps_words():
    text = "a\x1b[31mred\x1b[0m\r\nforged,100\x1b]0;title\x07 \x9b2Kend\u202e"
    assert clean_text(text) == "ared  forged,100 end "  # each control character a space
    assert clean_text(text, newlines=True) == "ared\nforged,100 end "


def test_a_reply_trickled_byte_by_byte_is_cut_off_at_the_deadline():
    ours, theirs = socket.socketpair()
    stop = threading.Event()

    def trickle():
        for byte in (100).to_bytes(8, "big") + b" " * 100:
            if stop.wait(0.2):
                return
            theirs.send(bytes([byte]))

    thread = threading.Thread(target=trickle)
    thread.start()
    started = time.monotonic()
    try:
        with pytest.raises(socket.timeout):
            wire.recv(ours, deadline=started + 1.0)
        assert 0.9 < time.monotonic() - started < 1.5
    finally:
        stop.set()
        thread.join()
        ours.close()
        theirs.close()


DETACHES = '''
import ctypes, os, time


def global_norm(grads):
    """Starts a detached grandchild (new session, double fork) named MARKER that outlives the call."""
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            ctypes.CDLL(None).prctl(15, b"MARKER", 0, 0, 0)  # PR_SET_NAME: what /proc/PID/comm shows
            time.sleep(60)
        os._exit(0)
    time.sleep(0.2)
    return 1.0
'''


def processes_named(name):
    found = []
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and Path(f"/proc/{entry}/comm").read_text().strip() == name:
                found.append(int(entry))
        except OSError:
            pass
    return found


@contextlib.contextmanager
def one_sandbox(monkeypatch, files, without="", trusted=(), ready_seconds=None):
    """A zygote and one submission's sandbox holding ``files`` (name -> text), as a lane opens them
    (``trusted``: the names of those that are the grader's own; ``ready_seconds``: the sandbox's
    deadline to be ready, if not the grader's): (the sandbox backend, the folder)."""
    monkeypatch.setenv(sandbox.WITHOUT_VARIABLE, without)
    tmp_path = Path(tempfile.mkdtemp())  # not below pytest's private folder: another uid enters it, as a lane's
    tmp_path.chmod(0o755)
    (tmp_path / "files").mkdir()
    (tmp_path / "root").mkdir()
    for name, text in files.items():
        (tmp_path / "files" / name).write_text(text)
    support = tmp_path / "support"  # checking, procedures, the assignment's calls and manifest, as a lane has them
    shutil.copytree(course.SUPPORT, support)
    shutil.copyfile(RNN.grading / course.CALLS, support / course.CALLS)
    shutil.copyfile(RNN.manifest, support / course.MANIFEST)
    support.chmod(0o755)
    monkeypatch.syspath_prepend(str(support))
    zygote = sandbox.Zygote(support)
    zygote.ready_seconds = ready_seconds or zygote.ready_seconds
    try:
        box = zygote.open(tmp_path / "files", tmp_path / "root", sandbox.fresh_uid_base(1), trusted)
        yield sandbox.SandboxBackend(box, RNN), tmp_path / "files"
        box.close()
    finally:
        zygote.close()
        shutil.rmtree(tmp_path)


@pytest.mark.parametrize("without", ["", "namespaces"])
def test_what_a_worker_leaves_running_is_killed_before_the_next_call(monkeypatch, without):
    marker = f"left{os.getpid() % 10**6}{without[:2]}"
    with one_sandbox(monkeypatch, {"clipping.py": DETACHES.replace("MARKER", marker)}, without) as (backend, _):
        backend.start_question("clipping")
        outputs, _ = backend.run("global_norm", {"grads.a": np.ones(2)}, {"container": "dict"})
        backend.sandbox.settle()  # the sandbox cleans up while the grader checks the reply, and before the next call
        assert outputs["norm"] == 1.0 and not processes_named(marker)


@pytest.mark.parametrize("without", ["", "namespaces"])
def test_modules_are_compiled_once_into_read_only_pyc_files_the_calls_import(monkeypatch, without):
    files = {"clipping.py": (RNN.source / "clipping.py").read_text(), "shapes.py": (RNN.source / "shapes.py").read_text(),
             "lstm.py": "def broken(:\n"}
    with one_sandbox(monkeypatch, files, without) as (backend, folder):
        backend.precompile(folder, ["clipping", "shapes", "lstm"])
        cache = folder / "__pycache__"
        assert sorted(p.name for p in cache.iterdir()) == [f"{m}.{sys.implementation.cache_tag}.pyc"
                                                           for m in ("clipping", "shapes")]
        assert all(oct(p.stat().st_mode)[-3:] == "644" for p in cache.iterdir())
        backend.start_question("clipping")
        outputs, _ = backend.run("global_norm", {"grads.a": np.ones(2)}, {"container": "dict"})
        assert outputs["norm"] == pytest.approx(np.sqrt(2))
        with pytest.raises(Exception, match="SyntaxError"):  # no .pyc: compiled by the call, and reported
            backend.run("import_module", {}, {"name": "lstm"})


LOOKS_AROUND = '''
import os


def global_norm(grads):
    """What this call finds of the machine, as its error: what an earlier call left, its own pids, /proc."""
    import tempfile

    mine = os.path.join(tempfile.gettempdir(), "left-by-a-call")
    seen = {"left": os.path.exists(mine), "pid": os.getpid(), "parent": os.getppid()}
    try:
        with open(mine, "w") as f:
            f.write("x")
        seen["tmp"] = "writable"
    except OSError as error:
        seen["tmp"] = type(error).__name__
    try:
        seen["proc"] = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
    except OSError as error:
        seen["proc"] = type(error).__name__
    raise RuntimeError(repr(seen))
'''


@pytest.mark.parametrize("without", ["", "namespaces"])
def test_every_call_starts_from_the_same_state(monkeypatch, without):
    seen = []
    with one_sandbox(monkeypatch, {"clipping.py": LOOKS_AROUND}, without) as (backend, _):
        for size in (2, 3, 4):
            backend.start_question("clipping")
            with pytest.raises(Exception) as raised:
                backend.run("global_norm", {"grads.a": np.ones(size)}, {"container": "dict"})
            seen.append(eval(re.search(r"\{.*\}", str(raised.value), re.S).group(0)))  # noqa: S307 - our own repr
    if without:  # no namespaces: a temporary folder emptied after each call, /proc hidden, pids the machine's
        assert [(s["left"], s["tmp"], s["proc"]) for s in seen] == [(False, "writable", "PermissionError")] * 3
    else:  # the same pid under the submission's init every time, a /tmp of its own, no /proc
        assert seen == [{"left": False, "pid": 2, "parent": 1, "tmp": "writable", "proc": "PermissionError"}] * 3


@pytest.mark.parametrize("without", ["", "namespaces"])
def test_the_grader_writes_compiled_code_only_for_the_assignments_modules_by_their_own_names(monkeypatch, tmp_path,
                                                                                               without):
    planted = plant(tmp_path)
    files = {"clipping.py": (RNN.source / "clipping.py").read_text(), "shapes.py": "X = 1\n"}
    code = np.frombuffer(b"bytes of the submission's choosing", dtype=np.uint8)
    names = ["../" * 16 + str(planted / "target").lstrip("/"), "./clipping", "clipping/../clipping", "shapes",
             "./shapes", "clipping"]
    with one_sandbox(monkeypatch, files, without, trusted=["shapes"]) as (backend, folder):
        backend._store_compiled(folder, {name: code for name in names}, ["clipping", "shapes", "lstm"])
        written = {p.name: p.read_bytes() for p in (folder / "__pycache__").iterdir()}
    assert list(written) == [f"clipping.{sys.implementation.cache_tag}.pyc"]
    assert written[f"clipping.{sys.implementation.cache_tag}.pyc"].endswith(code.tobytes())
    assert sorted(p.name for p in planted.iterdir()) == ["target.py"]


def test_the_grader_never_writes_into_a_cache_folder_it_did_not_create(monkeypatch, tmp_path):
    elsewhere = plant(tmp_path)
    code = np.frombuffer(b"code", dtype=np.uint8)
    with one_sandbox(monkeypatch, {"clipping.py": "X = 1\n"}) as (backend, folder):
        (folder / "__pycache__").symlink_to(elsewhere)  # as a worker could, were the folder writable to it
        backend._store_compiled(folder, {"clipping": code}, ["clipping"])
    assert sorted(p.name for p in elsewhere.iterdir()) == ["target.py"]


# 85,000 fields in one f-string: parsing it takes seconds (quadratic), in C, where no signal handler runs.
SLOW_TO_PARSE = 'TEXT = f"' + "{0}" * 85_000 + '"\n'


def test_a_sandbox_whose_preloading_stalls_is_started_again_without_preloading(monkeypatch):
    files = {"clipping.py": (RNN.source / "clipping.py").read_text(), "lstm.py": SLOW_TO_PARSE}
    with one_sandbox(monkeypatch, files, ready_seconds=1) as (backend, _):
        assert backend.sandbox.not_preloaded == "not ready within 1 s: started again without preloading"
        assert backend.sandbox.preloaded == []
        backend.start_question("clipping")
        outputs, _ = backend.run("global_norm", {"grads.a": np.ones(2)}, {"container": "dict"})
        assert outputs["norm"] == pytest.approx(np.sqrt(2))


def test_a_sandbox_that_preloads_in_time_says_nothing_of_it(monkeypatch):
    with one_sandbox(monkeypatch, {"clipping.py": (RNN.source / "clipping.py").read_text()}) as (backend, _):
        assert backend.sandbox.not_preloaded is None and backend.sandbox.preloaded == ["clipping"]


# The sandbox's attacks (entries with `sandbox = true`) of every assignment, in every mode this machine offers.

def sandbox_entries(assignment):
    return sorted(name for name, entry in LIBRARIES[assignment.name].items() if entry.get("sandbox"))


NOBODY = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")
# mode: (command prefix, $AUTOGRADER_SANDBOX_WITHOUT, needs root to set up, the layers it lacks on this machine)
AS_THE_LIBRARY_RUN = "root"  # how graded_run grades: that run serves as this mode's
MODES = {
    AS_THE_LIBRARY_RUN: ((), "", True, set()),
    "root without CAP_SYS_ADMIN": (("setpriv", "--bounding-set", "-sys_admin", "--inh-caps", "-sys_admin"), "", True,
                                   set()),
    "normal user": (NOBODY, "", True, {"cgroup"}),
    "no namespaces (as in Docker)": ((), "namespaces", False, {"namespaces"}),
    "normal user without namespaces": (NOBODY, "namespaces", True, {"namespaces", "cgroup"}),
}


def _runs_as_nobody(python, code_path):
    """Whether uid 65534 can run ``python`` with numpy, Otter and the project's package from ``code_path``."""
    probe = subprocess.run([*NOBODY, python, "-c", "import numpy, tqdm; from autograder.grading.engine import _otter_test_files; "
                                                   "_otter_test_files()"],
                           capture_output=True, text=True, cwd="/", env={**os.environ, "PYTHONPATH": str(code_path)})
    return probe.returncode == 0, probe.stderr.strip()[-300:]


NOBODY_VENVS = Path("/var/tmp")  # world-readable, and kept between runs: a venv is made once per set of pins


def nobody_python():
    """A Python that uid 65534 can run, with the autograder image's pins: this one where it can, else a
    virtual environment of a system Python 3.11 or 3.12 (/usr/bin, as Debian's) made once and kept. The
    normal user's mode then runs in CI too, where the project's Python lives in root's home."""
    from autograder import pins as project_pins
    from autograder.build import image

    if _runs_as_nobody(sys.executable, course.ROOT)[0]:
        return sys.executable
    # the grader's image, and what the command line adds to it (its progress bar, the written pages' Markdown)
    command_line = ("tqdm", "markdown-it-py", "mdit-py-plugins")
    with_deps = image.requirements() + [p for p in project_pins.dependencies() if project_pins.name_of(p) in command_line]
    pins = with_deps + image.requirements_no_deps()
    tag = hashlib.sha256("\n".join(pins).encode()).hexdigest()[:12]
    for version in (f"{sys.version_info.major}.{sys.version_info.minor}", "3.11", "3.12"):
        base = Path(f"/usr/bin/python{version}")
        if not base.exists():
            continue
        venv = NOBODY_VENVS / f"rnn-course-nobody-{version}-{tag}"
        python = venv / "bin" / "python"
        if not python.exists():
            subprocess.run([str(base), "-m", "venv", str(venv)], check=True, capture_output=True)
            pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "--only-binary=:all:"]
            subprocess.run([*pip, *with_deps], check=True, capture_output=True)
            subprocess.run([*pip, "--no-deps", *image.requirements_no_deps()], check=True, capture_output=True)
            subprocess.run(["chmod", "-R", "a+rX", str(venv)], check=True)
        return str(python)
    return None


def _mode_or_skip(mode):
    """(command prefix, $AUTOGRADER_SANDBOX_WITHOUT, the layers it lacks, the Python to run)."""
    prefix, without, needs_root, missing = MODES[mode]
    python = sys.executable
    if needs_root and not sandbox.is_root():
        if not mode.startswith("normal user"):
            pytest.skip(f"{mode}: needs root to set up")
        prefix, missing = (), missing  # already a normal user
    if prefix and not shutil.which(prefix[0]):
        pytest.skip(f"{mode}: no {prefix[0]} here")
    if prefix == NOBODY:
        python = nobody_python()
        if python is None:
            pytest.skip(f"{mode}: uid 65534 cannot run {sys.executable}, and there is no /usr/bin/python3.11 or 3.12 "
                        f"to make it a virtual environment of")
    return prefix, without, missing, python


def installs_from_the_network(mode):
    """The normal user's modes may make a virtual environment for uid 65534 from PyPI (nobody_python)."""
    return [pytest.mark.network] if MODES[mode][0] == NOBODY else []


@pytest.fixture(scope="module", params=[pytest.param((a, mode), id=f"{a.name}-{mode}", marks=installs_from_the_network(mode))
                                        for a in ASSIGNMENTS if sandbox_entries(a) for mode in MODES])
def sandbox_run(request, autograder_zip, graded_run):
    """An assignment's sandbox entries graded in one run in a mode: (the assignment, mode, the layers it lacks,
    out, rows, run). As root, the library's own run (``graded_run``) graded them already, with the rest."""
    assignment, mode = request.param
    prefix, without, missing, python = _mode_or_skip(mode)
    if mode == AS_THE_LIBRARY_RUN:
        _, out, rows, run = graded_run(assignment)
        yield assignment, mode, missing, out, rows, run
        return
    root = Path(tempfile.mkdtemp(prefix="hostile-modes-"))  # not below pytest's private folder: 65534 works here
    try:
        grader_zip = root / "autograder.zip"
        shutil.copyfile(autograder_zip(assignment), grader_zip)
        code = course.ROOT
        if prefix == NOBODY:
            code = root / "code"  # the package where 65534 can read it (a checkout in root's home it cannot)
            shutil.copytree(course.PACKAGE, code / "autograder", ignore=shutil.ignore_patterns("__pycache__"))
            for path in (root, *code.rglob("*"), code):
                os.chown(path, 65534, 65534)
            assert _runs_as_nobody(python, code)[0], _runs_as_nobody(python, code)[1]
        root.chmod(0o755)
        out, rows, run, received, marker = grade_library(assignment, sandbox_entries(assignment), root, grader_zip,
                                                         prefix, without, python=python, code=code)
        run.received, run.marker = received, marker
        yield assignment, mode, missing, out, rows, run
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _said(rows, name):
    return rows[name]["message"]


def test_sandbox_attacks_get_the_honest_score_in_every_mode(sandbox_run):
    assignment, mode, missing, out, rows, _ = sandbox_run
    library = LIBRARIES[assignment.name]
    for name in sandbox_entries(assignment):
        assert rows[name] is not None, (mode, name)
        if not honest_here(library[name], missing):
            continue
        assert {q: float(rows[name][q]) for q in assignment.question_names} == expected_scores(assignment, name), \
            (mode, name)
        assert rows[name]["status"] == library[name]["status"], (mode, name)
        if "says" in library[name]:
            question = next(iter(library[name]["scores"]))
            report = json.loads((folder(out, rows, name) / "results.json").read_text())
            output = question_output(report, question)
            assert buglib.says(library[name]["says"], output), (mode, name, output[:500])


def test_each_mode_reports_exactly_the_layers_it_lacks(sandbox_run):
    assignment, mode, missing, _, rows, run = sandbox_run
    library = LIBRARIES[assignment.name]
    for name in (n for n in sandbox_entries(assignment) if library[n]["status"] != "error"):  # graded: in a sandbox
        lacking = set(re.findall(r"(namespaces|landlock|seccomp|cgroup) \(", _said(rows, name)))
        assert lacking == missing, (mode, name, _said(rows, name))
    for layer in missing:
        assert f"sandbox without" in run.stderr and layer in run.stderr  # said on the console too


def _reported_number(out, rows, name, word):
    report = (folder(out, rows, name) / "results.json").read_text()
    return int(re.search(rf"{word} (\d+)", report).group(1))


def test_a_submission_is_bounded_as_a_whole_where_a_cgroup_can_be_had(sandbox_run):
    """An entry's ``at_most`` (``at_most_without_cgroup`` where the mode has no cgroup) bounds the number
    it reports after each word, e.g. how many of its processes held their memory at once."""
    assignment, mode, missing, out, rows, _ = sandbox_run
    for name in sandbox_entries(assignment):
        entry = LIBRARIES[assignment.name][name]
        bounds = dict(entry.get("at_most", {}))
        if "cgroup" in missing:
            bounds.update(entry.get("at_most_without_cgroup", {}))
        for word, most in bounds.items():
            reported = _reported_number(out, rows, name, word)
            assert reported <= most, (mode, name, word, reported)


def test_nothing_a_submission_started_or_created_outlives_its_grading(sandbox_run):
    assignment, mode, _, out, _, run = sandbox_run
    assert not processes_named(run.marker), mode
    left = [p for pattern in (f"/tmp/{run.marker}*", f"/dev/shm/{run.marker}*", f"{out}/{run.marker}*")
            for p in Path("/").glob(pattern.lstrip("/"))]
    assert not left, (mode, left)
    for kind, key in IPC_KEYS.items():
        table = Path(f"/proc/sysvipc/{kind}").read_text().split("\n")[1:]
        assert str(key) not in [row.split()[0] for row in table if row.strip()], (mode, kind)
    assert not (out / GRADEBOOK).is_symlink(), mode
    with open(out / GRADEBOOK) as f:  # the scores, not the names: a random name may hold "999"
        scores = [row[column] for row in csv.DictReader(f) for column in (*assignment.question_names, "total")]
    assert not any("999" in score for score in scores), mode


def test_no_file_is_written_where_a_submission_names_one(sandbox_run):
    _, mode, _, _, _, run = sandbox_run
    assert run.planted == ["target.py"], mode


def test_nothing_a_submission_prints_reaches_the_graders_terminal(sandbox_run):
    _, mode, _, _, _, run = sandbox_run
    for stream in (run.stdout, run.stderr):
        assert f"{run.marker}-terminal" not in stream and "\x1b[2J" not in stream, mode


def test_the_grader_and_every_process_it_starts_stay_within_a_workers_memory(sandbox_run):
    _, mode, _, _, _, run = sandbox_run
    assert run.peak_bytes <= sandbox.MEMORY_BYTES, (mode, run.peak_bytes >> 20)


def test_nothing_reaches_the_network_or_the_graders_secrets(sandbox_run):
    _, mode, _, out, _, run = sandbox_run
    assert run.received == [], mode
    for path in out.rglob("*"):
        if path.is_file():
            text = path.read_text(errors="replace")
            assert "tok-do-not-show" not in text and SECRET_VARIABLE not in text, (mode, path)
