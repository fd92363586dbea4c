"""Copied work: every pair of submissions ranked by the code only they share, for a TA to read.

``python -m autograder similarity --assignment A SUBMISSIONS... --out DIR``

Each submission (a folder or a zip, unpacked and laid out as the grader does)
becomes one document: its graded files one after the other, each under a line
naming it, so that a function moved to another file still matches.
copydetect compares the documents (winnowed fingerprints of the tokenised
code, in which names become V, F, ...: renaming variables or reordering
functions changes nothing), after removing two kinds of boilerplate:

- the stubs' code, which every submission starts from;
- code found in more than ``common`` submissions (by default a tenth of them,
  at least 4): what most students write the same way, as MOSS's ``-m`` option
  does. A pair then scores on what it shares with few others.

Writes DIR/similarity.csv (every pair, ranked: the share of each one's own code
found in the other, the tokens they share), DIR/similarity.html (the ranked
pairs and the submissions left out, with the reason), DIR/pairs/<rank>.html
(each pair the report lists: both documents side by side, the shared code
marked from copydetect's match data, the boilerplate grey), DIR/documents/ (the
documents compared) and DIR/boilerplate/ (the stubs' document). No page loads
anything: they open offline.
"""
import ast
import contextlib
import csv
import hashlib
import html
import io
import json
import math
import os
import select
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import numpy as np

DEFAULT_DISPLAY = 0.5
MIN_TOKENS = 80  # of the filtered code: a shared line or two (two bugs on one line) is not a copy
MAX_FILE_CHARS = 200_000  # a graded file is a few kilobytes; the rest of a larger one is left out
NOISE_TOKENS = 25  # copydetect's defaults: matches shorter than this are noise,
GUARANTEE_TOKENS = 30  # and matches this long are always found


def default_common(count):
    return max(4, math.ceil(count / 10))


PARSE_SECONDS = 2  # a graded file parses in milliseconds; crafted text (a 200 KB f-string) can take minutes
PARSE_MEMORY_BYTES = 1 << 30


def document(folder, files, layout=None):
    """The graded ``files`` found in ``folder``, one after the other, each under a line naming it, in
    one layout (``layout``, ``canonical`` by default)."""
    layout = layout or canonical
    parts = []
    for name in files:
        path = Path(folder) / name
        if path.is_file():
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read(MAX_FILE_CHARS)
            parts.append(f"# ---- {name} ----\n" + layout(text))
    return "\n".join(parts)


# The child that parses for BoundedLayout: one text a line in, its canonical layout a line out.
_LAYOUT_CHILD = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({memory}, {memory}))
from autograder.grading.similarity import canonical
for line in sys.stdin:
    sys.stdout.write(json.dumps(canonical(json.loads(line))) + "\\n")
    sys.stdout.flush()
"""


class BoundedLayout:
    """``canonical``, computed in a child process with a deadline and a memory bound per text: a
    submission's file is data, and parsing it must not stall or exhaust the TA's process. A text
    that takes longer than ``seconds`` is compared as it is (the child is started again for the next)."""

    def __init__(self, seconds=PARSE_SECONDS):
        self.seconds, self.child, self.slow = seconds, None, 0

    def _start(self):
        code = _LAYOUT_CHILD.format(memory=PARSE_MEMORY_BYTES)
        project = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [project, os.environ.get("PYTHONPATH")]))}
        self.child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.DEVNULL, env=env)

    def _stop(self):
        if self.child is not None:
            self.child.kill()
            self.child.wait()
            for stream in (self.child.stdin, self.child.stdout):
                stream.close()
            self.child = None

    def __call__(self, text):
        if self.child is None:
            self._start()
        try:
            self.child.stdin.write(json.dumps(text).encode() + b"\n")
            self.child.stdin.flush()
            if select.select([self.child.stdout], [], [], self.seconds)[0]:
                line = self.child.stdout.readline()
                if line:
                    return json.loads(line)
        except (OSError, ValueError):
            pass
        self._stop()  # too slow, out of memory or gone: this text as it is, and a new child for the next
        self.slow += 1
        return text

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self._stop()


def canonical(source):
    """``source`` as Python prints its syntax tree back, its functions and classes sorted by name after
    the other statements: no comments, one way to write each thing (parentheses, quotes, line
    breaks) and one order, so that re-formatting a copy or reordering its functions hides nothing
    (the graded functions' names are the contract's). Left as it is when it does not parse."""
    try:
        tree = ast.parse(source)
        definitions = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
        tree.body = ([n for n in tree.body if not isinstance(n, definitions)]
                     + sorted((n for n in tree.body if isinstance(n, definitions)), key=lambda n: n.name))
        return ast.unparse(tree)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return source


def _stable_kgram_hashes(string, k):
    """copydetect's ``hashed_kgrams`` with a hash that is the same in every process: its own uses
    Python's ``hash``, salted per process, and winnowing keeps the smallest hashes, so the shares
    it reports would change from one run to the next."""
    return np.array([int.from_bytes(hashlib.blake2b(string[offset:offset + k].encode(), digest_size=8).digest(),
                                    "little", signed=True)
                     for offset in range(len(string) - k + 1)], dtype=np.int64)


@contextlib.contextmanager
def _reproducible_hashes():
    from copydetect import utils

    original = utils.hashed_kgrams
    utils.hashed_kgrams = _stable_kgram_hashes
    try:
        yield
    finally:
        utils.hashed_kgrams = original


def _fingerprint(path, boilerplate=()):
    from copydetect import CodeFingerprint

    return CodeFingerprint(str(path), NOISE_TOKENS, 1, list(boilerplate))


def common_hashes(paths, boilerplate, more_than):
    """The fingerprints found in more than ``more_than`` of the documents at ``paths``."""
    counts = Counter()
    for path in paths:
        counts.update(set(_fingerprint(path, boilerplate).hashes))
    return np.array(sorted(h for h, n in counts.items() if n > more_than), dtype=np.int64)


class Comparison(NamedTuple):
    pairs: list  # every pair, best first (see ``compare``)
    detector: object  # copydetect's detector, run: its fingerprints and the shared code's positions
    paths: dict  # submission name -> the path of its document, as the detector knows it


def compare(documents, stubs_document, work, common=None):
    """Rank every pair of ``documents`` ({name: text}) by the code they share beyond the stubs and
    the common code. Returns a ``Comparison``; each pair is a dict with ``a``, ``b``, ``a_in_b`` (the
    share of a's own code found in b), ``b_in_a``, ``tokens``, best first. The same documents give
    the same shares in every run."""
    with _reproducible_hashes():
        return _compare(documents, stubs_document, work, common)


def _compare(documents, stubs_document, work, common):
    from copydetect import CopyDetector

    work = Path(work)
    folder, stubs_folder = work / "documents", work / "boilerplate"
    for made in (folder, stubs_folder):
        shutil.rmtree(made, ignore_errors=True)
        made.mkdir(parents=True)
    paths = {}
    for index, (name, text) in enumerate(documents.items()):
        paths[name] = folder / f"{index:04d}-{_file_name(name)}.py"
        paths[name].write_text(text, encoding="utf-8")
    (stubs_folder / "stubs.py").write_text(stubs_document, encoding="utf-8")
    stub_hashes = _fingerprint(stubs_folder / "stubs.py").hashes
    more_than = default_common(len(documents)) if common is None else common
    shared_widely = common_hashes(paths.values(), stub_hashes, more_than)

    class CohortDetector(CopyDetector):
        def _get_boilerplate_hashes(self):
            return np.union1d(super()._get_boilerplate_hashes(), shared_widely)

    detector = CohortDetector(test_dirs=[str(folder)], ref_dirs=[str(folder)], boilerplate_dirs=[str(stubs_folder)],
                              extensions=["py"], noise_t=NOISE_TOKENS, guarantee_t=GUARANTEE_TOKENS,
                              autoopen=False, silent=True)
    if len(documents) >= 2:
        detector.run()
    names = {str(path): name for name, path in paths.items()}
    pairs = []
    for i, a in enumerate(detector.test_files):
        for j, b in enumerate(detector.ref_files):
            if a < b and detector.similarity_matrix.size and detector.similarity_matrix[i, j, 0] >= 0:
                a_in_b, b_in_a = detector.similarity_matrix[i, j]
                pairs.append({"a": names[a], "b": names[b], "a_in_b": float(a_in_b), "b_in_a": float(b_in_a),
                              "tokens": int(detector.token_overlap_matrix[i, j])})
    pairs.sort(key=lambda p: (-score(p), -p["tokens"], p["a"], p["b"]))
    return Comparison(pairs, detector, {name: str(path) for name, path in paths.items()})


def score(pair):
    """How much of both sides' own code is shared (the geometric mean of the two shares): a whole copy
    ranks above one function copied into otherwise own work, which is still flagged (``flagged``)."""
    return math.sqrt(pair["a_in_b"] * pair["b_in_a"])


def flagged(pair, display):
    """Worth reading: one side's own code is mostly in the other, and it is more than a line or two."""
    return max(pair["a_in_b"], pair["b_in_a"]) > display and pair["tokens"] >= MIN_TOKENS


def _file_name(name):
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:80]


def csv_text(pairs):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["rank", "submission_a", "submission_b", "score", "a_in_b", "b_in_a", "tokens_shared"])
    for rank, p in enumerate(pairs, 1):
        writer.writerow([rank, p["a"], p["b"], f"{score(p):.3f}", f"{p['a_in_b']:.3f}", f"{p['b_in_a']:.3f}",
                         p["tokens"]])
    return out.getvalue()


PAIRS = "pairs"  # OUT/pairs/<rank>.html: one pair of the ranking, side by side
SHOWN = 50  # the report lists (each with its page) at least the first SHOWN pairs, and every flagged one

# The grader's pages load nothing: no script, no font, no stylesheet but their own.
CSP = "default-src 'none'; style-src 'unsafe-inline'"
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 80em; padding: 0 1em; color: #222; }
table { border-collapse: collapse; }
th, td { border-bottom: 1px solid #ddd; padding: .35em .6em; text-align: left; }
td.n, th.n { text-align: right; white-space: nowrap; }
tr.flag td { background: #fde7c8; }
p.note { color: #555; }
mark { background: #ffc46b; color: #000; }
.common { color: #9a9a9a; }
"""


def _html(title, body, style=""):
    return f"""<!DOCTYPE html>
<!-- Written by python -m autograder similarity (autograder/grading/similarity.py). -->
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<title>{html.escape(title)}</title>
<style>{STYLE}{style}</style></head><body>
{body}
</body></html>
"""


def pair_page_name(rank):
    """The page of the pair ranked ``rank``, relative to the report."""
    return f"{PAIRS}/{rank}.html"


class Report(NamedTuple):
    """What the report and every pair page say of the whole comparison, so that they agree."""
    title: str
    pairs: list  # every pair, best first
    compared: int  # submissions compared
    more_than: int  # code found in more than this many submissions is common code
    display: float
    shown: int = SHOWN

    @property
    def flagged_count(self):
        return sum(flagged(p, self.display) for p in self.pairs)

    @property
    def listed(self):
        """How many pairs the report lists, each with its page: the first ``shown``, and every flagged
        pair, however far down."""
        last_flagged = max((rank for rank, p in enumerate(self.pairs, 1) if flagged(p, self.display)), default=0)
        return max(min(self.shown, len(self.pairs)), last_flagged)


class Excluded(NamedTuple):
    name: str
    reason: str


def page(report, excluded=(), notes=()):
    """The report: the ranked pairs (the first ``report.listed``, each linked to its page), how they
    were computed, and the submissions left out with the reason."""
    pairs, display = report.pairs, report.display
    rows = "\n".join(
        f"<tr{' class=flag' if flagged(p, display) else ''}><td class=n>{rank}</td>"
        f"<td>{html.escape(p['a'])}</td><td>{html.escape(p['b'])}</td><td class=n>{score(p):.2f}</td>"
        f"<td class=n>{p['a_in_b']:.0%}</td><td class=n>{p['b_in_a']:.0%}</td><td class=n>{p['tokens']}</td>"
        f'<td class=n><a href="{pair_page_name(rank)}">side by side</a></td></tr>'
        for rank, p in enumerate(pairs[:report.listed], 1))
    left_out = ""
    if excluded:
        items = "\n".join(f"<tr><td>{html.escape(e.name)}</td><td>{html.escape(e.reason)}</td></tr>" for e in excluded)
        left_out = (f'<h2 id="left-out">Left out: {len(excluded)} submission{"s" if len(excluded) != 1 else ""}</h2>\n'
                    "<p>Compared with no other submission: read them yourself.</p>\n"
                    f"<table><thead><tr><th>submission</th><th>why</th></tr></thead><tbody>\n{items}\n</tbody></table>")
    noted = "\n".join(f"<p class=note>{html.escape(note)}</p>" for note in notes)
    said_left_out = f' {len(excluded)} left out: <a href="#left-out">listed below</a>.' if excluded else ""
    body = f"""<h1>Similar submissions: {html.escape(report.title)}</h1>
<p>{report.compared} submissions compared, {len(pairs)} pairs; <strong>{report.flagged_count}</strong> share more than
{display:.0%} of one side's own code, and at least {MIN_TOKENS} tokens (highlighted).{said_left_out}
Ranked by how much of both sides is shared (the geometric mean of the two shares), so whole copies come first.
The stubs' code, and code found in more than {report.more_than} submissions, count for neither; comments and
layout are ignored.</p>
<p class="note">"A in B" is the share of A's own code (beyond that boilerplate) found in B. A high share is a
reason to read both, not a verdict: "side by side" opens the pair's code with the shared code marked.</p>
{noted}
<table><thead><tr><th class=n>#</th><th>A</th><th>B</th><th class=n>score</th><th class=n>A in B</th>
<th class=n>B in A</th><th class=n>tokens shared</th><th>code</th></tr></thead>
<tbody>
{rows}
</tbody></table>
<p class="note">The first {report.listed} pairs of {len(pairs)}; similarity.csv holds them all.</p>
{left_out}"""
    return _html(f"Similar submissions: {report.title}", body, "td { overflow-wrap: anywhere; }")


# ------------------------------------------------------------ one pair, side by side
class Side(NamedTuple):
    name: str
    anchor: str  # "a" or "b": the marked passages' ids are <anchor>-1, <anchor>-2, ...
    code: str  # the document as compared, as HTML: boilerplate grey, the shared code marked
    passages: int  # marked
    tokens: int  # of the whole document (copydetect's tokens: its filtered code's characters)
    own: int  # beyond the stubs' and the common code
    shared: int  # of ``own``, found in the other side


def _own_slices(fingerprint):
    """Where the document's own code is (its k-grams left after the boilerplate was removed), as
    (starts, ends) in its raw text, mapped from the filtered code as copydetect maps the shared code."""
    from copydetect.utils import get_copied_slices

    starts = [i for positions in fingerprint.hash_idx.values() for i in positions]
    slices = np.array(get_copied_slices(np.array(starts, dtype=np.int64), fingerprint.k), dtype=np.int64)
    offsets = fingerprint.offsets
    if slices.size and len(offsets):
        slices += offsets[:, 1][np.clip(np.searchsorted(offsets[:, 0], slices), 0, len(offsets) - 1)]
    return slices.reshape(2, -1)


def marked_code(raw, own, shared, anchor):
    """``raw`` as HTML, the code outside ``own`` grey, the code in ``shared`` marked (both (starts,
    ends)), each marked passage with the id ``<anchor>-<n>``; and how many passages are marked."""
    kind = np.zeros(len(raw), dtype=np.int8)  # 0: boilerplate, 1: own code, 2: own code found in the other
    for value, slices in ((1, own), (2, shared)):
        for start, end in np.asarray(slices, dtype=np.int64).reshape(2, -1).T:
            kind[start:end] = value
    bounds = [0, *(np.flatnonzero(np.diff(kind)) + 1).tolist(), len(raw)]
    parts, marked = [], 0
    for start, end in zip(bounds, bounds[1:]):
        text = html.escape(raw[start:end], quote=False)
        if kind[start] == 2:
            marked += 1
            parts.append(f'<mark id="{anchor}-{marked}">{text}</mark>')
        else:
            parts.append(f'<span class="common">{text}</span>' if kind[start] == 0 else text)
    return "".join(parts), marked


def pair_sides(comparison, pair):
    """The two ``Side``s of ``pair``, from the detector's fingerprints and the positions of the code
    they share (copydetect's own match data)."""
    detector = comparison.detector
    path_a, path_b = comparison.paths[pair["a"]], comparison.paths[pair["b"]]
    if (path_a, path_b) in detector.slice_matrix:
        shared_a, shared_b = detector.slice_matrix[(path_a, path_b)]
    elif (path_b, path_a) in detector.slice_matrix:
        shared_b, shared_a = detector.slice_matrix[(path_b, path_a)]
    else:
        shared_a = shared_b = np.zeros((2, 0), dtype=np.int64)
    sides = []
    for anchor, name, path, shared, share in (("a", pair["a"], path_a, shared_a, pair["a_in_b"]),
                                              ("b", pair["b"], path_b, shared_b, pair["b_in_a"])):
        fingerprint = detector.file_data[path]
        own = int(fingerprint.token_coverage)
        code, passages = marked_code(fingerprint.raw_code, _own_slices(fingerprint), shared, anchor)
        sides.append(Side(name, anchor, code, passages, len(fingerprint.filtered_code), own, round(share * own)))
    return sides


def _side_summary(side, other, share, more_than):
    common = side.tokens - side.own
    text = (f"<strong>{html.escape(side.name)}</strong>: {side.tokens:,} tokens. {common:,} of them "
            f"({common / max(side.tokens, 1):.0%}) are the stubs' code or code found in more than {more_than} "
            f"submissions: shown grey, they count for neither side. Of its own {side.own:,} tokens, {side.shared:,} "
            f"({share:.0%}) are in {html.escape(other.name)}: marked.")
    if side.own and common > side.own:
        text += (f" So {share:.0%} is of the {side.own:,} tokens it does not share with the stubs or the class, "
                 "not of the whole file: little is marked.")
    if side.passages:
        jumps = " ".join(f'<a href="#{side.anchor}-{n}">{n}</a>' for n in range(1, min(side.passages, 40) + 1))
        text += f" Marked passages: {jumps}{' ...' if side.passages > 40 else ''}."
    return f"<li>{text}</li>"


def pair_page(report, rank, sides):
    """Pair ``rank`` of the report: its numbers as the report gives them, then both documents side by side."""
    pair, (a, b) = report.pairs[rank - 1], sides
    if flagged(pair, report.display):
        verdict = (f"<strong>Flagged</strong>: one of the report's {report.flagged_count} pairs sharing more than "
                   f"{report.display:.0%} of one side's own code and at least {MIN_TOKENS} tokens.")
    else:
        verdict = (f"Not flagged (the report flags {report.flagged_count} pairs: more than {report.display:.0%} of "
                   f"one side's own code and at least {MIN_TOKENS} tokens).")
    previous = f'<a href="{rank - 1}.html">&larr; #{rank - 1}</a>' if rank > 1 else ""
    following = f'<a href="{rank + 1}.html">#{rank + 1} &rarr;</a>' if rank < report.listed else ""
    heading = f"#{rank}: {a.name} and {b.name}"
    body = f"""<nav><a href="../similarity.html">All pairs</a> {previous} {following}</nav>
<h1>{html.escape(heading)}</h1>
<p>Pair {rank} of the {len(report.pairs)} ranked, score {score(pair):.2f}: {pair['a_in_b']:.0%} of A's own code is
in B, {pair['b_in_a']:.0%} of B's in A, {pair['tokens']} tokens shared. {verdict}</p>
<ul>{_side_summary(a, b, pair['a_in_b'], report.more_than)}{_side_summary(b, a, pair['b_in_a'], report.more_than)}</ul>
<p class="note">The code as it was compared: each graded file under a line naming it, printed back from its
syntax tree (comments and layout dropped, functions sorted by name), so a reordered copy lines up.
<mark>Marked</mark>: own code found in the other submission. <span class="common">Grey</span>: the stubs' code
and code found in more than {report.more_than} submissions.</p>
<div class="sides">
<section><h2>A: {html.escape(a.name)}</h2><pre>{a.code}</pre></section>
<section><h2>B: {html.escape(b.name)}</h2><pre>{b.code}</pre></section>
</div>"""
    style = """
nav a { margin-right: 1em; }
.sides { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1em; }
.sides h2 { font-size: 1em; overflow-wrap: anywhere; }
pre { font-size: .8em; overflow-x: auto; background: #fafafa; border: 1px solid #ddd; padding: .5em; }
"""
    return _html(f"{heading}: {report.title}", body, style)


def run(assignment, submissions, out_dir, common=None, display=DEFAULT_DISPLAY):
    """Read ``submissions`` as the grader does, compare them, write the report into ``out_dir``; the pairs."""
    from autograder.grading.engine import read_submission
    from autograder.grading.grade import submission_names
    from autograder.support import submission_layout

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = [f for f in assignment.submitted_files if f.endswith(".py")]
    documents, excluded, notes = {}, [], []
    with tempfile.TemporaryDirectory(prefix="similarity-") as scratch, BoundedLayout() as bounded:
        for submission, name in zip(submissions, submission_names(submissions)):
            unpacked = Path(scratch) / "unpacked" / _file_name(name)
            unpacked.mkdir(parents=True)
            try:
                read_submission(submission, unpacked, assignment.submitted_files, submission_layout)
            except Exception as error:  # noqa: BLE001 - one unreadable submission is left out, and said
                excluded.append(Excluded(name, f"could not read it ({type(error).__name__}: {error})"))
                continue
            slow = bounded.slow
            text = document(unpacked, files, bounded)
            if not text:
                excluded.append(Excluded(name, f"none of the graded files ({', '.join(files)}) in it"))
                continue
            documents[name] = text
            if bounded.slow > slow:
                notes.append(f"{name}: {bounded.slow - slow} file(s) took over {bounded.seconds:g} s to parse: "
                             "compared as written, without the canonical layout")
    for line in [f"left out {e.name}: {e.reason}" for e in excluded] + notes:
        print(line)
    comparison = compare(documents, document(assignment.release, files), out_dir, common)
    more_than = default_common(len(documents)) if common is None else common
    report = Report(assignment.title, comparison.pairs, len(documents), more_than, display)
    write_report(out_dir, report, comparison, excluded, notes)
    return comparison.pairs


def write_report(out_dir, report, comparison, excluded, notes):
    """similarity.csv, similarity.html and one page per pair it lists, in ``pairs/`` (made anew)."""
    shutil.rmtree(out_dir / PAIRS, ignore_errors=True)
    (out_dir / PAIRS).mkdir()
    # copydetect's own report, written here by earlier versions, loads its styles from a CDN: gone.
    (out_dir / "copydetect.html").unlink(missing_ok=True)
    for rank in range(1, report.listed + 1):
        sides = pair_sides(comparison, report.pairs[rank - 1])
        (out_dir / pair_page_name(rank)).write_text(pair_page(report, rank, sides), encoding="utf-8")
    (out_dir / "similarity.csv").write_text(csv_text(report.pairs), encoding="utf-8")
    (out_dir / "similarity.html").write_text(page(report, excluded, notes), encoding="utf-8")
