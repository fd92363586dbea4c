"""Written answers: read from the notebook as data, whatever its shape, and shown to the graders."""
import base64
import html
import html.parser
import json
import re
import sys

import pytest

from autograder import assignment as course
from autograder.build import notebook
from autograder.grading import written

ASSIGNMENTS = course.every()
# The reader and the pages are the grader's, whatever the assignment: they are tested on the notebook of
# the assignment with the most written questions (two at least: an answer left out is then seen).
WRITTEN = max(ASSIGNMENTS, key=lambda a: len(a.written))
QUESTIONS = [q.name for q in WRITTEN.written]


def course_notebook(answers=None, assignment=WRITTEN):
    """The course's notebook as JSON text, each placeholder replaced by the next of ``answers`` (None: kept)."""
    nb = json.loads(notebook_text(assignment))
    queue = list(answers or [])
    for cell in nb["cells"]:
        if "".join(cell["source"]) == written.PLACEHOLDER and queue:
            answer = queue.pop(0)
            if answer is not None:
                cell["source"] = answer
    return json.dumps(nb)


def notebook_text(assignment):
    import nbformat

    return nbformat.writes(notebook.notebook(assignment))


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=course.names())
def test_the_notebook_holds_exactly_the_manifests_written_questions_in_order(assignment):
    text = notebook_text(assignment)
    nb = json.loads(text)
    begins = [c for c in nb["cells"] if written.BEGIN in "".join(c["source"])]
    named = [written._NAME.search("".join(c["source"])).group(1) for c in begins]
    assert named == [q.name for q in assignment.written]
    assert all(c["metadata"].get("editable") is False for c in begins)  # locked, as Otter Assign locks them


def notebook_support():
    """The notebook's helpers, as the student's folder holds them."""
    import importlib.util

    from autograder.build.release import MACHINERY

    folder = WRITTEN.release / MACHINERY
    spec = importlib.util.spec_from_file_location("notebook_support", folder / "notebook_support.py")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(folder))  # as the notebook's set-up cell puts it: the helpers import procedures
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(folder))
    return module


def notebooks_unanswered(text, tmp_path):
    """What the notebook's own ``unanswered()`` says of a saved notebook ``text``."""
    path = tmp_path / WRITTEN.notebook
    path.write_text(text)
    return notebook_support().unanswered(str(path))


def test_the_notebooks_helpers_know_the_placeholder_and_the_students_files():
    helpers = notebook_support()
    assert helpers.PLACEHOLDER == written.PLACEHOLDER
    assert helpers.YOUR_FILES == WRITTEN.submitted_files


@pytest.mark.parametrize("answers, left", [
    (None, QUESTIONS),
    (["The forget gate keeps $f \\approx 1$."], QUESTIONS[1:]),
    ([None, "Only the LSTM carries it."], QUESTIONS[:1]),
    (["a", "b"], []),
    (["   "], QUESTIONS),  # blank is not an answer either
])
def test_the_export_cell_names_each_written_answer_still_the_placeholder(answers, left, tmp_path):
    assert notebooks_unanswered(course_notebook(answers), tmp_path) == left


def test_an_answer_typed_into_the_prompt_cell_counts(tmp_path):
    nb = json.loads(course_notebook())
    prompt = next(c for c in nb["cells"] if f"Question `{QUESTIONS[0]}`" in "".join(c["source"]))
    prompt["source"] = "".join(prompt["source"]) + "\n\nMy answer, typed here."
    assert notebooks_unanswered(json.dumps(nb), tmp_path) == QUESTIONS[1:]
    assert written.read_answers(json.dumps(nb).encode(), QUESTIONS)[QUESTIONS[0]].text == "My answer, typed here."


def test_answers_are_read_as_typed_and_placeholders_are_not_answers():
    answers = written.read_answers(course_notebook(["The forget gate keeps $f \\approx 1$.\n\n* a list"]), QUESTIONS)
    assert answers[QUESTIONS[0]] == written.Answer("The forget gate keeps $f \\approx 1$.\n\n* a list")
    assert answers[QUESTIONS[1]].text is None
    assert "placeholder" in answers[QUESTIONS[1]].note


def test_an_answer_in_several_cells_or_code_cells_is_kept_whole():
    nb = json.loads(course_notebook())
    i = next(k for k, c in enumerate(nb["cells"]) if "".join(c["source"]) == written.PLACEHOLDER)
    nb["cells"][i]["source"] = "First part."
    nb["cells"].insert(i + 1, {"cell_type": "code", "source": "print(1)", "metadata": {}, "outputs": []})
    answer = written.read_answers(json.dumps(nb), QUESTIONS)[QUESTIONS[0]]
    assert answer.text == "First part.\n\n```python\nprint(1)\n```"


def test_an_answer_typed_into_the_prompt_cell_is_found():
    nb = json.loads(course_notebook())
    prompt = next(c for c in nb["cells"] if f"Question `{QUESTIONS[0]}`" in "".join(c["source"]))
    prompt["source"] = "".join(prompt["source"]) + "\n\nMy answer, in the prompt's cell."
    assert written.read_answers(json.dumps(nb), QUESTIONS)[QUESTIONS[0]].text == "My answer, in the prompt's cell."


@pytest.mark.parametrize("data", [b"not json", b"[1, 2]", b'{"cells": 3}', b"[" * 100_000 + b"]" * 100_000,
                                  b'{"cells": [{"source": 7}, 5, {"source": ["<!-- BEGIN QUESTION -->", 3]}]}'],
                         ids=["text", "a list", "cells not a list", "nested deeper than the parser goes", "odd cells"])
def test_any_notebook_bytes_give_every_question_an_answer_or_a_reason(data):
    answers = written.read_answers(data, QUESTIONS)
    assert set(answers) == set(QUESTIONS)
    assert all(a.text is None and a.note for a in answers.values())


def test_a_long_answer_is_cut_and_says_so():
    answer = written.read_answers(course_notebook(["x" * 50_000]), QUESTIONS)[QUESTIONS[0]]
    assert len(answer.text) < written.MAX_ANSWER_CHARS + 100 and "cut" in answer.note


def test_the_notebook_is_found_anywhere_and_the_courses_name_wins(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "scratch.ipynb").write_text("{}")
    (tmp_path / "a" / "b" / WRITTEN.notebook).write_text(course_notebook(["deep"]))
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / WRITTEN.notebook).write_text(course_notebook(["old checkpoint"]))
    answers = written.answers_of(tmp_path, WRITTEN.notebook, QUESTIONS)
    assert answers[QUESTIONS[0]].text == "deep"


def test_no_notebook_says_so(tmp_path):
    assert {a.note for a in written.answers_of(tmp_path, WRITTEN.notebook, QUESTIONS).values()} == {
        "no notebook in the submission"}


class Tags(html.parser.HTMLParser):
    """Every start tag of a page, with its attributes."""

    def __init__(self, page):
        super().__init__()
        self.tags = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def one_answer_page(text):
    return written.question_page(WRITTEN.title, WRITTEN.written[0], [("alice", written.Answer(text))], QUESTIONS)


def test_the_page_escapes_what_students_type():
    rows = [("alice", written.Answer("<script>alert(1)</script> & $x$")), ("bob", written.Answer(None, "no notebook"))]
    page = written.question_page(WRITTEN.title, WRITTEN.written[0], rows, QUESTIONS)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; $x$" in page
    assert "Content-Security-Policy" in page and "1 of 2 submissions answered" in page


def test_html_a_student_writes_stays_inert_text():
    page = one_answer_page('<script>alert(1)</script> <img src=x onerror="alert(2)"> <a href="javascript:alert(3)">a</a>'
                           "\n\n[click](javascript:alert(4)) <iframe src=https://example.com></iframe> $<b>x</b>$")
    tags = Tags(page).tags
    assert not [t for t, _ in tags if t in ("script", "iframe", "object", "embed", "link")]
    assert not [(t, a) for t, a in tags if any(k.startswith("on") for k in a)]
    assert not [a for _, a in tags if "javascript:" in a.get("href", "")]
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in page and "x</b>" not in page


def test_markdown_is_drawn_bold_lists_code_and_tables():
    page = one_answer_page("**Bias 0:** the gate is *open*.\n\n* one\n* two\n\n1. first\n\n`sigmoid(3)`\n\n"
                           "```python\nprint(1)\n```\n\n| bias | f |\n|---|---|\n| 3 | 0.95 |")
    answer = page.split('<div class="answer">', 1)[1].split("</div>", 1)[0]
    for drawn in ("<strong>Bias 0:</strong>", "<em>open</em>", "<li>one</li>", "<ol>\n<li>first</li>",
                  "<code>sigmoid(3)</code>", '<pre><code class="language-python">print(1)', "<td>0.95</td>"):
        assert drawn in answer, drawn
    assert "**" not in answer


def svg_images(page):
    return [(a["alt"], base64.b64decode(a["src"].split(",", 1)[1]).decode())
            for t, a in Tags(page).tags if t == "img" and a.get("src", "").startswith("data:image/svg+xml;base64,")]


def test_maths_is_drawn_offline_as_svg_and_money_is_not_maths():
    page = one_answer_page("Bias 0: $f \\approx \\sigma(0)$, costs $5 or $10.\n\n$$\\prod_{t=1}^{T} f_t$$")
    images = svg_images(page)
    assert [alt for alt, _ in images] == ["f \\approx \\sigma(0)", "\\prod_{t=1}^{T} f_t"]
    assert all(svg.lstrip().startswith("<?xml") and "<svg" in svg and "<path" in svg for _, svg in images)
    assert '<div class="math block">' in page and "costs $5 or $10." in page


def test_tex_mathtext_cannot_read_is_shown_as_its_source():
    page = one_answer_page("$\\begin{align} a &= b \\\\ c \\end{align}$")
    assert not svg_images(page)
    assert '<code class="tex"' in page and "$\\begin{align} a &amp;= b \\\\ c \\end{align}$</code>" in page


def test_the_answer_as_typed_is_one_click_away():
    text = "**Bias 0:** $f \\approx 0.5$ <b>"
    page = one_answer_page(text)
    typed = page.split("<details><summary>", 1)[1].split("</details>", 1)[0]
    assert f"<pre>{html.escape(text)}</pre>" in typed


def resources(page):
    """Everything a page would load: src attributes, stylesheets, CSS url()s and imports."""
    found = [a["src"] for _, a in Tags(page).tags if "src" in a]
    found += [a.get("href", "") for t, a in Tags(page).tags if t == "link"]
    return found + re.findall(r"url\(([^)]*)\)|@import\s+(\S+)", page)


# ------------------------------------------------------------ what a TA opens
# Headless, and offline: every request that leaves the machine goes to a closed port.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>"]


def chromium_or_skip():
    import shutil

    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("no chromium here (Debian: apt-get install chromium)")
    return chromium


def open_in_chromium(page, profile, *how):
    """Chromium's run on ``page`` (``how``: --dump-dom, --screenshot=...), its console on stderr: a
    resource the page's Content-Security-Policy refuses is logged there."""
    import subprocess

    return subprocess.run([chromium_or_skip(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr",
                           "--v=0", *how, page.as_uri()], capture_output=True, text=True, timeout=120)


def batch_of_submissions(root):
    """Five uploads as TAs get them: answered, half answered, no notebook, the export inside a folder, broken."""
    import zipfile

    def upload(name, answers, with_notebook=True):
        path = root / f"{name}.zip"
        with zipfile.ZipFile(path, "w") as archive:
            for file in WRITTEN.submitted_files:
                archive.write(WRITTEN.source / file, file)
            if with_notebook:
                archive.writestr(WRITTEN.notebook, course_notebook(answers))
        return path

    upload("alice", ["A forget bias of 3 keeps $f \\approx 0.95$: <script>document.title='ran'</script>\n\n"
                     "- with bias 0, $\\prod_{t=1}^{200} f_t \\approx 0.5^{200}$\n- with bias 3, **it survives**",
                     "Over 50 steps the RNN's gradient is **vanishing**. ![my plot](https://example.com/plot.png)"])
    upload("bob", [None, "Clipping bounds only exploding gradients."])
    upload("carol", [], with_notebook=False)
    (root / "dave").mkdir()
    (root / "dave" / "export.zip").write_bytes(upload("dave-export", ["From inside a folder."]).read_bytes())
    (root / "dave-export.zip").unlink()
    (root / "eve.zip").write_bytes(b"not a zip")
    return sorted(root.iterdir())


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """--out of `python -m autograder grade` on ``batch_of_submissions``."""
    import subprocess
    import sys

    root = tmp_path_factory.mktemp("graded")
    (root / "in").mkdir()
    submissions = batch_of_submissions(root / "in")
    run = subprocess.run([sys.executable, "-m", "autograder", "grade", "--assignment", WRITTEN.name,
                          *map(str, submissions), "--out", str(root / "out")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    return root / "out"


def test_each_answer_links_to_that_submissions_feedback(graded):
    for page in sorted((graded / "written").glob("*.html")):
        text = page.read_text()
        sections = re.findall(r'<section id="([^"]+)"[^>]*><h2>[^<]*<a href="([^"]+)">feedback</a></h2>', text)
        assert [name for name, _ in sections] == ["alice", "bob", "carol", "dave", "eve"]
        for name, link in sections:
            assert (page.parent / link).resolve() == (graded / name / "feedback.txt").resolve()
            assert (page.parent / link).is_file()


def test_no_written_page_loads_anything_but_its_own_images(graded):
    pages = sorted((graded / "written").glob("*.html"))
    assert [p.stem for p in pages] == sorted(QUESTIONS)
    for page in pages:
        text = page.read_text()
        assert [r for r in resources(text) if not r.startswith("data:image/svg+xml;base64,")] == []
        csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', text).group(1)
        assert csp == "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    assert '<a href="https://example.com/plot.png">[image: my plot]</a>' in (graded / "written" / f"{QUESTIONS[1]}.html").read_text()


@pytest.mark.browser
def test_the_written_answers_page_shows_every_submission_in_a_real_browser(graded, tmp_path):
    question = WRITTEN.written[0]
    page = graded / "written" / f"{question.name}.html"
    run = open_in_chromium(page, tmp_path / "profile", "--dump-dom")
    dom = run.stdout
    title = f"<title>{html.escape(WRITTEN.title)}: written question {question.name} ({question.points:g} points)</title>"
    assert title in dom  # no script ran
    assert "Content Security Policy" not in run.stderr  # nothing the page holds was refused
    assert "2 of 5 submissions answered" in dom
    for name, shown in [("alice", "A forget bias of 3 keeps $f \\approx 0.95$: &lt;script&gt;"),
                        ("alice", '<img class="math" alt="f \\approx 0.95" src="data:image/svg+xml;base64,'),
                        ("alice", "<strong>it survives</strong>"),
                        ("bob", "not answered (the placeholder is still there)"),
                        ("carol", "no notebook in the submission"), ("dave", "From inside a folder."),
                        ("eve", "not graded (error)")]:
        section = dom.split(f'<section id="{name}"', 1)[1].split("</section>", 1)[0]
        assert shown in section, (name, section)
    shot = tmp_path / "page.png"
    open_in_chromium(page, tmp_path / "profile", "--window-size=1100,1300", f"--screenshot={shot}")
    assert shot.stat().st_size > 20_000  # a page was drawn, not a blank one
