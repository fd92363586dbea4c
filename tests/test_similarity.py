"""`python -m autograder similarity` ranks copied pairs first, however they are disguised.

The test cohort is the bug library (every entry the reference solution with
its own change) plus planted copies of two entries: variables renamed and
functions reordered, as a student hiding a copy would. The reference code
that every entry shares is common code (more than a tenth of the cohort), so
each pair scores on the changes only it shares.
"""
import ast
import csv
import html
import os
import re
import subprocess
import sys

import pytest

import buglib
from autograder import assignment as course
from autograder.grading import similarity

# The cohort: the largest bug library of the course (the tool is the grader's, whatever the assignment).
COHORT = max(course.every(), key=lambda a: len(buglib.load(a)))


def change_size(entry):
    return sum(len(change.get("replace", "")) for change in ([entry] if "find" in entry else []) + entry.get("also", []))


def planted(bugs):
    """The two bugs copied in disguise: the largest changes of two different files, among the bugs with no
    near twin (``same_as``), so that each copy has code of its own to find."""
    chosen = []
    for name in sorted((n for n in bugs if not bugs[n].get("same_as")), key=lambda n: (-change_size(bugs[n]), n)):
        if bugs[name].get("file") not in {bugs[c].get("file") for c in chosen}:
            chosen.append(name)
    return tuple(chosen[:2])


PLANTED = planted(buglib.load(COHORT))


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
    bugs = buglib.load(COHORT)
    assert len(PLANTED) == 2
    folders = [buglib.write_submission(COHORT, entry, root / name) for name, entry in sorted(bugs.items())]
    for name in PLANTED:
        copy = root / f"{name}-copy"
        copy.mkdir()
        for path in (root / name).iterdir():
            text = path.read_text()
            (copy / path.name).write_text(disguise(text) if path.suffix == ".py" else text)
        folders.append(copy)
    return folders


def functions_of(source):
    return [n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)]


def test_the_disguise_changes_every_line_a_diff_would_compare():
    source = max(((COHORT.source / name).read_text() for name in COHORT.submitted_files),
                 key=lambda text: len(functions_of(text)))
    functions, disguised = functions_of(source), functions_of(disguise(source))
    assert [f.name for f in disguised] == [f.name for f in reversed(functions)] and len(functions) >= 2
    for before, after in zip(reversed(functions), disguised):
        arguments = {a.arg for a in before.args.args}
        assert all(a.arg == f"my_{a.arg[3:]}" for a in after.args.args), after.name
        assert not arguments & {n.id for n in ast.walk(after) if isinstance(n, ast.Name)}, after.name


def test_planted_copies_rank_first_and_are_flagged(cohort, tmp_path):
    pairs = similarity.run(COHORT, [str(f) for f in cohort], tmp_path / "report")
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
    assert f"{len(cohort)} submissions compared" in page


def test_the_same_submissions_give_the_same_report_in_every_process(cohort, tmp_path):
    runs = [subprocess.run([sys.executable, "-m", "autograder", "similarity", "--assignment", COHORT.name,
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
    (huge / COHORT.submitted_files[0]).write_text("x = 1\n" * 200_000)  # read up to its first 200,000 characters
    run = subprocess.run([sys.executable, "-m", "autograder", "similarity", "--assignment", COHORT.name,
                          *map(str, cohort[:3]), str(broken), str(huge), "--out", str(tmp_path / "out")],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "left out broken: could not read it" in run.stdout
    rows = (tmp_path / "out" / "similarity.csv").read_text().splitlines()
    assert len(rows) == 1 + 4 * 3 // 2 and not any("broken" in row for row in rows)


# ------------------------------------------------------------ the pages a TA opens
@pytest.fixture(scope="module")
def report(cohort, tmp_path_factory):
    """The report on the cohort, with an unreadable upload and one without the graded files."""
    root = tmp_path_factory.mktemp("report")
    broken, notebook_only = root / "broken.zip", root / "notebook-only"
    broken.write_bytes(b"PK\x03\x04 not a zip")
    notebook_only.mkdir()
    (notebook_only / COHORT.notebook).write_text("{}")
    out = root / "out"
    pairs = similarity.run(COHORT, [*map(str, cohort), str(broken), str(notebook_only)], out)
    return out, pairs


def report_rows(out):
    """(rank, A, B, flagged, link) of each row of similarity.html."""
    page = (out / "similarity.html").read_text()
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr( class=flag)?><td class=n>(\d+)</td><td>(.*?)</td><td>(.*?)</td>.*?"
                      r'<a href="([^"]*)">side by side</a></td></tr>', body)
    return [(int(rank), html.unescape(a), html.unescape(b), bool(flag), link) for flag, rank, a, b, link in rows]


def test_each_row_of_the_report_opens_its_pair_side_by_side(report):
    out, pairs = report
    rows = report_rows(out)
    assert [(a, b) for _, a, b, _, _ in rows] == [(p["a"], p["b"]) for p in pairs[:len(rows)]]
    assert len(rows) >= min(50, len(pairs))
    for rank, a, b, _, link in rows:
        pair_page = (out / link).read_text()
        heading = re.search(r"<h1>(.*?)</h1>", pair_page).group(1)
        assert html.unescape(heading) == f"#{rank}: {a} and {b}"
        assert f"<h2>A: {html.escape(a)}</h2>" in pair_page and f"<h2>B: {html.escape(b)}</h2>" in pair_page
    assert not (out / "copydetect.html").exists()


def test_the_report_and_every_pair_page_count_the_same_flagged_pairs(report):
    out, pairs = report
    rows = report_rows(out)
    said = int(re.search(r"<strong>(\d+)</strong> share more than", (out / "similarity.html").read_text()).group(1))
    flagged_rows = [rank for rank, *_, flag, _ in rows if flag]
    assert said == len(flagged_rows) == sum(similarity.flagged(p, similarity.DEFAULT_DISPLAY) for p in pairs) >= 2
    for rank, _, _, flag, link in rows:
        pair_page = (out / link).read_text()
        counted = re.search(r"(?:one of the report's|the report flags) (\d+) pairs", pair_page).group(1)
        assert int(counted) == said and ("<strong>Flagged</strong>" in pair_page) == flag, rank
        assert f"Pair {rank} of the {len(pairs)} ranked" in pair_page


def test_the_submissions_left_out_are_listed_on_the_report_with_the_reason(report):
    out, pairs = report
    page = (out / "similarity.html").read_text()
    assert "Left out: 2 submissions" in page
    left_out = dict(re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td></tr>", page.split('id="left-out"', 1)[1]))
    assert left_out["broken"].startswith("could not read it") and "damaged zip" in left_out["broken"]
    assert left_out["notebook-only"].startswith("none of the graded files")
    assert not any({"broken", "notebook-only"} & {p["a"], p["b"]} for p in pairs)


def side_code(pair_page, side):
    """The <pre> of side "A" or "B" of a pair page."""
    return pair_page.split(f"<h2>{side}: ", 1)[1].split("<pre>", 1)[1].split("</pre>", 1)[0]


def test_a_whole_copy_has_all_its_own_code_marked_and_the_boilerplate_grey(report):
    out, pairs = report
    rank = next(r for r, p in enumerate(pairs, 1) if {p["a"], p["b"]} == {PLANTED[0], f"{PLANTED[0]}-copy"})
    pair_page = (out / similarity.pair_page_name(rank)).read_text()
    for side in "AB":
        code = side_code(pair_page, side)
        assert '<mark id="' in code and '<span class="common">' in code
        unmarked_own = re.sub(r'<mark id="[ab]-\d+">.*?</mark>|<span class="common">.*?</span>', "", code, flags=re.S)
        assert not unmarked_own.strip()  # 100 % both ways: every token of its own code is in the other


def test_a_full_share_of_little_own_code_says_the_rest_is_boilerplate(report):
    out, pairs = report
    # Two bugs on the same line of the reference: all of one side's own code is shared, and its own
    # code is a sliver of its file; the rest is common code, which the page shows grey and says so.
    rank, pair = next((r, p) for r, p in enumerate(pairs, 1) if p["a_in_b"] == 1 and p["b_in_a"] < 0.5)
    pair_page = (out / similarity.pair_page_name(rank)).read_text()
    summary = html.unescape(pair_page.split("<ul>", 1)[1].split("</ul>", 1)[0])
    assert re.search(r"are the stubs' code or code found in more than \d+ submissions: shown grey", summary)
    assert "100% is of the" in summary and "not of the whole file" in summary
    assert '<mark id="a-1">' in side_code(pair_page, "A")


def test_no_page_of_the_report_loads_anything(report):
    out, _ = report
    pages = [out / "similarity.html", *sorted((out / similarity.PAIRS).glob("*.html"))]
    assert len(pages) > 50
    for path in pages:
        text = path.read_text()
        csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', text).group(1)
        assert csp == "default-src 'none'; style-src 'unsafe-inline'", path
        assert not re.search(r"<(script|link|img|iframe|object)\b|\bsrc=|url\(|@import", text), path
        assert not re.search(r'href="(?!#|\.\./similarity\.html|\d+\.html|pairs/\d+\.html)', text), path


def test_untouched_stubs_share_nothing_but_the_stubs(tmp_path):
    folders = []
    for index in range(3):
        folder = tmp_path / f"stubs-{index}"
        folder.mkdir()
        for name in COHORT.submitted_files:
            (folder / name).write_text((COHORT.release / name).read_text())
        folders.append(str(folder))
    pairs = similarity.run(COHORT, folders, tmp_path / "report")
    assert len(pairs) == 3 and all(p["tokens"] == 0 and p["a_in_b"] == 0 for p in pairs)


def test_the_command_line_prints_the_ranking_and_writes_the_report(cohort, tmp_path):
    run = subprocess.run([sys.executable, "-m", "autograder", "similarity", "--assignment", COHORT.name,
                          *map(str, cohort[-4:]), "--out", str(tmp_path / "out"), "--common", "10"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "  1. " in run.stdout and "report:" in run.stdout
    assert (tmp_path / "out" / "similarity.html").is_file()


@pytest.mark.browser
def test_the_report_and_a_pair_page_show_in_a_real_browser_offline(report, tmp_path):
    from test_written_answers import open_in_chromium

    out, _ = report
    run = open_in_chromium(out / "similarity.html", tmp_path / "profile", "--dump-dom")
    assert "Content Security Policy" not in run.stderr  # nothing the page holds was refused
    first_rows = run.stdout.split("<tbody>", 1)[1].split("</tr>")[:len(PLANTED)]
    for name in PLANTED:
        assert any(f"<td>{name}</td><td>{name}-copy</td>" in row and 'class="flag"' in row
                   and '<a href="pairs/' in row for row in first_rows), name
    assert '<h2 id="left-out">Left out: 2 submissions</h2>' in run.stdout
    pair = open_in_chromium(out / similarity.pair_page_name(1), tmp_path / "profile", "--dump-dom")
    assert "Content Security Policy" not in pair.stderr and '<mark id="a-1">' in pair.stdout
    for page in (out / "similarity.html", out / similarity.pair_page_name(1)):
        shot = tmp_path / f"{page.stem}.png"
        open_in_chromium(page, tmp_path / "profile", "--window-size=1200,900", f"--screenshot={shot}")
        assert shot.stat().st_size > 20_000  # a page was drawn, not a blank one


# Quadratic to parse (85,000 fields in one f-string): seconds in C, where no signal handler runs.
SLOW_TO_PARSE = 'TEXT = f"' + "{0}" * 85_000 + '"\n'


def test_a_file_slow_to_parse_is_compared_as_written_and_the_next_ones_still_in_layout():
    with similarity.BoundedLayout(seconds=0.5) as layout:
        assert layout(SLOW_TO_PARSE) == SLOW_TO_PARSE and layout.slow == 1
        assert layout("def b(): pass\ndef a():  return (1)\n") == similarity.canonical("def b(): pass\ndef a(): return 1\n")
        assert layout.slow == 1


def test_the_layout_in_a_child_process_is_the_canonical_one():
    source = (COHORT.source / COHORT.submitted_files[-1]).read_text()
    with similarity.BoundedLayout() as layout:
        assert layout(source) == similarity.canonical(source)
        assert layout("def broken(:\n") == "def broken(:\n"  # left as it is, as canonical leaves it
