"""Command line: python -m autograder build, grade, figures, crosscheck or mutants."""
import argparse
import sys

from autograder import paths

DESCRIPTION = "The RNN exercise's tools: build its zips, grade submissions, save the notebook's figures, " \
              "compare the solutions with PyTorch, measure the checks by mutation testing. " \
              "Run a command with --help for more."


def _command(commands, name, summary, details):
    """A subcommand; its --help opens with the summary shown in the list of commands."""
    return commands.add_parser(name, help=summary, description=f"{summary[0].upper()}{summary[1:]}. {details}")


def _parser():
    parser = argparse.ArgumentParser(prog="python -m autograder", description=DESCRIPTION)
    commands = parser.add_subparsers(dest="command", required=True)
    _command(commands, "build",
             f"regenerate the student release and write {paths.DIST.relative_to(paths.ROOT)}/autograder.zip "
             "and student.zip",
             f"The release ({paths.RELEASE.relative_to(paths.ROOT)}) is made from the solutions; autograder.zip "
             "is for Gradescope, student.zip for students.")
    figures = _command(
        commands, "figures", "run the student notebook with the reference solutions and save its figures as PNG",
        "Writes figure-N.png and the executed notebook into --out.")
    figures.add_argument("--out", default="figures", help="folder for figure-N.png (default: %(default)s)")
    grade = _command(
        commands, "grade", "grade submissions (folders or zips) into a gradebook",
        "Writes OUT/grades.csv (one row per submission) and, per submission, OUT/<name>/results.json "
        "(Gradescope's format) and OUT/<name>/feedback.txt (for the student). Student code runs in "
        "sandboxed workers. A submission that cannot be graded gets status error; it never stops the run.")
    grade.add_argument("submissions", nargs="+", help="submission folders or .zip files")
    grade.add_argument("--out", required=True, help="folder for grades.csv and per-submission results")
    grade.add_argument("--autograder", default=str(paths.DIST / "autograder.zip"),
                       help="the autograder zip (default: %(default)s; built if missing)")
    grade.add_argument("--jobs", type=int, default=None, help="submissions graded at once (default: all cores)")
    _command(commands, "crosscheck",
             "compare every graded function of the solutions with PyTorch in float64 (needs the torch extra)",
             "Prints the largest difference per function; exits 1 if one is above the tolerance. "
             "Install PyTorch with: pip install -e '.[torch]'.")
    mutants = _command(
        commands, "mutants",
        "mutation-test the checks: grade every small change of the solutions' student blocks and list "
        "the ones that keep 100 points",
        "Cosmic Ray's operators (needs the mutation extra: pip install -e '.[mutation]') change one thing at "
        "a time inside BEGIN/END SOLUTION in the five submitted files; every distinct mutant is graded in one "
        "run of python -m autograder grade. A mutant is killed when it scores below 100 or its status is not "
        "ok. Prints the mutants, killed and survivors per file, the mutation score (killed / (mutants - "
        "equivalent)) and every survivor with its line. Survivors that no check can kill are listed with a "
        "reason in tests/mutation/equivalent.toml and reported apart. Takes 5 to 7 minutes on 2 cores.")
    mutants.add_argument("--file", action="append", choices=paths.SUBMITTED_FILES, dest="files",
                         help="mutate only this file (repeatable; default: all five)")
    mutants.add_argument("--out", help="also write every mutant and its verdict to this JSON file")
    mutants.add_argument("--autograder", help="the autograder zip to grade with (default: a fresh build)")
    mutants.add_argument("--jobs", type=int, default=None, help="submissions graded at once (default: all cores)")
    mutants.add_argument("--strict", action="store_true",
                         help="exit 1 if a survivor is not listed as equivalent or an entry is stale")
    return parser


def main(argv=None):
    args = _parser().parse_args(argv)

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

    if args.command == "mutants":
        return _mutants(args)

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

    return _grade(args)


def _mutants(args):
    from autograder import mutants

    try:
        mutants.cosmic_ray_version()
    except ImportError as error:
        print(error, file=sys.stderr)
        return 2
    try:
        found, stale, text = mutants.run(tuple(args.files or paths.SUBMITTED_FILES), args.autograder,
                                         args.jobs, args.out)
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(text)
    if args.out:
        print(f"every mutant and its verdict: {args.out}")
    return 1 if args.strict and (mutants.survivors(found) or stale) else 0


def _grade(args):
    from pathlib import Path

    from autograder import grade as grading, package
    from autograder.results import clean_text, format_score

    try:
        grading.prepare_out_dir(args.out)  # before the build and the grading it would waste
    except OSError as error:
        print(f"error: cannot write to --out {args.out}: {error.strerror or error}", file=sys.stderr)
        return 2
    autograder_zip = Path(args.autograder)
    if not autograder_zip.exists():
        print(f"{autograder_zip} is missing: building it first", file=sys.stderr)
        package.build_autograder(autograder_zip)
    outcomes = grading.grade(args.submissions, args.out, autograder_zip, jobs=args.jobs)
    width = max(len(o.name) for o in outcomes)
    print(f"{'submission':<{width}}  " + "  ".join(f"{q:>13}" for q in paths.QUESTIONS) + "    total  status")
    for o in outcomes:
        scores = "  ".join(f"{format_score(o.scores.get(q, 0)):>13}" for q in paths.QUESTIONS)
        print(clean_text(f"{o.name:<{width}}  {scores}  {format_score(o.total):>7}  {o.status:<7} {o.message}").rstrip())
    print(f"gradebook: {Path(args.out) / grading.GRADEBOOK}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
