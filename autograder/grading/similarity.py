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
pairs, for a browser), DIR/copydetect.html (copydetect's report: the shared code
of each pair above ``display``, highlighted side by side), DIR/documents/ (the
documents compared) and DIR/boilerplate/ (the stubs' document).
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


def compare(documents, stubs_document, work, common=None, display=DEFAULT_DISPLAY):
    """Rank every pair of ``documents`` ({name: text}) by the code they share beyond the stubs and
    the common code. Returns (pairs, the copydetect detector); each pair is a dict with ``a``, ``b``,
    ``a_in_b`` (the share of a's own code found in b), ``b_in_a``, ``tokens``, best first. The same
    documents give the same shares in every run."""
    with _reproducible_hashes():
        return _compare(documents, stubs_document, work, common, display)


def _compare(documents, stubs_document, work, common, display):
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
                              display_t=display, autoopen=False, silent=True, out_file=str(work / "copydetect.html"))
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
    return pairs, detector


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


def page(title, pairs, count, more_than, display, shown=50):
    """The ranked pairs as an HTML page: the first ``shown``, and how they were computed."""
    rows = "\n".join(
        f"<tr{' class=flag' if flagged(p, display) else ''}><td>{rank}</td>"
        f"<td>{html.escape(p['a'])}</td><td>{html.escape(p['b'])}</td><td>{score(p):.2f}</td><td>{p['a_in_b']:.0%}</td>"
        f"<td>{p['b_in_a']:.0%}</td><td>{p['tokens']}</td></tr>"
        for rank, p in enumerate(pairs[:shown], 1))
    count_flagged = sum(flagged(p, display) for p in pairs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Similar submissions: {html.escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em; color: #222; }}
td:nth-child(2), td:nth-child(3) {{ overflow-wrap: anywhere; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #ddd; padding: .35em .6em; text-align: left; }}
td:nth-child(n+4), th:nth-child(n+4) {{ text-align: right; }}
tr.flag td {{ background: #fde7c8; }}
p.note {{ color: #555; }}
</style></head><body>
<h1>Similar submissions: {html.escape(title)}</h1>
<p>{count} submissions, {len(pairs)} pairs; <strong>{count_flagged}</strong> share more than {display:.0%} of one
side's own code, and at least {MIN_TOKENS} tokens (highlighted). Ranked by how much of both sides is shared (the geometric mean of the two
shares), so whole copies come first. The stubs' code, and code found in more than {more_than} submissions,
count for neither; comments and layout are ignored.</p>
<p class="note">"A in B" is the share of A's own code (beyond that boilerplate) found in B. A high share is a
reason to read both, not a verdict: <a href="copydetect.html">copydetect.html</a> shows the shared code of each
flagged pair side by side.</p>
<table><thead><tr><th>#</th><th>A</th><th>B</th><th>score</th><th>A in B</th><th>B in A</th><th>tokens shared</th></tr></thead>
<tbody>
{rows}
</tbody></table>
<p class="note">The first {min(shown, len(pairs))} pairs of {len(pairs)}; similarity.csv holds them all.</p>
</body></html>
"""


def _layout_module(assignment, folder):
    """The grader's ``submission_layout`` for ``assignment``: its copy beside the assignment's manifest."""
    import importlib.util

    from autograder import assignment as course

    folder.mkdir(parents=True)
    shutil.copyfile(course.SUPPORT / "submission_layout.py", folder / "submission_layout.py")
    shutil.copyfile(assignment.source / course.MANIFEST, folder / course.MANIFEST)
    spec = importlib.util.spec_from_file_location("similarity_submission_layout", folder / "submission_layout.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(assignment, submissions, out_dir, common=None, display=DEFAULT_DISPLAY):
    """Read ``submissions`` as the grader does, compare them, write the report into ``out_dir``; the pairs."""
    from autograder.grading.engine import read_submission
    from autograder.grading.grade import submission_names

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = [f for f in assignment.submitted_files if f.endswith(".py")]
    documents = {}
    with tempfile.TemporaryDirectory(prefix="similarity-") as scratch, BoundedLayout() as bounded:
        layout = _layout_module(assignment, Path(scratch) / "layout")
        for submission, name in zip(submissions, submission_names(submissions)):
            unpacked = Path(scratch) / "unpacked" / _file_name(name)
            unpacked.mkdir(parents=True)
            try:
                read_submission(submission, unpacked, assignment.submitted_files, layout)
            except Exception as error:  # noqa: BLE001 - one unreadable submission is left out, and said
                print(f"left out {name}: could not read it ({type(error).__name__}: {error})")
                continue
            slow = bounded.slow
            documents[name] = document(unpacked, files, bounded)
            if bounded.slow > slow:
                print(f"{name}: {bounded.slow - slow} file(s) took over {bounded.seconds:g} s to parse: compared "
                      "as written, without the canonical layout")
    pairs, detector = compare(documents, document(assignment.release, files), out_dir, common, display)
    if pairs:
        detector.generate_html_report()
    more_than = default_common(len(documents)) if common is None else common
    (out_dir / "similarity.csv").write_text(csv_text(pairs), encoding="utf-8")
    (out_dir / "similarity.html").write_text(page(assignment.title, pairs, len(documents), more_than, display),
                                             encoding="utf-8")
    return pairs
