"""The Linux isolation layers a submission's processes run under, each used where the machine allows it.

Kernel features, called directly (``ctypes``), because the zygote forks its
workers from a Python process with numpy already loaded: a sandbox tool that
starts a new program (bubblewrap, ``unshare(1)``) would reload numpy for
every call.

- ``namespaces`` (user, mount, pid, IPC, network, UTS): the submission's
  processes see a root file system holding the Python installation and the
  system libraries read-only, the submission's files read-only at
  ``/submission``; no other process, no network. Each call has, besides,
  mount and IPC namespaces of its own: an empty private ``/tmp`` and
  ``/dev/shm``, no ``/proc``, no IPC object of another call; between calls
  the submission's pid counter is set back, so each call's worker has the
  same pid. When a namespace's first process ends, the kernel kills every
  process in it and frees its IPC objects and files, whatever the host's
  init does.
- ``landlock``: file access limited to that same list of paths (the only
  file-system layer where namespaces are refused, e.g. in Docker without
  CAP_SYS_ADMIN); from Landlock ABI 4, TCP connect and bind refused; from
  ABI 6, signals and abstract UNIX sockets kept inside the submission.
- ``seccomp``: no socket of any family, UNIX ones included, created,
  connected, bound, listened on or accepted (the network layer where there
  is no network namespace, and a second one where there is; the channel to
  the grader is inherited, not opened); no System V IPC object and no POSIX
  message queue (which would outlive a call where there is no IPC
  namespace); no io_uring, key ring, ptrace, bpf, perf event or
  userfaultfd; no 32-bit or x32 system call.
- ``cgroup``: memory and process count bounded for the submission as a whole
  (needs a writable cgroup file system, in practice root).
- Always: resource limits, no capabilities, ``no_new_privs``, a fixed
  environment, and as root an unprivileged uid of the submission's own.
"""
import ctypes
import errno
import os
import stat
import struct
import sys
from pathlib import Path

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
SUBMISSION_NAMESPACES = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUTS
CALL_NAMESPACES = CLONE_NEWNS | CLONE_NEWIPC  # a fresh /tmp and IPC, and no /proc, for every call

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2

PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP = 1, 4, 24
PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 38, 47, 4
PR_SET_CHILD_SUBREAPER = 36

SYS_PIVOT_ROOT, SYS_CAPSET = 155, 126
SYS_LANDLOCK_CREATE_RULESET, SYS_LANDLOCK_ADD_RULE, SYS_LANDLOCK_RESTRICT_SELF = 444, 445, 446

LAYERS = ("namespaces", "landlock", "seccomp", "cgroup")  # the ones that can be missing; see the docstring
INSIDE_ID = 1000  # the uid and gid a submission has inside its user namespace
SUBMISSION_DIR = "/submission"
PRIVATE_TMP_BYTES = 16 * 2**20
MAX_PROCESSES = 16  # per submission: its init, one worker, what the worker starts
INIT_CPU_SECONDS = 60  # a submission's init's own CPU time (preloading, forking ~100 calls): a few seconds at most
DEVICES = ("null", "zero", "full", "random", "urandom")


class Unavailable(Exception):
    """A layer the kernel, the container or our privileges refuse; the message says which and why."""


def _check(result, what):
    if result == -1:
        raise Unavailable(f"{what}: {os.strerror(ctypes.get_errno())}")
    return result


def unshare(flags):
    _check(_libc.unshare(ctypes.c_int(flags)), "unshare")


def mount(source, target, fstype, flags, data=None):
    enc = lambda s: None if s is None else os.fsencode(s)  # noqa: E731
    _check(_libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)), f"mount {target}")


def prctl(option, value=0):
    return _check(_libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0), f"prctl {option}")


# --- user namespace ---------------------------------------------------------------------------

def write_id_maps(pid, submission_uid):
    """Map the ids of the user namespace of ``pid`` (run by its parent, outside it).

    As root: inside uid 0 is outside root, so that the namespace's init can build the root
    file system from folders only root may enter (a Python under /root), and ``INSIDE_ID``
    is ``submission_uid``, which the workers become. Otherwise only the grader's own ids can
    be mapped: ``INSIDE_ID`` is the grader, and the workers differ from it by their lack of
    capabilities and by what their namespaces let them see.
    """
    if os.geteuid() == 0:
        uid_map = gid_map = f"0 0 1\n{INSIDE_ID} {submission_uid} 1"
    else:
        uid_map, gid_map = f"{INSIDE_ID} {os.geteuid()} 1", f"{INSIDE_ID} {os.getegid()} 1"
    Path(f"/proc/{pid}/setgroups").write_text("deny")
    Path(f"/proc/{pid}/uid_map").write_text(uid_map)
    Path(f"/proc/{pid}/gid_map").write_text(gid_map)


def become_inside_user():
    os.setresgid(INSIDE_ID, INSIDE_ID, INSIDE_ID)
    os.setresuid(INSIDE_ID, INSIDE_ID, INSIDE_ID)


def drop_bounding_set():
    """No capability to be gained by running a program, in this process and its future children; those
    it holds now stay. A submission's init drops them once, for all of its workers."""
    for capability in range(64):
        if _libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0 and ctypes.get_errno() == errno.EINVAL:
            break  # past the last capability this kernel knows
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)


def drop_capabilities():
    """No capability held by this process, and none to gain (``no_new_privs``); not dumpable."""
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    prctl(PR_SET_DUMPABLE, 0)  # no ptrace, no /proc/PID/mem of this process by its own children
    header = struct.pack("Ii", 0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = ctypes.create_string_buffer(24)  # two empty {effective, permitted, inheritable}
    _check(_libc.syscall(SYS_CAPSET, ctypes.c_char_p(header), data), "capset")


# --- the submission's root file system -------------------------------------------------------

def build_root(new_root, readable, submission_folder):
    """Make ``new_root`` (an empty folder) the root of this mount namespace: ``readable`` paths
    bound read-only at their own place (an installed copy of the grader inside them emptied),
    the submission at /submission, a few devices, /proc, and empty mount points for the
    per-call /tmp and /dev/shm. The old root is detached."""
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    mount("tmpfs", new_root, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
    root = Path(new_root)
    for path in readable:
        _bind(path, root / path.lstrip("/"))
    for path in installed_copies(readable):
        mount("tmpfs", root / path.lstrip("/"), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "size=4k")
    _bind(submission_folder, root / SUBMISSION_DIR.lstrip("/"))
    (root / "dev").mkdir()
    for device in DEVICES:
        _bind(f"/dev/{device}", root / "dev" / device, read_only=False)
    for folder in ("tmp", "dev/shm", "proc"):
        (root / folder).mkdir(mode=0o755, exist_ok=True)
    try:  # a process table of the namespace's own; refused where the host masks parts of /proc
        mount("proc", root / "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    except Unavailable:
        pass
    os.chdir(root)
    _check(_libc.syscall(SYS_PIVOT_ROOT, b".", b"."), "pivot_root")
    _check(_libc.umount2(b".", MNT_DETACH), "umount old root")  # the old root was stacked under the new one
    os.chdir("/")
    mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)


def _bind(source, target, read_only=True):
    source = Path(source)
    if source.is_dir():
        target.mkdir(parents=True, exist_ok=True)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.touch()
    mount(source, target, None, MS_BIND | MS_REC)
    flags = MS_REMOUNT | MS_BIND | MS_NOSUID | (MS_RDONLY | MS_NODEV if read_only else 0)
    mount(None, target, None, flags)


def private_tmp():
    """A fresh, small, empty /tmp and /dev/shm for one call (in a mount namespace of the call's own)."""
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    for folder in ("/tmp", "/dev/shm"):
        mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, f"size={PRIVATE_TMP_BYTES},nr_inodes=4096,mode=1777")


def hide_proc():
    """No /proc in the caller's mount namespace (a call's own): the submission's processes, its init's
    CPU times among them, would tell a call of the earlier ones. (Landlock hides it too.) An empty
    file system mounted over it: unmounting would cost a call about a millisecond (the kernel waits
    for an RCU grace period at every unmount)."""
    mount("tmpfs", "/proc", "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,nr_inodes=1,mode=0555")


def reset_pid_counter():
    """Set the pid counter of the caller's pid namespace back to where it started: with every other
    process of the namespace gone, the next one forked gets pid 2, as the first did, so no call can
    tell an earlier one by the pids it is given. Needs CAP_SYS_ADMIN over the namespace (its init has)
    and a kernel built with CONFIG_CHECKPOINT_RESTORE (Debian's, Ubuntu's, Fedora's): False without."""
    try:
        with open("/proc/sys/kernel/ns_last_pid", "w") as f:
            f.write("1")
        return True
    except OSError:
        return False


# --- Landlock ----------------------------------------------------------------------------------

_FS_RIGHTS_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 5: (1 << 16) - 1}
_READ = 1 | 4 | 8  # execute, read file, read dir
_FILE_RIGHTS = 1 | 2 | 4 | (1 << 14) | (1 << 15)  # the rights a rule on a file (not a folder) may hold
_NET_TCP = 1 | 2  # bind, connect
_SCOPES = 1 | 2  # abstract UNIX sockets, signals


def landlock_abi():
    """The Landlock ABI version the kernel offers, 0 without Landlock."""
    version = _libc.syscall(SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    return max(int(version), 0)


def landlock_shortfall(abi):
    """What Landlock of ABI ``abi`` leaves open that only namespaces would otherwise close, or None."""
    if abi < 6:
        return f"only ABI {abi} here: signals and abstract sockets beyond the sandbox are not refused"
    return None


def landlock(readable, writable=()):
    """From now on, this process and its children may read only below ``readable``, write only
    below ``writable``; from ABI 4, no TCP; from ABI 6, no signal or abstract socket beyond
    their own domain. Raises Unavailable without Landlock."""
    ruleset = landlock_ruleset(readable, writable)
    try:
        restrict_to(ruleset)
    finally:
        os.close(ruleset)
    return landlock_abi()


def landlock_ruleset(readable, writable=()):
    """``landlock``'s rules, built but not applied: a file descriptor that ``restrict_to`` applies to
    any process holding it. A submission's init builds it once, and each worker applies it in
    microseconds. Rules hold the folders themselves, not their names, and Landlock does not look at a
    folder that a mount hides: a file system mounted later on a folder (a call's private /tmp) is
    not covered by the folder's rule, so a ruleset that must reach it is built after the mount."""
    abi = landlock_abi()
    if abi < 1:
        raise Unavailable("Landlock is not available")
    fs_rights = _FS_RIGHTS_BY_ABI[max(v for v in _FS_RIGHTS_BY_ABI if v <= abi)]
    attr = struct.pack("QQQ", fs_rights, _NET_TCP if abi >= 4 else 0, _SCOPES if abi >= 6 else 0)
    size = 8 if abi < 4 else (16 if abi < 6 else 24)
    ruleset = _check(_libc.syscall(SYS_LANDLOCK_CREATE_RULESET, ctypes.c_char_p(attr), ctypes.c_size_t(size),
                                   ctypes.c_uint32(0)), "landlock_create_ruleset")
    try:
        for paths, rights in ((readable, _READ), (writable, fs_rights)):
            for path in paths:
                _allow(ruleset, path, rights)
    except BaseException:
        os.close(ruleset)
        raise
    return ruleset


def restrict_to(ruleset):
    """Apply a ruleset of ``landlock_ruleset`` to this process and its future children (a domain of its own)."""
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    _check(_libc.syscall(SYS_LANDLOCK_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)),
           "landlock_restrict_self")


def _allow(ruleset, path, rights):
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return  # a path this machine does not have
    try:
        if not stat.S_ISDIR(os.fstat(fd).st_mode):
            rights &= _FILE_RIGHTS
        rule = struct.pack("=Qi", rights, fd)
        _check(_libc.syscall(SYS_LANDLOCK_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(1), ctypes.c_char_p(rule),
                             ctypes.c_uint32(0)), f"landlock_add_rule {path}")
    finally:
        os.close(fd)


# --- seccomp -------------------------------------------------------------------------------------

_AUDIT_ARCH_X86_64 = 0xC000003E
_X32_SYSCALL_BIT = 0x40000000
# Kernel interfaces numerical code never needs, refused as if absent: io_uring (it opens sockets
# too), the key rings (shared by every process of a uid), ptrace, bpf, perf_event_open, userfaultfd,
# and the IPC objects that belong to no process (System V shared memory, semaphores and message
# queues, POSIX message queues): without an IPC namespace of the call's own they would carry what one
# call saw into the next, and outlive the submission. (POSIX shared memory and semaphores are files
# in /dev/shm: a call's own, where it may write at all.)
_REFUSED_SYSCALLS = {"io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427, "add_key": 248,
                     "request_key": 249, "keyctl": 250, "ptrace": 101, "bpf": 321, "perf_event_open": 298,
                     "userfaultfd": 323,
                     "shmget": 29, "shmat": 30, "shmctl": 31, "shmdt": 67, "semget": 64, "semop": 65, "semctl": 66,
                     "semtimedop": 220, "msgget": 68, "msgsnd": 69, "msgrcv": 70, "msgctl": 71, "mq_open": 240,
                     "mq_unlink": 241, "mq_timedsend": 242, "mq_timedreceive": 243, "mq_notify": 244,
                     "mq_getsetattr": 245}
# Sockets of every family, UNIX ones included: a worker talks to the grader on the channel it
# inherits, and nothing else. Without namespaces (Docker's default profile, a TA's laptop) a pathname
# UNIX socket is reached by whoever may write it, and Landlock does not cover connecting to one.
_SOCKET_SYSCALLS = {"socket": 41, "connect": 42, "accept": 43, "bind": 49, "listen": 50, "socketpair": 53,
                    "accept4": 288}
_EACCES, _ENOSYS = 13, 38
_LD_W_ABS, _JEQ, _JGE, _RET = 0x20, 0x15, 0x35, 0x06
_ALLOW, _ERRNO = 0x7FFF0000, 0x00050000


def seccomp_available():
    import platform

    return platform.machine() == "x86_64" and _libc.prctl(21, 0, 0, 0, 0) >= 0  # PR_GET_SECCOMP


def socket_filter():
    """The seccomp program of ``forbid_sockets``: from then on, for the process and its children,
    every call of ``_SOCKET_SYSCALLS`` (socket, socketpair, connect, bind, listen, accept, accept4)
    fails with EACCES whatever the family, AF_UNIX included; those of ``_REFUSED_SYSCALLS`` fail with
    ENOSYS, and so does every 32-bit or x32 system call, which would bypass the numbers checked here.
    Everything else is allowed, reading and writing sockets already open among it (the channel to
    the grader). No privilege needed (``no_new_privs``), allowed in containers: the network layer
    where there is no network namespace, and a second one where there is."""
    def op(code, k, jt=0, jf=0):
        return struct.pack("HBBI", code, jt, jf, k)

    refused = sorted(_REFUSED_SYSCALLS.values())
    sockets = sorted(_SOCKET_SYSCALLS.values())
    program = [
        op(_LD_W_ABS, 4),  # arch
        op(_JEQ, _AUDIT_ARCH_X86_64, 1, 0),
        op(_RET, _ERRNO | _ENOSYS),
        op(_LD_W_ABS, 0),  # system call number
        op(_JGE, _X32_SYSCALL_BIT, len(refused) + len(sockets) + 2, 0),  # to the ENOSYS at the end
    ]
    for i, number in enumerate(refused):  # to the ENOSYS, past the socket calls and the two returns
        program.append(op(_JEQ, number, len(refused) - i - 1 + len(sockets) + 2, 0))
    for i, number in enumerate(sockets):  # to the EACCES
        program.append(op(_JEQ, number, len(sockets) - i - 1 + 1, 0))
    program += [
        op(_RET, _ALLOW),
        op(_RET, _ERRNO | _EACCES),
        op(_RET, _ERRNO | _ENOSYS),
    ]
    return b"".join(program)


def forbid_sockets(program=None):
    """Install ``socket_filter`` (or ``program``, built by it once for many processes): see there."""
    program = program or socket_filter()
    filters = ctypes.create_string_buffer(program)
    fprog = struct.pack("HxxxxxxQ", len(program) // 8, ctypes.addressof(filters))
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    _check(_libc.prctl(22, 2, ctypes.c_char_p(fprog), 0, 0), "seccomp")  # PR_SET_SECCOMP, SECCOMP_MODE_FILTER


# --- what a submission may read ----------------------------------------------------------------

SYSTEM_LIBRARIES = ("/lib", "/lib64", "/lib32", "/usr/lib", "/usr/lib64", "/usr/lib32", "/usr/local/lib",
                    "/etc/ld.so.cache")


def python_paths(project_root):
    """The folders the running Python imports from (standard library, extension modules, site
    packages), the system libraries, and nothing of the project's checkout unless it holds the
    virtual environment itself. Absolute, real, existing, and none inside another."""
    project_root = Path(project_root).resolve()
    prefix = Path(sys.prefix).resolve()
    candidates = [Path(sys.base_prefix) / "lib", *map(Path, filter(None, sys.path)), *map(Path, SYSTEM_LIBRARIES)]
    chosen = []
    for path in candidates:
        try:
            real = path.resolve(strict=True)
        except OSError:
            continue
        inside_project = real.is_relative_to(project_root) and not real.is_relative_to(prefix)
        if not inside_project and len(real.parts) > 1 and (real.is_dir() or real.is_file()):  # never all of /
            chosen.append(real)
    chosen = sorted(set(chosen), key=lambda p: len(p.parts))
    kept = [p for i, p in enumerate(chosen) if not any(p.is_relative_to(q) for q in chosen[:i])]
    return [str(p) for p in sorted(kept)]


# This file's place inside the package (autograder/isolation/confine.py): what marks an installed copy.
_OWN_PLACE = Path(*Path(__file__).resolve().parts[-3:])


def installed_copies(readable):
    """This package, installed into a site-packages folder by ``pip install .`` (not ``-e``):
    its hidden checks must not be readable (Landlock alone cannot carve them out)."""
    package = _OWN_PLACE.parts[0]
    return [str(Path(p) / package) for p in readable if (Path(p) / _OWN_PLACE).is_file()]


def fixed_environment(home, tmp="/tmp"):
    """The only environment student code sees: nothing of the grader's (tokens, paths)."""
    environment = {
        "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": home, "TMPDIR": tmp, "LANG": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg",
    }
    if "OPENBLAS_CORETYPE" in os.environ:  # the grader's choice of kernels holds for the student's code too
        environment["OPENBLAS_CORETYPE"] = os.environ["OPENBLAS_CORETYPE"]
    return environment


# --- without namespaces: a call's writable folder, and the submission's files as they were -------

class Scratch:
    """Where a call writes without namespaces (no private /tmp can be mounted there): one folder the
    grader made, owned by the submission's uid, emptied after every call; TMPDIR and HOME name it.
    Each file is bounded (RLIMIT_FSIZE), their number only by the call's time."""

    def __init__(self, path, uid):
        self.path, self.uid = str(path), uid
        os.mkdir(self.path, 0o700)
        if uid is not None:
            os.chown(self.path, uid, uid)

    def empty(self):
        """Remove what a call left (links never followed), whatever modes it gave its files."""
        import shutil

        def writable_then_again(function, path, _):
            os.chmod(os.path.dirname(path), 0o700)  # its own folder made unreadable by the call
            function(path)

        os.chmod(self.path, 0o700)
        for entry in os.scandir(self.path):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, onerror=writable_then_again)
            else:
                os.unlink(entry.path)
        os.utime(self.path, ns=(0, 0))
        for name in os.listxattr(self.path):
            if name.startswith("user."):
                os.removexattr(self.path, name)


class FolderState:
    """The state of a submission's folder to set back after each call, without namespaces: there the
    folder is not on a read-only mount, so reading a file moves its access time and, where the
    submission runs as the grader's own uid, it may change the modes, times and user attributes of
    files it cannot write. Any of these would tell a later call what an earlier one did. After every
    call each entry gets the grader's modes (755 a folder, 644 a file), the times it had when the
    sandbox started (files the grader wrote since, its compiled modules, a fixed time), and no user
    attribute: all of it every time, so that not even the change times tell which were changed."""

    FIXED_TIME_NS = 0

    def __init__(self, folder):
        self.folder, self.times = str(folder), {}
        for path, info in self._entries():
            self.times[path] = (info.st_mtime_ns, info.st_mtime_ns)

    def _entries(self):
        stack = [self.folder]
        while stack:
            path = stack.pop()
            info = os.lstat(path)
            yield path, info
            if stat.S_ISDIR(info.st_mode):
                stack.extend(os.path.join(path, name) for name in os.listdir(path))

    def restore(self):
        for path, info in list(self._entries()):
            try:
                os.chmod(path, 0o755 if stat.S_ISDIR(info.st_mode) else 0o644, follow_symlinks=False)
                fixed = (self.FIXED_TIME_NS, self.FIXED_TIME_NS)
                os.utime(path, ns=self.times.get(path, fixed), follow_symlinks=False)
                for name in os.listxattr(path, follow_symlinks=False):
                    if name.startswith("user."):
                        os.removexattr(path, name, follow_symlinks=False)
            except OSError:
                pass


# --- cgroup ------------------------------------------------------------------------------------

CGROUP_ROOT = Path("/sys/fs/cgroup")


class Cgroup:
    """Memory and process-count bounds on all of one submission's processes together.

    cgroup v2 where the unified hierarchy is mounted, else v1's ``memory`` and ``pids``
    hierarchies. Shared memory and files in a tmpfs count against the memory of the cgroup
    that wrote them. Raises Unavailable where the hierarchy is missing or not writable.
    """

    def __init__(self, name, memory_bytes, max_processes):
        unified = (CGROUP_ROOT / "cgroup.controllers").is_file()
        optional = {"memory.memsw.limit_in_bytes", "memory.swap.max"}  # only where swap is accounted
        if unified:
            self.folders = [CGROUP_ROOT / name]
            limits = {"memory.max": memory_bytes, "memory.swap.max": 0, "pids.max": max_processes}
        else:
            self.folders = [CGROUP_ROOT / "memory" / name, CGROUP_ROOT / "pids" / name]
            limits = {"memory.limit_in_bytes": memory_bytes, "memory.memsw.limit_in_bytes": memory_bytes,
                      "pids.max": max_processes}
        try:
            for folder in self.folders:
                folder.mkdir()
            for file, value in limits.items():
                targets = [f / file for f in self.folders if (f / file).exists()]
                if not targets and file not in optional:
                    raise FileNotFoundError(errno.ENOENT, "no such control file", file)
                for target in targets:
                    target.write_text(str(value))
        except OSError as error:
            self.remove()
            raise Unavailable(f"no writable cgroup hierarchy under {CGROUP_ROOT} ({error.strerror or error})") from None

    def add(self, pid):
        for folder in self.folders:
            (folder / "cgroup.procs").write_text(str(pid))

    def remove(self):
        """Kill whatever is left in it and remove it (it must be empty to go)."""
        import signal
        import time

        for folder in self.folders:
            for _ in range(100):
                try:
                    pids = (folder / "cgroup.procs").read_text().split()
                except OSError:
                    break
                if not pids:
                    break
                for pid in pids:
                    try:
                        os.kill(int(pid), signal.SIGKILL)
                    except OSError:
                        pass
                time.sleep(0.01)
            try:
                folder.rmdir()
            except OSError:
                pass


# --- System V IPC left by a uid (without an IPC namespace) -----------------------------------

def remove_ipc_of(uid):
    """Remove every System V shared-memory segment, message queue and semaphore set that ``uid``
    created or owns: without namespaces, they would outlive the submission (root only)."""
    removers = {"shm": lambda i: _libc.shmctl(i, 0, None), "msg": lambda i: _libc.msgctl(i, 0, None),
                "sem": lambda i: _libc.semctl(i, 0, 0)}  # IPC_RMID = 0
    for kind, remove in removers.items():
        try:
            header, *rows = Path(f"/proc/sysvipc/{kind}").read_text().splitlines()
        except OSError:
            continue
        columns = header.split()
        for row in rows:
            fields = dict(zip(columns, row.split()))
            if str(uid) in (fields.get("uid"), fields.get("cuid")):
                remove(int(row.split()[1]))

