"""The mutation-testing instrument (`python -m autograder mutants`) on a small scale.

Generates mutants of a few operators, grades three of them through the real
path (a built autograder zip and `python -m autograder grade`), and checks
that the equivalents file parses and that each of its entries still names a
mutant. The tests that need cosmic-ray (the `mutation` extra) are skipped
without it; the full run is `python -m autograder mutants` (minutes).
"""
import importlib.util
import subprocess
import sys

import pytest

from autograder import assignment as course
from autograder.build import mutants

ASSIGNMENTS = course.every()
per_assignment = pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=course.names())
# The assignments whose library lists its equivalent mutants (what `mutants` reads to reach 100 %).
WITH_EQUIVALENTS = [a for a in ASSIGNMENTS if mutants.equivalents_file(a).is_file()]


def test_the_help_is_plain_text_with_a_description():
    run = subprocess.run([sys.executable, "-m", "autograder", "mutants", "--help"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "`" not in run.stdout
    description = run.stdout.split("\n\n")[1]
    assert "equivalent_mutants.toml" in description and len(description.split()) >= 8, description


def test_student_lines_are_the_lines_between_the_fences():
    source = "a = 1\n# BEGIN SOLUTION\nb = 2\n\nc = 3\n    # END SOLUTION\nd = 4\n"
    assert mutants.student_lines(source) == {3, 4, 5}


needs_cosmic_ray = pytest.mark.skipif(importlib.util.find_spec("cosmic_ray") is None,
                                      reason="the mutation extra is not installed: pip install -e '.[mutation]'")


@needs_cosmic_ray
@per_assignment
def test_only_student_blocks_are_mutated_and_each_source_once(assignment):
    found = mutants.generate(assignment, only=lambda op: op in ("NumberReplacer", "AddNot"))
    assert {m.file for m in found} <= set(assignment.submitted_files) and found
    for mutant in found:
        inside = mutants.student_lines((assignment.source / mutant.file).read_text())
        assert mutant.line in inside, mutant.where()
    assert len({(m.file, m.source) for m in found}) == len(found)


@needs_cosmic_ray
@pytest.mark.parametrize("assignment", WITH_EQUIVALENTS, ids=[a.name for a in WITH_EQUIVALENTS])
def test_the_equivalents_file_parses_and_each_entry_names_exactly_one_kind_of_mutant(assignment):
    entries = mutants.load_equivalents(mutants.equivalents_file(assignment))
    files = [f for f in assignment.submitted_files if f in {e["file"] for e in entries}]
    operators = {e["operator"] for e in entries}
    found = mutants.generate(assignment, files, only=operators.__contains__)
    for entry in entries:
        assert entry["file"] in assignment.submitted_files, entry
        assert any(mutants.matches(entry, m) for m in found), f"stale entry: {entry}"
    for mutant in found:
        assert sum(mutants.matches(e, m) for e in entries for m in [mutant]) <= 1, f"listed twice: {mutant.where()}"


@needs_cosmic_ray
def test_grading_kills_a_broken_mutant_and_keeps_an_equivalent_one(autograder_zip, tmp_path):
    """An equivalent mutant the library lists keeps full marks; two mutants it does not list lose points
    (every one must: the checks kill 100 % of the mutants that are not equivalent)."""
    assignment = WITH_EQUIVALENTS[0]  # the instrument's test: one assignment's mutants will do
    entries = mutants.load_equivalents(mutants.equivalents_file(assignment))
    entry = entries[0]
    found = mutants.generate(assignment, [entry["file"]], only=lambda op: op == entry["operator"])
    equivalent = next(m for m in found if mutants.matches(entry, m))
    broken = [m for m in found if not any(mutants.matches(e, m) for e in entries)][:2]
    assert len(broken) == 2
    graded = mutants.grade(assignment, [*broken, equivalent], tmp_path, autograder_zip=autograder_zip(assignment),
                           quiet=True)
    assert all(m.killed for m in broken), [(m.where(), m.status, m.total) for m in broken]
    assert not equivalent.killed and (equivalent.status, equivalent.total) == ("ok", 100)

    assert mutants.apply_equivalents(graded, [entry]) == []
    table = mutants.tallies(graded, assignment.submitted_files)
    assert (table["total"].mutants, table["total"].killed, table["total"].equivalent, table["total"].survived) == (3, 2, 1, 0)
    assert table["total"].score == 1.0
    text = mutants.report(assignment, graded, [], 1.0, "test")
    assert "Survivors (0)" in text and "Equivalent (1)" in text and entry["reason"] in text
    # an entry whose mutant is killed is stale
    killed_entry = {**entry, "function": broken[0].function, "operator": broken[0].operator,
                    "before": broken[0].before, "after": broken[0].after}
    assert [why for _, why in mutants.apply_equivalents(graded, [killed_entry])] == [
        "its mutant is killed: not equivalent after all"]
