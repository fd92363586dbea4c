"""Mutation testing of an assignment's graded solutions: ``python -m autograder mutants --assignment NAME``.

How strict is the grader? Cosmic Ray's mutation operators (``cosmic-ray``, the
optional ``mutation`` extra) make every small change they know to the
reference solutions (``+`` to ``-``, ``<`` to ``<=``, a number plus or minus
one, a loop that runs zero times, ...), one change per mutant. Only mutants
whose changed lines all sit inside a student block (between ``# BEGIN
SOLUTION`` and ``# END SOLUTION``) of the submitted files count, and
mutants that make the same source are counted once. Every mutant becomes a
submission (its file changed, the others the solutions), and all of them
are graded in one run of ``python -m autograder grade``, beside the
unchanged solutions as a control. A mutant is *killed* when it scores below
full marks or its status is not ``ok``; it *survives* at full marks.

Some survivors cannot be killed by any grader, since they compute the same
thing (``coef < 1`` against ``coef <= 1`` when ``g * 1.0`` equals
``g.copy()``). They are listed, each with a one-line reason, in
the assignment's ``library/equivalent_mutants.toml``; an entry names the file, the function,
the operator, and the changed line before and after (stripped), and matches
every mutant with that text there. The score leaves them out:
``killed / (mutants - equivalent)``. An entry that matches no mutant, or
whose mutant is killed, is reported as stale.
"""
import csv
import difflib
import json
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from autograder import assignment as course
from autograder.build.stubs import BEGIN, END

EQUIVALENT = "equivalent_mutants.toml"  # in the assignment's library folder
CONTROL = "unmutated-solutions"


def equivalents_file(assignment):
    return assignment.library / EQUIVALENT


def cosmic_ray_version():
    """The installed cosmic-ray version; ImportError with how to install it when it is missing."""
    try:
        from importlib.metadata import PackageNotFoundError, version

        return version("cosmic-ray")
    except PackageNotFoundError:
        raise ImportError("mutation testing needs cosmic-ray: pip install -e '.[mutation]'") from None


@dataclass
class Mutant:
    file: str  # one of the assignment's submitted files
    line: int  # first changed line, 1-based, in the solution file
    function: str  # the enclosing def (or "" at module level)
    operator: str  # Cosmic Ray's operator name, without "core/"
    before: str  # the changed line(s), stripped, joined by newlines
    after: str
    source: str = field(repr=False)  # the whole mutated file
    also: list = field(default_factory=list)  # other operators that made the same source
    name: str = ""  # the submission's folder name
    status: str = ""  # ok, timeout or error, from grades.csv
    total: float | None = None
    equivalent: str | None = None  # the reason, when the equivalents file lists it
    full_marks: float = 0.0  # the assignment's, set when graded

    @property
    def killed(self):
        return self.status != "ok" or self.total < self.full_marks

    @property
    def operators(self):
        return [self.operator, *self.also]

    def where(self):
        return f"{self.file}:{self.line}" + (f" ({self.function})" if self.function else "")


def student_lines(source):
    """Numbers (1-based) of the lines inside solution blocks, fences excluded."""
    inside, lines = False, set()
    for number, line in enumerate(source.splitlines(), start=1):
        stripped = line.strip()
        if stripped in (BEGIN, END):
            inside = stripped == BEGIN
        elif inside:
            lines.add(number)
    return lines


def _functions(source):
    """Line number -> name of the innermost enclosing function."""
    import ast

    names = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for number in range(node.lineno, node.end_lineno + 1):
                # ast.walk goes outer to inner, so inner definitions win
                names[number] = node.name
    return names


def _changed(original, mutated):
    """(first changed line, 1-based; original line numbers changed; text before; text after)."""
    old, new = original.splitlines(), mutated.splitlines()
    blocks = [op for op in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes() if op[0] != "equal"]
    first = blocks[0]
    numbers = {n for _, i1, i2, _, _ in blocks for n in range(i1 + 1, max(i2, i1 + 1) + 1)}
    before = "\n".join(line.strip() for _, i1, i2, _, _ in blocks for line in old[i1:i2])
    after = "\n".join(line.strip() for _, _, _, j1, j2 in blocks for line in new[j1:j2])
    return first[1] + 1, numbers, before, after


def operators():
    """(name, instance) of every core operator that needs no arguments, in Cosmic Ray's order."""
    import cosmic_ray.plugins

    for name in cosmic_ray.plugins.operator_names():
        operator_class = cosmic_ray.plugins.get_operator(name)
        if not operator_class.arguments():  # VariableReplacer/Inserter need a cause and an effect
            yield name.split("/", 1)[1], operator_class()


def generate(assignment, files=None, solutions=None, only=None):
    """Every distinct mutant of the student blocks of ``files``, in file, operator, position order.

    ``only``: a predicate on the operator name, to keep a subset of the operators.
    """
    cosmic_ray_version()
    from cosmic_ray.ast import ast_nodes, get_ast
    from cosmic_ray.mutating import mutate_code

    mutants = []
    for file in files or assignment.submitted_files:
        source = (Path(solutions or assignment.source) / file).read_text()
        inside, functions = student_lines(source), _functions(source)
        by_source = {source: None}
        tree = get_ast(source)
        for operator_name, operator in operators():
            if only is not None and not only(operator_name):
                continue
            positions = [(start, end) for node in ast_nodes(tree) for start, end in operator.mutation_positions(node)]
            for occurrence, (start, end) in enumerate(positions):
                if not all(n in inside for n in range(start[0], end[0] + 1)):
                    continue
                mutated = mutate_code(source, operator, occurrence)
                if mutated is None:
                    continue
                if mutated in by_source:
                    if by_source[mutated] is not None:
                        by_source[mutated].also.append(operator_name)
                    continue
                line, numbers, before, after = _changed(source, mutated)
                if not numbers <= inside:
                    continue
                mutant = Mutant(file, line, functions.get(line, ""), operator_name, before, after, mutated)
                by_source[mutated] = mutant
                mutants.append(mutant)
    for index, mutant in enumerate(mutants):
        mutant.name = f"{Path(mutant.file).stem}-{index:04d}"
    return mutants


def write_submissions(assignment, mutants, folder, solutions=None):
    """One folder per mutant, holding the submitted files, plus the control; return the folders."""
    folder = Path(folder)
    originals = {name: (Path(solutions or assignment.source) / name).read_text() for name in assignment.submitted_files}
    written = []
    for name, changed in [(CONTROL, {}), *((m.name, {m.file: m.source}) for m in mutants)]:
        target = folder / name
        target.mkdir(parents=True)
        for file, text in {**originals, **changed}.items():
            (target / file).write_text(text)
        written.append(target)
    return written


def grade(assignment, mutants, work, autograder_zip=None, jobs=None, quiet=False):
    """Grade the mutants and the control in one ``python -m autograder grade`` run; fill in their verdicts.

    Raises RuntimeError if the run fails or the unchanged solutions do not get full marks.
    """
    work = Path(work)
    if autograder_zip is None:
        from autograder.build import package

        autograder_zip = package.build_autograder(assignment, work / "autograder.zip")
    folders = write_submissions(assignment, mutants, work / "submissions")
    command = [sys.executable, "-m", "autograder", "grade", *map(str, folders), "--out", str(work / "grades"),
               "--autograder", str(autograder_zip)]
    if jobs:
        command += ["--jobs", str(jobs)]
    run = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE if quiet else None, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"python -m autograder grade exited {run.returncode}:\n{(run.stderr or '')[-3000:]}")
    with open(work / "grades" / "grades.csv", newline="") as f:
        rows = {row["submission"]: row for row in csv.DictReader(f)}
    control = rows[CONTROL]
    full_marks = float(sum(assignment.points.values()))
    if control["status"] != "ok" or float(control["total"]) != full_marks:
        raise RuntimeError(f"the unmutated solutions scored {control['total']} ({control['status']}: "
                           f"{control['message']}): the mutants' verdicts would mean nothing")
    for mutant in mutants:
        row = rows[mutant.name]
        mutant.status, mutant.total, mutant.full_marks = row["status"], float(row["total"]), full_marks
    return mutants


def load_equivalents(path):
    """The entries of the equivalents file: dicts with file, function, operator, before, after, reason."""
    if not Path(path).exists():  # no survivor has been found equivalent yet
        return []
    with open(path, "rb") as f:
        entries = tomllib.load(f).get("equivalent", [])
    for number, entry in enumerate(entries, start=1):
        missing = {"file", "function", "operator", "before", "after", "reason"} - set(entry)
        if missing:
            raise ValueError(f"{path}: entry {number} lacks {', '.join(sorted(missing))}")
        if not entry["reason"].strip() or "\n" in entry["reason"].strip():
            raise ValueError(f"{path}: entry {number} needs a one-line reason")
    return entries


def matches(entry, mutant):
    return (entry["file"] == mutant.file and entry["function"] == mutant.function
            and entry["operator"] in mutant.operators
            and entry["before"] == mutant.before and entry["after"] == mutant.after)


def apply_equivalents(mutants, entries):
    """Mark the listed mutants equivalent; return the stale entries as (entry, why)."""
    stale = []
    for entry in entries:
        hits = [m for m in mutants if matches(entry, m)]
        for mutant in hits:
            mutant.equivalent = entry["reason"]
        if not hits:
            stale.append((entry, "matches no mutant"))
        elif any(m.killed for m in hits if m.status):
            stale.append((entry, "its mutant is killed: not equivalent after all"))
    return stale


@dataclass
class Tally:
    mutants: int = 0
    equivalent: int = 0
    killed: int = 0
    survived: int = 0

    @property
    def score(self):
        counted = self.mutants - self.equivalent
        return self.killed / counted if counted else 1.0

    def add(self, mutant):
        self.mutants += 1
        if mutant.equivalent is not None and not mutant.killed:
            self.equivalent += 1
        elif mutant.killed:
            self.killed += 1
        else:
            self.survived += 1


def tallies(mutants, files):
    """Per file, and "total"."""
    table = {file: Tally() for file in files}
    table["total"] = Tally()
    for mutant in mutants:
        table[mutant.file].add(mutant)
        table["total"].add(mutant)
    return table


def survivors(mutants):
    return [m for m in mutants if not m.killed and m.equivalent is None]


def _mutation_lines(mutant, indent="    "):
    return [f"{indent}- {line}" for line in mutant.before.splitlines()] + \
           [f"{indent}+ {line}" for line in mutant.after.splitlines()]


def report(assignment, mutants, stale, seconds, version):
    """The text that the command prints."""
    table = tallies(mutants, sorted({m.file for m in mutants}, key=assignment.submitted_files.index))
    equivalents = equivalents_file(assignment).relative_to(course.ROOT)
    lines = [f"Mutants of the student blocks in {assignment.source.relative_to(course.ROOT)} "
             f"(cosmic-ray {version} operators), graded by python -m autograder grade: {seconds:.0f} s in all.",
             "Killed: scored below full marks or status not ok. Score = killed / (mutants - equivalent).", "",
             f"{'file':<20}{'mutants':>8}{'killed':>8}{'survived':>10}{'equivalent':>12}{'score':>8}"]
    for file, tally in table.items():
        lines.append(f"{file:<20}{tally.mutants:>8}{tally.killed:>8}{tally.survived:>10}{tally.equivalent:>12}"
                     f"{tally.score:>8.1%}")
    left = survivors(mutants)
    lines += ["", f"Survivors ({len(left)}): no check fails on them; kill each with a new check, or list it "
                  f"as equivalent in {equivalents} with a one-line reason."]
    for mutant in left:
        lines.append(f"  {mutant.where()}  {mutant.operator}")
        lines += _mutation_lines(mutant)
    equivalent = [m for m in mutants if m.equivalent is not None and not m.killed]
    lines += ["", f"Equivalent ({len(equivalent)}), listed in {equivalents}:"]
    for mutant in equivalent:
        lines.append(f"  {mutant.where()}  {mutant.operator}: {mutant.equivalent}")
        lines += _mutation_lines(mutant)
    if stale:
        lines += ["", f"Stale entries of {equivalents} ({len(stale)}):"]
        for entry, why in stale:
            lines.append(f"  {entry['file']} {entry['operator']}: {why}")
            lines += [f"    - {entry['before']}", f"    + {entry['after']}"]
    return "\n".join(lines)


def write_json(mutants, path):
    """Every mutant with its verdict, for tools; the mutated sources are left out."""
    records = []
    for mutant in mutants:
        record = {k: v for k, v in asdict(mutant).items() if k != "source"}
        record["verdict"] = "killed" if mutant.killed else "equivalent" if mutant.equivalent is not None else "survived"
        records.append(record)
    Path(path).write_text(json.dumps(records, indent=1) + "\n")


def run(assignment, files=None, autograder_zip=None, jobs=None, out=None, equivalents=None,
        work=None, quiet=False):
    """Generate, grade and report; return (mutants, stale entries, report text)."""
    version = cosmic_ray_version()
    start = time.monotonic()
    if not quiet:
        print("making the mutants of the student blocks ...", file=sys.stderr)
    files = tuple(files or assignment.submitted_files)
    mutants = generate(assignment, files)
    if not quiet:
        print(f"{len(mutants)} mutants made in {time.monotonic() - start:.0f} s; grading them and the unchanged "
              "solutions", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="mutants-") as temporary:
        grade(assignment, mutants, work or temporary, autograder_zip, jobs, quiet=quiet)
    stale = apply_equivalents(mutants, load_equivalents(equivalents or equivalents_file(assignment)))
    if files != assignment.submitted_files:  # entries of the files left out cannot match
        stale = [(e, why) for e, why in stale if e["file"] in files]
    text = report(assignment, mutants, stale, time.monotonic() - start, version)
    if out:
        write_json(mutants, out)
    return mutants, stale, text
