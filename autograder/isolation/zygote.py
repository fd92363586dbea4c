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
Landlock, seccomp, the cgroup and, as root, the submission's uid remain. The
layers that could not be had are reported with each submission.

Every message between the grader, the zygote, a keeper and a worker is a
``wire`` frame on a UNIX stream socket.

The keeper and the init are bounded like a worker before they import
anything of the submission's (address space, CPU time, no file written),
their standard streams go to /dev/null (never the grader's terminal), and
the zygote gives the init a deadline to be ready: past it, the sandbox is
started again without preloading anything.
"""
import ctypes
import dataclasses
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


@dataclasses.dataclass(frozen=True)
class Plan:
    """One submission's sandbox as its keeper, its init and its workers set it up: made by the zygote
    from the grader's ``wire.SandboxRequest`` (``Sandboxes.open``), handed down by fork, never sent."""

    folder: str  # the submission's files, as its processes see them (/submission inside the namespaces)
    root: str  # the empty folder its root file system is built on (without namespaces: its scratch folder's parent)
    uid: int | None  # its own unprivileged uid when grading as root, else None (it runs as the grader)
    readable: tuple[str, ...]  # what it may read: the Python installation, system libraries (inside, /dev too)
    memory_bytes: int  # the address space of each of its processes
    trusted: tuple[str, ...]  # the modules in ``folder`` that are the grader's own copies
    landlock: bool  # Landlock asked for and offered by the kernel: never run a call without it then
    seccomp: bool  # seccomp asked for and offered
    preload: bool = True  # whether the init imports the submission's modules once (``preload``)
    namespaced: bool = False  # whether the keeper entered its namespaces (decided by the keeper)


@dataclasses.dataclass
class LockDown:
    """What every worker of a submission locks itself down with, worked out once by its init
    (``_prepare_lock_down``); a worker only applies it (``_lock_down``)."""

    sys_path: list[str]  # the import path: the Python installation only
    kept_fds: list[int] = dataclasses.field(default_factory=list)  # a worker keeps these open (ruleset, sys_path)
    ruleset: int | None = None  # without namespaces: the Landlock ruleset, built once (a file descriptor)
    seccomp_program: bytes | None = None  # ``confine.socket_filter()``, where seccomp is had
    setup_error: str | None = None  # why it could not be worked out: every worker reports it and runs nothing
    scratch: confine.Scratch | None = None  # without namespaces: where a call writes, emptied after each
    folder_state: confine.FolderState | None = None  # without namespaces: set back after each call


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


def _worker(channel, plan, lock, cpu_seconds):
    """Runs in the forked child: lock down, answer the one message on ``channel``, exit."""
    os.setsid()
    _keep_only(channel.fileno(), *lock.kept_fds)
    _to_devnull()
    try:
        _lock_down(plan, lock, cpu_seconds)
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


def _scratch_path(plan):
    """Without namespaces, the folder a call may write in (``confine.Scratch``): in the folder the grader
    made for the sandbox's root file system, which nothing else uses then."""
    return os.path.join(plan.root, "tmp")


def _landlock_paths(plan):
    """(readable, writable): what a worker's Landlock rules allow. Never /proc, where the processes of
    the submission (its init's CPU times among them) would tell a call of the earlier ones."""
    writable = ["/tmp", "/dev/shm"] if plan.namespaced else [_scratch_path(plan)]
    return [*plan.readable, plan.folder], writable + [f"/dev/{d}" for d in confine.DEVICES]


def _prepare_lock_down(plan):
    """What every worker of the submission locks itself down with, worked out once by its init: the
    import path (realpath on every entry), the Landlock rules (without namespaces: with namespaces
    each worker builds its own, after its call's /tmp is mounted, which rules made before would not
    cover), the seccomp program, the bounding set and the environment. A worker then only applies
    them. Sets this process's environment to the workers' own."""
    namespaced = plan.namespaced
    # Imports come from the Python installation only: never from the checkout on the zygote's path.
    lock = LockDown(sys_path=[entry for entry in sys.path if _inside(entry, plan.readable)])
    try:
        if not namespaced:
            lock.scratch = confine.Scratch(_scratch_path(plan), plan.uid)
            lock.folder_state = confine.FolderState(plan.folder)
        if plan.landlock and not namespaced:  # promised to the grader: never run the student's code without it
            # Opened as the init's uid: some of the paths only root may enter.
            lock.ruleset = confine.landlock_ruleset(*_landlock_paths(plan))
            lock.kept_fds.append(lock.ruleset)
        if not namespaced and plan.uid is not None:
            reachable = _through_descriptors(lock.sys_path)  # opened while still root
            _reachable_packages(dict(zip(lock.sys_path, reachable)))
            lock.sys_path = reachable
            lock.kept_fds += [int(entry.rsplit("/", 1)[1]) for entry in lock.sys_path
                              if entry.startswith("/proc/self/fd/")]
        lock.seccomp_program = confine.socket_filter() if plan.seccomp else None
        confine.drop_bounding_set()  # the init keeps the capabilities it holds; no program can add any
    except Exception as error:  # noqa: BLE001 - each worker reports it, and runs nothing
        lock.setup_error = f"{type(error).__name__}: {error}"
    os.environ.clear()
    tmp = "/tmp" if namespaced else _scratch_path(plan)
    os.environ.update(confine.fixed_environment(home=tmp, tmp=tmp))
    if "tempfile" in sys.modules:
        sys.modules["tempfile"].tempdir = None  # found again from TMPDIR on first use
    return lock


def _lock_down(plan, lock, cpu_seconds):
    """Confine this worker: a call's own /tmp and IPC, no /proc, Landlock, its uid, limits (``cpu_seconds``
    of CPU time), no capability, seccomp."""
    namespaced, folder = plan.namespaced, plan.folder
    if lock.setup_error:
        raise RuntimeError(lock.setup_error)
    sys.path[:] = lock.sys_path
    own_uid = namespaced or plan.uid is not None  # the submission's processes are the only ones of its uid
    # Counted before Landlock, which hides /proc.
    max_processes = confine.MAX_PROCESSES if own_uid else _processes_of(os.getuid()) + confine.MAX_PROCESSES
    if namespaced:
        confine.unshare(confine.CALL_NAMESPACES)
        confine.private_tmp()
        confine.hide_proc()
        if plan.landlock:
            confine.landlock(*_landlock_paths(plan))
    if lock.ruleset is not None:  # without namespaces
        confine.restrict_to(lock.ruleset)
        os.close(lock.ruleset)
    if namespaced:
        confine.become_inside_user()
    elif plan.uid is not None:
        os.setgroups([])
        os.setgid(plan.uid)
        os.setuid(plan.uid)
    _limit(plan.memory_bytes, cpu_seconds, confine.PRIVATE_TMP_BYTES, max_processes)
    confine.drop_capabilities()
    if lock.seccomp_program:
        confine.forbid_sockets(lock.seccomp_program)
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
    """The requests arriving on ``channel`` (each with the file descriptor it may carry) until it closes."""
    while True:
        try:
            request = wire.recv_with_fds(channel, 1)
        except (EOFError, OSError):
            return
        yield request


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


def _serve_calls(channel, plan):
    """Answer spawn and reap requests for one submission until the grader closes ``channel``."""
    namespaced = plan.namespaced

    def clean_up():
        if namespaced:
            _kill_namespace()
            confine.reset_pid_counter()  # the next worker gets the pid the first one got
        else:
            kill_children()
            if plan.uid is not None:  # as root: IPC objects of the submission's uid, where seccomp is missing
                confine.remove_ipc_of(plan.uid)
            if lock.scratch:
                lock.scratch.empty()
                lock.folder_state.restore()

    lock = _prepare_lock_down(plan)
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
                        _worker(worker_channel, plan, lock, request["cpu_seconds"])
                    finally:
                        os._exit(70)
                worker_channel.close()
                wire.send(channel, {"pid": pid} if pid else answer)
            elif request["op"] == "reap":  # the grader has the reply, or has given up on it
                try:
                    os.kill(request["pid"], signal.SIGKILL)
                    _, status = os.waitpid(request["pid"], 0)
                    answer = {"exit": os.waitstatus_to_exitcode(status)}
                except (ChildProcessError, ProcessLookupError):  # already gone and reaped
                    answer = {"exit": None}
                clean_up()  # one call at a time: any other process is left over from this one
                wire.send(channel, answer)
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
    done, _ = preload.preload_within(preload.PRELOAD_SECONDS, folder, procedures.assignment().student_modules, trusted)
    return done


def _keeper_report(keeper, deadline):
    """The next report on the channel to a ``keeper``, None if it ended first; TimeoutError past
    ``deadline`` (monotonic)."""
    try:
        return wire.recv(keeper, deadline=deadline)
    except EOFError:
        return None


def _bound_init(memory_bytes):
    """The keeper's and the init's own bounds, set before they import anything of the submission's:
    the address space a worker has, a CPU time, no file written, no core."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (confine.INIT_CPU_SECONDS, confine.INIT_CPU_SECONDS + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, confine.PRIVATE_TMP_BYTES))  # a worker may raise it to its /tmp's size
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def _keeper(channel, to_zygote, plan, use_namespaces):
    """The submission's first process: enters the namespaces, or serves the calls itself. ``channel``:
    the grader's requests; ``to_zygote``: its reports to the zygote, which answers the first with "go"."""
    os.setsid()
    _keep_only(channel.fileno(), to_zygote.fileno())
    _to_devnull()  # a compiler's warning, a module's print: never on the grader's terminal
    _bound_init(plan.memory_bytes)
    if os.geteuid() == 0:
        os.setgroups([])  # the root's groups must not reach the submission's processes
    reason = None
    if use_namespaces:
        try:
            confine.unshare(confine.SUBMISSION_NAMESPACES)
        except confine.Unavailable as error:
            use_namespaces, reason = False, str(error)
    wire.send(to_zygote, {"unshared": use_namespaces, "reason": reason})
    if wire.recv(to_zygote) != "go":  # the zygote has mapped our ids and put us in the cgroup
        os._exit(1)
    plan = dataclasses.replace(plan, namespaced=use_namespaces)
    if not use_namespaces:
        confine.prctl(confine.PR_SET_CHILD_SUBREAPER, 1)
        wire.send(to_zygote, {"ready": True, "preloaded": _preload(plan.folder, plan.trusted, plan.preload)})
        to_zygote.close()
        _serve_calls(channel, plan)
        os._exit(0)
    init = os.fork()
    if init:
        channel.close()
        to_zygote.close()
        os.waitpid(init, 0)
        os._exit(0)
    confine.prctl(confine.PR_SET_PDEATHSIG, signal.SIGKILL)
    try:
        confine.build_root(plan.root, plan.readable, plan.folder)
    except Exception as error:  # noqa: BLE001 - reported; the zygote then tries without namespaces
        wire.send(to_zygote, {"ready": False, "reason": f"{type(error).__name__}: {error}"})
        os._exit(1)
    confine.prctl(confine.PR_SET_DUMPABLE, 0)
    plan = dataclasses.replace(plan, folder=confine.SUBMISSION_DIR, readable=(*plan.readable, "/dev"))
    wire.send(to_zygote, {"ready": True, "preloaded": _preload(plan.folder, plan.trusted, plan.preload)})
    to_zygote.close()
    _serve_calls(channel, plan)
    os._exit(0)


class Sandboxes:
    """The zygote's own state: the sandboxes it started, each as its keeper's pid and its cgroup."""

    def __init__(self, readable):
        self.readable = readable
        self.keepers = {}  # pid -> its cgroup, or None

    def open(self, request, channel_fd):
        """Start a submission's sandbox (``request``: a ``wire.SandboxRequest``) with the layers asked for,
        serving the grader's requests on ``channel_fd``; what was had and what was not."""
        wanted = set(request.layers)
        missing = {layer: "turned off" for layer in confine.LAYERS if layer not in wanted}
        landlock = "landlock" in wanted and confine.landlock_abi() > 0
        if "landlock" in wanted and not landlock:
            missing["landlock"] = "this kernel does not offer it"
        seccomp = "seccomp" in wanted and confine.seccomp_available()
        if "seccomp" in wanted and not seccomp:
            missing["seccomp"] = "not offered here (x86-64 Linux only)"
        plan = Plan(folder=request.folder, root=request.root, uid=request.uid, readable=self.readable,
                    memory_bytes=request.memory_bytes, trusted=request.trusted, landlock=landlock, seccomp=seccomp)
        use_namespaces = "namespaces" in wanted
        not_preloaded = None
        while True:
            pid, ready = self._start_keeper(channel_fd, plan, use_namespaces, request, missing)
            if ready["ready"]:
                break
            if ready.get("stalled") and plan.preload:  # the same sandbox, without preloading
                plan = dataclasses.replace(plan, preload=False)
                not_preloaded = f"not ready within {request.ready_seconds:g} s: started again without preloading"
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

    def _start_keeper(self, channel_fd, plan, use_namespaces, request, missing):
        keeper, its_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:
            try:
                keeper.close()
                _keeper(socket.socket(fileno=channel_fd), its_end, plan, use_namespaces)
            finally:
                os._exit(70)
        its_end.close()
        deadline = time.monotonic() + request.ready_seconds
        try:
            unshared = _keeper_report(keeper, deadline) or {"unshared": False, "reason": "the keeper ended"}
            if use_namespaces and not unshared["unshared"]:
                missing["namespaces"] = unshared["reason"]
            if unshared["unshared"]:
                confine.write_id_maps(pid, request.uid)
            cgroup = None
            if "cgroup" not in missing:
                try:
                    cgroup = confine.Cgroup(f"autograder-{secrets.token_hex(6)}", request.cgroup_memory_bytes,
                                            confine.MAX_PROCESSES)
                    cgroup.add(pid)
                except confine.Unavailable as error:
                    missing["cgroup"] = str(error)
            self.keepers[pid] = cgroup
            wire.send(keeper, "go")
            ready = _keeper_report(keeper, time.monotonic() + request.ready_seconds) or {"ready": False,
                                                                                         "reason": "the keeper ended"}
        except TimeoutError:
            ready = {"ready": False, "stalled": True, "reason": f"not ready within {request.ready_seconds:g} s"}
        except OSError as error:
            ready = {"ready": False, "reason": f"{type(error).__name__}: {error}"}
        finally:
            keeper.close()
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
    sandboxes = Sandboxes(tuple(readable))
    try:
        for request, fds in _requests(control):
            if request["op"] == "open":
                answer = sandboxes.open(wire.SandboxRequest.from_message(request), fds[0])
            elif request["op"] == "close":
                sandboxes.close(request["keeper"])
                answer = {}
            else:
                answer = {"error": f"unknown request {request['op']!r}"}
            wire.send(control, answer)
    finally:
        for pid in list(sandboxes.keepers):
            sandboxes.close(pid)
        kill_children()


if __name__ == "__main__":
    sys.path.pop(0)  # the working folder, where ``python -m`` started: nothing to import from
    sys.path.insert(0, sys.argv[2])  # the trusted support folder, for ``import procedures``
    import procedures  # loaded here, before any fork

    procedures.assignment()  # likewise the assignment's plug-in (calls.py) and its manifest, read here

    sys.path.remove(sys.argv[2])
    project = pathlib.Path(confine.__file__).resolve().parents[2]  # the checkout: never readable
    import gc

    gc.freeze()  # what is loaded now stays out of the collector's sweeps: fewer pages copied in each fork
    serve(socket.socket(fileno=int(sys.argv[1])), confine.python_paths(project))
