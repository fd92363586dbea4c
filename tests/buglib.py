"""The bug library: buggy submissions made from the reference solutions by the patches in bugs/library.toml."""
import shutil
import tomllib
from pathlib import Path

from autograder import paths

LIBRARY = Path(__file__).parent / "bugs" / "library.toml"


def load():
    with open(LIBRARY, "rb") as f:
        return tomllib.load(f)


def write_submission(bug, target):
    """Write the reference files with ``bug``'s patch applied into the folder ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for name in paths.SUBMITTED_FILES:
        shutil.copyfile(paths.SOLUTIONS / name, target / name)
    patched = target / bug["file"]
    text = patched.read_text()
    if text.count(bug["find"]) != 1:
        raise ValueError(f"the text to replace occurs {text.count(bug['find'])} times in {bug['file']}")
    patched.write_text(text.replace(bug["find"], bug["replace"]))
    return target
