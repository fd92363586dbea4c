"""Question ``clipping``: taming exploding gradients.

Clipping by global norm rescales *all* gradients by one common factor when
their joint 2-norm exceeds a threshold, so the update keeps its direction and
only its length is capped. Clipping by value clamps each entry on its own and
can change the direction. These follow PyTorch's ``clip_grad_norm_`` and
``clip_grad_value_``, except that nothing is modified in place: new arrays are
returned in a container of the same type.

``grads`` is a dict of name -> array, a list or tuple of arrays, or one array.
"""
import numpy as np


def _arrays(grads):
    """The arrays held by ``grads``, in order, as float64."""
    if isinstance(grads, dict):
        values = list(grads.values())
    elif isinstance(grads, (list, tuple)):
        values = list(grads)
    elif isinstance(grads, np.ndarray):
        values = [grads]
    else:
        raise ValueError(
            f"grads must be a dict, list or tuple of arrays, or an array; got {type(grads).__name__}"
        )
    return [np.asarray(g, dtype=np.float64) for g in values]


def _rebuild(grads, arrays):
    """Put ``arrays`` back into a container shaped like ``grads``."""
    if isinstance(grads, dict):
        return dict(zip(grads.keys(), arrays))
    if isinstance(grads, np.ndarray):
        return arrays[0]
    return type(grads)(arrays)


def global_norm(grads):
    """The 2-norm of all gradients taken together, as if flattened into one vector.

    Inputs:
    - grads: dict of name -> array, or a list of arrays (any shapes; may be empty)

    Returns:
    - norm: a Python float, sqrt of the sum of the squares of every entry
      (0.0 when there are no gradients)
    """
    arrays = _arrays(grads)
    ########################################################################
    # TODO: implement global_norm.
    # the norm of the vector of per-array norms equals the norm of all
    # entries together; np.linalg.norm of a flattened array gives one norm.
    ########################################################################
    raise NotImplementedError("global_norm is not implemented yet")
    ########################################################################
    #                           END OF YOUR CODE                           #
    ########################################################################
    return norm


def clip_by_global_norm(grads, max_norm, eps=1e-6, error_if_nonfinite=False):
    """Rescale all gradients together so that their global norm is at most max_norm.

    PyTorch's clip_grad_norm_ rule: coef = max_norm / (total_norm + eps), and
    every gradient is multiplied by coef only when coef < 1. The inputs are
    not modified.

    A non-finite total norm (a nan or inf entry), when error_if_nonfinite is
    False: an inf norm gives coef = 0, so every array is multiplied by 0
    (inf * 0 = nan where an entry is inf). A nan norm gives coef = nan; either
    reading is accepted: the arrays are returned unchanged (nan < 1 is False)
    or all nan (PyTorch always multiplies by min(coef, 1), which is nan). The
    returned total_norm is the nan or inf itself.

    Inputs:
    - grads: dict of name -> array, or a list of arrays
    - max_norm: the largest global norm allowed, a float >= 0
    - eps: added to the norm to avoid dividing by zero
    - error_if_nonfinite: raise ValueError if the total norm is nan or inf

    Returns a tuple of:
    - clipped: new arrays in a container of the same type as grads (same keys
      or order, same shapes)
    - total_norm: the global norm *before* clipping, a Python float
    """
    if not np.isfinite(max_norm) or max_norm < 0:
        raise ValueError(f"max_norm must be a finite number >= 0, got {max_norm!r}")
    arrays = _arrays(grads)
    ########################################################################
    # TODO: implement clip_by_global_norm.
    # compute the global norm of all arrays together (not one per array),
    # then scale every array by the same factor, and only when it is < 1.
    ########################################################################
    raise NotImplementedError("clip_by_global_norm is not implemented yet")
    ########################################################################
    #                           END OF YOUR CODE                           #
    ########################################################################
    return _rebuild(grads, clipped), total_norm


def clip_by_value(grads, clip_value):
    """Clamp every gradient entry into [-clip_value, clip_value].

    Inputs:
    - grads: dict of name -> array, or a list of arrays
    - clip_value: a float >= 0

    Returns:
    - clipped: new arrays in a container of the same type as grads
    """
    if not clip_value >= 0:
        raise ValueError(f"clip_value must be a number >= 0, got {clip_value!r}")
    arrays = _arrays(grads)
    ########################################################################
    # TODO: implement clip_by_value.
    # np.clip clamps element-wise and returns a new array.
    ########################################################################
    raise NotImplementedError("clip_by_value is not implemented yet")
    ########################################################################
    #                           END OF YOUR CODE                           #
    ########################################################################
    return _rebuild(grads, clipped)
