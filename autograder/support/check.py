"""Run the public checks on your code: ``python check.py`` (all questions) or ``python check.py QUESTION``.

The same checks run inside the notebook with ``grader.check("QUESTION")``. The
grader runs these and hidden ones; passing here is necessary, not sufficient.
"""
import os
import sys
import tomllib
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
MACHINERY = os.path.join(HERE, "tests", "support")  # what runs the checks in tests/
# The assignment's manifest: its questions, in order.
with open(os.path.join(MACHINERY, "assignment.toml"), "rb") as _manifest:
    QUESTIONS = tuple(question["name"] for question in tomllib.load(_manifest)["questions"])


def main(questions):
    warnings.filterwarnings("ignore")
    import otter

    sys.path.insert(0, MACHINERY)
    os.chdir(HERE)  # Otter finds tests/ from here, and the checks import your files from here
    grader = otter.Notebook(tests_dir="tests")
    passed_all = True
    for question in questions:
        result = grader.check(question)
        # Any failed check fails the question, a check worth 0 points too: the same verdict as
        # grader.check's summary, pytest and the grader's feedback.
        passed = all(case.passed for case in result.test_case_results)
        passed_all = passed_all and passed
        print(f"{question}: all public checks passed" if passed else repr(result).rstrip())
        print()
    return 0 if passed_all else 1


if __name__ == "__main__":
    unknown = [q for q in sys.argv[1:] if q not in QUESTIONS]
    if unknown:
        sys.exit(f"unknown question(s) {unknown}; choose from {', '.join(QUESTIONS)}")
    sys.exit(main(sys.argv[1:] or QUESTIONS))
