"""A Gradescope-like container on this machine: ``python -m autograder harness`` (maintainers).

It does with an autograder zip what Gradescope's published harness does:

1. a fresh Debian root file system (``debootstrap --variant=minbase``, no Python in it, as on an
   Ubuntu 22.04 base whose Python 3.10 the zip cannot use), made once and cached;
2. a copy of it, the zip extracted at ``/autograder/source``, ``setup.sh`` run once as root,
   with the network, and ``run_autograder`` copied to ``/autograder/run_autograder``;
3. per submission, ``/autograder/submission`` filled (an uploaded zip extracted, as Gradescope
   does), ``/autograder/results`` emptied, ``/autograder/run_autograder`` run in ``/autograder``
   without the network, and ``/autograder/results/results.json`` read and checked against
   Gradescope's format.

Two modes for step 3. ``container``: the root through bubblewrap (pivot_root; own pid, IPC,
UTS and network namespaces), where nested namespaces are allowed, as in a container that
permits them. ``chroot``: a plain chroot, where the kernel refuses new user namespaces, as
Docker's default seccomp profile does.

Needs root, ``debootstrap`` and ``bwrap`` (Debian: ``apt-get install debootstrap bubblewrap``).
These machines reach PyPI through a proxy whose certificate authority only the host knows: when
the host's pip has a ``cert`` (``PIP_CERT`` or ``/etc/pip.conf``), the harness copies it into the
root for pip. That is a fact of the machine, not of Gradescope; ``setup.sh`` knows nothing of it.
"""
import configparser
import fcntl
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from autograder.build.image import REQUIREMENTS, REQUIREMENTS_NO_DEPS
from autograder.grading import results

SUITE = "bookworm"
MODES = ("container", "chroot")
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
ENVIRONMENT = {"PATH": PATH, "HOME": "/root", "LANG": "C.UTF-8"}  # what a container starts with, no more
SETUP_TIMEOUT = 1200
GRADING_TIMEOUT = 600  # Gradescope's default limit for one submission
HARNESS_CA = "/etc/harness-pip-ca.crt"
DEBOOTSTRAP_SCRIPTS = "/usr/share/debootstrap/scripts"
MIRROR = "http://deb.debian.org/debian"


class Unavailable(RuntimeError):
    """This machine cannot stand up the container (not root, a tool missing): the reason."""


def default_cache():
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "rnn-shortcomings-course" / "harness"


def unavailable_reason():
    """Why the harness cannot run here, or None when it can."""
    if os.geteuid() != 0:
        return "the harness needs root (debootstrap, chroot, bind mounts)"
    missing = [tool for tool in ("debootstrap", "bwrap", "unshare", "chroot") if shutil.which(tool) is None]
    if missing:
        return f"missing {', '.join(missing)} (Debian: apt-get install debootstrap bubblewrap)"
    return None


def base_root(cache=None, suite=SUITE, include=()):
    """The cached pristine Debian root of ``suite`` (with the packages ``include``, if any), made on first
    use (about 35 s here for Gradescope's, without Python)."""
    reason = unavailable_reason()
    if reason:
        raise Unavailable(reason)
    cache = Path(cache or default_cache())
    root = cache / "-".join(["debian", suite, "minbase", *include])
    cache.mkdir(parents=True, exist_ok=True)
    with open(f"{root}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one debootstrap per root: other callers wait, then copy it
        if not (root / "etc" / "debian_version").is_file():
            _debootstrap(suite, include, cache, root)
    return root


def _debootstrap(suite, include, cache, root):
    staging = Path(tempfile.mkdtemp(prefix="debootstrap-", dir=cache))
    command = ["debootstrap", "--variant=minbase", *([f"--include={','.join(include)}"] if include else []),
               suite, str(staging / "root")]
    if not Path(DEBOOTSTRAP_SCRIPTS, suite).is_file():
        # A suite newer than this debootstrap (Debian 12's knows no forky): sid's script makes every
        # suite since buster.
        command += [MIRROR, f"{DEBOOTSTRAP_SCRIPTS}/sid"]
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        raise Unavailable(f"debootstrap failed: {run.stdout[-1500:]}{run.stderr[-1500:]}")
    shutil.rmtree(root, ignore_errors=True)
    os.rename(staging / "root", root)  # whole or not at all: a cut-short run leaves no half root
    shutil.rmtree(staging, ignore_errors=True)


def _host_pip_cert():
    cert = os.environ.get("PIP_CERT")
    if not cert and Path("/etc/pip.conf").is_file():
        config = configparser.ConfigParser()
        config.read("/etc/pip.conf")
        cert = config.get("global", "cert", fallback=None)
    return Path(cert) if cert and Path(cert).is_file() else None


def _size_mb(path):
    run = subprocess.run(["du", "-sxm", str(path)], capture_output=True, text=True, check=True)
    return int(run.stdout.split()[0])


# What an autograder zip gives setup.sh to build the image from: zips equal in these build equal images.
IMAGE_INPUTS = ("setup.sh", REQUIREMENTS, REQUIREMENTS_NO_DEPS)


def image_inputs(autograder_zip):
    with zipfile.ZipFile(autograder_zip) as archive:
        return {name: archive.read(name) for name in IMAGE_INPUTS}


@dataclass
class Graded:
    submission: str
    mode: str
    score: float | None
    status: str
    seconds: float
    problems: list  # how results.json departs from Gradescope's format (empty: it is valid)
    report: dict | None
    stdout: str


class Image:
    """One assignment's image: a copy of the base root, the zip in it, ``setup.sh`` run once.

    ``start_from``: an Image whose setup.sh, run on the same inputs, built what this one's would: a copy
    of it, with this zip in place of its own and setup.sh run again (it finds everything there)."""

    def __init__(self, autograder_zip, cache=None, workdir=None, start_from=None):
        if start_from is not None and image_inputs(autograder_zip) != image_inputs(start_from.autograder_zip):
            raise ValueError(f"{autograder_zip} builds another image than {start_from.autograder_zip}: "
                             f"its {', '.join(IMAGE_INPUTS)} differ")
        base = base_root(cache) if start_from is None else start_from.root
        self.autograder_zip = autograder_zip
        self.place = Path(tempfile.mkdtemp(prefix="gradescope-image-", dir=workdir))
        self.root = self.place / "root"
        subprocess.run(["cp", "-a", str(base), str(self.root)], check=True)
        self.base_mb = _size_mb(self.root) if start_from is None else start_from.base_mb
        shutil.rmtree(self.root / "autograder" / "source", ignore_errors=True)  # the image's zip, not its venv
        for name in ("resolv.conf", "hosts"):
            if Path("/etc", name).is_file():
                shutil.copyfile(Path("/etc", name), self.root / "etc" / name)
        cert = _host_pip_cert()
        if cert:
            shutil.copyfile(cert, self.root / HARNESS_CA.lstrip("/"))
            (self.root / "etc" / "pip.conf").write_text(f"[global]\ncert = {HARNESS_CA}\n")
        source = self.root / "autograder" / "source"
        source.mkdir(parents=True)
        with zipfile.ZipFile(autograder_zip) as archive:
            archive.extractall(source)
        for name in ("setup.sh", "run_autograder"):  # zipfile drops the mode bits
            (source / name).chmod(0o755)
        started = time.monotonic()
        run = self._container(["bash", "/autograder/source/setup.sh"], "/autograder/source", network=True,
                              timeout=SETUP_TIMEOUT)
        self.setup_seconds = time.monotonic() - started
        self.setup_log = run.stdout + run.stderr
        if run.returncode != 0:
            raise RuntimeError(f"setup.sh failed (exit {run.returncode}):\n{self.setup_log[-3000:]}")
        shutil.copyfile(source / "run_autograder", self.root / "autograder" / "run_autograder")
        (self.root / "autograder" / "run_autograder").chmod(0o755)
        self.image_mb = _size_mb(self.root)

    def close(self):
        shutil.rmtree(self.place, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _container(self, argv, cwd, network=False, timeout=GRADING_TIMEOUT):
        command = ["bwrap", "--bind", str(self.root), "/", "--proc", "/proc", "--dev", "/dev",
                   "--ro-bind", "/sys", "/sys", "--tmpfs", "/tmp", "--unshare-pid", "--unshare-ipc",
                   "--unshare-uts", *([] if network else ["--unshare-net"]), "--die-with-parent",
                   "--chdir", cwd, *argv]
        return subprocess.run(command, env=ENVIRONMENT, capture_output=True, text=True, timeout=timeout)

    def _chroot(self, argv, cwd, timeout=GRADING_TIMEOUT):
        # A fresh mount namespace holds /proc, /dev and /tmp for the chroot and takes them away after.
        script = ('mount -t proc proc "$0/proc" && mount --rbind /dev "$0/dev" && mount -t tmpfs tmpfs "$0/tmp" '
                  '&& cd "$0" && exec chroot "$0" sh -c \'cd "$0" && exec "$@"\' "$@"')
        command = ["unshare", "--mount", "--propagation", "private", "--pid", "--net", "--fork", "--kill-child",
                   "--", "sh", "-c", script, str(self.root), cwd, *argv]
        return subprocess.run(command, env=ENVIRONMENT, capture_output=True, text=True, timeout=timeout)

    def grade(self, submission, mode="container", name=None):
        """Grade ``submission`` (a folder, or a zip as uploaded) as Gradescope would; a ``Graded``."""
        from autograder.grading.engine import UnreadableSubmission, unpack

        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        top = self.root / "autograder"
        for folder in ("submission", "results"):
            shutil.rmtree(top / folder, ignore_errors=True)
            (top / folder).mkdir()
        try:
            unpack(submission, top / "submission")  # Gradescope extracts an uploaded zip; a folder is copied
        except UnreadableSubmission:  # an upload it cannot extract stays as it came: run_autograder says why
            shutil.rmtree(top / "submission")
            (top / "submission").mkdir()
            if Path(submission).is_file():
                shutil.copyfile(submission, top / "submission" / Path(submission).name)
        (top / "submission_metadata.json").write_text(json.dumps(
            {"id": 1, "created_at": "2026-12-04T12:00:00Z", "users": [{"name": "Student", "email": "s@example.org"}],
             "previous_submissions": []}))
        started = time.monotonic()
        try:
            if mode == "container":
                run = self._container(["/autograder/run_autograder"], "/autograder")
            else:
                run = self._chroot(["/autograder/run_autograder"], "/autograder")
            stdout = run.stdout + run.stderr
        except subprocess.TimeoutExpired as error:
            stdout = f"run_autograder did not finish in {error.timeout} s"
        seconds = time.monotonic() - started
        name = name or Path(submission).name
        results_json = top / "results" / "results.json"
        if not results_json.is_file():
            return Graded(name, mode, None, "no results.json", seconds, ["no results.json"], None, stdout)
        text = results_json.read_text()
        problems = results.gradescope_format_problems(text)
        report = None if problems and problems[0].startswith("not JSON") else json.loads(text)
        status = re.match(r"Status: (\w+)", (report or {}).get("output", ""))
        return Graded(name, mode, (report or {}).get("score"), status.group(1) if status else "?", seconds,
                      problems, report, stdout)


def table(image, graded):
    """The harness's report: the image build, then one line per graded submission."""
    lines = [f"image: base {image.base_mb} MB, setup.sh {image.setup_seconds:.0f} s, "
             f"{image.image_mb - image.base_mb} MB added ({image.image_mb} MB in all)",
             f"{'submission':<32} {'mode':<9} {'score':>6}  {'status':<8} {'seconds':>7}  results.json"]
    for g in graded:
        score = "-" if g.score is None else results.format_score(g.score)
        valid = "valid" if not g.problems else "; ".join(g.problems)[:120]
        lines.append(f"{g.submission:<32} {g.mode:<9} {score:>6}  {g.status:<8} {g.seconds:>7.2f}  {valid}")
    return "\n".join(lines)
