"""long_range.py and long_range_attention.py run as scripts: a row of the table as each run
finishes (the runs take seconds each, and the reader waits for them), the total at the end, and
one BLAS thread, which took a third of the CPU time of OpenBLAS's default two here."""
import importlib
import os
import subprocess
import sys

import pytest

from autograder import assignment as course

# A tiny configuration of each script (2 runs of 2 steps) and the folder it runs from.
TINY = ["--lengths", "4", "--seeds", "0", "1", "--steps", "2"]
SCRIPTS = {
    "long_range": ("rnn_shortcomings", ["--models", "rnn", *TINY]),
    "long_range_attention": ("beyond_recurrence", ["--models", "gru", *TINY]),
}


@pytest.mark.parametrize("name", SCRIPTS)
def test_the_script_prints_a_row_as_each_run_finishes_then_the_total(name, monkeypatch, capsys):
    script = importlib.import_module(name)
    _, argv = SCRIPTS[name]
    printed = []  # what the script had printed when each run started, then at the end
    train = script.train

    def train_after_reading_the_output(*args, **kwargs):
        printed.append(capsys.readouterr().out)
        return train(*args, **kwargs)

    monkeypatch.setattr(script, "train", train_after_reading_the_output)
    script.main(argv)
    printed.append(capsys.readouterr().out)
    before_first, first_row, second_and_total = printed
    model = argv[1]
    assert before_first.splitlines()[-1] == script.HEADER
    assert first_row.split()[:3] == [model, "4", "0"] and len(first_row.splitlines()) == 1
    second_row, total = second_and_total.splitlines()
    assert second_row.split()[:3] == [model, "4", "1"]
    assert total.startswith("total ") and total.endswith(" s")


PROBE = """
import runpy, sys
sys.argv = [{script!r}, *{argv!r}]
runpy.run_path({script!r}, run_name="__main__")
sys.path.insert(0, {benchmarks!r})
from torch_speed import openblas_threads  # asks numpy's bundled OpenBLAS
blas = openblas_threads()
print("BLAS threads:", blas[0]() if blas else "unknown", file=sys.stderr)
"""


@pytest.mark.parametrize("name", SCRIPTS)
def test_run_as_a_script_it_uses_one_blas_thread(name):
    folder, argv = SCRIPTS[name]
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    probe = PROBE.format(script=f"{name}.py", argv=argv, benchmarks=str(course.ROOT / "benchmarks"))
    done = subprocess.run([sys.executable, "-c", probe], cwd=course.load(folder).source, env=env,
                          capture_output=True, text=True, check=True)
    threads = done.stderr.splitlines()[-1]
    if threads == "BLAS threads: unknown":
        pytest.skip("numpy has no bundled OpenBLAS to ask")
    assert threads == "BLAS threads: 1"
