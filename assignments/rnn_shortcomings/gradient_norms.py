"""Question ``printed_norms``: the lecture's demo, computed with your own functions.

Run it as ``python gradient_norms.py``. It must print exactly the lines the
lecture prints (same text, same precision):

    Hidden state after 20 steps: [0.00605599 0.00302811]
    Norm after 5 steps (vanishing case): 0.032885
    ...
    Norm after 10 steps (exploding case): 14.03

Compute every number with your iterate_map and jacobian_power_norms, each
time the script runs: the grader also runs it with those two functions
changed (they scale the matrix they are given) and checks that the printed
numbers change with them. Lines typed in or read from a file earn nothing,
and a line earns its points only when the function behind it is right (it
passes the checks of its own question, recurrence or bptt).
"""
import numpy as np

from bptt import jacobian_power_norms
from recurrence import iterate_map

# The lecture's matrices.
W = np.array([[0.7, 0.2], [0.1, 0.6]])  # the recurrence h <- tanh(W @ h)
W_VANISH = np.array([[0.5, 0.0], [0.0, 0.4]])  # Jacobian with eigenvalues < 1
W_EXPLODE = np.array([[1.3, 0.0], [0.0, 1.1]])  # Jacobian with eigenvalues > 1


def lecture_lines():
    """The lecture's printed lines, as a list of strings (without newlines).

    Returns 1 + 6 + 5 lines: the hidden state after 20 steps of iterate_map
    from [1, 0]; the vanishing norms after 5, 10, ..., 30 steps (6 decimals);
    the exploding norms after 2, 4, ..., 10 steps (2 decimals), both starting
    from the vector of ones.
    """
    ########################################################################
    # TODO: implement lecture_lines.
    # print(label, array) shows the array as str(array) does. Format the
    # norms as the lecture does: f"{norm:.6f}" and f"{norm:.2f}";
    # norms[t - 1] is the norm after t steps.
    ########################################################################
    raise NotImplementedError("lecture_lines is not implemented yet")
    ########################################################################
    #                           END OF YOUR CODE                           #
    ########################################################################
    return lines


if __name__ == "__main__":
    print("\n".join(lecture_lines()))
