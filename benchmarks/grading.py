"""Benchmark: grading throughput and memory, the sandboxed engine beside a plain `otter run` loop.

    python benchmarks/grading.py [--copies 7] [--otter-sample 20] [--jobs 2]

Grades ``copies`` x (bug library + solutions + stubs) submissions with
``python -m autograder grade`` and a sample of them with ``otter run``
through ``xargs -P jobs``, in one run, and prints: seconds per submission
(effective, wall clock / count), one cold submission (process start to
gradebook), the sandbox's cost of one call (a worker answering a function
that takes microseconds) and the calls per submission, peak resident memory
per process kind, the same batch again with the hostile library's
``floods_its_error_messages`` added (each of its calls raises 60 MB of
text), and whether the scores agree with ``otter run`` on the sample.
Figures, not assertions.
"""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import buglib  # noqa: E402
from autograder import assignment as course  # noqa: E402
from autograder.build import package  # noqa: E402

RNN = course.load("rnn_shortcomings")


class PeakMemory:
    """Samples the peak resident memory (VmHWM) of every process below a root pid, by kind."""

    def __init__(self, classify):
        self.classify, self.peaks, self.stop = classify, {}, threading.Event()

    def watch(self, pid):
        self.thread = threading.Thread(target=self._loop, args=(pid,), daemon=True)
        self.thread.start()

    def _loop(self, root):
        while not self.stop.is_set():
            for pid, args in _descendants(root):
                peak = _vm_hwm_mb(pid)
                kind = self.classify(args)
                if peak and kind:
                    self.peaks[kind] = max(self.peaks.get(kind, 0), peak)
            time.sleep(0.02)

    def finish(self):
        self.stop.set()
        self.thread.join()
        return self.peaks


def _descendants(root):
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    args = f.read().replace(b"\0", b" ").decode(errors="replace")
                children.setdefault(ppid, []).append((int(entry), args))
            except (OSError, ValueError, IndexError):
                pass
    found, frontier = [], [root]
    while frontier:
        pid = frontier.pop()
        for child in children.get(pid, []):
            found.append(child)
            frontier.append(child[0])
    return found


def _vm_hwm_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(line.split()[1]) / 1024 for line in f if line.startswith("VmHWM"))
    except (OSError, StopIteration):
        return None


def classify_engine(args):
    if "autograder.isolation.zygote" in args:
        return "zygote (and its forked workers, sampled)"
    if "multiprocessing" in args:
        return "lane (grading process)"
    return None


def classify_otter(args):
    if "ipykernel" in args:
        return "Jupyter kernel"
    if "otter" in args:
        return "otter run"
    return None


def timed(command, classify, env=None):
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    memory = PeakMemory(classify)
    memory.watch(process.pid)
    _, err = process.communicate()
    elapsed = time.perf_counter() - started
    if process.returncode:
        raise SystemExit(f"{command[:4]} failed: {err[-2000:]}")
    return elapsed, memory.finish()


def per_call(autograder_zip, work, count=60):
    """(median seconds of one sandboxed call, calls per reference submission, distinct ones)."""
    from autograder.grading import engine
    from autograder.isolation import sandbox

    with zipfile.ZipFile(autograder_zip) as archive:
        archive.extractall(work / "per-call")
    lane = engine.Lane(work / "per-call")
    try:
        import checking  # the lane's copy

        asked, run, original_run, original_call = [], [], sandbox.SandboxBackend.run, sandbox.SandboxBackend._call

        def counted_run(self, kind, inputs, options=None):
            asked.append(kind)
            return original_run(self, kind, inputs, options)

        def counted_call(self, kind, inputs, options, where):
            run.append(kind)
            return original_call(self, kind, inputs, options, where)

        sandbox.SandboxBackend.run, sandbox.SandboxBackend._call = counted_run, counted_call
        lane.grade_folder("reference", RNN.source, sandbox.fresh_uid_base(1) if sandbox.is_root() else None)
        sandbox.SandboxBackend.run, sandbox.SandboxBackend._call = original_run, original_call
        place = lane._sandbox_folder(RNN.source)
        box = lane.zygote.open(place / "files", place / "root", sandbox.fresh_uid_base(1) if sandbox.is_root() else None)
        backend = sandbox.SandboxBackend(box, lane.assignment)
        backend.prepare(place / "files", lane.assignment.modules)  # as the engine does for every submission
        inputs = checking.fixture("global_norm/dict").inputs
        times = []
        for _ in range(count):
            backend.start_question(None)
            started = time.perf_counter()
            backend._call("global_norm", inputs, {}, "in global_norm")
            times.append(time.perf_counter() - started)
        box.close()
        return sorted(times)[count // 2], len(asked), len(run)
    finally:
        lane.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=7)
    parser.add_argument("--otter-sample", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        autograder_zip = package.build_autograder(RNN, work / "autograder.zip")
        base = {name: buglib.write_submission(RNN, bug, work / "library" / name) for name, bug in buglib.load(RNN).items()}
        base["reference"] = buglib.write_submission(RNN, {}, work / "library" / "reference")
        base["stubs"] = work / "library" / "stubs"
        shutil.copytree(RNN.release, base["stubs"])
        submissions = []
        for copy in range(args.copies):
            for name, folder in base.items():
                target = work / "subs" / f"{name}-{copy}"
                shutil.copytree(folder, target)
                submissions.append(target)
        grade = [sys.executable, "-m", "autograder", "grade", "--autograder", str(autograder_zip)]

        cold_s, _ = timed(grade + [str(submissions[0]), "--out", str(work / "cold"), "--jobs", "1"], classify_engine)
        batch_s, engine_memory = timed(grade + [*map(str, submissions), "--out", str(work / "batch"),
                                                "--jobs", str(args.jobs)], classify_engine)
        call_s, calls, distinct = per_call(autograder_zip, work)
        flood = buglib.load(RNN, buglib.HOSTILE)["floods_its_error_messages"]
        flooding = [buglib.write_submission(RNN, flood, work / "flood" / f"flood-{copy}") for copy in range(args.copies)]
        flood_s, flood_memory = timed(grade + [*map(str, submissions + flooding), "--out", str(work / "flooded"),
                                               "--jobs", str(args.jobs)], classify_engine)

        sample = submissions[: args.otter_sample]
        zips = []
        for folder in sample:
            zipped = work / "zips" / f"{folder.name}.zip"
            zipped.parent.mkdir(exist_ok=True)
            with zipfile.ZipFile(zipped, "w") as archive:
                for name in RNN.submitted_files:
                    archive.write(folder / name, name)
            (work / "otter" / folder.name).mkdir(parents=True)
            zips.append(zipped)
        loop = ["bash", "-c", f"printf '%s\\n' {' '.join(z.stem for z in zips)} | xargs -P{args.jobs} -I{{}} "
                f"otter run --no-logo -a {autograder_zip} {work}/zips/{{}}.zip -o {work}/otter/{{}}"]
        otter_s, otter_memory = timed(loop, classify_otter) if zips else (0.0, {})

        with open(work / "batch" / "grades.csv") as f:
            ours = {row["submission"]: row for row in csv.DictReader(f)}
        disagreements = []
        for z in zips:
            theirs = {t["name"]: t["score"] for t in json.loads((work / "otter" / z.stem / "results.json").read_text())["tests"]
                      if t["name"] in RNN.question_names}
            mine = {q: float(ours[z.stem][q]) for q in RNN.question_names}
            if theirs != mine:
                disagreements.append((z.stem, mine, theirs))

        print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, jobs={args.jobs}")
        print(f"{'':34}{'sandboxed engine':>20}{'otter run loop':>18}")
        print(f"{'submissions graded':34}{len(submissions):>20}{len(zips):>18}")
        print(f"{'wall clock (s)':34}{batch_s:>20.1f}{otter_s:>18.1f}")
        print(f"{'seconds per submission, effective':34}{batch_s / len(submissions):>20.3f}{otter_s / max(len(zips), 1):>18.3f}")
        print(f"{'one cold submission (s)':34}{cold_s:>20.2f}{'':>18}")
        print(f"{'one call, median (ms)':34}{call_s * 1000:>20.2f}{'':>18}")
        print(f"{'calls per reference submission':34}{calls:>20}{'':>18}")
        print(f"  (of which run: {distinct}; the engine runs each distinct call once)")
        print("peak resident memory (MB):")
        for kind, peak in sorted(engine_memory.items()):
            print(f"  engine: {kind:40}{peak:8.0f}")
        print(f"the same batch with {len(flooding)} flooding submissions ({flood_s:.1f} s):")
        for kind, peak in sorted(flood_memory.items()):
            print(f"  engine: {kind:40}{peak:8.0f}")
        for kind, peak in sorted(otter_memory.items()):
            print(f"  otter:  {kind:40}{peak:8.0f}")
        print(f"scores identical to otter run on the {len(zips)} sampled: {'yes' if not disagreements else 'NO'}")
        for name, mine, theirs in disagreements:
            print(f"  {name}: engine {mine} otter {theirs}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
