"""Put a submission's files where the grader looks for them (provided, not graded).

Students zip their folder in many ways: files at the top, inside one folder,
next to their notebook and data. The checks import ``recurrence`` etc. from
the grading folder itself, and Otter refuses a submission holding more than
one notebook, so before grading:

- the graded files found in a sub-folder (e.g. ``my_work/recurrence.py``)
  are copied to the top, when none are at the top already;
- notebooks are moved into ``ignored_by_grader/`` (the course's notebook is
  not autograded; Otter's driver notebook is added after this runs).
"""
import os
import shutil

GRADED_FILES = ("recurrence.py", "bptt.py", "clipping.py", "lstm.py", "gradient_norms.py")
IGNORED = "ignored_by_grader"


def _candidates(root):
    """Folders below ``root`` holding graded files, with how many each holds."""
    found = {}
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [d for d in subfolders if d not in (IGNORED, "__MACOSX") and not d.startswith(".")]
        count = sum(name in GRADED_FILES for name in files)
        if count and os.path.abspath(folder) != os.path.abspath(root):
            found[folder] = count
    return found


def normalize(root, move_notebooks=False):
    """Bring the graded files of ``root`` to its top level; return a list of what was done."""
    done = []
    if not any(os.path.isfile(os.path.join(root, name)) for name in GRADED_FILES):
        found = _candidates(root)
        if found:
            best = max(found, key=lambda folder: (found[folder], -folder.count(os.sep)))
            for name in GRADED_FILES:
                source = os.path.join(best, name)
                if os.path.isfile(source):
                    shutil.copyfile(source, os.path.join(root, name))
            done.append(f"graded files taken from the folder {os.path.relpath(best, root)}/")
    if move_notebooks:
        for name in sorted(os.listdir(root)):
            if name.endswith(".ipynb"):
                os.makedirs(os.path.join(root, IGNORED), exist_ok=True)
                shutil.move(os.path.join(root, name), os.path.join(root, IGNORED, name))
                done.append(f"{name} set aside (notebooks are not autograded)")
    return done
