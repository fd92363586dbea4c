# Generated from autograder/support/fixture_file.py
# by `python -m autograder build`: edit that file, not this copy.
"""The format of ``fixtures.npz``: stored cases as named arrays, written by the build, read by the checks.

A case is named ``<procedure>/<label>`` (``rnn_step/small``): its checks run that procedure of
``procedures.py``. In the file, each of its arrays is one key of four parts:

- ``<case>/in/<input>``: the inputs it is run on;
- ``<case>/out/<output>``: what the reference solutions return;
- ``<case>/variant_<mistake>/<output>``: what a known mistake (the assignment's
  grading/mistakes.py) returns instead, with its hint under ``<case>/variant_<mistake>/.hint``.

Input and output names hold no ``/`` (a dict's entries are named ``grads.W``).
"""
from dataclasses import dataclass, field

import numpy as np

INPUT, OUTPUT, VARIANT = "in", "out", "variant_"
HINT = ".hint"


@dataclass
class Variant:
    """What one known mistake returns on a case, and the hint that names it."""
    hint: str
    outputs: dict = field(default_factory=dict)


@dataclass
class Case:
    """One stored case: its inputs, the reference's outputs and the known mistakes' (by mistake name)."""
    name: str
    inputs: dict = field(default_factory=dict)
    expected: dict = field(default_factory=dict)
    variants: dict = field(default_factory=dict)

    @property
    def procedure(self):
        """The procedure its checks run: the first part of its name."""
        return procedure_of(self.name)

    def arrays(self):
        """Its arrays under their keys in the file: inputs, outputs, then each variant's outputs and hint."""
        arrays = {_key(self.name, INPUT, k): np.asarray(v) for k, v in self.inputs.items()}
        arrays.update({_key(self.name, OUTPUT, k): np.asarray(v) for k, v in self.expected.items()})
        for mistake, variant in self.variants.items():
            arrays.update({_key(self.name, VARIANT + mistake, k): np.asarray(v) for k, v in variant.outputs.items()})
            arrays[_key(self.name, VARIANT + mistake, HINT)] = np.array(variant.hint)
        return arrays


def procedure_of(case_name):
    """The procedure a case named ``<procedure>/<label>`` runs."""
    return case_name.split("/")[0]


def _key(case_name, part, name):
    if case_name.count("/") != 1 or "/" in name:
        raise ValueError(f"a stored case is named <procedure>/<label> and its arrays hold no '/': "
                         f"{case_name!r}, {name!r}")
    return f"{case_name}/{part}/{name}"


def arrays_of(cases):
    """Every array of ``cases`` (an iterable of Case) under its key, in order: what the file holds."""
    arrays = {}
    for case in cases:
        arrays.update(case.arrays())
    return arrays


def cases_of(arrays):
    """The cases stored in ``arrays`` (a file's keys and arrays), by name, in the order the file holds them."""
    cases = {}
    for key, value in arrays.items():
        procedure, label, part, name = key.split("/")
        case = cases.setdefault(f"{procedure}/{label}", Case(f"{procedure}/{label}"))
        if part == INPUT:
            case.inputs[name] = value
        elif part == OUTPUT:
            case.expected[name] = value
        elif part.startswith(VARIANT):
            variant = case.variants.setdefault(part[len(VARIANT):], Variant(""))
            if name == HINT:
                variant.hint = str(value)
            else:
                variant.outputs[name] = value
        else:
            raise ValueError(f"{key}: not an array of a stored case (in/, out/ or variant_<mistake>/)")
    return cases


def load(path):
    """The cases of the fixtures file at ``path``, by name."""
    with np.load(path) as data:
        return cases_of({key: data[key] for key in data.files})
