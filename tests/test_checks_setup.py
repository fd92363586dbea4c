"""How an entry point sets the checks up: it chooses where the student's code runs through
``checking.use_backend``, and every reader of an assignment's manifest goes through one parser."""
import subprocess
import sys
import textwrap
import types

from autograder import assignment as course
from autograder.build import validate
from autograder.support import manifest

RNN = course.load("rnn_shortcomings")

CHOOSES_A_BACKEND = textwrap.dedent('''
    import checking

    class Echo:
        def run(self, kind, inputs, options):
            return {"ran": kind}, dict(inputs)

    with checking.use_backend(Echo()) as chosen:
        print(type(chosen).__name__, checking.run("no_such_procedure", {}))
    try:
        checking.run("no_such_procedure", {})
    except KeyError as error:  # this process's procedures again: they know no such procedure
        print("local", error)
''')


def run_with_support(script):
    """What ``script`` prints, run with the support code of the repository first on its path, then the
    release's support folder (its calls.py and manifest), as a test of the release imports them."""
    path = [str(course.SUPPORT), str(RNN.release / "tests" / "support")]
    found = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                           env=course.env_with_path(*path))
    assert found.returncode == 0, found.stderr
    return found.stdout.splitlines()


def test_a_backend_is_chosen_for_a_with_block_and_the_local_one_comes_back_after_it():
    assert run_with_support(CHOOSES_A_BACKEND) == ["Echo ({'ran': 'no_such_procedure'}, [])",
                                                   "local 'no_such_procedure'"]


MANIFEST = '''title = "Demo"
provided = ["helpers.py"]
[shared]
first = ["shapes.py"]
[reference_from]
first = ["recurrence.py"]
[[questions]]
name = "double"
file = "double.py"
points = 10
functions = { double = 4, twice = 6 }
[[questions]]
name = "printed"
file = "show.py"
script = true
points = 5
'''


def test_the_manifest_says_the_student_modules_the_module_of_each_function_and_the_script():
    parsed = manifest.parse(MANIFEST)
    assert (parsed.submitted_files, parsed.modules, parsed.graded_modules) == (
        ("double.py", "show.py"), ("double",), ("double", "show"))
    assert (parsed.provided_files, parsed.reference_files) == (("helpers.py", "shapes.py"), ("recurrence.py",))
    assert parsed.student_modules == ("double", "show", "helpers", "shapes", "recurrence")
    assert (parsed.functions, parsed.script, parsed.points) == (
        {"double": "double", "twice": "double"}, "show.py", {"double": 10, "printed": 5})


def test_the_grader_and_the_plugin_read_the_same_facts_from_the_one_parser(tmp_path):
    (tmp_path / manifest.FILE).write_text(MANIFEST)
    demo = course.Assignment(tmp_path / manifest.FILE)
    plugin, _ = validate.support_modules()
    declared = plugin.load(types.SimpleNamespace(__file__=str(tmp_path / "grading" / "calls.py"), SPEC=None))
    assert (demo.name, demo.submitted_files, demo.modules, demo.provided_files, demo.reference_files) == (
        tmp_path.name, ("double.py", "show.py"), ("double",), ("helpers.py", "shapes.py"), ("recurrence.py",))
    assert (declared.student_modules, dict(declared.functions), declared.script) == (
        demo.parsed.student_modules, demo.parsed.functions, "show.py")


def test_only_the_manifest_module_parses_toml_among_what_reads_the_manifest():
    """check.py, the notebook's helpers, the layout, the plug-in, the build and the grader all go through
    autograder/support/manifest.py: one parser, one place for what follows from the manifest."""
    other_toml = {course.PACKAGE / "pins.py", course.PACKAGE / "build" / "mutants.py"}  # pyproject.toml, equivalent_mutants.toml
    parsing = [path.relative_to(course.ROOT).as_posix() for path in sorted(course.PACKAGE.rglob("*.py"))
               if "tomllib" in path.read_text() and path not in other_toml]
    assert parsing == ["autograder/support/manifest.py"]


def test_the_layout_takes_the_graded_files_it_is_given_without_a_manifest_beside_it(tmp_path):
    """The similarity report imports the layout from the repository and names the graded files."""
    from autograder.support import submission_layout

    (tmp_path / "my_work").mkdir()
    (tmp_path / "my_work" / "double.py").write_text("x = 1\n")
    notes = submission_layout.normalize(tmp_path, graded_files=("double.py",))
    assert notes == ["graded files taken from the folder my_work/"] and (tmp_path / "double.py").is_file()


REWRAPPED = textwrap.dedent('''
    from checking import CheckFailed
    from procedures import MESSAGE_INDENT, readable

    for length in range(1, 120, 7):  # a path of any length, as a student's folder may have
        path = "/home/" + "x" * length + "/beyond_recurrence"
        message = str(CheckFailed(f"gradient_paths.py could not be imported: ImportError: the first assignment's "
                                  f"recurrence.py, bptt.py, clipping.py, lstm.py were found neither in {path} nor "
                                  f"in {path}: copy your own four files into this folder (earlier.py, line 35)"))
        shown = "\\n".join(MESSAGE_INDENT + line for line in message.split("\\n"))  # as check.py shows it
        print(readable(shown) == shown)
''')


def test_check_py_never_wraps_a_checks_message_a_second_time():
    """A message is wrapped once, narrow enough for check.py's indentation: wrapping it again left
    one-word lines ("bptt.py,") in the middle of a sentence."""
    assert set(run_with_support(REWRAPPED)) == {"True"}
