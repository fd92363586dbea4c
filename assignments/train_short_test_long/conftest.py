# Generated from autograder/support/conftest.py
# by `python -m autograder build`: edit that file, not this copy.
"""Lets ``pytest`` run the public checks in ``tests/`` (Otter's test files) with the same messages (provided, not graded).

Run ``pytest`` in the assignment folder; ``pytest -k QUESTION`` for one question's checks.
Each Otter test case becomes one pytest test named after it; a failure shows
the check's own explanation instead of a traceback.
"""
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def pytest_collect_file(parent, file_path):
    if file_path.suffix == ".py" and file_path.parent == HERE / "tests":
        return OtterTestFile.from_parent(parent, path=file_path)
    return None


class OtterTestFile(pytest.File):
    def collect(self):
        namespace = {}
        exec(compile(self.path.read_text(), str(self.path), "exec"), namespace)
        for value in namespace.values():
            if type(value).__name__ == "test_case":
                yield OtterCase.from_parent(self, name=value.name, case=value)


class OtterCase(pytest.Item):
    def __init__(self, *, case, **kwargs):
        super().__init__(**kwargs)
        self.case = case

    def runtest(self):
        self.case.test_func()

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, AssertionError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"{self.path.stem}: {self.name} ({self.case.points} pts)"
