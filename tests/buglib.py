"""Submissions made from the reference solutions by the entries of a library file.

``bugs/library.toml`` holds plausible student bugs, ``correct/library.toml``
correct alternative implementations (which must keep full marks),
``hostile/library.toml`` hostile or broken submissions. An entry changes the solutions by one or more
of: ``find``/``replace`` in ``file`` (the text must occur exactly once),
``also`` (more such replacements), ``inject`` (code run at import, put after
``import numpy as np``), ``missing`` (leave ``file`` out) and ``folder`` (put
every file in that sub-folder).
"""
import tomllib
from pathlib import Path

from autograder import paths

HERE = Path(__file__).parent
BUGS = HERE / "bugs" / "library.toml"
CORRECT = HERE / "correct" / "library.toml"
HOSTILE = HERE / "hostile" / "library.toml"
IMPORT_LINE = "import numpy as np\n"


def load(library=BUGS):
    with open(library, "rb") as f:
        return tomllib.load(f)


def _replace_once(text, find, replace, where):
    if text.count(find) != 1:
        raise ValueError(f"{where}: the text to replace occurs {text.count(find)} times")
    return text.replace(find, replace)


def write_submission(entry, target):
    """Write the solutions, changed as ``entry`` says, into the folder ``target``."""
    folder = Path(target) / entry.get("folder", "")
    folder.mkdir(parents=True, exist_ok=True)
    texts = {name: (paths.SOLUTIONS / name).read_text() for name in paths.SUBMITTED_FILES}
    changes = ([entry] if "find" in entry else []) + entry.get("also", [])
    for change in changes:
        texts[change["file"]] = _replace_once(texts[change["file"]], change["find"], change["replace"], change["file"])
    if "inject" in entry:
        texts[entry["file"]] = _replace_once(texts[entry["file"]], IMPORT_LINE, IMPORT_LINE + entry["inject"], entry["file"])
    if entry.get("missing"):
        del texts[entry["file"]]
    for name, text in texts.items():
        (folder / name).write_text(text)
    return Path(target)


def files(entry):
    """The files an entry changes, in order, each once."""
    names = [entry["file"]] if "file" in entry else []
    names += [change["file"] for change in entry.get("also", [])]
    return list(dict.fromkeys(names))


def table(library=BUGS):
    """The library as a Markdown table: bug, file, points left per broken question, feedback phrase."""
    rows = ["| bug | file | score of each question it breaks (the others keep full marks) | the feedback says |", "| --- | --- | --- | --- |"]
    if library == CORRECT:
        rows[0] = "| correct alternative | file | score of each question it breaks | what it does differently |"
    for name, entry in load(library).items():
        scores = ", ".join(f"{q} {p}" for q, p in entry.get("scores", {}).items()) or "none lost"
        rows.append(f"| `{name}` | {', '.join(files(entry))} | {scores} | {entry.get('hint', entry.get('says', ''))} |")
    return "\n".join(rows)


if __name__ == "__main__":
    import sys

    libraries = {"--hostile": HOSTILE, "--correct": CORRECT}
    print(table(libraries.get(sys.argv[1], BUGS) if sys.argv[1:] else BUGS))
