"""The student notebook runs headless to the end, with the solutions (checks pass, figures drawn)
and with the untouched stubs (checks fail cleanly, no cell errors)."""
import shutil

import nbclient
import nbformat
import pytest

from autograder import paths

NOTEBOOK = f"{paths.ASSIGNMENT}.ipynb"


def execute(folder):
    nb = nbformat.read(str(folder / NOTEBOOK), as_version=4)
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}}).execute()
    return nb


def outputs(nb):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


def text_of(nb):
    return "\n".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in outputs(nb))


@pytest.mark.parametrize("files_from", ["solutions", "stubs"])
def test_notebook_runs_to_the_end(files_from, tmp_path):
    folder = tmp_path / paths.ASSIGNMENT
    shutil.copytree(paths.RELEASE, folder)
    if files_from == "solutions":
        for name in paths.SUBMITTED_FILES:
            shutil.copyfile(paths.SOLUTIONS / name, folder / name)
    nb = execute(folder)  # raises CellExecutionError on any cell error
    text = text_of(nb)
    figures = sum("image/png" in o.get("data", {}) for o in outputs(nb))
    if files_from == "solutions":
        assert figures == 3
        for question in paths.QUESTIONS:
            assert f"{question} results: All test cases passed!" in text
        assert "Norm after 10 steps (exploding case): 14.03" in text
    else:
        assert figures == 0
        assert "not implemented yet" in text
        assert "All test cases passed" not in text
