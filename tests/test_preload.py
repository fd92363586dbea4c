"""A submission's init imports a module once for all calls only when importing it runs no student code.

The init serves every call of the submission: student code run there could
carry what one call saw into the next. These tests hold ``autograder.isolation.preload``
to that: plain definitions are preloaded, anything that runs code is left to
each call, and a call still sees its modules exactly as imported.
"""
import ast
import sys
import textwrap

import numpy as np
import pytest

from autograder import assignment as course
from autograder.isolation import preload
from test_hostile import one_sandbox

PLAIN = {
    "docstring, numpy and functions": '''
        """A module."""
        import numpy as np
        from numpy import linalg as la
        def f(x, y=1.5, *args, z=(1, -2), **kw) -> tuple[np.ndarray, dict]:
            return np.tanh(x) + la.norm(x) + g()
        async def g():
            pass
    ''',
    "constants": '''
        import numpy as np
        W = np.array([[0.7, 0.2], [0.1, 0.6]])
        SLOPE = 1 / 16
        EPS: float = -1e-8
        DISTANCES = (1, 10, 50)
        NAMES = {"a": [1, 2], "b": None}
        __all__ = ["W"]
    ''',
    "a main block and cached helpers": '''
        import functools, re
        AXIS = re.compile(r"^(\\d*)([A-Za-z_]\\w*)$")
        @functools.lru_cache(maxsize=None)
        def parse(axes):
            return axes.split()
        if __name__ == "__main__":
            print(parse("H 4H"))
            raise SystemExit(1)
    ''',
}

RUNS_CODE = {
    "a class": "class Cell:\n    pass",
    "a call of its own function": "def f():\n    return 1\nX = f()",
    "a print": "print('hello')",
    "a numpy call that is not a constructor": "import numpy as np\nnp.random.seed(0)",
    "a generator built on import": "import numpy as np\nRNG = np.random.default_rng(0)",
    "a module __getattr__": "def __getattr__(name):\n    return name",
    "a dunder bound by an import": "from numpy import pi as __getattr__",
    "eval": "X = eval('1')",
    "another decorator": "import functools\n@functools.wraps(print)\ndef f():\n    pass",
    "an attribute assigned": "import numpy as np\nnp.dot = None",
    "an item assigned": "D = {}\nD['a'] = 1",
    "a loop": "for i in range(3):\n    pass",
    "a try": "try:\n    import scipy\nexcept ImportError:\n    pass",
    "a module not loaded yet": "import this_module_is_not_loaded",
    "a star import": "from numpy import *",
    "a constructor given a function": "import numpy as np\ndef f():\n    return [1]\nA = np.array(f)",
    "a lambda default": "def f(g=lambda: 1):\n    return g",
    "a power": "X = 10 ** 100000",
    "a string repeated": "X = 'a' * 100000",
    "an import alias bound again": "import numpy as np\nnp = 3",
    "an f-string": "X = 2\nY = f'{X}'",
    "a relative import": "from . import shapes",
    "a main test written otherwise": "if __name__ != '__main__':\n    print('imported')",
    "a main block with an else": "if __name__ == '__main__':\n    pass\nelse:\n    print('imported')",
    "a main block with an elif": "if __name__ == '__main__':\n    pass\nelif True:\n    print('imported')",
    "a constructor's name bound to eval": "float = eval\nX = float('1')",
    "a constructor's name bound to its own function": "def float(x):\n    return x\nX = float(1)",
    "a decorator's module bound by the module": "functools = {}\n@functools.lru_cache\ndef f():\n    pass",
}


def _tree(source):
    return ast.parse(textwrap.dedent(source))


@pytest.mark.parametrize("name", PLAIN)
def test_plain_definitions_run_no_code(name):
    preload.runs_no_code(_tree(PLAIN[name]), importable=set())


@pytest.mark.parametrize("name", RUNS_CODE)
def test_anything_that_runs_code_is_left_to_the_calls(name):
    with pytest.raises(preload.RunsCode):
        preload.runs_no_code(_tree(RUNS_CODE[name]), importable=set())


def _write(folder, modules):
    for name, source in modules.items():
        (folder / f"{name}.py").write_text(textwrap.dedent(source))


@pytest.fixture
def clean_modules():
    names = ("base", "user", "leaf", "cycle_a", "cycle_b", "broken", "uses_broken", "absent")
    yield names
    for name in names:
        sys.modules.pop(name, None)


def test_a_module_is_preloaded_after_its_imports_and_only_if_they_are(tmp_path, clean_modules):
    _write(tmp_path, {
        "base": "import numpy as np\nSCALE = 2.0\n",
        "user": "from base import SCALE\ndef f(x):\n    return SCALE * x\n",
        "leaf": "import user\nclass Runs:\n    pass\n",
        "cycle_a": "import cycle_b\n", "cycle_b": "import cycle_a\n",
        "broken": "from numpy import no_such_name\n", "uses_broken": "import broken\n",
    })
    done, left = preload.preload(str(tmp_path), clean_modules)
    assert done == ["base", "user"]
    assert set(left) == {"leaf", "cycle_a", "cycle_b", "broken", "uses_broken", "absent"}
    assert sys.modules["user"].f(3.0) == 6.0
    assert sys.modules["user"].__file__ == str(tmp_path / "user.py")
    assert sys.modules["user"].f.__code__.co_filename == str(tmp_path / "user.py")
    assert "broken" not in sys.modules


def test_the_graders_own_files_may_run_code_but_import_nothing_of_the_students(tmp_path, clean_modules):
    _write(tmp_path, {
        "base": "import sys\nFOUND = sorted(sys.modules)[:1]\n",  # runs code: fine for the grader's file
        "user": "import base\ndef f():\n    return base.FOUND\n",
        "leaf": "import user\nVALUE = user.f()\n",  # the grader's file, calling the student's code: left
    })
    done, left = preload.preload(str(tmp_path), ["user"], trusted=["base", "leaf"])
    assert done == ["base", "user"] and "leaf" in left


def test_preloading_that_overruns_its_time_leaves_every_module_to_the_calls(tmp_path, monkeypatch, clean_modules):
    _write(tmp_path, {"base": "X = 1\n"})

    def slow(folder, candidates, trusted):
        sys.modules["base"] = object()
        while True:
            pass

    monkeypatch.setattr(preload, "preload", slow)
    done, left = preload.preload_within(0.2, str(tmp_path), clean_modules)
    assert done == [] and "base" not in sys.modules and "not checked" in left["base"]


REMEMBERS = '''
import numpy as np
SEEN = []
def global_norm(grads):
    SEEN.append(len(grads))
    return float(len(SEEN))
'''


@pytest.mark.parametrize("without", ["", "namespaces"])
@pytest.mark.parametrize("extra, preloaded", [("", True), ("class RunsCode:\n    pass\n", False)])
def test_each_call_sees_its_modules_as_imported_whether_preloaded_or_not(monkeypatch, without, extra, preloaded):
    with one_sandbox(monkeypatch, {"clipping.py": REMEMBERS + extra}, without) as (backend, _):
        assert ("clipping" in backend.sandbox.preloaded) == preloaded
        backend.start_question("clipping")
        firsts = [backend.run("global_norm", {f"grads.{k}": np.ones(2) for k in "ab"[:n]}, {"container": "dict"})[0]
                  for n in (1, 2)]
        assert [f["norm"] for f in firsts] == [1.0, 1.0]  # the module list an earlier call filled is gone


def test_an_error_in_a_preloaded_module_names_its_file_and_line(monkeypatch):
    source = "import numpy as np\ndef global_norm(grads):\n    raise ValueError('no norm here')\n"
    with one_sandbox(monkeypatch, {"clipping.py": source}) as (backend, _):
        assert "clipping" in backend.sandbox.preloaded
        backend.start_question("clipping")
        with pytest.raises(Exception, match=r"clipping\.py, line 3"):
            backend.run("global_norm", {"grads.a": np.ones(2)}, {"container": "dict"})


@pytest.mark.parametrize("assignment", course.every(), ids=course.names())
def test_every_graded_file_of_the_reference_runs_no_code_on_import(assignment):
    """Every file a question grades may be preloaded, given the files a submission's sandbox holds."""
    files = [*assignment.submitted_files, *assignment.provided_files, *assignment.reference_files]
    importable = {name[:-3] for name in files if name.endswith(".py")}
    for name in assignment.submitted_files:
        preload.runs_no_code(ast.parse(assignment.file(name).read_text()), importable)  # or RunsCode, naming why


FORGES_THE_COMPILED_CODE = """
import sys
import numpy as np
frame = sys._getframe()
while frame is not None and "found" not in frame.f_locals:
    frame = frame.f_back
if frame is not None:  # the procedure's own dict of compiled code, replied after this import ran
    frame.f_locals["found"]["shapes"] = np.frombuffer(b"forged code", dtype=np.uint8)
"""


def test_code_compiled_in_a_worker_never_replaces_the_graders_own_files(monkeypatch):
    shapes = (course.load("rnn_shortcomings").source / "shapes.py").read_text()
    files = {"clipping.py": FORGES_THE_COMPILED_CODE, "shapes.py": shapes}
    with one_sandbox(monkeypatch, files, trusted=["shapes"]) as (backend, folder):
        backend.prepare(folder, ["clipping"])
        written = sorted(p.name.split(".")[0] for p in (folder / "__pycache__").iterdir())
        assert "shapes" not in written and "clipping" in written
