"""The zygote: a clean process that forks one short-lived worker per call into student code.

Started by the grading process (``python -m autograder.zygote FD SUPPORT_DIR``)
with numpy and ``procedures`` already imported, and nothing secret in its
memory: no fixtures, no tests. For every procedure call the grader sends a
socket over the control channel; the zygote forks a worker that

- starts a new session (so its whole process group can be killed),
- closes every other file descriptor (no way back to the zygote) and sends
  its own output to /dev/null,
- limits its memory, CPU time, file writes and process count,
- when started as root: hides the given paths behind empty mounts (best
  effort) and drops to an unprivileged uid of the grader's choosing,
- runs exactly one procedure in the submission's folder, replies with plain
  data (``wire``) and exits.

The zygote is a child subreaper (``PR_SET_CHILD_SUBREAPER``): whatever a
worker starts, however detached (a new session, a double fork), stays below
the zygote, which kills it all once the worker is reaped, and when it stops.
As root, the grader also kills every process of the submission's uid; run as
a normal user, this is what ends a submission's background processes.

Every call so starts from the same clean state, whatever earlier calls did
(patched numpy, global variables, files, background processes).
"""
import ctypes
import json
import os
import resource
import signal
import socket
import sys

# One BLAS thread: predictable memory, no oversubscription of the cores.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"
sys.dont_write_bytecode = True

# Modules a submission may import, loaded before privileges are dropped: an
# unprivileged worker may be unable to read the Python installation (/root).
import abc, array, bisect, collections, contextlib, copy, csv, dataclasses, datetime, decimal, enum  # noqa: E401,E402,F401
import fnmatch, fractions, functools, glob, heapq, inspect, io, itertools, logging, math, numbers  # noqa: E401,E402,F401
import operator, pathlib, pickle, pkgutil, random, re, runpy, statistics, string, struct, textwrap  # noqa: E401,E402,F401
import time, traceback, types, typing, warnings  # noqa: E401,E402,F401
import importlib.machinery, importlib.util  # noqa: E401,E402,F401  (runpy needs them)

import numpy  # noqa: E402
# numpy 2 loads these submodules lazily, on first use: a worker could not.
import numpy.fft, numpy.linalg, numpy.polynomial, numpy.random, numpy.testing, numpy.typing  # noqa: E401,E402,F401

from autograder import wire  # noqa: E402

_CLONE_NEWNS = 0x00020000
_PR_SET_CHILD_SUBREAPER = 36
_MS_RDONLY, _MS_REC, _MS_PRIVATE = 1, 16384, 1 << 18


def _hide(paths):
    """Mount an empty read-only tmpfs over each path, in a private mount namespace. Best effort."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(_CLONE_NEWNS) != 0:
        return False
    if libc.mount(None, b"/", None, _MS_REC | _MS_PRIVATE, None) != 0:
        return False
    hidden = True
    for path in paths:
        if os.path.isdir(path) and libc.mount(b"tmpfs", path.encode(), b"tmpfs", _MS_RDONLY, b"size=4k") != 0:
            hidden = False
    return hidden


def _limit(memory_bytes, cpu_seconds, drop_to_uid):
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # no file writes: nothing carries over to later calls
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
    if drop_to_uid is not None:  # the uid is this submission's own, so counting its processes is fair
        resource.setrlimit(resource.RLIMIT_NPROC, (16, 16))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write then fails with an error instead of a kill


def _worker(channel, params):
    """Runs in the forked child: lock down, answer one request, exit."""
    os.setsid()
    keep = channel.fileno()
    os.closerange(3, keep)
    os.closerange(keep + 1, 4096)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    uid = params["uid"] if os.geteuid() == 0 else None
    if uid is not None and params["hide"]:
        _hide(params["hide"])
    _limit(params["memory_bytes"], params["cpu_seconds"], uid)
    if uid is not None:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    os.chdir(params["folder"])
    sys.path.insert(0, params["folder"])
    import procedures

    request = wire.recv(channel)
    try:
        outputs, after = procedures.run(request["kind"], request["inputs"], request["options"])
        reply = {"outputs": outputs, "after": after}
    except procedures.StudentCodeError as error:
        reply = {"error": str(error)}
    except BaseException as error:  # noqa: BLE001 - anything the student's code throws ends here
        reply = {"error": f"{type(error).__name__} escaped from your code: {str(error)[:300]}"}
    try:
        wire.send(channel, reply)
    except (TypeError, ValueError, OverflowError) as error:
        wire.send(channel, {"error": f"your code returned something that cannot be sent back: {error}"})
    os._exit(0)


def _children():
    """The pids of this process's children (workers, and orphans of theirs adopted as subreaper)."""
    me = os.getpid()
    try:  # the kernel's own list (CONFIG_PROC_CHILDREN): one read
        with open(f"/proc/{me}/task/{me}/children") as f:
            return [int(pid) for pid in f.read().split()]
    except OSError:
        pass
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
                if int(fields[1]) == me:
                    found.append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    return found


def kill_children(rounds=100):
    """Kill and reap every child: what workers left behind. Each round's kills hand the killed
    processes' own children to this process (the subreaper), and the next round finds them."""
    for _ in range(rounds):
        children = _children()
        if not children:
            return
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        for pid in children:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass


def serve(control):
    """Answer the grader's requests on ``control`` until it closes the channel."""
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    try:
        _serve(control)
    finally:
        kill_children()


def _serve(control):
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 65536, 1)
        except OSError:
            return
        if not message:
            return
        request = json.loads(message)
        if request["op"] == "spawn":
            channel = socket.socket(fileno=fds[0])
            pid = os.fork()
            if pid == 0:
                control.close()
                try:
                    _worker(channel, request)
                finally:
                    os._exit(70)
            channel.close()
            control.send(json.dumps({"pid": pid}).encode())
        elif request["op"] == "reap":
            try:
                _, status = os.waitpid(request["pid"], 0)
                answer = {"exit": os.waitstatus_to_exitcode(status)}
            except ChildProcessError:
                answer = {"exit": None}
            kill_children()  # one call at a time: any other child is left over from this one
            control.send(json.dumps(answer).encode())


if __name__ == "__main__":
    sys.path.insert(0, sys.argv[2])  # the trusted support folder, for ``import procedures``
    import procedures  # noqa: F401 - loaded here, before any fork

    sys.path.remove(sys.argv[2])
    serve(socket.socket(fileno=int(sys.argv[1])))
