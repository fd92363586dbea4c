"""``python -m autograder new NAME``: a working minimal assignment in ``solutions/NAME/``, to grow into a real one.

The template (``autograder/build/template/``) is an assignment of one question
(a stable softmax), with public and hidden checks, a known mistake, a bug, a
correct alternative and a few hostile submissions in its libraries, a notebook
with one written question and a contract page. Its files are copied as they
are, but for ``{{NAME}}`` in the Markdown and TOML files (the title, the
contract's path, the notebook's name), replaced by the new assignment's name.
docs/instructors.md walks through each file and what to change.
"""
import keyword
import re
import shutil
from pathlib import Path

from autograder import assignment as course

TEMPLATE = Path(__file__).resolve().parent / "template"
PLACEHOLDER = "{{NAME}}"
NAMED_SUFFIXES = (".md", ".toml")  # the template's Python files name no assignment
# An assignment's name is a folder, a notebook (NAME.ipynb) and a key of the gradebook's paths: a
# lower-case Python identifier, like the two first ones.
VALID_NAME = re.compile(r"[a-z][a-z0-9_]*")


def refusal(name, sources=course.SOURCES):
    """Why ``name`` cannot be a new assignment of the course in ``sources``, or None."""
    if not VALID_NAME.fullmatch(name) or keyword.iskeyword(name):
        return (f"{name!r} is not a valid assignment name: use lower-case letters, digits and underscores, "
                f"starting with a letter (e.g. attention_basics)")
    if (Path(sources) / name).exists():
        return f"{Path(sources) / name} already exists: choose another name, or remove that folder first"
    return None


def template_files():
    """Every file of the template, relative to it, sorted."""
    return sorted(p.relative_to(TEMPLATE) for p in TEMPLATE.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def scaffold(name, sources=course.SOURCES):
    """Write the template as assignment ``name`` into ``sources/name``; return the files written.

    Raises ValueError (with the reason) for a name that ``refusal`` refuses.
    """
    reason = refusal(name, sources)
    if reason:
        raise ValueError(reason)
    target = Path(sources) / name
    written = []
    for relative in template_files():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if relative.suffix in NAMED_SUFFIXES:
            path.write_text((TEMPLATE / relative).read_text().replace(PLACEHOLDER, name))
        else:
            shutil.copyfile(TEMPLATE / relative, path)
        written.append(path)
    return written


def next_steps(name):
    """The commands to run after scaffolding ``name``, as the command prints them."""
    release = course.RELEASES.relative_to(course.ROOT) / name
    return [
        f"python -m autograder build --assignment {name}    # writes {release}/ and dist/{name}/*.zip",
        f"python -m autograder grade --assignment {name} solutions/{name} {release} --out /tmp/{name}-grades"
        "    # the reference: 100, the stubs: 0",
        f"python -m pytest -q tests/test_grading.py tests/test_release.py -k {name}"
        "    # the course's tests, over the new assignment",
    ]
