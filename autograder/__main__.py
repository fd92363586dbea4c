"""Command line: ``python -m autograder build``, ``grade``, ``figures`` and ``crosscheck``."""
import argparse
import sys

from autograder import paths


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "build", help="regenerate the student release and write dist/<assignment>/autograder.zip and student.zip"
    )
    figures = commands.add_parser(
        "figures", help="run the student notebook with the reference solutions and save its figures as PNG"
    )
    figures.add_argument("--out", default="figures", help="folder for figure-N.png (default: %(default)s)")
    grade = commands.add_parser("grade", help="grade submissions (folders or zips) into a gradebook")
    grade.add_argument("submissions", nargs="+", help="submission folders or .zip files")
    grade.add_argument("--out", required=True, help="folder for grades.csv and per-submission results")
    grade.add_argument("--autograder", default=str(paths.DIST / "autograder.zip"),
                       help="the autograder zip (default: %(default)s; built if missing)")
    grade.add_argument("--jobs", type=int, default=None, help="submissions graded at once (default: all cores)")
    commands.add_parser(
        "crosscheck", help="compare every graded function of the solutions with PyTorch in float64 (needs the torch extra)"
    )
    args = parser.parse_args(argv)

    if args.command == "crosscheck":
        from autograder import crosscheck

        try:
            all_ok = crosscheck.report()
        except ImportError as error:
            print(error, file=sys.stderr)
            return 2
        if not all_ok:
            print(f"some outputs differ from PyTorch's by more than {crosscheck.RTOL:g}", file=sys.stderr)
        return 0 if all_ok else 1

    if args.command == "build":
        from autograder import package

        for path in package.build_all():
            print(f"wrote {path}")
        print(f"student release regenerated in {paths.RELEASE}")
        return 0

    if args.command == "figures":
        from autograder import notebook

        for path in notebook.save_figures(args.out):
            print(f"wrote {path}")
        return 0

    from pathlib import Path

    from autograder import grade as grading, package

    autograder_zip = Path(args.autograder)
    if not autograder_zip.exists():
        print(f"{autograder_zip} is missing: building it first", file=sys.stderr)
        package.build_autograder(autograder_zip)
    outcomes = grading.grade(args.submissions, args.out, autograder_zip, jobs=args.jobs)
    width = max(len(o.name) for o in outcomes)
    print(f"{'submission':<{width}}  " + "  ".join(f"{q:>13}" for q in paths.QUESTIONS) + "    total  status")
    for o in outcomes:
        print(f"{o.name:<{width}}  " + "  ".join(f"{o.scores.get(q, 0):>13g}" for q in paths.QUESTIONS)
              + f"  {o.total:>7g}  {o.status}")
    print(f"gradebook: {Path(args.out) / 'grades.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
