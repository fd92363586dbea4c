"""The isolation layers one by one, each in a forked child (they cannot be undone in this process)."""
import os
import socket
import sys
from pathlib import Path

import pytest

from autograder import assignment as course
from autograder.isolation import confine, preload, sandbox


def in_child(function):
    """Run ``function`` in a forked child; what it returns (a short string), or the error it raised."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            answer = str(function())
        except BaseException as error:  # noqa: BLE001 - reported to the parent
            answer = f"raised {type(error).__name__}: {error}"
        os.write(write, answer.encode()[:4000])
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as f:
        answer = f.read().decode()
    os.waitpid(pid, 0)
    return answer


@pytest.mark.skipif(not confine.seccomp_available(), reason="seccomp filters need x86-64 Linux")
def test_seccomp_refuses_sockets_of_every_family_and_keeps_the_inherited_channel():
    def attempt():
        inherited = socket.socketpair()  # the channel to the grader, opened before the filter
        confine.forbid_sockets()
        outcomes = []
        for family in (socket.AF_UNIX, socket.AF_INET, socket.AF_INET6, socket.AF_NETLINK, socket.AF_PACKET):
            try:
                socket.socket(family, socket.SOCK_DGRAM).close()
                outcomes.append("opened")
            except OSError as error:
                outcomes.append(error.errno)
        try:
            socket.socketpair()
            outcomes.append("pair")
        except OSError as error:
            outcomes.append(error.errno)
        try:
            inherited[0].connect("/tmp/anything")
        except OSError as error:
            outcomes.append(error.errno)
        inherited[0].send(b"still")
        outcomes.append(inherited[1].recv(5).decode())
        return outcomes

    assert in_child(attempt) == str([13, 13, 13, 13, 13, 13, 13, "still"])  # EACCES


@pytest.mark.skipif(not confine.seccomp_available(), reason="seccomp filters need x86-64 Linux")
def test_seccomp_refuses_the_listed_calls_and_nothing_else(tmp_path):
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)

    def attempt():
        confine.forbid_sockets()
        refused = {}
        for name, number in confine._REFUSED_SYSCALLS.items():
            libc.syscall(number, 0, 0, 0, 0, 0)
            refused[name] = ctypes.get_errno()
        (tmp_path / "still").write_text("files, pipes and processes work")
        pid = os.fork()
        if pid == 0:
            os._exit(3)
        return refused, (tmp_path / "still").read_text(), os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])

    assert in_child(attempt) == str(({name: 38 for name in confine._REFUSED_SYSCALLS},
                                     "files, pipes and processes work", 3))  # ENOSYS


@pytest.mark.skipif(confine.landlock_abi() < 1, reason="this kernel has no Landlock")
def test_landlock_allows_reading_the_given_paths_only(tmp_path):
    allowed, other = tmp_path / "allowed", tmp_path / "other"
    for folder in (allowed, other):
        folder.mkdir()
        (folder / "file").write_text(folder.name)

    def attempt():
        confine.landlock([str(allowed)])
        outcomes = [(allowed / "file").read_text()]
        for action in (lambda: (other / "file").read_text(), lambda: (allowed / "new").write_text("x")):
            try:
                action()
                outcomes.append("done")
            except PermissionError:
                outcomes.append("refused")
        return outcomes

    assert in_child(attempt) == str(["allowed", "refused", "refused"])


def test_the_python_paths_hold_numpy_and_nothing_of_the_checkout():
    readable = [Path(p) for p in confine.python_paths(course.ROOT)]
    import numpy

    assert any(Path(numpy.__file__).resolve().is_relative_to(p) for p in readable)
    prefix = Path(sys.prefix).resolve()
    assert not [p for p in readable if p.is_relative_to(course.ROOT) and not p.is_relative_to(prefix)]
    assert Path("/") not in readable
    assert not [p for p in readable for q in readable if p != q and p.is_relative_to(q)]  # none inside another


def test_an_installed_copy_of_the_grader_is_found_to_be_hidden(tmp_path):
    site = tmp_path / "site-packages"
    (site / "autograder" / "isolation").mkdir(parents=True)  # where this package keeps confine.py
    (site / "autograder" / "isolation" / "confine.py").write_text("")
    (site / "numpy").mkdir()
    assert confine.installed_copies([str(site), str(tmp_path / "elsewhere")]) == [str(site / "autograder")]


def test_the_environment_holds_nothing_of_the_graders(monkeypatch):
    monkeypatch.setenv("TA_API_TOKEN", "secret")
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    environment = confine.fixed_environment(home="/tmp")
    assert "TA_API_TOKEN" not in environment and environment["OPENBLAS_CORETYPE"] == "Haswell"


NUMBER_WORDS = "zero one two three four five six seven eight nine ten eleven twelve".split()


def test_the_isolation_page_gives_the_sandbox_limits_the_code_sets():
    """The page quotes each limit as the code sets it: changing a limit means changing the page, not this test."""
    readme = " ".join((course.ROOT / "docs" / "isolation.md").read_text().split())
    gib, mb = sandbox.MEMORY_BYTES / 2**30, confine.PRIVATE_TMP_BYTES / 2**20
    fixed = len(confine.fixed_environment(home="/tmp")) - ("OPENBLAS_CORETYPE" in os.environ)
    assert sandbox.SUBMISSION_MEMORY_BYTES == sandbox.MEMORY_BYTES  # the page states one figure for both
    for stated in (f"empty {mb:g} MB `/tmp` per call",
                   f"{gib:g} GiB of memory and {confine.MAX_PROCESSES} processes for the whole submission",
                   f"{gib:g} GiB of address space a process, {confine.MAX_PROCESSES} processes",
                   f"{sandbox.CALL_TIMEOUT_S} s a call, {sandbox.SCRIPT_TIMEOUT_S} s the script, "
                   f"{sandbox.QUESTION_BUDGET_S} s a question",
                   f"{NUMBER_WORDS[fixed]} fixed environment variables",
                   f"ready within {sandbox.READY_S} s of its start (preloading itself gives up after "
                   f"{preload.PRELOAD_SECONDS} s)",
                   f"({gib:g} GiB of address space, {confine.INIT_CPU_SECONDS} s of CPU time, no file written)"):
        assert stated in readme, stated


def test_an_old_landlock_is_reported_for_what_it_leaves_open():
    assert "signals" in confine.landlock_shortfall(5) and confine.landlock_shortfall(6) is None
