"""The fixtures file's format (autograder/support/fixture_file.py): what the build writes, the checks read back."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from autograder import assignment as course
from autograder.build import fixtures, release
from autograder.support import fixture_file

NAMES = st.text("abcdefghijklmnopqrstuvwxyz_.0123456789", min_size=1, max_size=8).filter(lambda n: n != ".hint")
ARRAYS = st.lists(st.floats(allow_nan=False, width=32), max_size=4).map(np.array)
VARIANTS = st.builds(fixture_file.Variant, st.text(max_size=20), st.dictionaries(NAMES, ARRAYS, max_size=2))
CASES = st.builds(lambda procedure, label, inputs, expected, variants: fixture_file.Case(
    f"{procedure}/{label}", inputs, expected, variants),
    NAMES, NAMES, st.dictionaries(NAMES, ARRAYS, min_size=1, max_size=3), st.dictionaries(NAMES, ARRAYS, max_size=3),
    st.dictionaries(NAMES, VARIANTS, max_size=2))


def same_array(a, b):
    return np.array_equal(a, b, equal_nan=a.dtype.kind == "f")


def same_case(a, b):
    def same(x, y):
        return x.keys() == y.keys() and all(same_array(x[k], y[k]) for k in x)

    return (a.name == b.name and same(a.inputs, b.inputs) and same(a.expected, b.expected)
            and a.variants.keys() == b.variants.keys()
            and all(a.variants[m].hint == b.variants[m].hint and same(a.variants[m].outputs, b.variants[m].outputs)
                    for m in a.variants))


@given(st.lists(CASES, max_size=3, unique_by=lambda case: case.name))
def test_cases_written_are_the_cases_read(cases):
    read = fixture_file.cases_of(fixture_file.arrays_of(cases))
    assert list(read) == [case.name for case in cases]
    assert all(same_case(case, read[case.name]) for case in cases)


def test_a_case_reads_back_from_a_saved_file_with_its_procedure(tmp_path):
    case = fixture_file.Case("rnn_step/small", {"x": np.ones(2)}, {"h": np.zeros(2)},
                             {"relu": fixture_file.Variant("a relu instead of tanh", {"h": np.ones(2)})})
    fixtures.save(tmp_path / "fixtures.npz", fixture_file.arrays_of([case]))
    read = fixture_file.load(tmp_path / "fixtures.npz")["rnn_step/small"]
    assert read.procedure == "rnn_step" and same_case(case, read)


@pytest.mark.parametrize("name, array", [("rnn_step", "x"), ("rnn_step/small/more", "x"), ("rnn_step/small", "a/b")])
def test_a_name_the_format_could_not_read_back_is_refused(name, array):
    with pytest.raises(ValueError):
        fixture_file.arrays_of([fixture_file.Case(name, {array: np.ones(1)})])


@pytest.mark.parametrize("assignment", course.every(), ids=lambda a: a.name)
def test_every_released_fixtures_file_reads_as_cases_and_writes_back_the_same_arrays(assignment):
    with np.load(assignment.release / release.MACHINERY / "fixtures.npz") as data:
        stored = {key: data[key] for key in data.files}
    written = fixture_file.arrays_of(fixture_file.cases_of(stored).values())
    assert written.keys() == stored.keys()
    assert all(same_array(written[key], stored[key]) for key in stored)
