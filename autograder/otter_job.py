"""Grade one prepared submission zip with Otter, in its own process: ``python -m autograder.otter_job``.

Usage: ``python -m autograder.otter_job AUTOGRADER_ZIP SUBMISSION_ZIP OUT_JSON``.
Writes OUT_JSON with Otter's Gradescope results and every test case's outcome
(name, points, hidden, passed, message), which ``grade.py`` turns into the
gradebook. Running it as a child process lets the caller stop a hung
submission without losing the others.
"""
import contextlib
import io
import json
import sys
import tempfile


def main(autograder_zip, submission_zip, out_json):
    import otter.run

    with tempfile.TemporaryDirectory() as out_dir, contextlib.redirect_stdout(io.StringIO()) as log:
        results = otter.run.main(submission_zip, autograder=autograder_zip, output_dir=out_dir, no_logo=True)
        with open(f"{out_dir}/results.json") as f:
            gradescope = json.load(f)
    cases = []
    for question, test_file in results.results.items():
        for result in test_file.test_case_results:
            case = result.test_case
            cases.append({
                "question": question, "name": case.name, "points": case.points, "hidden": case.hidden,
                "passed": bool(result.passed), "message": result.message,
            })
    with open(out_json, "w") as f:
        json.dump({"gradescope": gradescope, "cases": cases, "log": log.getvalue()[-20_000:]}, f)


if __name__ == "__main__":
    main(*sys.argv[1:4])
