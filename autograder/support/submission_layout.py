"""Put a submission's files where the grader looks for them (provided, not graded).

Students zip their folder in many ways: files at the top, inside one folder,
next to their notebook, their own helper modules and data. The checks import
the graded modules from the grading folder itself, and Otter refuses a
submission holding more than one notebook, so before grading:

- the folder holding the most graded files is the student's working folder
  (the top wins a tie): when it is a sub-folder (e.g. ``my_work/``), its
  files and folders (helpers, data) are moved to the top, and copies of
  graded files already at the top are set aside in ``ignored_by_grader/``;
- notebooks are moved into ``ignored_by_grader/`` (the course's notebook is
  not autograded; Otter's driver notebook is added after this runs).

The grader then runs the student's code beside everything at the top but
what ``left_out`` names (``autograder/grading/engine.py``).
"""
import os
import shutil

IGNORED = "ignored_by_grader"


MAX_DEPTH = 32  # folders below the top that are searched


def left_out(name):
    """Whether an entry of the working folder named ``name`` stays out of the grading folder: what no
    program of the student's reads (hidden folders such as .git, .venv and .ipynb_checkpoints, caches,
    a Mac's resource forks, notebooks) and what this module set aside."""
    return (name.startswith(".") or name in ("__pycache__", "__MACOSX", IGNORED) or name.endswith((".pyc", ".ipynb")))


def _candidates(root, graded_files):
    """Folders below ``root`` holding any of ``graded_files``, with how many each holds (the top too, at depth 0).

    Walked with an explicit stack, ``MAX_DEPTH`` folders down at most, links not followed
    (``os.walk`` recurses, and raises RecursionError about 1,000 folders down in Python 3.11).
    """
    found = {}
    stack = [(root, 0)]
    while stack:
        folder, depth = stack.pop()
        with os.scandir(folder) as entries:
            entries = list(entries)
        count = sum(e.name in graded_files and e.is_file(follow_symlinks=False) for e in entries)
        if count:
            found[folder] = (count, depth)
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


def normalize(root, move_notebooks=False, graded_files=None):
    """Bring the student's working folder (its graded files, helpers and data) to the top of ``root``;
    return a list of what was done. ``graded_files``: the names of the graded files (None: those of the
    manifest shipped beside this module, as in the autograder zip's driver notebook)."""
    if graded_files is None:
        import manifest  # beside this module where it ships; a caller in the repository names the files

        graded_files = manifest.beside(__file__).submitted_files
    root, done = os.fspath(root), []
    found = _candidates(root, graded_files)
    if found:
        best = max(sorted(found), key=lambda folder: (found[folder][0], -found[folder][1]))
        if found[best][1]:
            done.append(_bring_up(root, best, graded_files))
    if move_notebooks:
        for name in sorted(os.listdir(root)):
            if name.endswith(".ipynb"):
                os.makedirs(os.path.join(root, IGNORED), exist_ok=True)
                shutil.move(os.path.join(root, name), os.path.join(root, IGNORED, name))
                done.append(f"{name} set aside (notebooks are not autograded)")
    return done


def _bring_up(root, best, graded_files):
    """Move the entries of the folder ``best`` to the top of ``root``; the note saying so."""
    shown = os.path.relpath(best, root)
    set_aside = []
    for name in graded_files:
        # what holds a graded file's name at the top (a stray copy, or a folder such as <file>.py/
        # holding the work) is set aside, so that the working folder's file can take its place
        here = os.path.join(root, name)
        if os.path.lexists(here) and os.path.exists(os.path.join(best, name)):
            moved = _set_aside(root, name)
            set_aside.append(name)
            if best == here or best.startswith(here + os.sep):
                best = moved + best[len(here):]
    for name in sorted(os.listdir(best)):
        source, target = os.path.join(best, name), os.path.join(root, name)
        if os.path.lexists(target) or os.path.islink(source):
            continue  # the top's own entry of that name stays (the folder holding the work among them)
        os.rename(source, target)
    note = f"graded files taken from the folder {shown}/"
    if set_aside:
        note += f" (the copies at the top set aside: {', '.join(set_aside)})"
    return note
