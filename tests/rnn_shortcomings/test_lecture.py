"""The course reproduces the lecture's demo output digit for digit."""
import subprocess
import sys

import numpy as np

from autograder import assignment as course

RNN = course.load("rnn_shortcomings")

LECTURE = course.ROOT / "docs" / "lecture"


def lecture_output():
    """The lecture's printed lines, as its notes record them."""
    return (LECTURE / "output.txt").read_text().splitlines()


def test_the_lecture_demo_prints_the_recorded_lines():
    run = subprocess.run([sys.executable, "demo.py"], cwd=LECTURE, capture_output=True, text=True, check=True)
    assert run.stdout.splitlines() == lecture_output()


def test_reference_gradient_norms_script_prints_the_lecture_exactly():
    run = subprocess.run([sys.executable, "gradient_norms.py"], cwd=RNN.source,
                         capture_output=True, text=True, check=True)
    assert run.stdout.splitlines() == lecture_output()


def test_iterate_map_is_the_lecture_loop_bit_for_bit():
    from recurrence import iterate_map

    W = np.array([[0.7, 0.2], [0.1, 0.6]])
    state = np.array([1.0, 0.0])
    for _ in range(20):
        state = np.tanh(W @ state)
    assert np.array_equal(iterate_map(W, [1.0, 0.0], 20)[-1], state)


def test_jacobian_power_norms_is_the_lecture_loop_bit_for_bit():
    from bptt import jacobian_power_norms

    W = np.array([[1.3, 0.0], [0.0, 1.1]])
    vec, norms = np.ones(2), []
    for _ in range(10):
        vec = W.T @ vec
        norms.append(np.linalg.norm(vec))
    assert np.array_equal(jacobian_power_norms(W, np.ones(2), 10), norms)
