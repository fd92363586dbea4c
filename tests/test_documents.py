"""The pages people read: Markdown that renders as written, and run times stated once and quoted the same."""
import ast
import re

import pytest

from autograder import assignment as course

PAGES = sorted([course.ROOT / "README.md", *(course.ROOT / "docs").glob("*.md"),
                *(a.source / "README.md" for a in course.every())])


def outside_code_blocks(text):
    """The lines of Markdown ``text`` that are not inside a fenced code block, with their numbers."""
    fenced = False
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced:
            yield number, line


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(course.ROOT)))
def test_every_heading_has_a_space_after_its_hashes(page):
    # Without the space, CommonMark renders "#How ..." as a paragraph that starts with a hash.
    lines = outside_code_blocks(page.read_text())
    assert [f"line {n}: {line}" for n, line in lines if re.match(r"#+[^#\s]", line)] == []


def announced_times(text, script):
    """Each "(under ...)" that follows ``python <script>`` within a line's length, in ``text``."""
    flat = " ".join(text.split())  # announcements wrap across lines
    return re.findall(rf"python {re.escape(script)}[^()]{{0,80}}?\((under [^)]*)\)", flat)


def notebook_markdown(assignment):
    """The Markdown cells of the assignment's notebook, as its grading/notebook.py writes them."""
    tree = ast.parse((assignment.source / "grading" / "notebook.py").read_text())
    return "\n".join(node.elts[1].value for node in ast.walk(tree)
                     if isinstance(node, ast.Tuple) and len(node.elts) == 2
                     and isinstance(node.elts[0], ast.Constant) and node.elts[0].value == "markdown")


def timed_scripts():
    """(assignment, script) of each provided script whose docstring states how long its default run takes
    (long enough that the pages announce it), with the assignment that holds it."""
    return [pytest.param(assignment, name, id=name) for assignment in course.every()
            for name in assignment.provided_files
            if name.endswith(".py") and assignment.file(name).parent == assignment.source
            and announced_times(ast.get_docstring(ast.parse(assignment.file(name).read_text())) or "", name)]


@pytest.mark.parametrize("assignment, script", timed_scripts())
def test_each_page_announces_the_run_time_the_scripts_docstring_states(assignment, script):
    source = (assignment.source / script).read_text()
    [measured] = announced_times(ast.get_docstring(ast.parse(source)), script)  # where the measurement is
    quoted = {str(page.relative_to(course.ROOT)): announced_times(page.read_text(), script) for page in PAGES}
    quoted["notebook"] = announced_times(notebook_markdown(assignment), script)
    assert quoted[f"solutions/{assignment.name}/README.md"] and quoted["notebook"]  # the student sees it
    assert {page: times for page, times in quoted.items() if set(times) - {measured}} == {}
