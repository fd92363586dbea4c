"""A graded submission, and the files made from it: Gradescope's results.json, feedback.txt, grades.csv."""
import csv
import json
import math
import io
import re
from dataclasses import dataclass, field

from autograder.grading import written


MAX_OUTPUT_CHARS = 20_000  # per results.json entry: a runaway message cannot flood the page

# Terminal escape sequences (CSI ... final byte, OSC ... BEL or ST, and two-character ESC x),
# then every other control character: C0 (tab and newline included), DEL, C1, the Unicode line
# and paragraph separators and the bidirectional overrides that reorder what a terminal shows.
_ESCAPES = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x1b.?",
                      re.DOTALL)
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_CONTROLS_BUT_TAB = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def clean_text(text, newlines=False):
    """``text`` with no terminal escape and no control character: each becomes a space (an
    escape sequence disappears). With ``newlines``, for texts of several lines, line breaks
    (\\n, and \\r\\n as one) and tabs are kept; a lone \\r is not. Every text the grader writes
    (grades.csv, results.json, feedback.txt, the console table) goes through here."""
    text = _ESCAPES.sub("", str(text))
    if not newlines:
        return _CONTROLS.sub(" ", text)
    return "\n".join(_CONTROLS_BUT_TAB.sub(" ", line) for line in text.replace("\r\n", "\n").split("\n"))


@dataclass
class CheckResult:
    """One check of a graded submission, as the reports write it."""
    question: str
    name: str
    points: float
    hidden: bool
    passed: bool
    # The value of its verdicts.Verdict (the checks decide it), which heads its line: passed, FAILED,
    # "not checked:" or "not run:". A value rather than the enum: outcomes come back from the grading
    # processes, where the checks' modules are loaded, to one that never imports them.
    verdict: str
    details: str = ""  # what the check said after its verdict; empty when it passed


@dataclass
class Outcome:
    name: str
    status: str = "ok"  # ok, timeout or error
    scores: dict = field(default_factory=dict)
    cases: list = field(default_factory=list)  # CheckResult, in the order the checks ran
    message: str = ""  # for the student: how the submission was read, what was missing
    sandbox_note: str = ""  # the isolation layers its sandbox lacked: for the grader's log, never the student
    written: dict = field(default_factory=dict)  # written question -> written.Answer, from the notebook

    @property
    def log_message(self):
        """The message with the sandbox's missing layers: the gradebook's and the console's, not the student's."""
        return "; ".join(part for part in (self.message, self.sandbox_note) if part)

    @property
    def total(self):
        return round(sum(self.scores.values()), 5)


def _clip(text):
    return text if len(text) <= MAX_OUTPUT_CHARS else text[:MAX_OUTPUT_CHARS] + "\n... (output cut)"


def _worth(points):
    return f"{points:g} pt{'s' if points != 1 else ''}"


# What a student sees of the checks, in every report alike (feedback.txt, results.json, the TA's copy):
# every check's name, points and verdict (verdicts.Verdict: a check never claims a property failed
# unjudged, and a check not run says why, hidden or not); a failure's details (what was expected, what came back, a
# hint) at once for a public check, and for a hidden one once grades are published. feedback.txt is
# the published view; results.json shows the hidden checks in an entry visible after publishing.
# A reason shared by several checks is written out once (checking._once): the others point back to it.
PUBLISHED_NOTE = ("Every check in full, as Gradescope shows them once grades are published\n"
                  "(before that, it shows the hidden checks' names and points only).")


def _check_lines(case, mark_hidden):
    heading = f"{'[hidden] ' if mark_hidden and case.hidden else ''}{case.name} ({_worth(case.points)}): {case.verdict}"
    details = _clip(case.details.strip("\n"))
    return [heading, *("    " + line for line in details.split("\n") if details.strip())]


def _checks_text(cases, mark_hidden=False):
    return "\n".join("\n".join(_check_lines(case, mark_hidden)) for case in cases)


def gradescope_results(outcome, points, written_questions=()):
    """results.json: per question a visible entry with the public checks, and a scored entry with the
    hidden ones, shown to students once grades are published (see PUBLISHED_NOTE); then per written
    question a visible, unscored entry with the student's answer (Markdown), for the graders who
    mark it by hand beside the autograder's score."""
    tests = []
    for question in points:  # in the manifest's order
        cases = [c for c in outcome.cases if c.question == question]
        public = [c for c in cases if not c.hidden]
        hidden = [c for c in cases if c.hidden]
        public_text, hidden_text = _checks_text(public), _checks_text(hidden)
        if cases and not hidden:
            hidden_text = "This question has no hidden checks: its public checks above are all of them."
        tests.append({
            "name": f"{question} (public checks)",
            "visibility": "visible",
            "status": "passed" if public and all(c.passed for c in public) else "failed",
            "output": clean_text(_clip(public_text or outcome.message or "not graded"), newlines=True),
        })
        tests.append({
            "name": question,
            "score": outcome.scores.get(question, 0.0),
            "max_score": points[question],
            "visibility": "after_published",
            "output": clean_text(_clip(hidden_text or outcome.message or "not graded"), newlines=True),
        })
    for question in written_questions:
        answer = outcome.written.get(question.name) or written.Answer(None, "not graded")
        entry = written.gradescope_entry(question, answer)
        tests.append({**entry, "output": clean_text(entry["output"], newlines=True)})
    return {
        "score": outcome.total, "visibility": "visible", "stdout_visibility": "hidden",
        "output": clean_text(f"Status: {outcome.status}. {outcome.message}".strip()), "tests": tests,
    }


def feedback_text(outcome, points, written_questions=()):
    """What a student may read once grades are published: scores, every check in full (PUBLISHED_NOTE),
    and whether each written answer was found."""
    lines = [f"Submission: {outcome.name}", f"Status: {outcome.status}"]
    if outcome.message:
        lines.append(f"Note: {outcome.message}")
    lines += [f"Total: {outcome.total:g} / {sum(points.values()):g}", PUBLISHED_NOTE, ""]
    for question in points:
        lines.append(f"== {question}: {outcome.scores.get(question, 0):g} / {points[question]:g}")
        cases = [c for c in outcome.cases if c.question == question]
        for part in ([c for c in cases if not c.hidden], [c for c in cases if c.hidden]):
            if part:  # each part capped as its results.json entry is
                lines.extend("  " + line for line in _clip(_checks_text(part, mark_hidden=True)).split("\n"))
        lines.append("")
    if written_questions:
        lines.append("== written answers (graded by hand, outside the total)")
        for question in written_questions:
            answer = outcome.written.get(question.name) or written.Answer(None, "not graded")
            found = "received" if answer.text is not None else answer.note
            lines.append(f"  {question.name} ({question.points:g} points): {found}")
        lines.append("")
    return clean_text("\n".join(lines), newlines=True)


def format_score(score):
    """A score as the gradebook and the console show it: ``12`` when whole, else ``12.5`` (at most 4 decimals)."""
    return f"{score:.4f}".rstrip("0").rstrip(".")


def gradebook_text(outcomes, questions):
    """grades.csv: one row per outcome, every cell on one line, free of control characters."""
    f = io.StringIO(newline="")
    writer = csv.writer(f)
    writer.writerow(["submission", *questions, "total", "status", "message"])
    for o in outcomes:
        scores = [o.scores.get(q, 0) for q in questions] + [o.total]
        writer.writerow(clean_text(cell) for cell in [o.name, *map(format_score, scores), o.status, o.log_message])
    return f.getvalue()


# Gradescope's documented results.json: what each key may hold (its autograder specification).
GRADESCOPE_FORMATS = ("text", "html", "simple_format", "md", "ansi")
GRADESCOPE_VISIBILITY = ("hidden", "after_due_date", "after_published", "visible")
_NUMBER, _TEXT, _OBJECT, _LIST = (int, float), str, dict, list
_TOP_KEYS = {"score": _NUMBER, "execution_time": _NUMBER, "output": _TEXT, "output_format": GRADESCOPE_FORMATS,
             "test_output_format": GRADESCOPE_FORMATS, "test_name_format": GRADESCOPE_FORMATS,
             "visibility": GRADESCOPE_VISIBILITY, "stdout_visibility": GRADESCOPE_VISIBILITY,
             "extra_data": _OBJECT, "tests": _LIST, "leaderboard": _LIST}
_TEST_KEYS = {"score": _NUMBER, "max_score": _NUMBER, "status": ("passed", "failed"), "name": _TEXT,
              "name_format": GRADESCOPE_FORMATS, "number": _TEXT, "output": _TEXT,
              "output_format": GRADESCOPE_FORMATS, "tags": _LIST, "visibility": GRADESCOPE_VISIBILITY,
              "extra_data": _OBJECT}


def _key_problems(where, data, allowed):
    problems = []
    for key, value in data.items():
        kind = allowed.get(key)
        if kind is None:
            problems.append(f"{where}: unknown key {key!r}")
        elif isinstance(kind, tuple) and isinstance(kind[0], str):
            if value not in kind:
                problems.append(f"{where}.{key} = {value!r}, not one of {', '.join(kind)}")
        elif isinstance(value, bool) or not isinstance(value, kind):
            problems.append(f"{where}.{key} is {type(value).__name__}")
        elif kind is _NUMBER and not math.isfinite(value):
            problems.append(f"{where}.{key} is {value}")
    return problems


def gradescope_format_problems(text):
    """How the text of a results.json departs from Gradescope's documented format; [] when it does not.

    Strict JSON (no NaN or Infinity); a top-level object of the documented keys; a ``score`` at
    the top or on every test; each test an object of the documented keys with a ``name``.
    """
    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")

    try:
        report = json.loads(text, parse_constant=refuse)
    except ValueError as error:
        return [f"not JSON: {error}"]
    if not isinstance(report, dict):
        return ["not JSON: the top level is not an object"]
    problems = _key_problems("results", report, _TOP_KEYS)
    tests = report.get("tests", [])
    for number, test in enumerate(tests if isinstance(tests, list) else []):
        if not isinstance(test, dict):
            problems.append(f"tests[{number}] is not an object")
            continue
        problems += _key_problems(f"tests[{number}]", test, _TEST_KEYS)
        if "name" not in test:
            problems.append(f"tests[{number}] has no name")
        if ("max_score" in test) and "score" not in test:
            problems.append(f"tests[{number}] has a max_score but no score")
    if "score" not in report and not (tests and all(isinstance(t, dict) and "score" in t for t in tests)):
        problems.append("no score: neither at the top nor on every test")
    return problems
