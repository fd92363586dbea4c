"""The written answers of a submission, read from its notebook, for the people who grade them by hand.

A written question sits in the notebook between Otter's markup cells ``<!-- BEGIN QUESTION -->``
and ``<!-- END QUESTION -->``; its prompt names it (``**Question `name`** ...``, the name listed
under ``[[written]]`` in the manifest) and the cells after the prompt are the answer. The
notebook is data here: read as JSON, never run. Whatever it holds, a reading gives every
written question of the manifest an ``Answer``: its text, or ``None`` and why there is none.
"""
import base64
import functools
import html
import io
import json
import os
import re
import urllib.parse
from dataclasses import dataclass

BEGIN, END = "<!-- BEGIN QUESTION -->", "<!-- END QUESTION -->"
PLACEHOLDER = "_Type your answer here, replacing this text._"
_NAME = re.compile(r"Question `([A-Za-z_][A-Za-z0-9_]*)`")
_POINTS_LINE = re.compile(r"^_Points:_.*$", re.M)
MAX_ANSWER_CHARS = 20_000  # a pasted log cannot flood the grader's page
MAX_NOTEBOOK_BYTES = 20 * 2**20
MAX_DEPTH = 32


@dataclass
class Answer:
    text: str | None  # the answer as the student typed it (Markdown), or None
    note: str = ""  # why there is no text, or what was done to it


def notebook_cells(question):
    """The notebook's cells of a written question, (kind, source): Otter's markup around the prompt
    and the placeholder the student replaces."""
    return [
        ("markdown", f"{BEGIN}\n\n**Question `{question.name}` (written, graded by hand).** {question.prompt}"
                     f"\n\nDouble-click the cell below and replace its text with your answer (Markdown)."
                     f"\n\n_Points:_ {question.points:g}"),
        ("markdown", PLACEHOLDER),
        ("markdown", END),
    ]


def _source(cell):
    source = cell.get("source", "") if isinstance(cell, dict) else ""
    if isinstance(source, list):
        source = "".join(part for part in source if isinstance(part, str))
    return source if isinstance(source, str) else ""


def _blocks(cells):
    """name -> (prompt cell's text, [(cell type, text) of the answer]) of every marked question."""
    blocks, current = {}, None
    for cell in cells:
        text = _source(cell)
        if BEGIN in text:
            current = {"name": None, "prompt": "", "answer": []}
            text = text.split(BEGIN, 1)[1]
        elif current is not None and END in text:
            before = text.split(END, 1)[0].strip()
            if before:
                current["answer"].append((cell.get("cell_type"), before))
            current = None
            continue
        elif current is None:
            continue
        else:
            current["answer"].append((cell.get("cell_type"), text))
            text = ""
        if current is not None and current["name"] is None:
            found = _NAME.search(text)
            if found:  # this cell is the prompt; an answer typed into it comes after its points line
                current["name"], current["prompt"] = found.group(1), text
                current["answer"].clear()
                blocks.setdefault(found.group(1), current)
    return {name: (block["prompt"], block["answer"]) for name, block in blocks.items()}


def _answer(prompt, cells):
    parts = []
    typed_into_prompt = _POINTS_LINE.split(prompt)[-1].strip() if _POINTS_LINE.search(prompt) else ""
    if typed_into_prompt:
        parts.append(typed_into_prompt)
    for cell_type, text in cells:
        text = text.strip()
        if not text or text == PLACEHOLDER:
            continue
        parts.append(f"```python\n{text}\n```" if cell_type == "code" else text)
    if not parts:
        still = any(text.strip() == PLACEHOLDER for _, text in cells)
        return Answer(None, "not answered (the placeholder is still there)" if still else "not answered (empty)")
    text = "\n\n".join(parts)
    if len(text) > MAX_ANSWER_CHARS:
        return Answer(text[:MAX_ANSWER_CHARS] + "\n\n... (cut)", f"cut to {MAX_ANSWER_CHARS:,} characters")
    return Answer(text)


def read_answers(notebook_bytes, names):
    """Every name's ``Answer`` from a notebook's bytes; a notebook that cannot be read is said so."""
    try:
        notebook = json.loads(notebook_bytes)
        cells = notebook.get("cells") if isinstance(notebook, dict) else None
        if not isinstance(cells, list):
            raise ValueError("it has no list of cells")
    except Exception as error:  # noqa: BLE001 - JSON of any shape (or depth) is the student's, not ours
        reason = f"the notebook could not be read ({type(error).__name__})"
        return {name: Answer(None, reason) for name in names}
    blocks = _blocks(cells)
    return {name: _answer(*blocks[name]) if name in blocks else Answer(None, "the question is not in the notebook")
            for name in names}


def find_notebook(folder, preferred):
    """The submission's notebook under ``folder``: the one named ``preferred`` nearest the top, else the
    nearest other ``.ipynb`` (checkpoints and macOS's resource folders aside); None if there is none."""
    found, stack = [], [(os.fspath(folder), 0)]
    while stack:
        here, depth = stack.pop()
        try:
            with os.scandir(here) as entries:
                entries = list(entries)
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if depth < MAX_DEPTH and entry.name not in (".ipynb_checkpoints", "__MACOSX"):
                    stack.append((entry.path, depth + 1))
            elif entry.name.endswith(".ipynb") and entry.is_file(follow_symlinks=False):
                found.append((entry.name != preferred, depth, entry.path))
    return min(found)[2] if found else None


def answers_of(folder, preferred, names):
    """name -> Answer for the submission unpacked in ``folder``."""
    path = find_notebook(folder, preferred) if names else None
    if path is None:
        return {name: Answer(None, "no notebook in the submission") for name in names}
    if os.path.getsize(path) > MAX_NOTEBOOK_BYTES:
        return {name: Answer(None, "the notebook is too large to read") for name in names}
    with open(path, "rb") as f:
        return read_answers(f.read(), names)


def gradescope_entry(question, answer):
    """A visible, unscored results.json entry that shows one written answer to the graders."""
    body = answer.text if answer.text is not None else f"*{answer.note}*"
    if answer.text is not None and answer.note:
        body += f"\n\n*({answer.note})*"
    return {
        "name": f"Written answer: {question.name} ({question.points:g} points, graded by hand)",
        "output": body,
        "output_format": "md",
        "visibility": "visible",
    }


# ------------------------------------------------------------ the graders' pages
# Markdown and mathematics are drawn here, offline: markdown-it-py and its dollarmath plugin come with
# otter-grader (through jupytext), matplotlib's mathtext draws each formula as an SVG image in the
# page. Raw HTML a student types stays text; the page loads nothing but data: images.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
MATH_POINTS = 12  # the size of the formulas, the page's text size
MAX_FORMULA_CHARS = 500  # longer is shown as TeX source: the parser's time grows with it


def render_markdown(text):
    """A student's Markdown as HTML: CommonMark with tables and strikethrough, ``$...$`` and ``$$...$$``
    drawn (``math_html``), any HTML the student wrote escaped, an image a link to it (never loaded)."""
    return _markdown().render(text)


@functools.cache
def _markdown():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    # No digit or space inside the dollars' edges: "costs $5, or $10" is money, not a formula.
    md.use(dollarmath_plugin, allow_labels=False, allow_space=False, allow_digits=False, double_inline=True,
           renderer=lambda tex, options: math_html(tex, options["display_mode"]))

    def image_as_link(self, tokens, idx, options, env):
        token = tokens[idx]
        alt = self.renderInlineAsText(token.children or [], options, env)
        return (f'<a href="{html.escape(token.attrGet("src") or "", quote=True)}">'
                f"[image: {html.escape(alt or 'no description')}]</a>")

    md.add_render_rule("image", image_as_link)
    return md


@functools.lru_cache(maxsize=4096)
def math_html(tex, display=False):
    """``tex`` drawn by matplotlib's mathtext, as an image holding its SVG (the TeX source its
    alternative text); what mathtext cannot draw is shown as TeX source, and says so."""
    fence = "$$" if display else "$"
    try:
        if len(tex) > MAX_FORMULA_CHARS:
            raise ValueError("too long")
        svg, depth = _mathtext_svg(tex, MATH_POINTS * (1.2 if display else 1))
    except Exception:  # noqa: BLE001 - any TeX a student types; mathtext knows a subset of it
        return (f'<code class="tex" title="not drawn: matplotlib\'s mathtext cannot read it">'
                f"{html.escape(fence + tex + fence)}</code>")
    data = base64.b64encode(svg).decode("ascii")
    return (f'<img class="math" alt="{html.escape(tex, quote=True)}" src="data:image/svg+xml;base64,{data}" '
            f'style="vertical-align: -{depth:.2f}pt">')


def _mathtext_svg(tex, points):
    """(SVG bytes, depth below the baseline in points) of ``$tex$``, closely cropped, the same bytes
    for the same formula (no date in it)."""
    from matplotlib import mathtext, rc_context
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    formula, font = f"${tex}$", FontProperties(size=points)
    with rc_context({"svg.hashsalt": "written-answers", "svg.fonttype": "path"}):
        width, height, depth, _, _ = mathtext.MathTextParser("path").parse(formula, dpi=72, prop=font)
        figure = Figure(figsize=(width / 72, height / 72))
        figure.text(0, depth / height, formula, fontproperties=font)
        out = io.BytesIO()
        figure.savefig(out, format="svg", transparent=True, metadata={"Date": None})
    return out.getvalue(), depth


PAGE = """<!DOCTYPE html>
<!-- Written by python -m autograder grade (autograder/grading/written.py). -->
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; }}
h1 {{ font-size: 1.5rem; }} h2 {{ font-size: 1.1rem; margin: 0 0 .5rem; }}
h2 a {{ font-size: .85rem; font-weight: normal; margin-left: .75rem; }}
nav a {{ margin-right: 1rem; }}
.summary {{ color: #444; }}
.prompt {{ background: #f3f5f8; border-left: 4px solid #3b6ea5; padding: .1rem 1rem; }}
section {{ border: 1px solid #d0d4da; border-radius: 6px; padding: .75rem 1rem; margin: 1rem 0; }}
section.missing {{ background: #fbf6ea; border-color: #e2c98f; }}
.answer {{ overflow-wrap: anywhere; line-height: 1.5; }}
.answer code {{ font-family: ui-monospace, monospace, monospace; font-size: .95em; }}  /* not the browser's smaller monospace */
.answer pre {{ background: #f6f6f6; padding: .5rem; overflow-x: auto; }}
.answer table {{ border-collapse: collapse; }} .answer th, .answer td {{ border: 1px solid #ccc; padding: .2rem .5rem; }}
div.math {{ text-align: center; margin: .5rem 0; }}
code.tex {{ background: #fff1f0; }}
details {{ margin-top: .5rem; color: #444; }}
details pre {{ white-space: pre-wrap; overflow-wrap: anywhere; font-size: .9rem; background: #f6f6f6; padding: .5rem; }}
.note {{ color: #6b4e00; font-style: italic; }}
</style>
</head>
<body>
<nav>{nav}</nav>
<h1>{title}</h1>
<p class="summary">{summary}</p>
<div class="prompt">{prompt}</div>
{sections}
</body>
</html>
"""


def _answer_section(name, answer, feedback):
    """One submission's answer: rendered, then as typed (one click away), with a link to its feedback."""
    anchor = html.escape(re.sub(r"[^A-Za-z0-9_.-]", "_", name), quote=True)
    link = (f'<a href="{html.escape(urllib.parse.quote(feedback), quote=True)}">feedback</a>'
            if feedback else "")
    body = ""
    if answer.text is not None:
        body = (f'<div class="answer">{render_markdown(answer.text)}</div>'
                f"<details><summary>As typed (Markdown)</summary><pre>{html.escape(answer.text)}</pre></details>")
    note = f'<p class="note">{html.escape(answer.note)}</p>' if answer.note else ""
    css = "" if answer.text is not None else ' class="missing"'
    return f'<section id="{anchor}"{css}><h2>{html.escape(name)}{link}</h2>{body}{note}</section>'


def question_page(assignment_title, question, rows, others, feedback=None):
    """One page: ``question``'s prompt, then every submission's answer (``rows``: (name, Answer)), its
    Markdown and mathematics drawn (nothing a student writes runs or loads in the grader's browser)
    and as typed. ``feedback``: name -> the link to that submission's feedback, relative to the page."""
    answered = sum(answer.text is not None for _, answer in rows)
    sections = [_answer_section(name, answer, (feedback or {}).get(name)) for name, answer in rows]
    nav = " ".join(f'<b>{html.escape(other)}</b>' if other == question.name else
                   f'<a href="{html.escape(other, quote=True)}.html">{html.escape(other)}</a>' for other in others)
    return PAGE.format(
        csp=CSP, title=html.escape(f"{assignment_title}: written question {question.name} ({question.points:g} points)"),
        nav=nav, prompt=render_markdown(question.prompt.strip()),
        summary=f"{answered} of {len(rows)} submissions answered; each answer drawn from its Markdown, "
                "the text as typed under it.",
        sections="\n".join(sections))
