"""Run the checks' procedures in disposable, locked-down worker processes.

``Zygote`` starts the zygote process (``autograder.isolation.zygote``) and
opens one ``Sandbox`` per submission through it (its own namespaces, cgroup
and uid: see ``confine``); the sandbox starts one worker per call. Every
message on these channels is a ``wire`` frame. ``SandboxBackend`` is the backend the
engine gives ``checking.use_backend`` while a submission is graded: it sends the
inputs as plain data, waits for the whole reply at most a call's time (see
``SandboxBackend``), turns every way a worker can fail (time-out, crash,
exit, memory) into a message naming the call, and has the sandbox kill
whatever the call left running.
"""
import copy
import hashlib
import os
import signal
import socket
import stat
import subprocess
import sys
import time

import numpy as np

from autograder import assignment as course
from autograder.isolation import confine, wire

CALL_TIMEOUT_S = 5  # the reference answers any call in milliseconds
RETRY_TIMEOUT_S = 1  # each later call of a function that timed out: its edge cases (T = 0) still answer
SCRIPT_TIMEOUT_S = 15
QUESTION_BUDGET_S = 20  # so a whole submission takes at most about 5 x 20 s
MEMORY_BYTES = 1 << 30  # address space of each process
SUBMISSION_MEMORY_BYTES = 1 << 30  # all of a submission's processes together, where a cgroup can be had
# From a sandbox's start to its init being ready (root file system built, modules preloaded within
# their own 2 s), with room for a loaded machine. Past it the zygote kills it from outside (parsing
# a module cannot be interrupted from inside) and starts it again without preloading anything.
READY_S = 8
UID_BASE = 100_000  # submissions graded as root get uids from here up, one each (above nobody, 65534)
UID_BLOCKS = 100_000
WITHOUT_VARIABLE = "AUTOGRADER_SANDBOX_WITHOUT"  # e.g. "namespaces,cgroup": to try the fallbacks
# What a worker may send back. The reference's largest reply is well under 1 MB; anything larger, or
# not in the shape of a reply, becomes that call's failed check, and every text in it is clipped before
# the grader keeps it (messages reach the gradebook, the feedback and the main process).
REPLY_LIMIT_BYTES = 4 << 20
ERROR_LIMIT_CHARS = 2_000
TEXT_LIMIT_CHARS = 20_000


def fresh_uid_base(count):
    """The first of ``count`` consecutive uids for a grading run, drawn at random so that two
    runs on one machine do not share uids (and so never kill each other's workers)."""
    import secrets

    return UID_BASE + secrets.randbelow(UID_BLOCKS) * max(count, 1)


def is_root():
    return os.geteuid() == 0


def wanted_layers():
    """The isolation layers to try: all of them, less those named in $AUTOGRADER_SANDBOX_WITHOUT."""
    off = {word.strip() for word in os.environ.get(WITHOUT_VARIABLE, "").split(",")}
    return [layer for layer in confine.LAYERS if layer not in off]


def describe_missing(missing):
    """One line for the gradebook and the console: the layers a submission's sandbox lacked, and why."""
    if not missing:
        return ""
    return "sandbox without " + "; ".join(f"{layer} ({why})" for layer, why in sorted(missing.items()))


def _budget_used_up(budget_s, timed_out):
    """Why a call was not made (a NotRun's details): the question's time went to the functions ``timed_out``
    (or to slow calls)."""
    by = f" by {' and '.join(timed_out)} (timed out: an endless loop?)" if timed_out else ""
    return f"this question's time budget of {budget_s:g} s was used up{by}."


class SandboxError(Exception):
    """The sandbox of a submission could not be started or has ended."""


def _tell(channel, request, fds, gone):
    """Send ``request`` (and ``fds``) on ``channel``, or SandboxError saying ``gone``."""
    try:
        wire.send(channel, request, fds=fds)
    except OSError as error:
        raise SandboxError(f"{gone}: {error}") from None


def _next_answer(channel, gone):
    """The next answer on ``channel``, or SandboxError saying ``gone``."""
    try:
        return wire.recv(channel)
    except EOFError:
        raise SandboxError(gone) from None
    except OSError as error:
        raise SandboxError(f"{gone}: {error}") from None


def _ask(channel, request, fds, gone):
    """Send ``request`` (and ``fds``) on ``channel``; the answer, or SandboxError saying ``gone``."""
    _tell(channel, request, fds, gone)
    return _next_answer(channel, gone)


class Zygote:
    """The grader's handle on the zygote, the clean process that starts the submissions' sandboxes;
    one per grading process."""

    def __init__(self, support_dir):
        self.support_dir = support_dir
        self.ready_seconds = READY_S
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        # Nothing of the grader's environment (a TA's tokens, paths) reaches the zygote, so none
        # of it is in the memory its workers are forked from.
        env = {**confine.fixed_environment(home="/nonexistent"), "PYTHONPATH": str(course.ROOT)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "autograder.isolation.zygote", str(theirs.fileno()), str(support_dir)],
            pass_fds=[theirs.fileno()], env=env, stdin=subprocess.DEVNULL, cwd="/",
        )
        theirs.close()
        self.control = ours

    def alive(self):
        return self.process.poll() is None

    def _ask(self, request, fds=()):
        return _ask(self.control, request, fds, "the zygote is gone")

    def open(self, folder, root, uid, trusted=()):
        """A sandbox for one submission whose files are in ``folder``; ``root`` is an empty folder
        its root file system is mounted on; ``uid`` is its own uid when grading as root; ``trusted``:
        the modules in ``folder`` that are the grader's own copies (provided, reference)."""
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        request = wire.SandboxRequest(
            folder=str(folder), root=str(root), uid=uid if is_root() else None, layers=tuple(wanted_layers()),
            memory_bytes=MEMORY_BYTES, cgroup_memory_bytes=SUBMISSION_MEMORY_BYTES,
            ready_seconds=self.ready_seconds, trusted=tuple(trusted))
        try:
            answer = self._ask(request.message(), [theirs.fileno()])
        finally:
            theirs.close()
        if not answer.get("ready"):
            mine.close()
            raise SandboxError(f"its sandbox could not be started: {describe_missing(answer.get('missing'))}")
        box = Sandbox(self, mine, answer["keeper"], answer["missing"], answer.get("preloaded", []), trusted)
        box.not_preloaded = answer.get("not_preloaded")
        return box

    def close_sandbox(self, keeper):
        self._ask({"op": "close", "keeper": keeper})

    def close(self):
        """Stop the zygote and wait until it has: it may still be importing ``procedures`` from
        ``support_dir``, which the caller is about to delete."""
        self.control.close()  # the zygote's next read sees the end of the channel and returns
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Sandbox:
    """One submission's sandbox as the grader holds it: the channel to the process that starts
    its workers, the layers it lacks (``missing``: layer -> why), and the student's modules its
    workers find imported already (``preloaded``: see ``autograder.isolation.preload``); ``trusted``: the
    modules in its folder that are the grader's own copies."""

    GONE = "the sandbox of this submission has ended (over its memory limit?)"

    def __init__(self, zygote, channel, keeper, missing, preloaded=(), trusted=()):
        self.zygote, self.channel, self.keeper, self.missing = zygote, channel, keeper, missing
        self.preloaded, self.trusted = list(preloaded), set(trusted)
        self.not_preloaded = None  # why nothing was preloaded, when the sandbox had to start again without
        self.unheard = 0  # answers to reap requests not read yet: the sandbox cleans up while the grader checks

    def _ask(self, request, fds=()):
        self.settle()
        return _ask(self.channel, request, fds, self.GONE)

    def settle(self):
        """Wait until the sandbox has killed what the calls so far left running (reap_later)."""
        while self.unheard:
            self.unheard -= 1
            _next_answer(self.channel, self.GONE)

    def spawn(self, cpu_seconds, message):
        """A new worker for one call, sent ``message`` (a ``wire.frame``, made before the worker exists)
        at once: its pid (as the sandbox numbers it) and the socket to talk to it. The message waits in
        the socket while the worker locks itself down."""
        mine, its = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self.settle()
            _tell(self.channel, {"op": "spawn", "cpu_seconds": int(cpu_seconds) + 1}, [its.fileno()], self.GONE)
            its.close()
            mine.settimeout(CALL_TIMEOUT_S)  # the worker reads it first thing; a small message never waits
            mine.sendall(message)
            answer = _next_answer(self.channel, self.GONE)
            if answer.get("pid") is None:
                raise SandboxError(f"the call could not be started: {answer.get('error')}")
        except (SandboxError, OSError) as error:
            mine.close()
            raise SandboxError(str(error)) from None
        finally:
            its.close()
        return answer["pid"], mine

    def reap(self, pid):
        """Kill the worker and everything else the call left running; the worker's exit code,
        negative for a signal, None if unknown."""
        return self._ask({"op": "reap", "pid": pid})["exit"]

    def reap_later(self, pid):
        """``reap``, without waiting: the next request waits for it (the sandbox handles one at a time)."""
        self.settle()
        _tell(self.channel, {"op": "reap", "pid": pid}, (), self.GONE)
        self.unheard += 1

    def close(self):
        try:
            self.settle()
        except SandboxError:
            pass
        self.channel.close()
        self.zygote.close_sandbox(self.keeper)


class MalformedReply(Exception):
    """A worker's reply that is not a reply: the message says what it was, in the grader's words."""


def _clip(text, limit):
    return text if len(text) <= limit else text[:limit] + "... (cut)"


def _clipped(value, described, depth=0):
    """``value`` with every text clipped to TEXT_LIMIT_CHARS (``described`` ones keep their type)."""
    if depth > 20:
        raise MalformedReply("nested too deep")
    if isinstance(value, str):
        clipped = _clip(value, TEXT_LIMIT_CHARS)
        return described(clipped) if isinstance(value, described) else clipped
    if isinstance(value, (list, tuple)):
        return type(value)(_clipped(v, described, depth + 1) for v in value)
    if isinstance(value, dict):
        return {k: _clipped(v, described, depth + 1) for k, v in value.items()}
    return value


def _bounded_reply(reply, described):
    """The reply of a worker, checked to be one (outputs and the inputs as left, or an error) and clipped;
    MalformedReply if it is anything else."""
    if not isinstance(reply, dict):
        raise MalformedReply(f"a {type(reply).__name__}, not a reply")
    if "error" in reply:
        if not isinstance(reply["error"], str):
            raise MalformedReply("an error that is not a text")
        return {"error": _clip(reply["error"], ERROR_LIMIT_CHARS)}
    outputs, after = reply.get("outputs"), reply.get("after")
    if not isinstance(outputs, dict) or not isinstance(after, dict):
        raise MalformedReply("outputs or inputs that are not named values")
    return {"outputs": _clipped(outputs, described), "after": _clipped(after, described)}


def kill_uid(uid):
    """Kill every process running as ``uid`` (what a submission left behind)."""
    if uid is None:
        return
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/status") as f:
                    real_uid = next(line.split()[1] for line in f if line.startswith("Uid:"))
                if int(real_uid) == uid:
                    os.kill(int(entry), signal.SIGKILL)
            except (OSError, StopIteration, ValueError):
                pass


def _ended(exit_code):
    if exit_code is None:
        return "ended"
    if exit_code < 0:
        name = signal.Signals(-exit_code).name
        why = {"SIGKILL": " (over the memory or CPU limit?)", "SIGXCPU": " (over the CPU time limit)"}.get(name, "")
        return f"was killed by {name}{why}"
    return f"exited with status {exit_code}"


class SandboxBackend:
    """The checks' backend for one submission (``checking.use_backend``): every procedure call in its own worker.

    Before the checks, each student module is imported once (``prepare``,
    on its own if need be: ``preflight``); a module that hangs, exits or crashes while importing
    then fails every call that needs it at once, with that first message,
    instead of costing a time-out per call. A call gets ``call_timeout_s`` (a script
    SCRIPT_TIMEOUT_S), never more than its question's time budget has left. Each question has its own
    time budget, so a hang in one question costs that question only, and a function that timed out gets
    RETRY_TIMEOUT_S for each later call (enough for an edge such as an empty sequence): the budget
    then goes to the question's other functions, and a right function never pays for another's
    endless loop.
    """

    def __init__(self, sandbox, assignment, call_timeout_s=CALL_TIMEOUT_S, question_budget_s=QUESTION_BUDGET_S):
        self.sandbox = sandbox
        self.scripts = [q.file for q in assignment.questions if q.script]
        self.call_timeout_s, self.question_budget_s = call_timeout_s, question_budget_s
        self.deadline = None
        self.timed_out = False
        self.out_of_time = []  # the functions (labels) that timed out, in order
        self.question_out_of_time = []
        self.broken_modules = {}
        # Every call starts from the same clean state, so one with the same kind, inputs and options gives
        # the same answer: each is run once per submission (the checks ask some again, e.g. to gate a
        # property on right outputs), and the script once per way to run it.
        self.answers = {}

    def prepare(self, folder, modules):
        """``precompile`` and ``preflight`` in one call: the student's modules compiled, then imported
        in one worker. Only when that call fails or one of them does not import are the two done
        apart, so that each module's import is judged in a process of its own."""
        self.start_question(None)
        try:
            outputs, _ = self._call("compiled_modules", {}, {"then_import": list(modules)},
                                    "while compiling and importing the modules")
            compiled, errors = outputs["code"], outputs["import_errors"]
        except Exception:  # noqa: BLE001 - CheckFailed (whatever its class), or a reply without those keys
            self.precompile(folder, modules)
            self.preflight(modules)
            return
        self._store_compiled(folder, compiled, modules)
        if errors:
            self.preflight(modules)

    def precompile(self, folder, modules):
        """Compile the student's modules once, in a worker (never here: compiling hostile source may
        take long), and write the code as .pyc files into ``folder``/__pycache__, owned by the grader
        and read-only to the submission: each later call imports them without compiling (about 1 ms
        a call). The files are only written, never loaded, by the grader. Best effort: a module
        left out is compiled by each call, as before."""
        self.start_question(None)
        try:
            outputs, _ = self._call("compiled_modules", {}, {}, "while compiling the modules")
            compiled = outputs["code"]
        except Exception:  # noqa: BLE001 - CheckFailed, whatever its class: the calls compile for themselves
            return
        self._store_compiled(folder, compiled, modules)

    def _store_compiled(self, folder, compiled, modules):
        """Write the code a worker compiled for the student's ``modules`` as .pyc files in a
        ``__pycache__`` folder this process creates in ``folder``. The reply comes from a worker after
        student code ran in it, so nothing in it names a file: each name written is one of ``modules``
        (the grader's own list, never the grader's own files), taken as is, and every file is created
        new, relative to folders opened without following links."""
        import importlib.util

        if not isinstance(compiled, dict):
            return
        wanted = [name for name in dict.fromkeys(modules) if name.isidentifier() and name not in self.sandbox.trusted]
        codes = {name: compiled.get(name) for name in wanted}
        codes = {name: code for name, code in codes.items()
                 if isinstance(code, np.ndarray) and code.dtype == np.uint8 and code.ndim == 1}
        if not codes:
            return
        nofollow = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
        try:
            top = os.open(folder, nofollow)
        except OSError:
            return
        try:
            try:
                os.mkdir("__pycache__", 0o755, dir_fd=top)  # a name that is there already is not ours: nothing written
                cache = os.open("__pycache__", nofollow, dir_fd=top)
            except OSError:
                return
            try:
                for name, code in codes.items():
                    try:
                        source = os.stat(f"{name}.py", dir_fd=top, follow_symlinks=False)
                    except OSError:
                        continue
                    if not stat.S_ISREG(source.st_mode):
                        continue
                    header = (importlib.util.MAGIC_NUMBER + (0).to_bytes(4, "little")  # a timestamp pyc, checked
                              + (int(source.st_mtime) & 0xFFFFFFFF).to_bytes(4, "little")
                              + (source.st_size & 0xFFFFFFFF).to_bytes(4, "little"))
                    target = f"{name}.{sys.implementation.cache_tag}.pyc"  # where the workers' import looks
                    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644,
                                 dir_fd=cache)
                    with os.fdopen(fd, "wb") as out:
                        os.fchmod(out.fileno(), 0o644)
                        out.write(header + code.tobytes())
            finally:
                os.close(cache)
        finally:
            os.close(top)

    def preflight(self, modules):
        for module in modules:
            self.start_question(None)
            try:
                self._call("import_module", {}, {"name": module}, f"while importing {module}.py")
            except Exception as error:  # noqa: BLE001 - CheckFailed, whatever its class here
                self.broken_modules[module] = str(error)

    def _label(self, kind, options):
        if kind == "run_script":
            return " and ".join(f"python {script}" for script in self.scripts)
        return options.get("function_name") or kind

    def start_question(self, question):
        self.deadline = time.monotonic() + self.question_budget_s
        self.question_out_of_time = []

    def run(self, kind, inputs, options=None):
        from checking import CheckFailed, NotRun
        from procedures import modules_needed

        options = options or {}
        for module in modules_needed(kind, options):
            if module in self.broken_modules:
                raise CheckFailed(self.broken_modules[module])
        label = self._label(kind, options)
        key = hashlib.sha256(wire.dumps({"kind": kind, "inputs": inputs, "options": options})).digest()
        if key not in self.answers:
            try:
                self.answers[key] = self._call(kind, inputs, options, f"in {label}")
            except NotRun:  # the question's budget, not the call: ask again later
                raise
            except CheckFailed as error:
                self.answers[key] = error
        if isinstance(self.answers[key], CheckFailed):
            raise self.answers[key]
        return copy.deepcopy(self.answers[key])

    def _call(self, kind, inputs, options, where):
        from checking import CheckFailed, NotRun
        from procedures import Described

        left = self.deadline - time.monotonic()
        if left <= 0:
            self.timed_out = True
            raise NotRun(_budget_used_up(self.question_budget_s, self.question_out_of_time))
        label = self._label(kind, options)
        limit = min(SCRIPT_TIMEOUT_S if kind == "run_script" else self.call_timeout_s, left)
        if label in self.out_of_time:
            limit = min(limit, RETRY_TIMEOUT_S)
        deadline = time.monotonic() + limit  # once per call: the request and the whole reply within it
        try:
            pid, channel = self.sandbox.spawn(limit, wire.frame({"kind": kind, "inputs": inputs, "options": options}))
        except SandboxError as error:
            raise CheckFailed(f"not run {where}: {error}") from None
        try:
            reply = wire.recv(channel, described=Described, limit=REPLY_LIMIT_BYTES, deadline=deadline)
            reply = _bounded_reply(reply, Described)
            if time.monotonic() > deadline:  # reading the reply counts against the call's time too
                raise socket.timeout("deadline passed")
        except socket.timeout:
            self.timed_out = True
            again = " (it had timed out before: each later call gets that long)" if label in self.out_of_time else ""
            for record in (self.out_of_time, self.question_out_of_time):
                if label not in record:
                    record.append(label)
            raise CheckFailed(f"timed out after {limit:g} s {where}{again} (an endless loop, or far too slow).") \
                from None
        except (MalformedReply, wire.WireError) as error:
            raise CheckFailed(f"the process running your code {where} sent back a reply the grader cannot use "
                              f"({error}): nothing from this call is graded.") from None
        except (EOFError, ConnectionError) as error:
            exit_code = self._reap(pid)
            pid = None
            raise CheckFailed(
                f"the process running your code {where} {_ended(exit_code)} before answering "
                f"(os._exit, or a crash of the interpreter: {str(error)[:200]})."
            ) from None
        finally:
            channel.close()
            if pid is not None:
                self._reap_later(pid)
        if "error" in reply:
            raise CheckFailed(reply["error"])
        return reply["outputs"], reply["after"]

    def _reap_later(self, pid):
        try:
            self.sandbox.reap_later(pid)
        except SandboxError:
            pass

    def _reap(self, pid):
        try:
            return self.sandbox.reap(pid)
        except SandboxError:
            return None
