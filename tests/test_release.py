"""The student release is generated from the solutions and leaks no solution or hidden test."""
import ast
import re
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest

from autograder import assignment as course
from autograder.build import fixtures, package, release
from autograder.build.stubs import make_stub, provided_lines, solution_blocks



@pytest.fixture(scope="module", params=course.names())
def assignment(request):
    return course.load(request.param)


def cases(assignment):
    return assignment.grading_module("cases").CASES


@pytest.fixture(scope="module")
def fresh_release(tmp_path_factory, assignment):
    return release.write_release(assignment, tmp_path_factory.mktemp("release") / assignment.name)


@pytest.fixture(scope="module")
def student_zip(student_zip, assignment):
    """This module's assignment's kit zip, the session's build (tests/conftest.py)."""
    return student_zip(assignment)


@pytest.fixture(scope="module")
def autograder_zip(autograder_zip, assignment):
    return autograder_zip(assignment)


def release_files(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and not package.is_local_clutter(p.relative_to(folder)))


def test_committed_release_is_what_the_build_generates(fresh_release, assignment):
    assert release_files(assignment.release) == release_files(fresh_release), \
        "run `python -m autograder build` and commit assignments/"
    for name in release_files(fresh_release):
        committed, fresh = assignment.release / name, fresh_release / name
        if name.endswith(".npz"):
            with np.load(committed) as a, np.load(fresh) as b:
                assert fixtures.same_values(a, b), f"{name} differs: run `python -m autograder build` and commit assignments/"
        else:
            assert committed.read_text() == fresh.read_text(), \
                f"{name} differs: run `python -m autograder build` and commit assignments/"


def students_own_files(assignment):
    """What a student edits and hands in: never marked as generated, though the build writes it."""
    return {*assignment.submitted_files, assignment.notebook}


def test_every_copied_or_generated_file_of_the_release_names_its_source(assignment):
    """A copy that looks like a source (three checking.py) says which file to edit instead."""
    unmarked = {name for name in release_files(assignment.release)
                if name.endswith(".npz") or name in students_own_files(assignment)}
    for name in release_files(assignment.release):
        source = release.generated_from((assignment.release / name).read_bytes())
        if name in unmarked:
            assert source is None, f"{name} is the student's or binary, yet marked as generated from {source}"
        else:
            assert source is not None, f"{name} has no generated mark on its first line"
            assert (course.ROOT / source).is_file(), f"{name} is marked as generated from {source}, which is not a file"


def test_the_autograder_zip_and_the_kit_hold_the_same_bytes_of_every_file_both_ship(autograder_zip, assignment):
    """checking.py, procedures.py, plugin.py, calls.py, the manifest, the provided files: one copy, marked the same way."""
    kit = {Path(name).name: assignment.release / name for name in release_files(assignment.release)
           if not name.startswith("tests/") or name.startswith(f"{release.MACHINERY.as_posix()}/")}
    with zipfile.ZipFile(autograder_zip) as archive:  # Otter puts the support files in files/
        shipped = {Path(name).name: archive.read(name) for name in archive.namelist() if name.startswith("files/")}
    # the zip's fixtures hold the hidden cases too; its notebook is the grading driver, named as the course's
    shared = set(shipped) & set(kit) - {"fixtures.npz", assignment.notebook}
    assert shared == {"checking.py", "procedures.py", "plugin.py", "manifest.py", "fixture_file.py", "verdicts.py",
                      "calls.py", "assignment.toml", *assignment.provided_files}
    for name in shared:
        assert shipped[name] == kit[name].read_bytes(), name


def test_the_mark_goes_after_a_shebang_in_each_files_own_comment_syntax(tmp_path):
    source = course.SUPPORT / "checking.py"
    for name, text, first in [("run.py", "#!/usr/bin/env python3\nprint(1)\n", "#!/usr/bin/env python3"),
                              ("README.md", "# Title\n", "<!-- Generated from autograder/support/checking.py"),
                              ("pytest.ini", "[pytest]\n", "# Generated from autograder/support/checking.py")]:
        release.write_generated(tmp_path / name, text, source)
        written = (tmp_path / name).read_text()
        assert written.splitlines()[0] == first and written.endswith(text.partition("\n")[2])
        assert release.generated_from(written.encode()) == "autograder/support/checking.py"
    assert release.generated_from(b"# Generated from nowhere, in prose\n") is None
    with pytest.raises(ValueError):
        release.write_generated(tmp_path / "fixtures.npz", "", source)


def test_the_top_of_a_students_folder_holds_their_work_and_tests_holds_the_rest(assignment):
    """The notebook, the files they write, the helpers they call, the README and the set-up files at the
    top; Otter's test files in tests/ and everything that runs them in tests/support/."""
    top = {p.name for p in assignment.release.iterdir() if not package.is_local_clutter(Path(p.name))}
    assert top == {assignment.notebook, *assignment.submitted_files, *assignment.provided_files, "README.md",
                   "requirements.txt", "environment.yml", "check.py", "pytest.ini", "conftest.py", "tests"}
    tests = {p.name for p in (assignment.release / "tests").iterdir() if p.is_file()}
    assert tests == {f"{q}.py" for q in assignment.question_names}  # what Otter takes for test files
    assert {p.name for p in (assignment.release / release.MACHINERY).iterdir()} >= {
        "checking.py", "procedures.py", "plugin.py", "manifest.py", "fixture_file.py", "verdicts.py", "calls.py",
        "assignment.toml", "fixtures.npz", "notebook_support.py"}


def test_rebuilding_the_committed_release_changes_no_byte(tmp_path, assignment):
    """On any CPU: the reference values move in the last bits, and the build keeps the committed file."""
    copy = tmp_path / assignment.name
    shutil.copytree(assignment.release, copy, ignore=shutil.ignore_patterns("__pycache__", ".*"))
    release.write_release(assignment, copy)
    assert release_files(copy) == release_files(assignment.release)
    changed = [name for name in release_files(copy) if (copy / name).read_bytes() != (assignment.release / name).read_bytes()]
    assert not changed


def test_the_student_zip_is_the_same_bytes_on_every_build(student_zip, tmp_path, assignment):
    again = package.build_student_zip(assignment, tmp_path / "student.zip", folder=tmp_path / assignment.name)
    assert again.read_bytes() == student_zip.read_bytes()


def test_fixtures_that_moved_beyond_the_last_bits_are_rewritten(tmp_path, assignment):
    out = tmp_path / "fixtures.npz"
    with np.load(assignment.release / release.MACHINERY / "fixtures.npz") as data:
        arrays = {k: data[k] for k in data.files}
    key = next(k for k, v in arrays.items() if v.dtype.kind == "f" and v.size)
    arrays[key] = arrays[key] * (1 + 1e-9)
    fixtures.save(out, arrays)
    fixtures.build(assignment, out, public_only=True, previous=out.read_bytes())
    with np.load(out) as rebuilt, np.load(assignment.release / release.MACHINERY / "fixtures.npz") as reference:
        assert not np.array_equal(rebuilt[key], arrays[key])
        assert fixtures.same_values(rebuilt, reference)


def release_texts(folder):
    """Every text a student receives, including the names inside the fixtures."""
    texts = {}
    for name in release_files(folder):
        if name.endswith(".npz"):
            with np.load(folder / name) as data:
                texts[name] = "\n".join(data.files)
        else:
            texts[name] = (folder / name).read_text()
    return texts


def without_docstrings(source):
    """Python source minus its docstrings, which state the maths on purpose."""
    lines = source.splitlines()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and ast.get_docstring(node):
            first = node.body[0]
            lines[first.lineno - 1:first.end_lineno] = [""] * (first.end_lineno - first.lineno + 1)
    return "\n".join(lines)


@pytest.mark.parametrize("where", ["committed", "zip"])
def test_no_solution_code_and_no_hidden_test_in_the_release(where, student_zip, tmp_path, assignment):
    if where == "zip":
        with zipfile.ZipFile(student_zip) as archive:
            archive.extractall(tmp_path)
        folder = tmp_path / assignment.name
    else:
        folder = assignment.release
    texts = release_texts(folder)
    code = {f: without_docstrings(t) for f, t in texts.items() if f.endswith(".py")}
    spec = "".join(assignment.contract.read_text().split())  # what the contract states (e.g. the clipping rule) is no leak
    for name in assignment.submitted_files:
        source = (assignment.source / name).read_text()
        provided = provided_lines(source)  # e.g. sigmoid's errstate: given, so no leak
        for line in solution_blocks(source):
            if len(line) > 12 and "".join(line.split()) not in spec and line not in provided:  # nor short ones
                leaks = [f for f, text in code.items() if line in text]
                assert not leaks, f"solution line {line!r} of {name} appears in {leaks}"
    functions = list(release.hidden_test_functions(assignment))
    hidden = [(node.name, ast.get_source_segment(source, node)) for _, node, source in functions]
    # something to look for: every question a module answers has hidden checks
    assert {path.stem for path, _, _ in functions} >= {q.name for q in assignment.questions if not q.script}
    for function_name, body in hidden:
        leaks = [f for f, text in texts.items() if function_name in text or body in text]
        assert not leaks, f"hidden test {function_name} appears in {leaks}"
    hidden_cases = [name for name, (_, public, _) in cases(assignment).items() if not public]
    for case in hidden_cases:
        assert not any(case + "/" in text for text in texts.values()), f"hidden case {case} is in the release"


def test_the_zips_members_carry_the_last_commits_time_not_the_builds(student_zip, monkeypatch, tmp_path):
    """An unpacked kit's files show when the course last changed: not the build's time (the same files
    make the same zip), and not 1980 ("46 years ago" in a file browser)."""
    import subprocess
    import time

    import os

    log = subprocess.run(["git", "-C", str(course.ROOT), "log", "-1", "--format=%ct"], capture_output=True, text=True)
    given = os.environ.get("SOURCE_DATE_EPOCH", "").strip()  # a CI may set it: it wins
    expected = int(given) if given.isdigit() else int(log.stdout) if log.returncode == 0 else None
    with zipfile.ZipFile(student_zip) as archive:
        stamps = {item.date_time for item in archive.infolist()}
    # zip keeps even seconds; outside a git checkout, 1980 is all that is left
    assert stamps == {time.gmtime(expected - expected % 2)[:6] if expected else (1980, 1, 1, 0, 0, 0)}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert package.zip_time() == (2023, 11, 14, 22, 13, 20)


def test_release_zip_holds_the_release_folder(student_zip, assignment):
    with zipfile.ZipFile(student_zip) as archive:
        names = sorted(n.removeprefix(assignment.name + "/") for n in archive.namelist())
    assert names == release_files(assignment.release)


def provided_functions(path):
    """The public functions of a solution file given complete: no student block inside."""
    source = path.read_text()
    return {node.name for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)
            and "# BEGIN SOLUTION" not in ast.get_source_segment(source, node)}


def test_stubs_keep_docstrings_with_shapes_and_raise_not_implemented(assignment):
    for name in assignment.submitted_files:
        stub = (assignment.release / name).read_text()
        tree = ast.parse(stub)
        functions = [n for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")]
        solution_functions = [n.name for n in ast.parse((assignment.source / name).read_text()).body
                              if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")]
        assert [f.name for f in functions] == solution_functions
        for function in functions:
            if function.name in provided_functions(assignment.source / name):  # e.g. sigmoid
                continue
            doc = ast.get_docstring(function)
            assert doc and ("shape" in doc or "Returns" in doc), function.name
            raises = [n for n in ast.walk(function) if isinstance(n, ast.Raise)
                      and "NotImplementedError" in ast.unparse(n)]
            assert raises, f"{name}:{function.name} has no student block"
    for name in assignment.provided_files:
        assert (assignment.release / name).read_text().endswith(assignment.file(name).read_text())


def test_public_tests_are_the_visible_cases_of_the_otter_tests(assignment):
    for path in assignment.checks.glob("*.py"):
        public = (assignment.release / "tests" / path.name).read_text()
        assert "hidden=True" not in public
        visible = re.findall(r'@test_case\(name="(\w+)", points=\d+, hidden=False\)', path.read_text())
        assert visible and all(f'name="{v}"' in public for v in visible)


def test_stub_generator_rejects_unbalanced_fences():
    with pytest.raises(ValueError):
        make_stub("def f():\n    # BEGIN SOLUTION\n    return 1\n")
    with pytest.raises(ValueError):
        make_stub("def f():\n    # END SOLUTION\n")


def test_stub_generator_keeps_hints_and_names_the_function():
    stub = make_stub("def f(x):\n    # BEGIN SOLUTION\n    # HINT: double it\n    y = 2 * x\n    # END SOLUTION\n    return y\n")
    assert "# double it" in stub and 'raise NotImplementedError("f is not implemented yet")' in stub
    assert "2 * x" not in stub and stub.rstrip().endswith("return y")


def test_stub_generator_leaves_out_module_level_solution_blocks():
    source = ("import numpy\n\n\n# BEGIN SOLUTION\ndef _helper(x):\n    return 2 * x\n# END SOLUTION\n\n\n"
              "def f(x):\n    # BEGIN SOLUTION\n    y = _helper(x)\n    # END SOLUTION\n    return y\n")
    stub = make_stub(source)
    assert "_helper" not in stub and 'raise NotImplementedError("f is not implemented yet")' in stub
    assert stub.startswith("import numpy\n\n\ndef f(x):\n")


@pytest.mark.parametrize("files_from", ["solutions", "stubs"])
def test_pytest_in_the_assignment_folder_runs_the_public_checks(files_from, tmp_path, assignment):
    import subprocess
    import sys

    folder = release.course_copy(tmp_path, solutions=files_from == "solutions") / assignment.name
    run = subprocess.run([sys.executable, "-m", "pytest"], cwd=folder, capture_output=True, text=True)
    public_cases = sum(len(re.findall(r"hidden=False", (folder / "tests" / f"{q}.py").read_text()))
                       for q in assignment.question_names)
    if files_from == "solutions":
        assert run.returncode == 0 and f"{public_cases} passed" in run.stdout, run.stdout[-2000:]
    else:
        assert f"{public_cases} failed" in run.stdout
        first = assignment.submitted_files[0]
        function = next(node.name for node in ast.parse((assignment.source / first).read_text()).body
                        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
                        and node.name not in provided_functions(assignment.source / first))
        assert f"{function} is not implemented yet (it raised NotImplementedError)." in run.stdout
        assert "Traceback" not in run.stdout


def test_hidden_cases_have_seeds_and_inputs_of_their_own(assignment):
    """No hidden case's inputs can be derived from, or answered with, a public case's."""
    inputs_of, seed_of = assignment.grading_module("cases").inputs_of, assignment.grading_module("cases").seed_of

    public = [name for name, (_, is_public, _) in cases(assignment).items() if is_public]
    hidden = [name for name in cases(assignment) if name not in public]
    seeds = [seed_of(name) for name in hidden]
    assert len(set(seeds)) == len(seeds) and not set(seeds) & {seed_of(name) for name in public}
    def drawn(value):  # an array drawn from the generator, not a constant such as np.ones(2)
        return np.size(value) > 1 and not np.all(np.asarray(value) == np.asarray(value).flat[0])

    public_arrays = [np.asarray(v) for name in public for v in inputs_of(name).values() if drawn(v)]
    for name in hidden:
        for key, value in inputs_of(name).items():
            if not drawn(value):
                continue
            if np.size(value) > 1:
                assert not any(np.shape(value) == a.shape and np.array_equal(value, a) for a in public_arrays), (name, key)
            # no array is a multiple of a public one either (as clip_by_value/mixed was of a public case, 2/3)
            for a in public_arrays:
                if np.shape(value) == a.shape and np.all(a != 0):
                    ratio = np.asarray(value) / a
                    assert not np.allclose(ratio, ratio.flat[0]), (name, key)


def test_no_hidden_check_reads_a_public_case(assignment):
    public = {name for name, (_, is_public, _) in cases(assignment).items() if is_public}
    for path, node, source in release.hidden_test_functions(assignment):
        read = {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
        assert not read & public, (path.name, node.name, sorted(read & public))
