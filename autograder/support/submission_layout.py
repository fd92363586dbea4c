"""Put a submission's files where the grader looks for them (provided, not graded).

Students zip their folder in many ways: files at the top, inside one folder,
next to their notebook and data. The checks import the graded modules from
the grading folder itself, and Otter refuses a submission holding more than
one notebook, so before grading:

- the graded files found in a sub-folder (e.g. ``my_work/<file>.py``)
  are copied to the top, when none are at the top already;
- notebooks are moved into ``ignored_by_grader/`` (the course's notebook is
  not autograded; Otter's driver notebook is added after this runs).
"""
import os
import shutil
import tomllib

# The assignment's manifest, shipped beside this file: which files are graded.
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "assignment.toml"), "rb") as _manifest:
    GRADED_FILES = tuple(question["file"] for question in tomllib.load(_manifest)["questions"])
IGNORED = "ignored_by_grader"


MAX_DEPTH = 32  # folders below the top that are searched


def _candidates(root):
    """Folders below ``root`` holding graded files, with how many each holds.

    Walked with an explicit stack, ``MAX_DEPTH`` folders down at most, links not followed
    (``os.walk`` recurses, and raises RecursionError about 1,000 folders down in Python 3.11).
    """
    found = {}
    stack = [(root, 0)]
    while stack:
        folder, depth = stack.pop()
        with os.scandir(folder) as entries:
            entries = list(entries)
        count = sum(e.name in GRADED_FILES and e.is_file(follow_symlinks=False) for e in entries)
        if count and depth:
            found[folder] = count
        if depth < MAX_DEPTH:
            stack.extend((e.path, depth + 1) for e in entries
                         if e.is_dir(follow_symlinks=False) and e.name not in (IGNORED, "__MACOSX")
                         and not e.name.startswith("."))
    return found


def _set_aside(root, name):
    """Move ``root/name`` into ``ignored_by_grader/`` under a free name; where it went."""
    os.makedirs(os.path.join(root, IGNORED), exist_ok=True)
    destination, number = os.path.join(root, IGNORED, name), 1
    while os.path.lexists(destination):
        number += 1
        destination = os.path.join(root, IGNORED, f"{name}-{number}")
    os.rename(os.path.join(root, name), destination)
    return destination


def normalize(root, move_notebooks=False):
    """Bring the graded files of ``root`` to its top level; return a list of what was done."""
    done = []
    if not any(os.path.isfile(os.path.join(root, name)) for name in GRADED_FILES):
        found = _candidates(root)
        if found:
            best = max(sorted(found), key=lambda folder: (found[folder], -folder.count(os.sep)))
            shown = os.path.relpath(best, root)
            for name in GRADED_FILES:
                # a folder (or anything but a file) holding a graded file's name, e.g. <file>.py/
                # holding the graded files: set aside, so that the file can take its place
                here = os.path.join(root, name)
                if os.path.lexists(here) and not os.path.isfile(here):
                    moved = _set_aside(root, name)
                    if best == here or best.startswith(here + os.sep):
                        best = moved + best[len(here):]
            for name in GRADED_FILES:
                source = os.path.join(best, name)
                if os.path.isfile(source) and not os.path.islink(source):
                    shutil.copyfile(source, os.path.join(root, name))
            done.append(f"graded files taken from the folder {shown}/")
    if move_notebooks:
        for name in sorted(os.listdir(root)):
            if name.endswith(".ipynb"):
                os.makedirs(os.path.join(root, IGNORED), exist_ok=True)
                shutil.move(os.path.join(root, name), os.path.join(root, IGNORED, name))
                done.append(f"{name} set aside (notebooks are not autograded)")
    return done
