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

RNN = course.load("rnn_shortcomings")


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
def test_only_student_blocks_are_mutated_and_each_source_once():
    found = mutants.generate(RNN, ["recurrence.py", "clipping.py"], only=lambda op: op in ("NumberReplacer", "AddNot"))
    assert {m.file for m in found} == {"recurrence.py", "clipping.py"}
    for mutant in found:
        inside = mutants.student_lines((RNN.source / mutant.file).read_text())
        assert mutant.line in inside, mutant.where()
    assert len({(m.file, m.source) for m in found}) == len(found)
    # clip_by_global_norm's argument check sits outside the block: never mutated
    assert not any("max_norm < 0" in m.before or "clip_value >= 0" in m.before for m in found)
    # iterate_map's range(1, steps + 1), both ways
    assert {m.after for m in found if m.before == "for k in range(1, steps + 1):"} == {
        "for k in range( 2, steps + 1):", "for k in range( 0, steps + 1):",
        "for k in range(1, steps + 2):", "for k in range(1, steps + 0):"}


@needs_cosmic_ray
def test_the_equivalents_file_parses_and_each_entry_names_exactly_one_kind_of_mutant():
    entries = mutants.load_equivalents(mutants.equivalents_file(RNN))
    files = [f for f in RNN.submitted_files if f in {e["file"] for e in entries}]
    operators = {e["operator"] for e in entries}
    found = mutants.generate(RNN, files, only=operators.__contains__)
    for entry in entries:
        assert entry["file"] in RNN.submitted_files, entry
        assert any(mutants.matches(entry, m) for m in found), f"stale entry: {entry}"
    for mutant in found:
        assert sum(mutants.matches(e, m) for e in entries for m in [mutant]) <= 1, f"listed twice: {mutant.where()}"


@needs_cosmic_ray
def test_grading_kills_a_broken_mutant_and_keeps_an_equivalent_one(tmp_path):
    found = mutants.generate(RNN, ["clipping.py"], only=lambda op: op in (
        "ReplaceUnaryOperator_USub_UAdd", "ReplaceComparisonOperator_Lt_LtE", "ReplaceBinaryOperator_Div_Mul"))
    positive_lower_bound = next(m for m in found if "np.clip(g, +clip_value, clip_value)" in m.after)
    coef_times_norm = next(m for m in found if m.after == "coef = max_norm * (total_norm + eps)")
    at_most_one = next(m for m in found if "if coef <= 1 else" in m.after)
    graded = mutants.grade(RNN, [positive_lower_bound, coef_times_norm, at_most_one], tmp_path, quiet=True)
    assert positive_lower_bound.killed and positive_lower_bound.total < 100
    assert coef_times_norm.killed
    assert not at_most_one.killed and (at_most_one.status, at_most_one.total) == ("ok", 100)

    entry = {"file": "clipping.py", "function": "clip_by_global_norm", "operator": at_most_one.operator,
             "before": at_most_one.before, "after": at_most_one.after, "reason": "g * 1.0 equals g.copy()"}
    assert mutants.apply_equivalents(graded, [entry]) == []
    table = mutants.tallies(graded, RNN.submitted_files)
    assert (table["total"].mutants, table["total"].killed, table["total"].equivalent, table["total"].survived) == (3, 2, 1, 0)
    assert table["total"].score == 1.0
    text = mutants.report(RNN, graded, [], 1.0, "test")
    assert "Survivors (0)" in text and "Equivalent (1)" in text and "g * 1.0 equals g.copy()" in text
    # an entry whose mutant is killed is stale
    killed_entry = {**entry, "operator": coef_times_norm.operator, "before": coef_times_norm.before,
                    "after": coef_times_norm.after}
    assert [why for _, why in mutants.apply_equivalents(graded, [killed_entry])] == [
        "its mutant is killed: not equivalent after all"]
