"""The second assignment's contract (docs/beyond-recurrence-contract.md) states the solutions' signatures."""
import inspect
import re

import pytest

import attention
import gradient_paths
import gru
from autograder import assignment as course

ASSIGNMENT = course.load("beyond_recurrence")
CONTRACT = ASSIGNMENT.contract.read_text()
MODULES = {"gru": gru, "attention": attention, "gradient_paths": gradient_paths}
# A function's signature as the contract's tables write it: `name(a, b, c=0.0)`.
SIGNATURE = re.compile(r"^\| `(\w+)\(([^)]*)\)` \|", re.M)


def stated():
    return {name: arguments for name, arguments in SIGNATURE.findall(CONTRACT)}


def test_every_graded_function_is_in_the_contract():
    graded = {name for module in MODULES.values() for name, f in vars(module).items()
              if inspect.isfunction(f) and f.__module__ == module.__name__ and not name.startswith("_")
              and name not in ("sigmoid", "same_sequence")}
    assert graded == set(stated())


@pytest.mark.parametrize("name, arguments", sorted(stated().items()))
def test_the_contract_states_each_signature_as_the_solutions_have_it(name, arguments):
    function = next(getattr(m, name) for m in MODULES.values() if hasattr(m, name))
    assert str(inspect.signature(function))[1:-1] == arguments
