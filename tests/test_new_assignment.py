"""`python -m autograder new NAME` starts an assignment that works as it is, touching nothing else.

In a copy of the repository (its files as a fresh clone has them, committed in a
git repository of their own): `new`, then `build` and `grade` give the
reference 100, the stubs 0 and each bug of the new library its expected scores,
and git sees changes under the new assignment's two folders only.
"""
import csv
import subprocess
import sys
import tomllib

import pytest

from autograder import assignment as course
from autograder.build import scaffold

NAME = "scaffolded"
# Writes every bug of the new assignment's library, from inside the copy (buglib reads the copy's course).
WRITE_BUGS = f"""
import sys
sys.path.insert(0, "tests")
import buglib
from autograder import assignment as course

assignment = course.load({NAME!r})
for name, entry in buglib.load(assignment).items():
    buglib.write_submission(assignment, entry, sys.argv[1] + "/" + name)
"""


def run(*command, cwd):
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def git(*arguments, cwd):
    return run("git", "-c", "user.name=test", "-c", "user.email=test@example.com", *arguments, cwd=cwd)


@pytest.fixture(scope="module")
def repository(tmp_path_factory):
    """A copy of the repository's files (tracked, or new and not ignored), committed in a git repository."""
    copy = tmp_path_factory.mktemp("repository")
    listed = run("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=course.ROOT)
    for name in filter(None, listed.split("\0")):
        source = course.ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is listed too
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            (copy / name).write_bytes(source.read_bytes())
    git("init", "-q", cwd=copy)
    git("add", "-A", cwd=copy)
    git("commit", "-q", "-m", "the repository as it is", cwd=copy)
    return copy


@pytest.fixture(scope="module")
def graded(repository, tmp_path_factory):
    """The gradebook rows of the new assignment's reference, stubs and bugs, after new and build."""
    said = run(sys.executable, "-m", "autograder", "new", NAME, cwd=repository)
    run(sys.executable, "-m", "autograder", "build", "--assignment", NAME, cwd=repository)
    bugs = tmp_path_factory.mktemp("bugs")
    run(sys.executable, "-c", WRITE_BUGS, str(bugs), cwd=repository)
    out = tmp_path_factory.mktemp("grades")
    reference, stubs = repository / "solutions" / NAME, repository / "assignments" / NAME
    run(sys.executable, "-m", "autograder", "grade", "--assignment", NAME, str(reference), str(stubs),
        *map(str, sorted(bugs.iterdir())), "--out", str(out), cwd=repository)
    with open(out / "grades.csv") as f:
        rows = list(csv.DictReader(f))
    return said, rows


def test_new_names_every_file_it_wrote_and_the_commands_to_run_next(graded):
    said, _ = graded
    written = [line.strip() for line in said.splitlines() if line.startswith(f"  solutions/{NAME}/")]
    assert sorted(written) == sorted(f"solutions/{NAME}/{path.as_posix()}" for path in scaffold.template_files())
    for command in ("build", "grade", "pytest"):
        assert command in said.split("next", 1)[1], said


def test_the_new_assignment_grades_the_reference_100_the_stubs_0_and_its_bug_loses_its_question(graded, repository):
    _, rows = graded
    reference, stubs, *bugs = rows
    assert (float(reference["total"]), reference["status"]) == (100, "ok")
    assert (float(stubs["total"]), stubs["status"]) == (0, "ok")
    manifest = course.Assignment(repository / "solutions" / NAME / course.MANIFEST)
    library = tomllib.loads((repository / "solutions" / NAME / "library" / "bugs.toml").read_text())
    assert sorted(bug["submission"] for bug in bugs) == sorted(library)
    for bug in bugs:
        expected = {q.name: float(library[bug["submission"]]["scores"].get(q.name, q.points)) for q in manifest.questions}
        assert {q.name: float(bug[q.name]) for q in manifest.questions} == expected != {q.name: float(q.points) for q in manifest.questions}
        assert bug["status"] == "ok", bug


def test_new_changes_nothing_outside_the_new_assignments_folders(graded, repository):
    changed = run("git", "status", "--porcelain", "--untracked-files=all", cwd=repository).splitlines()
    outside = [line for line in changed
               if not line[3:].startswith((f"solutions/{NAME}/", f"assignments/{NAME}/"))]
    assert changed and not outside, outside


@pytest.mark.parametrize("name, reason", [("rnn_course", None), ("Softmax", "not a valid assignment name"),
                                          ("2nd", "not a valid assignment name"),
                                          ("class", "not a valid assignment name"),
                                          ("taken", "already exists")])
def test_a_name_is_refused_when_it_is_no_identifier_or_already_taken(tmp_path, name, reason):
    (tmp_path / "taken").mkdir()
    found = scaffold.refusal(name, tmp_path)
    assert found is None if reason is None else reason in found


def test_the_command_refuses_an_existing_assignment_with_the_reason_and_writes_nothing():
    taken = course.names()[0]
    before = sorted(p for p in course.SOURCES.rglob("*"))
    done = subprocess.run([sys.executable, "-m", "autograder", "new", taken], capture_output=True, text=True,
                          cwd=course.ROOT)
    assert done.returncode == 2 and "already exists" in done.stderr and not done.stdout
    assert sorted(p for p in course.SOURCES.rglob("*")) == before
