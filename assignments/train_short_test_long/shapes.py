# Generated from solutions/rnn_shortcomings/shapes.py
# by `python -m autograder build`: edit that file, not this copy.
"""Shape checking shared by every module of the assignment (provided complete, not graded).

Each argument is declared with symbolic axes, e.g. ``x=(x, "N D")``. An axis
symbol must have the same size wherever it appears; ``4H`` means four times
``H``. Every mismatch raises ``ValueError`` naming the argument, so a wrong
shape is reported where it enters instead of deep inside a matrix product.
"""
import functools
import re

import numpy as np

_AXIS = re.compile(r"^(\d*)([A-Za-z_]\w*)$")


@functools.lru_cache(maxsize=None)
def _parse(axes):
    """``"H 4H"`` -> ``(("H", 1, "H"), ("4H", 4, "H"))``: (symbol, factor, axis) per dimension."""
    parsed = []
    for symbol in axes.split():
        factor, axis = _AXIS.match(symbol).groups()
        parsed.append((symbol, int(factor or 1), axis))
    return tuple(parsed)


def check_shapes(**declared):
    """Validate arrays against symbolic shapes and return them as float64.

    Inputs:
    - declared: keyword arguments ``name=(value, "AXES")`` where AXES is a
      space-separated list of axis symbols such as ``"T N D"`` or ``"H 4H"``,
      or ``""`` for a scalar.

    Returns:
    - a tuple with each value converted to a float64 ndarray (no copy when it
      already is one), in the order the keywords were given.

    Raises:
    - ValueError naming the first argument whose shape does not fit.
    """
    sizes = {}
    arrays = []
    for name, (value, axes) in declared.items():
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{name} must be an array of numbers ({error})") from None
        symbols = _parse(axes)
        if array.ndim != len(symbols):
            raise ValueError(
                f"{name} must have {len(symbols)} dimension(s) ({axes or 'a scalar'}), "
                f"got shape {array.shape}"
            )
        for (symbol, factor, axis), size in zip(symbols, array.shape):
            if size % factor:
                raise ValueError(f"{name} has shape {array.shape}: {symbol} must be a multiple of {factor}")
            if axis in sizes and sizes[axis][0] * factor != size:
                known, source = sizes[axis]
                raise ValueError(
                    f"{name} has shape {array.shape} but {symbol} should be {known * factor} "
                    f"({axis} = {known}, from {source})"
                )
            sizes.setdefault(axis, (size // factor, name))
        arrays.append(array)
    return tuple(arrays)


def check_steps(steps):
    """Return ``steps`` as an int, or raise ValueError if it is not a count >= 0."""
    if isinstance(steps, bool) or int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a whole number >= 0, got {steps!r}")
    return int(steps)


def check_shape(name, value, shape):
    """Return ``value`` as a float64 array, or raise ValueError if its shape is not ``shape``."""
    array = np.asarray(value, dtype=np.float64)
    if array.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got {array.shape}")
    return array
