"""The figures a notebook shows in its headless run, kept as matplotlib figures for test_figure_claims.

A notebook runs once per test session (conftest's ``solved_notebook``): executing it a second time,
in process, only to read its figures' data would double its cost (the third assignment trains
models). So the kernel of that run starts with an IPython start-up file that pickles every open
figure each time ``plt.show()`` is called, before the inline backend displays and closes it.
"""
import pickle
from pathlib import Path

# Written into the kernel's IPYTHONDIR: IPython runs profile_default/startup/*.py as the kernel starts.
STARTUP = '''\
# Written by tests/notebook_figures.py for the test session's run of this notebook.
import os
import pickle

import matplotlib.pyplot as plt

_show = plt.show


def _show_and_record(*args, **kwargs):
    with open(os.environ["COURSE_RECORDED_FIGURES"], "ab") as out:
        for number in plt.get_fignums():
            pickle.dump(plt.figure(number), out)
    return _show(*args, **kwargs)


plt.show = _show_and_record
'''


def recording(folder):
    """The kernel variables that make a notebook run record its figures under ``folder``."""
    startup = Path(folder) / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-record-figures.py").write_text(STARTUP)
    return {"IPYTHONDIR": str(Path(folder) / "ipython"), "COURSE_RECORDED_FIGURES": str(Path(folder) / "figures.pickle")}


def recorded(folder):
    """The figures the run given ``recording(folder)`` showed, in order."""
    import matplotlib

    matplotlib.use("Agg")
    figures = []
    path = Path(folder) / "figures.pickle"
    if not path.exists():
        return figures
    with open(path, "rb") as f:
        while True:
            try:
                figures.append(pickle.load(f))  # noqa: S301 - written by this test session's own kernel
            except EOFError:
                return figures
