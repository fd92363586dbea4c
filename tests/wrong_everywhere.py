"""Which functions each submission gets wrong on every stored case: ``python wrong_everywhere.py FOLDER...``.

Run inside a grading folder (an unpacked autograder zip): each FOLDER holds a
submission's graded files next to that folder's support files. Prints one JSON
object, folder -> {function: true if every case of it fails}, for the functions
named after ``--functions``. A case the reference gets wrong too (one that needs
options of its check, e.g. a list container) is left out: the first FOLDER must
be the reference.
"""
import json
import os
import sys


def main(arguments):
    split = arguments.index("--functions")
    folders, functions = arguments[:split], arguments[split + 1:]
    sys.path.insert(0, "")  # the student's modules, from the folder being judged
    os.chdir(folders[0])
    import checking
    import fixture_file

    cases = sorted(fixture_file.load(checking.FIXTURES).values(), key=lambda case: case.name)
    by_function = {f: [case.name for case in cases if case.procedure == f] for f in functions}
    report, usable = {}, None
    for folder in folders:
        os.chdir(folder)
        wrong = {}
        for function, its_cases in by_function.items():
            failed = {}
            for case in its_cases if usable is None else usable[function]:
                try:
                    checking.expect_case(case)
                    failed[case] = False
                except checking.CheckFailed:
                    failed[case] = True
            wrong[function] = failed
        if usable is None:  # the reference: keep the cases it passes
            usable = {f: [c for c, bad in failed.items() if not bad] for f, failed in wrong.items()}
        report[folder] = {f: bool(failed) and all(failed.values()) for f, failed in wrong.items()}
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1:])
