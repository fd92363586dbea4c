"""Command line: python -m autograder new NAME; build, grade, similarity, figures, crosscheck, mutants or harness
[--assignment NAME]."""
import argparse
import sys

from autograder import assignment as course

DESCRIPTION = ("The course's tools: start a new assignment, build each assignment's zips, grade submissions, "
               "rank submissions by the code they share, save a notebook's figures, compare the solutions with "
               "PyTorch, measure the checks by mutation testing, grade in a Gradescope-like container. Every "
               f"command but new takes --assignment NAME (one of: {', '.join(course.names())}); build, figures, "
               "crosscheck, mutants and harness do every assignment without it. Run a command with --help for more.")


def _command(commands, name, summary, details, every=True):
    """A subcommand with --assignment; its --help opens with the summary shown in the list of commands."""
    command = commands.add_parser(name, help=summary, description=f"{summary[0].upper()}{summary[1:]}. {details}")
    command.add_argument("--assignment", action="append", choices=course.names(), dest="assignments",
                         help="the assignment" + (" (repeatable; default: every one)" if every else ""))
    return command


def _reads_submissions(command, out):
    command.add_argument("submissions", nargs="+", help="submission folders or .zip files")
    command.add_argument("--out", required=True, help=out)


def _parser():
    parser = argparse.ArgumentParser(prog="python -m autograder", description=DESCRIPTION)
    commands = parser.add_subparsers(dest="command", required=True)
    new = commands.add_parser(
        "new", help="start a new assignment: a working minimal one in solutions/NAME/, to grow into yours",
        description="Start a new assignment: write a working minimal one (one softmax question with public and "
                    "hidden checks, a known mistake, a bug, a correct alternative and hostile submissions in its "
                    "libraries, a notebook with a written question, a contract page) into solutions/NAME/. "
                    "build, grade and the tests take it as it is; docs/instructors.md says what to change.")
    new.add_argument("name", help="the assignment's name: lower-case letters, digits and underscores")
    _command(commands, "build",
             "regenerate each assignment's student release and write dist/<assignment>/autograder.zip "
             "and student.zip",
             "The release (assignments/<assignment>) is made from the solutions (solutions/<assignment>); "
             "autograder.zip is for Gradescope, student.zip for students.")
    figures = _command(
        commands, "figures", "run each student notebook with the reference solutions and save its figures as PNG",
        "Writes OUT/<assignment>/figure-N.png and the executed notebook.")
    figures.add_argument("--out", default="figures", help="folder for the figures (default: %(default)s)")
    grade = _command(
        commands, "grade", "grade submissions (folders or zips) of one assignment into a gradebook",
        "Writes OUT/grades.csv (one row per submission) and, per submission, OUT/<name>/results.json "
        "(Gradescope's format) and OUT/<name>/feedback.txt (for the student), and OUT/written/<question>.html, "
        "every submission's answer to one written question, to grade by hand. Student code runs in "
        "sandboxed workers. A submission that cannot be graded gets status error; it never stops the run. "
        "Give --assignment, or --autograder with a built zip (the zip says which assignment it grades).",
        every=False)
    _reads_submissions(grade, out="folder for grades.csv and per-submission results")
    grade.add_argument("--autograder",
                       help="the autograder zip (default: dist/<assignment>/autograder.zip, built if missing)")
    grade.add_argument("--jobs", type=int, default=None, help="submissions graded at once (default: all cores)")
    similarity = _command(
        commands, "similarity", "rank every pair of submissions of one assignment by the code only they share",
        "Reads each submission as the grader does and compares their graded files with copydetect (renaming "
        "variables or reordering functions changes nothing), leaving out the stubs' code and code found in more "
        "than --common submissions. Writes OUT/similarity.html (the ranked pairs and the submissions left out, "
        "for a browser), OUT/pairs/<rank>.html (each listed pair side by side, the shared code marked), "
        "OUT/similarity.csv (every pair) and OUT/documents/. A high share is a reason to read both "
        "submissions, not a verdict.",
        every=False)
    _reads_submissions(similarity, out="folder for the report")
    similarity.add_argument("--common", type=int, default=None,
                            help="code found in more than this many submissions counts as boilerplate "
                                 "(default: a tenth of them, at least 4)")
    similarity.add_argument("--display", type=float, default=0.5,
                            help="flag pairs sharing more than this share of one side's code (default: %(default)s)")
    _command(commands, "crosscheck",
             "compare every graded function of the solutions with PyTorch in float64 (needs the torch extra)",
             "Prints the largest difference per function; exits 1 if one is above the tolerance. "
             "Install PyTorch with: pip install -e '.[torch]'.")
    mutants = _command(
        commands, "mutants",
        "mutation-test the checks: grade every small change of the solutions' student blocks and list "
        "the ones that keep full marks",
        "Cosmic Ray's operators (needs the mutation extra: pip install -e '.[mutation]') change one thing at "
        "a time inside BEGIN/END SOLUTION in the submitted files; every distinct mutant is graded in one "
        "run of python -m autograder grade. A mutant is killed when it scores below full marks or its status "
        "is not ok. Prints the mutants, killed and survivors per file, the mutation score (killed / (mutants - "
        "equivalent)) and every survivor with its line. Survivors that no check can kill are listed with a "
        "reason in the assignment's library/equivalent_mutants.toml and reported apart. Takes 5 to 7 minutes "
        "an assignment on 2 cores.")
    mutants.add_argument("--file", action="append", dest="files",
                         help="mutate only this submitted file (repeatable; default: all)")
    mutants.add_argument("--out", help="also write every mutant and its verdict to this JSON file")
    mutants.add_argument("--autograder", help="the autograder zip to grade with (default: a fresh build)")
    mutants.add_argument("--jobs", type=int, default=None, help="submissions graded at once (default: all cores)")
    mutants.add_argument("--strict", action="store_true",
                         help="exit 1 if a survivor is not listed as equivalent or an entry is stale")
    harness = _command(
        commands, "harness",
        "grade in a Gradescope-like container: a fresh Debian root, the zip's setup.sh run as root, then "
        "run_autograder per submission (maintainers; needs root, debootstrap and bubblewrap)",
        "Builds the autograder zip, stands up the image (the Debian root is cached in --cache) and grades "
        "each submission in both modes: 'container' (namespaces allowed) and 'chroot' (refused, as under "
        "Docker's default seccomp profile). Prints the image's build time and size, then per submission its "
        "score, status, seconds from run_autograder's start to results.json, and whether results.json is "
        "valid Gradescope format. Without submissions: the reference solutions and the untouched stubs.")
    harness.add_argument("submissions", nargs="*", help="submission folders or .zip files (needs one --assignment)")
    harness.add_argument("--mode", choices=("container", "chroot", "both"), default="both")
    harness.add_argument("--cache", help="where the Debian root is kept between runs (default: ~/.cache/...)")
    return parser


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "new":
        return _new(args.name)
    chosen = [course.load(name) for name in (args.assignments or course.names())]

    if args.command == "grade":
        return _grade(parser, args)
    if args.command == "similarity":
        return _similarity(parser, args, chosen)
    if args.command == "crosscheck":
        return _crosscheck(chosen)
    if args.command == "mutants":
        return _mutants(parser, args, chosen)
    if args.command == "harness":
        return _harness(parser, args, chosen)

    if args.command == "build":
        from autograder.build import package

        for assignment in chosen:
            for path in package.build_all(assignment):
                print(f"wrote {path}")
            print(f"student release regenerated in {assignment.release}")
        return 0

    from pathlib import Path

    from autograder.build import notebook

    for assignment in chosen:
        for path in notebook.save_figures(assignment, Path(args.out) / assignment.name):
            print(f"wrote {path}")
    return 0


def _new(name):
    from autograder.build import scaffold

    try:
        written = scaffold.scaffold(name)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {len(written)} files of the new assignment {name}:")
    for path in written:
        print(f"  {path.relative_to(course.ROOT)}")
    print("next (docs/instructors.md, \"From python -m autograder new to a real assignment\", says what to change):")
    for command in scaffold.next_steps(name):
        print(f"  {command}")
    return 0


def _similarity(parser, args, chosen):
    from autograder.grading import similarity

    if not args.assignments or len(chosen) != 1:
        parser.error("similarity needs one --assignment")
    pairs = similarity.run(chosen[0], args.submissions, args.out, args.common, args.display)
    flagged = [p for p in pairs if similarity.flagged(p, args.display)]
    for rank, p in enumerate(pairs[:10], 1):
        print(f"{rank:3d}. {p['a']}  {p['b']}  score {similarity.score(p):.2f} ({p['a_in_b']:.0%} of A in B, "
              f"{p['b_in_a']:.0%} of B in A, {p['tokens']} tokens)")
    print(f"{len(flagged)} of {len(pairs)} pairs above {args.display:.0%}; report: {args.out}/similarity.html")
    return 0


def _crosscheck(chosen):
    from autograder.build import crosscheck

    all_ok = True
    for assignment in chosen:
        try:
            all_ok &= crosscheck.report(assignment)
        except ImportError as error:
            print(error, file=sys.stderr)
            return 2
        print()
    if not all_ok:
        print(f"some outputs differ from PyTorch's by more than {crosscheck.RTOL:g}", file=sys.stderr)
    return 0 if all_ok else 1


def _mutants(parser, args, chosen):
    from autograder.build import mutants

    try:
        mutants.cosmic_ray_version()
    except ImportError as error:
        print(error, file=sys.stderr)
        return 2
    if args.files and len(chosen) != 1:
        parser.error("--file needs one --assignment")
    status = 0
    for assignment in chosen:
        unknown = [f for f in args.files or () if f not in assignment.submitted_files]
        if unknown:
            parser.error(f"--file {unknown[0]}: choose from {', '.join(assignment.submitted_files)}")
        try:
            found, stale, text = mutants.run(assignment, args.files, args.autograder, args.jobs, args.out)
        except RuntimeError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        print(text)
        if args.out:
            print(f"every mutant and its verdict: {args.out}")
        if args.strict and (mutants.survivors(found) or stale):
            status = 1
    return status


def _harness(parser, args, chosen):
    import tempfile
    from pathlib import Path

    from autograder.build import package
    from autograder.grading import harness
    from autograder.build.release import student_copy

    if args.submissions and len(chosen) != 1:
        parser.error("submissions need one --assignment")
    reason = harness.unavailable_reason()
    if reason:
        print(f"error: {reason}", file=sys.stderr)
        return 2
    modes = harness.MODES if args.mode == "both" else (args.mode,)
    valid = True
    for assignment in chosen:
        with tempfile.TemporaryDirectory(prefix="harness-") as work:
            work = Path(work)
            autograder_zip = package.build_autograder(assignment, work / "autograder.zip")
            submissions = [Path(s) for s in args.submissions] or [
                student_copy(assignment, work / "reference", assignment.source), student_copy(assignment, work / "stubs")]
            print(f"== {assignment.name}")
            with harness.Image(autograder_zip, cache=args.cache) as image:
                graded = [image.grade(s, mode) for s in submissions for mode in modes]
                print(harness.table(image, graded))
            valid &= all(not g.problems for g in graded)
    return 0 if valid else 1


def _grade(parser, args):
    from pathlib import Path

    from autograder.build import package
    from autograder.grading import grade as grading
    from autograder.grading.results import clean_text, format_score

    if args.assignments and len(args.assignments) > 1:
        parser.error("grade takes one --assignment")
    if not args.assignments and not args.autograder:
        parser.error(f"grade needs --assignment (one of: {', '.join(course.names())}) or --autograder")
    try:
        grading.prepare_out_dir(args.out)  # before the build and the grading it would waste
    except OSError as error:
        print(f"error: cannot write to --out {args.out}: {error.strerror or error}", file=sys.stderr)
        return 2
    if args.autograder:
        autograder_zip = Path(args.autograder)
    else:
        assignment = course.load(args.assignments[0])
        autograder_zip = assignment.dist / "autograder.zip"
        if not autograder_zip.exists():
            print(f"{autograder_zip} is missing: building it first", file=sys.stderr)
            package.build_autograder(assignment, autograder_zip)
    questions = grading.questions_of(autograder_zip)
    outcomes = grading.grade(args.submissions, args.out, autograder_zip, jobs=args.jobs)
    width = max(len(o.name) for o in outcomes)
    print(f"{'submission':<{width}}  " + "  ".join(f"{q:>13}" for q in questions) + "    total  status")
    for o in outcomes:
        scores = "  ".join(f"{format_score(o.scores.get(q, 0)):>13}" for q in questions)
        print(clean_text(f"{o.name:<{width}}  {scores}  {format_score(o.total):>7}  {o.status:<7} {o.log_message}").rstrip())
    print(f"gradebook: {Path(args.out) / grading.GRADEBOOK}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
