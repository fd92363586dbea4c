"""`python -m autograder similarity` ranks copied pairs first, however they are disguised.

The test cohort is the bug library (every entry the reference solution with
its own change) plus planted copies of two entries: variables renamed and
functions reordered, as a student hiding a copy would. The reference code
that every entry shares is common code (more than a tenth of the cohort), so
each pair scores on the changes only it shares.
"""
import ast
import csv
import os
import subprocess
import sys

import pytest

import buglib
from autograder import assignment as course
from autograder.grading import similarity

RNN = course.load("rnn_shortcomings")
PLANTED = ("rnn_forward_stacks_no_states", "lstm_backward_pops_step_caches")


class _Rename(ast.NodeTransformer):
    """Every name a function binds (its arguments and its variables) gets another name."""

    def visit_FunctionDef(self, node):
        bound = {a.arg for a in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]}
        bound |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        for inner in ast.walk(node):
            if isinstance(inner, ast.Name) and inner.id in bound:
                inner.id = f"my_{inner.id}"
            elif isinstance(inner, ast.arg) and inner.arg in bound:
                inner.arg = f"my_{inner.arg}"
        return node


def disguise(source):
    """``source`` with its functions in reverse order and their variables renamed."""
    tree = ast.parse(source)
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    others = [n for n in tree.body if not isinstance(n, ast.FunctionDef)]
    tree.body = others + [_Rename().visit(f) for f in reversed(functions)]
    return ast.unparse(tree)


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    root = tmp_path_factory.mktemp("cohort")
    bugs = buglib.load(RNN)
    assert set(PLANTED) <= set(bugs)
    folders = [buglib.write_submission(RNN, entry, root / name) for name, entry in sorted(bugs.items())]
    for name in PLANTED:
        copy = root / f"{name}-copy"
        copy.mkdir()
        for path in (root / name).iterdir():
            text = path.read_text()
            (copy / path.name).write_text(disguise(text) if path.suffix == ".py" else text)
        folders.append(copy)
    return folders


def test_the_disguise_changes_every_line_a_diff_would_compare():
    source = (RNN.source / "recurrence.py").read_text()
    disguised = disguise(source)
    assert "my_h_prev" in disguised and disguised.index("def iterate_map") < disguised.index("def rnn_step")


def test_planted_copies_rank_first_and_are_flagged(cohort, tmp_path):
    pairs = similarity.run(RNN, [str(f) for f in cohort], tmp_path / "report")
    top = {frozenset((p["a"], p["b"])) for p in pairs[:len(PLANTED)]}
    assert top == {frozenset((name, f"{name}-copy")) for name in PLANTED}
    for p in pairs[:len(PLANTED)]:
        assert min(p["a_in_b"], p["b_in_a"]) > 0.95 and similarity.flagged(p, similarity.DEFAULT_DISPLAY), p
    # The next pairs are bugs edited on the same line (a few tokens) or written from one another.
    assert similarity.score(pairs[len(PLANTED)]) < 1 and not similarity.flagged(pairs[len(PLANTED)], 0.5)
    with open(tmp_path / "report" / "similarity.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(cohort) * (len(cohort) - 1) // 2 and rows[0]["rank"] == "1"
    page = (tmp_path / "report" / "similarity.html").read_text()
    assert f"{len(cohort)} submissions" in page and "copydetect.html" in page
    assert (tmp_path / "report" / "copydetect.html").is_file()


def test_the_same_submissions_give_the_same_report_in_every_process(cohort, tmp_path):
    runs = [subprocess.run([sys.executable, "-m", "autograder", "similarity", "--assignment", RNN.name,
                            *map(str, cohort[:12]), "--out", str(tmp_path / f"out{seed}")],
                           capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": str(seed)})
            for seed in (1, 2)]
    assert all(run.returncode == 0 for run in runs), runs[0].stderr
    assert (tmp_path / "out1" / "similarity.csv").read_text() == (tmp_path / "out2" / "similarity.csv").read_text()


def test_a_submission_that_cannot_be_read_is_left_out_and_said(cohort, tmp_path):
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not a zip")
    huge = tmp_path / "huge"
    huge.mkdir()
    (huge / "recurrence.py").write_text("x = 1\n" * 200_000)  # read up to its first 200,000 characters
    run = subprocess.run([sys.executable, "-m", "autograder", "similarity", "--assignment", RNN.name,
                          *map(str, cohort[:3]), str(broken), str(huge), "--out", str(tmp_path / "out")],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "left out broken: could not read it" in run.stdout
    rows = (tmp_path / "out" / "similarity.csv").read_text().splitlines()
    assert len(rows) == 1 + 4 * 3 // 2 and not any("broken" in row for row in rows)


def test_untouched_stubs_share_nothing_but_the_stubs(tmp_path):
    folders = []
    for index in range(3):
        folder = tmp_path / f"stubs-{index}"
        folder.mkdir()
        for name in RNN.submitted_files:
            (folder / name).write_text((RNN.release / name).read_text())
        folders.append(str(folder))
    pairs = similarity.run(RNN, folders, tmp_path / "report")
    assert len(pairs) == 3 and all(p["tokens"] == 0 and p["a_in_b"] == 0 for p in pairs)


def test_the_command_line_prints_the_ranking_and_writes_the_report(cohort, tmp_path):
    run = subprocess.run([sys.executable, "-m", "autograder", "similarity", "--assignment", "rnn_shortcomings",
                          *map(str, cohort[-4:]), "--out", str(tmp_path / "out"), "--common", "10"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "  1. " in run.stdout and "report:" in run.stdout
    assert (tmp_path / "out" / "similarity.html").is_file()


@pytest.mark.browser
def test_the_report_shows_the_ranked_pairs_in_a_real_browser(cohort, tmp_path):
    import shutil

    from test_written_answers import CHROMIUM_FLAGS

    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("no chromium here (Debian: apt-get install chromium)")
    similarity.run(RNN, [str(f) for f in cohort], tmp_path / "report")
    page = (tmp_path / "report" / "similarity.html").as_uri()
    dom = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page],
                         capture_output=True, text=True, timeout=120).stdout
    first_rows = dom.split("<tbody>", 1)[1].split("</tr>")[:len(PLANTED)]
    for name in PLANTED:
        assert any(f"<td>{name}</td><td>{name}-copy</td>" in row and 'class="flag"' in row for row in first_rows), name
    shot = tmp_path / "page.png"
    subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,900",
                    f"--screenshot={shot}", page], capture_output=True, timeout=120)
    assert shot.stat().st_size > 20_000  # a page was drawn, not a blank one


# Quadratic to parse (85,000 fields in one f-string): seconds in C, where no signal handler runs.
SLOW_TO_PARSE = 'TEXT = f"' + "{0}" * 85_000 + '"\n'


def test_a_file_slow_to_parse_is_compared_as_written_and_the_next_ones_still_in_layout():
    with similarity.BoundedLayout(seconds=0.5) as layout:
        assert layout(SLOW_TO_PARSE) == SLOW_TO_PARSE and layout.slow == 1
        assert layout("def b(): pass\ndef a():  return (1)\n") == similarity.canonical("def b(): pass\ndef a(): return 1\n")
        assert layout.slow == 1


def test_the_layout_in_a_child_process_is_the_canonical_one():
    source = (RNN.source / "lstm.py").read_text()
    with similarity.BoundedLayout() as layout:
        assert layout(source) == similarity.canonical(source)
        assert layout("def broken(:\n") == "def broken(:\n"  # left as it is, as canonical leaves it
