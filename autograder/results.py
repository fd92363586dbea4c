"""A graded submission, and the files made from it: Gradescope's results.json, feedback.txt, grades.csv."""
import csv
from dataclasses import dataclass, field

from autograder import paths

MAX_OUTPUT_CHARS = 20_000  # per results.json entry: a runaway message cannot flood the page


@dataclass
class Outcome:
    name: str
    status: str = "ok"  # ok, timeout or error
    scores: dict = field(default_factory=dict)
    cases: list = field(default_factory=list)  # question, name, points, hidden, passed, message
    message: str = ""

    @property
    def total(self):
        return round(sum(self.scores.values()), 5)


def _clip(text):
    return text if len(text) <= MAX_OUTPUT_CHARS else text[:MAX_OUTPUT_CHARS] + "\n... (output cut)"


def _case_report(cases):
    return "\n\n".join(
        f"{c['name']} ({c['points']:g} pt{'s' if c['points'] != 1 else ''}): "
        + ("passed" if c["passed"] else "failed\n" + c["message"].replace("❌ Test case failed\n", ""))
        for c in cases
    )


def gradescope_results(outcome, points):
    """results.json: per question a visible entry with the public checks' feedback, and a scored
    entry with every check, shown to students once grades are published."""
    tests = []
    for question in paths.QUESTIONS:
        cases = [c for c in outcome.cases if c["question"] == question]
        public = [c for c in cases if not c["hidden"]]
        tests.append({
            "name": f"{question} (public checks)",
            "visibility": "visible",
            "status": "passed" if public and all(c["passed"] for c in public) else "failed",
            "output": _clip(_case_report(public) or outcome.message or "not graded"),
        })
        tests.append({
            "name": question,
            "score": outcome.scores.get(question, 0.0),
            "max_score": points[question],
            "visibility": "after_published",
            "output": _clip(_case_report(cases) or outcome.message or "not graded"),
        })
    return {
        "score": outcome.total, "visibility": "visible", "stdout_visibility": "hidden",
        "output": f"Status: {outcome.status}. {outcome.message}".strip(), "tests": tests,
    }


def feedback_text(outcome, points):
    """What a student may read: scores, public checks in full, hidden checks by name only."""
    lines = [f"Submission: {outcome.name}", f"Status: {outcome.status}"]
    if outcome.message:
        lines.append(f"Note: {outcome.message}")
    lines.append(f"Total: {outcome.total:g} / {sum(points.values()):g}\n")
    for question in paths.QUESTIONS:
        lines.append(f"== {question}: {outcome.scores.get(question, 0):g} / {points[question]:g}")
        for case in (c for c in outcome.cases if c["question"] == question):
            verdict = "passed" if case["passed"] else "FAILED"
            if case["hidden"]:
                lines.append(f"  [hidden] {case['name']}: {verdict}")
                continue
            lines.append(f"  {case['name']}: {verdict}")
            if not case["passed"]:
                message = _clip(case["message"].replace("❌ Test case failed\n", ""))
                lines.extend("      " + line for line in message.splitlines())
        lines.append("")
    return "\n".join(lines)


def format_score(score):
    """A score as the gradebook and the console show it: ``12`` when whole, else ``12.5`` (at most 4 decimals)."""
    return f"{score:.4f}".rstrip("0").rstrip(".")


def write_gradebook(path, outcomes):
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["submission", *paths.QUESTIONS, "total", "status", "message"])
        for o in outcomes:
            scores = [o.scores.get(q, 0) for q in paths.QUESTIONS] + [o.total]
            writer.writerow([o.name, *map(format_score, scores), o.status, o.message])
