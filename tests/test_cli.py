"""The command line as a TA meets it: `python -m autograder ...` run as a subprocess, its messages read."""
import os
import subprocess
import sys

import pytest

from autograder import package


@pytest.fixture(scope="session")
def autograder_zip(tmp_path_factory):
    return package.build_autograder(tmp_path_factory.mktemp("dist") / "autograder.zip")


def autograder(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)],
                          capture_output=True, text=True, timeout=300, **kwargs)


def test_grading_leaves_no_traceback_and_no_temporary_folder(autograder_zip, tmp_path):
    # A missing submission ends the run while the lane's zygote may still be starting: the
    # run must wait for it instead of deleting the files it is importing.
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    for attempt in range(10):
        run = autograder("grade", "/no/such/path", "--out", tmp_path / "grades", "--autograder", autograder_zip,
                         env=env)
        assert run.returncode == 0, run.stderr
        assert "Traceback" not in run.stderr, f"attempt {attempt}:\n{run.stderr}"
        assert list(temp.iterdir()) == [], f"attempt {attempt} left {list(temp.iterdir())}"
