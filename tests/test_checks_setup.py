"""How an entry point sets the checks up: it chooses where the student's code runs through
``checking.use_backend``, and every reader of an assignment's manifest goes through one parser."""
import subprocess
import sys
import textwrap

from autograder import assignment as course

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
