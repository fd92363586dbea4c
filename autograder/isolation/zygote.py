"""The zygote: a clean process that sets up one sandbox per submission and one worker per call.

Started by the grading process (``python -m autograder.isolation.zygote FD SUPPORT_DIR``)
with numpy and ``procedures`` already imported, a fixed environment, and
nothing secret in its memory: no fixtures, no tests. Three kinds of process
descend from it, all forked (numpy is never loaded twice):

- **the keeper** of a submission (``open``): enters new user, mount, pid,
  IPC, network and UTS namespaces (``confine``); the zygote maps its ids
  (as root: the submission's own unprivileged uid) and puts it in the
  submission's cgroup. It forks
- **the submission's init** (pid 1 of its pid namespace): builds the
  submission's root file system (the Python installation and the system
  libraries read-only, its files at /submission), imports the submission's
  modules whose import runs no student code (``preload``: the init never
  runs any), works out once what every worker locks itself down with
  (Landlock rules, the seccomp program, the environment), then serves that
  submission's calls. For each call it forks
- **a worker**: a mount and IPC namespace of its own, an empty /tmp and
  /dev/shm, no /proc, resource limits, the inside uid, no capabilities,
  Landlock, seccomp; it runs exactly one procedure, replies with plain data
  (``wire``) and exits. Once the grader has the reply, the init kills every
  other process in the namespace and sets the namespace's pid counter back,
  so every call starts from the same clean state, the init's after its
  imports, with the same pid: no call sees an earlier call's pids,
  processes, CPU times, files or IPC objects.

``close`` kills the keeper; the kernel then kills everything in the pid
namespace and frees its IPC objects and files, under any init. The zygote
also is a child subreaper and kills what reaches it.

Where namespaces are refused (e.g. Docker without CAP_SYS_ADMIN), the keeper
serves the calls itself (a subreaper, killing its workers' leftovers), and
Landlock, the cgroup and, as root, the submission's uid remain. The layers
that could not be had are reported with each submission.

The keeper and the init are bounded like a worker before they import
anything of the submission's (address space, CPU time, no file written),
their standard streams go to /dev/null (never the grader's terminal), and
the zygote gives the init a deadline to be ready: past it, the sandbox is
started again without preloading anything.
"""
import ctypes
import json
import os
import resource
import secrets
import signal
import socket
import sys

# One BLAS thread: predictable memory, no oversubscription of the cores.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"
sys.dont_write_bytecode = True

# Modules a submission may import, loaded once here rather than by every worker.
import abc, array, bisect, collections, contextlib, copy, csv, dataclasses, datetime, decimal, enum  # noqa: E401,E402,F401
import fnmatch, fractions, functools, glob, heapq, inspect, io, itertools, logging, math, numbers  # noqa: E401,E402,F401
import operator, pathlib, pickle, pkgutil, random, re, runpy, statistics, string, struct, textwrap  # noqa: E401,E402,F401
import time, traceback, types, typing, warnings  # noqa: E401,E402,F401
import importlib.machinery, importlib.util  # noqa: E401,E402,F401  (runpy needs them)
import encodings.cp437  # noqa: E402,F401  (zipfile, so np.load of an .npz)

import numpy  # noqa: E402
# numpy 2 loads these submodules lazily, on first use: a worker could not.
import numpy.fft, numpy.linalg, numpy.polynomial, numpy.random, numpy.testing, numpy.typing  # noqa: E401,E402,F401

from autograder.isolation import confine, preload, wire  # noqa: E402

NOBODY = 65534


def _processes_of(uid):
    """How many processes ``uid`` runs now (RLIMIT_NPROC counts them all, not only the submission's)."""
    count = 0
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and os.stat(f"/proc/{entry}").st_uid == uid:
                count += 1
        except OSError:
            pass
    return count


def _limit(memory_bytes, cpu_seconds, file_bytes, max_processes):
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
    resource.setrlimit(resource.RLIMIT_NPROC, (max_processes, max_processes))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write then fails with an error instead of a kill


def _keep_only(*fds):
    """Close every file descriptor but ``fds``."""
    last = 2
    for fd in sorted(fds):
        os.closerange(last + 1, fd)
        last = fd
    os.closerange(last + 1, 65536)


def _to_devnull():
    """Standard input, output and error to /dev/null: nothing a process prints reaches the grader's terminal."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    if null > 2:
        os.close(null)


def _worker(channel, sandbox, request):
    """Runs in the forked child: lock down, answer one request, exit."""
    os.setsid()
    _keep_only(channel.fileno(), *sandbox["kept_fds"])
    _to_devnull()
    try:
        _lock_down(sandbox, request)
    except Exception as error:  # noqa: BLE001 - the grader's own failure: say so, never run unconfined
        wire.send(channel, {"error": f"the grader could not set up the sandbox: {type(error).__name__}: {error}"})
        os._exit(71)
    import procedures

    message = wire.recv(channel)
    try:
        outputs, after = procedures.run(message["kind"], message["inputs"], message["options"], reload=False)
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


def _inside(entry, folders):
    real = os.path.realpath(entry)
    return any(real == folder or real.startswith(folder.rstrip("/") + "/") for folder in folders)


def _through_descriptors(entries):
    """``entries`` (sys.path) as /proc/self/fd/N paths to folders opened now: the unprivileged uid a
    worker becomes without namespaces then still imports from a Python installed where only root
    may enter (say /root/.pyenv). A process may always follow its own descriptors."""
    reachable = []
    for entry in entries:
        try:
            reachable.append(f"/proc/self/fd/{os.open(entry, os.O_PATH | os.O_DIRECTORY)}")
        except OSError:
            reachable.append(entry)
    return reachable


def _reachable_packages(mapping):
    """Point the ``__path__`` of every loaded package at the descriptors of ``mapping`` (a sys.path
    entry -> its /proc/self/fd/N path): the submodules a package loads on first use (numpy.ma, for
    matplotlib) are then found by a uid that cannot enter where Python is installed."""
    for module in list(sys.modules.values()):
        path = getattr(module, "__path__", None)
        if not isinstance(path, list):
            continue
        for i, entry in enumerate(path):
            for real, reachable in mapping.items():
                if isinstance(entry, str) and (entry == real or entry.startswith(real.rstrip("/") + "/")):
                    path[i] = reachable + entry[len(real):]
                    break


def _scratch_path(sandbox):
    """Without namespaces, the folder a call may write in (``confine.Scratch``): in the folder the grader
    made for the sandbox's root file system, which nothing else uses then."""
    return os.path.join(sandbox["root"], "tmp")


def _landlock_paths(sandbox):
    """(readable, writable): what a worker's Landlock rules allow. Never /proc, where the processes of
    the submission (its init's CPU times among them) would tell a call of the earlier ones."""
    writable = ["/tmp", "/dev/shm"] if sandbox["namespaced"] else [_scratch_path(sandbox)]
    return [*sandbox["readable"], sandbox["folder"]], writable + [f"/dev/{d}" for d in confine.DEVICES]


def _prepare_lock_down(sandbox):
    """What every worker of the submission locks itself down with, worked out once by its init: the
    import path (realpath on every entry), the Landlock rules (without namespaces: with namespaces
    each worker builds its own, after its call's /tmp is mounted, which rules made before would not
    cover), the seccomp program, the bounding set and the environment. A worker then only applies
    them."""
    namespaced = sandbox["namespaced"]
    # Imports come from the Python installation only: never from the checkout on the zygote's path.
    sandbox["sys_path"] = [entry for entry in sys.path if _inside(entry, sandbox["readable"])]
    sandbox.update(kept_fds=[], ruleset=None, seccomp_program=None, setup_error=None)
    try:
        if not namespaced:
            sandbox["scratch"] = confine.Scratch(_scratch_path(sandbox), sandbox["uid"])
            sandbox["folder_state"] = confine.FolderState(sandbox["folder"])
        if sandbox["landlock"] and not namespaced:  # promised to the grader: never run the student's code without it
            # Opened as the init's uid: some of the paths only root may enter.
            sandbox["ruleset"] = confine.landlock_ruleset(*_landlock_paths(sandbox))
            sandbox["kept_fds"].append(sandbox["ruleset"])
        if not namespaced and sandbox["uid"] is not None:
            reachable = _through_descriptors(sandbox["sys_path"])  # opened while still root
            _reachable_packages(dict(zip(sandbox["sys_path"], reachable)))
            sandbox["sys_path"] = reachable
            sandbox["kept_fds"] += [int(entry.rsplit("/", 1)[1]) for entry in sandbox["sys_path"]
                                    if entry.startswith("/proc/self/fd/")]
        sandbox["seccomp_program"] = confine.socket_filter() if sandbox["seccomp"] else None
        confine.drop_bounding_set()  # the init keeps the capabilities it holds; no program can add any
    except Exception as error:  # noqa: BLE001 - each worker reports it, and runs nothing
        sandbox["setup_error"] = f"{type(error).__name__}: {error}"
    os.environ.clear()
    tmp = "/tmp" if namespaced else _scratch_path(sandbox)
    os.environ.update(confine.fixed_environment(home=tmp, tmp=tmp))
    if "tempfile" in sys.modules:
        sys.modules["tempfile"].tempdir = None  # found again from TMPDIR on first use


def _lock_down(sandbox, request):
    """Confine this worker: a call's own /tmp and IPC, no /proc, Landlock, its uid, limits, no capability,
    seccomp."""
    namespaced, folder = sandbox["namespaced"], sandbox["folder"]
    if sandbox["setup_error"]:
        raise RuntimeError(sandbox["setup_error"])
    sys.path[:] = sandbox["sys_path"]
    own_uid = namespaced or sandbox["uid"] is not None  # the submission's processes are the only ones of its uid
    # Counted before Landlock, which hides /proc.
    max_processes = confine.MAX_PROCESSES if own_uid else _processes_of(os.getuid()) + confine.MAX_PROCESSES
    if namespaced:
        confine.unshare(confine.CALL_NAMESPACES)
        confine.private_tmp()
        confine.hide_proc()
        if sandbox["landlock"]:
            confine.landlock(*_landlock_paths(sandbox))
    if sandbox["ruleset"] is not None:  # without namespaces
        confine.restrict_to(sandbox["ruleset"])
        os.close(sandbox["ruleset"])
    if namespaced:
        confine.become_inside_user()
    elif sandbox["uid"] is not None:
        os.setgroups([])
        os.setgid(sandbox["uid"])
        os.setuid(sandbox["uid"])
    _limit(request["memory_bytes"], request["cpu_seconds"], confine.PRIVATE_TMP_BYTES, max_processes)
    confine.drop_capabilities()
    if sandbox["seccomp_program"]:
        confine.forbid_sockets(sandbox["seccomp_program"])
    os.chdir(folder)
    sys.path.insert(0, folder)


# --- cleaning up ---------------------------------------------------------------------------------

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
    processes' own children to this process (a subreaper), and the next round finds them."""
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


def _kill_namespace():
    """As pid 1 of the submission's pid namespace: kill every other process in it, reap them all."""
    try:
        os.kill(-1, signal.SIGKILL)
    except ProcessLookupError:
        pass
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


# --- the submission's init: one worker per call -----------------------------------------------

def _requests(channel):
    """The requests arriving on ``channel`` (each with the file descriptors it carries) until it closes."""
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(channel, 65536, 1)
        except OSError:
            return
        if not message:
            return
        yield json.loads(message), fds


_libc_holding_the_gil = ctypes.PyDLL(None, use_errno=True)


def _fork_worker():
    """fork(2) without Python's bookkeeping around it (``os.fork`` runs the at-fork handlers and
    re-initialises the interpreter's locks and threads in the child): about 0.4 ms less per call.
    Sound only because the init is single-threaded (one BLAS thread, none of its own) and never
    forks while importing; the GIL stays held across the call (``PyDLL``). Its one visible effect:
    every worker starts with the same ``random`` state, the init's, as a call should."""
    pid = _libc_holding_the_gil.fork()
    if pid < 0:
        raise OSError(ctypes.get_errno(), "fork failed")
    return pid


def _serve_calls(channel, sandbox):
    """Answer spawn and reap requests for one submission until the grader closes ``channel``."""
    namespaced = sandbox["namespaced"]

    def clean_up():
        if namespaced:
            _kill_namespace()
            confine.reset_pid_counter()  # the next worker gets the pid the first one got
        else:
            kill_children()
            if sandbox["uid"] is not None:  # as root: IPC objects of the submission's uid, where seccomp is missing
                confine.remove_ipc_of(sandbox["uid"])
            if sandbox.get("scratch"):
                sandbox["scratch"].empty()
                sandbox["folder_state"].restore()

    _prepare_lock_down(sandbox)
    clean_up()
    try:
        for request, fds in _requests(channel):
            if request["op"] == "spawn":
                worker_channel = socket.socket(fileno=fds[0])
                try:
                    pid = _fork_worker()
                except OSError as error:
                    pid, answer = None, {"pid": None, "error": f"{type(error).__name__}: {error}"}
                if pid == 0:
                    try:
                        channel.close()
                        _worker(worker_channel, sandbox, request)
                    finally:
                        os._exit(70)
                worker_channel.close()
                channel.send(json.dumps({"pid": pid} if pid else answer).encode())
            elif request["op"] == "reap":  # the grader has the reply, or has given up on it
                try:
                    os.kill(request["pid"], signal.SIGKILL)
                    _, status = os.waitpid(request["pid"], 0)
                    answer = {"exit": os.waitstatus_to_exitcode(status)}
                except (ChildProcessError, ProcessLookupError):  # already gone and reaped
                    answer = {"exit": None}
                clean_up()  # one call at a time: any other process is left over from this one
                channel.send(json.dumps(answer).encode())
    finally:
        clean_up()


def _preload(folder, trusted, wanted=True):
    """Import the submission's modules that run no student code on import, once, here: every worker
    forked from this process then has them (``preload``; ``trusted``: the grader's own files in the
    folder). The names of those imported (none unless ``wanted``)."""
    if not wanted:
        return []
    import procedures

    procedures.forget_student_modules()  # the zygote's copies, if any, are not the submission's
    trusted = [name for name in trusted if name not in sys.modules]  # procedures and calls: loaded already
    done, _ = preload.preload_within(preload.PRELOAD_SECONDS, folder, procedures.assignment().STUDENT_MODULES, trusted)
    return done


def _say(fd, message):
    os.write(fd, json.dumps(message).encode() + b"\n")


def _hear_by(fd, deadline):
    """The keeper's next line on ``fd``, None if it ended first; TimeoutError past ``deadline`` (monotonic)."""
    import select

    data = b""
    while not data.endswith(b"\n"):
        if not select.select([fd], [], [], max(0.0, deadline - time.monotonic()))[0]:
            raise TimeoutError()
        chunk = os.read(fd, 4096)
        if not chunk:
            return None
        data += chunk
    return json.loads(data)


def _bound_init(memory_bytes):
    """The keeper's and the init's own bounds, set before they import anything of the submission's:
    the address space a worker has, a CPU time, no file written, no core."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (confine.INIT_CPU_SECONDS, confine.INIT_CPU_SECONDS + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, confine.PRIVATE_TMP_BYTES))  # a worker may raise it to its /tmp's size
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def _keeper(channel, up, down, sandbox, use_namespaces):
    """The submission's first process: enters the namespaces, or serves the calls itself."""
    os.setsid()
    _keep_only(channel.fileno(), up, down)
    _to_devnull()  # a compiler's warning, a module's print: never on the grader's terminal
    _bound_init(sandbox["memory_bytes"])
    if os.geteuid() == 0:
        os.setgroups([])  # the root's groups must not reach the submission's processes
    reason = None
    if use_namespaces:
        try:
            confine.unshare(confine.SUBMISSION_NAMESPACES)
        except confine.Unavailable as error:
            use_namespaces, reason = False, str(error)
    _say(up, {"unshared": use_namespaces, "reason": reason})
    if os.read(down, 1) != b"g":  # the zygote has mapped our ids and put us in the cgroup
        os._exit(1)
    os.close(down)
    sandbox["namespaced"] = use_namespaces
    if not use_namespaces:
        confine.prctl(confine.PR_SET_CHILD_SUBREAPER, 1)
        _say(up, {"ready": True, "preloaded": _preload(sandbox["folder"], sandbox["trusted"], sandbox["preload"])})
        os.close(up)
        _serve_calls(channel, sandbox)
        os._exit(0)
    init = os.fork()
    if init:
        channel.close()
        os.close(up)
        os.waitpid(init, 0)
        os._exit(0)
    confine.prctl(confine.PR_SET_PDEATHSIG, signal.SIGKILL)
    try:
        confine.build_root(sandbox["root"], sandbox["readable"], sandbox["folder"])
    except Exception as error:  # noqa: BLE001 - reported; the zygote then tries without namespaces
        _say(up, {"ready": False, "reason": f"{type(error).__name__}: {error}"})
        os._exit(1)
    confine.prctl(confine.PR_SET_DUMPABLE, 0)
    sandbox["folder"] = confine.SUBMISSION_DIR
    sandbox["readable"] = [*sandbox["readable"], "/dev"]
    _say(up, {"ready": True, "preloaded": _preload(sandbox["folder"], sandbox["trusted"], sandbox["preload"])})
    os.close(up)
    _serve_calls(channel, sandbox)
    os._exit(0)


class Zygote:
    """The zygote's own state: the keepers it started and their cgroups."""

    def __init__(self, readable):
        self.readable = readable
        self.keepers = {}  # pid -> its cgroup, or None

    def open(self, request, channel_fd):
        """Start a submission's sandbox with the layers asked for; what was had and what was not."""
        wanted = set(request["layers"])
        missing = {layer: "turned off" for layer in confine.LAYERS if layer not in wanted}
        landlock = "landlock" in wanted and confine.landlock_abi() > 0
        if "landlock" in wanted and not landlock:
            missing["landlock"] = "this kernel does not offer it"
        seccomp = "seccomp" in wanted and confine.seccomp_available()
        if "seccomp" in wanted and not seccomp:
            missing["seccomp"] = "not offered here (x86-64 Linux only)"
        sandbox = {"folder": request["folder"], "root": request["root"], "uid": request["uid"],
                   "readable": self.readable, "landlock": landlock, "seccomp": seccomp,
                   "trusted": request.get("trusted", []), "memory_bytes": request["memory_bytes"], "preload": True}
        use_namespaces = "namespaces" in wanted
        not_preloaded = None
        while True:
            pid, ready = self._start_keeper(channel_fd, sandbox, use_namespaces, request, missing)
            if ready["ready"]:
                break
            if ready.get("stalled") and sandbox["preload"]:  # the same sandbox, without preloading
                sandbox["preload"] = False
                not_preloaded = f"not ready within {request['ready_seconds']:g} s: started again without preloading"
                continue
            if not use_namespaces:
                break
            missing["namespaces"] = ready.get("reason")  # refused at some step: the same submission, without them
            use_namespaces = False
        if landlock and "namespaces" in missing and confine.landlock_shortfall(confine.landlock_abi()):
            missing["landlock"] = confine.landlock_shortfall(confine.landlock_abi())  # nothing else covers it
        os.close(channel_fd)
        return {"keeper": pid, "ready": ready["ready"], "missing": missing, "preloaded": ready.get("preloaded", []),
                "not_preloaded": not_preloaded}

    def _start_keeper(self, channel_fd, sandbox, use_namespaces, request, missing):
        up_read, up_write = os.pipe()
        down_read, down_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.close(up_read)
                os.close(down_write)
                _keeper(socket.socket(fileno=channel_fd), up_write, down_read, dict(sandbox), use_namespaces)
            finally:
                os._exit(70)
        os.close(up_write)
        os.close(down_read)
        deadline = time.monotonic() + request["ready_seconds"]
        try:
            unshared = _hear_by(up_read, deadline) or {"unshared": False, "reason": "the keeper ended"}
            if use_namespaces and not unshared["unshared"]:
                missing["namespaces"] = unshared["reason"]
            if unshared["unshared"]:
                confine.write_id_maps(pid, request["uid"])
            cgroup = None
            if "cgroup" not in missing:
                try:
                    cgroup = confine.Cgroup(f"autograder-{secrets.token_hex(6)}", request["cgroup_memory_bytes"],
                                            confine.MAX_PROCESSES)
                    cgroup.add(pid)
                except confine.Unavailable as error:
                    missing["cgroup"] = str(error)
            self.keepers[pid] = cgroup
            os.write(down_write, b"g")
            ready = _hear_by(up_read, time.monotonic() + request["ready_seconds"]) or {"ready": False,
                                                                                       "reason": "the keeper ended"}
        except TimeoutError:
            ready = {"ready": False, "stalled": True, "reason": f"not ready within {request['ready_seconds']:g} s"}
        except OSError as error:
            ready = {"ready": False, "reason": f"{type(error).__name__}: {error}"}
        finally:
            os.close(up_read)
            os.close(down_write)
        if not ready["ready"]:
            self.close(pid)
        return pid, ready

    def close(self, pid):
        """End a submission's sandbox: its keeper, so its namespace, and anything that reached us."""
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        kill_children()
        cgroup = self.keepers.pop(pid, None)
        if cgroup is not None:
            cgroup.remove()


def serve(control, readable):
    """Answer the grader's open and close requests on ``control`` until it closes the channel."""
    confine.prctl(confine.PR_SET_CHILD_SUBREAPER, 1)
    zygote = Zygote(readable)
    try:
        for request, fds in _requests(control):
            if request["op"] == "open":
                answer = zygote.open(request, fds[0])
            elif request["op"] == "close":
                zygote.close(request["keeper"])
                answer = {}
            else:
                answer = {"error": f"unknown request {request['op']!r}"}
            control.send(json.dumps(answer).encode())
    finally:
        for pid in list(zygote.keepers):
            zygote.close(pid)
        kill_children()


if __name__ == "__main__":
    sys.path.pop(0)  # the working folder, where ``python -m`` started: nothing to import from
    sys.path.insert(0, sys.argv[2])  # the trusted support folder, for ``import procedures``
    import procedures  # noqa: F401 - loaded here, before any fork
    import calls  # noqa: F401 - the assignment's procedures, likewise

    sys.path.remove(sys.argv[2])
    project = pathlib.Path(confine.__file__).resolve().parents[2]  # the checkout: never readable
    import gc

    gc.freeze()  # what is loaded now stays out of the collector's sweeps: fewer pages copied in each fork
    serve(socket.socket(fileno=int(sys.argv[1])), confine.python_paths(project))
