# Generated from autograder/support/check.py
# by `python -m autograder build`: edit that file, not this copy.
"""Run the public checks on your code: ``python check.py`` (all questions) or ``python check.py QUESTION ...``.

The same checks run inside the notebook with ``grader.check("QUESTION")``. The
grader runs these and hidden ones; passing here is necessary, not sufficient.
"""
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
MACHINERY = os.path.join(HERE, "tests", "support")  # what runs the checks in tests/
sys.path.insert(0, MACHINERY)
import manifest  # noqa: E402  (beside the checks, in MACHINERY)

# The assignment's manifest: its questions, in order, with their points.
QUESTIONS = {question.name: question for question in manifest.load(os.path.join(MACHINERY, manifest.FILE)).questions}

USAGE = f"""usage: python check.py [QUESTION ...]

Runs the public checks of each QUESTION (every question without one) on your
files in this folder, and says for each check what was expected, what your code
returned and a hint. The grader runs the same checks and hidden ones.

questions:
{chr(10).join(f"  {name:<16} {q.points:>3} points   {q.file}" for name, q in QUESTIONS.items())}
"""


def _points(points):
    return f"{points:g} pt" + ("" if points == 1 else "s")


def report(question, result):
    """The lines check.py prints for one question's result: every check with its points, the failed ones
    with their messages, and the public points passed beside the question's total."""
    cases = result.test_case_results
    public = sum(case.test_case.points for case in cases)
    earned = sum(case.test_case.points for case in cases if case.passed)
    from procedures import MESSAGE_INDENT, readable  # beside this file's machinery, on sys.path

    lines = []
    for case in cases:
        mark = "✅" if case.passed else "❌"
        lines.append(f"  {mark} {case.test_case.name} ({_points(case.test_case.points)})")
        if not case.passed:
            message = case.message.replace("❌ Test case failed", "").strip("\n")
            lines.extend(MESSAGE_INDENT + line for line in message.split("\n"))
    passed = all(case.passed for case in cases)
    total = QUESTIONS[question].points
    verdict = "all public checks passed" if passed else "some public checks failed"
    lines.insert(0, f"{question}: {verdict}: {_points(earned)} of the {_points(public)} its public checks are "
                    f"worth (the question is worth {_points(total)}; hidden checks decide the rest)")
    return readable("\n".join(lines)), passed


def main(questions):
    warnings.filterwarnings("ignore")
    import otter

    os.chdir(HERE)  # Otter finds tests/ from here, and the checks import your files from here
    grader = otter.Notebook(tests_dir="tests")
    passed_all = True
    for question in questions:
        # Any failed check fails the question, a check worth 0 points too: the same verdict as
        # grader.check's summary, pytest and the grader's feedback.
        text, passed = report(question, grader.check(question))
        passed_all = passed_all and passed
        print(text)
        print()
    return 0 if passed_all else 1


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if {"-h", "--help", "help"} & set(arguments):
        print(USAGE)
        sys.exit(0)
    unknown = [q for q in arguments if q not in QUESTIONS]
    if unknown:
        sys.exit(f"unknown question(s): {', '.join(unknown)}\n\n{USAGE}")
    sys.exit(main(arguments or list(QUESTIONS)))
