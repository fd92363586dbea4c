"""Run the checks' procedures in disposable, locked-down worker processes.

``Zygote`` starts ``autograder.zygote`` and asks it for one worker per call;
``SandboxBackend`` is what ``checking.BACKEND`` becomes while a submission is
graded: it sends the inputs as plain data, waits at most ``call_timeout``
seconds, turns every way a worker can fail (time-out, crash, exit, memory)
into a message naming the call, and afterwards kills every process left
running under the submission's uid.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time

from autograder import paths, wire

CALL_TIMEOUT_S = 5  # the reference answers any call in milliseconds
SCRIPT_TIMEOUT_S = 15
QUESTION_BUDGET_S = 20  # so a whole submission takes at most about 5 x 20 s
MEMORY_BYTES = 1 << 30
UID_BASE = 100_000  # submissions graded as root get uids from here up, one each (above nobody, 65534)
UID_BLOCKS = 100_000


def fresh_uid_base(count):
    """The first of ``count`` consecutive uids for a grading run, drawn at random so that two
    runs on one machine do not share uids (and so never kill each other's workers)."""
    import secrets

    return UID_BASE + secrets.randbelow(UID_BLOCKS) * max(count, 1)


def is_root():
    return os.geteuid() == 0


class Zygote:
    """The clean process that forks workers; one per grading process."""

    def __init__(self, support_dir, hide=()):
        self.support_dir, self.hide = support_dir, [str(p) for p in hide]
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = paths.env_with_path(paths.ROOT)  # the folder holding the autograder package
        self.process = subprocess.Popen(
            [sys.executable, "-m", "autograder.zygote", str(theirs.fileno()), str(support_dir)],
            pass_fds=[theirs.fileno()], env=env, stdin=subprocess.DEVNULL,
        )
        theirs.close()
        self.control = ours

    def alive(self):
        return self.process.poll() is None

    def spawn(self, folder, uid, cpu_seconds):
        """A new worker for one call in ``folder``: its pid and the socket to talk to it."""
        mine, its = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        request = {"op": "spawn", "folder": str(folder), "uid": uid, "hide": self.hide,
                   "memory_bytes": MEMORY_BYTES, "cpu_seconds": int(cpu_seconds) + 1}
        socket.send_fds(self.control, [json.dumps(request).encode()], [its.fileno()])
        its.close()
        pid = json.loads(self.control.recv(65536))["pid"]
        return pid, mine

    def reap(self, pid):
        """Wait for a finished (or killed) worker; its exit code, negative for a signal."""
        self.control.send(json.dumps({"op": "reap", "pid": pid}).encode())
        return json.loads(self.control.recv(65536))["exit"]

    def close(self):
        """Stop the zygote and wait until it has: it may still be importing ``procedures`` from
        ``support_dir``, which the caller is about to delete."""
        self.control.close()  # the zygote's next read sees the end of the channel and returns
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


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


def _label(kind, options):
    if kind == "run_script":
        return "python gradient_norms.py"
    return options.get("function_name") or kind


def _ended(exit_code):
    if exit_code is None:
        return "ended"
    if exit_code < 0:
        name = signal.Signals(-exit_code).name
        why = {"SIGKILL": " (over the memory or CPU limit?)", "SIGXCPU": " (over the CPU time limit)"}.get(name, "")
        return f"was killed by {name}{why}"
    return f"exited with status {exit_code}"


class SandboxBackend:
    """checking.BACKEND for one submission: every procedure call in its own worker.

    Before the checks, each student module is imported once on its own
    (``preflight``); a module that hangs, exits or crashes while importing
    then fails every call that needs it at once, with that first message,
    instead of costing a time-out per call. Each question has its own time
    budget, so a hang in one question costs that question only.
    """

    def __init__(self, zygote, folder, uid, call_timeout_s=CALL_TIMEOUT_S, question_budget_s=QUESTION_BUDGET_S):
        self.zygote, self.folder, self.uid = zygote, folder, uid
        self.call_timeout_s, self.question_budget_s = call_timeout_s, question_budget_s
        self.deadline = None
        self.timed_out = False
        self.broken_modules = {}
        self.script_outputs = {}  # the script prints the same whatever the check: run it once per way to run it

    def preflight(self, modules):
        for module in modules:
            self.start_question(None)
            try:
                self._call("import_module", {}, {"name": module}, f"while importing {module}.py")
            except Exception as error:  # noqa: BLE001 - CheckFailed, whatever its class here
                self.broken_modules[module] = str(error)

    def start_question(self, question):
        self.deadline = time.monotonic() + self.question_budget_s

    def run(self, kind, inputs, options=None):
        from checking import CheckFailed
        from procedures import modules_needed

        options = options or {}
        for module in modules_needed(kind, options):
            if module in self.broken_modules:
                raise CheckFailed(self.broken_modules[module])
        if kind != "run_script":
            return self._call(kind, inputs, options, f"in {_label(kind, options)}")
        key = repr(sorted(options.items()))
        if key not in self.script_outputs:
            try:
                self.script_outputs[key] = self._call(kind, inputs, options, f"in {_label(kind, options)}")
            except CheckFailed as error:
                self.script_outputs[key] = error
        if isinstance(self.script_outputs[key], CheckFailed):
            raise self.script_outputs[key]
        return self.script_outputs[key]

    def _call(self, kind, inputs, options, where):
        from checking import CheckFailed
        from procedures import Described

        left = self.deadline - time.monotonic()
        if left <= 0:
            self.timed_out = True
            raise CheckFailed(f"not run: this question used up its time budget of {self.question_budget_s:g} s.")
        limit = min(SCRIPT_TIMEOUT_S if kind == "run_script" else self.call_timeout_s, left)
        deadline = time.monotonic() + limit  # once per call: the request and the whole reply within it
        pid, channel = self.zygote.spawn(self.folder, self.uid, limit)
        try:
            wire.send(channel, {"kind": kind, "inputs": inputs, "options": options}, deadline=deadline)
            reply = wire.recv(channel, described=Described, deadline=deadline)
        except socket.timeout:
            self.timed_out = True
            raise CheckFailed(f"timed out after {limit:g} s {where} (an endless loop, or far too slow).") from None
        except (EOFError, ConnectionError, wire.WireError) as error:
            _kill(pid)
            exit_code = self.zygote.reap(pid)
            pid = None
            raise CheckFailed(
                f"the process running your code {where} {_ended(exit_code)} before answering "
                f"(os._exit, a crash of the interpreter, or a reply that is not plain data: {error})."
            ) from None
        finally:
            channel.close()
            if pid is not None:
                _kill(pid)
                self.zygote.reap(pid)
            kill_uid(self.uid)
        if "error" in reply:
            raise CheckFailed(reply["error"])
        return reply["outputs"], reply["after"]


def _kill(pid):
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
        except (ProcessLookupError, PermissionError):
            pass
