"""The lecture's demo, verbatim (its notebook cell); it prints output.txt beside it."""
import numpy as np

rng = np.random.default_rng(0)
W = np.array([[0.7, 0.2], [0.1, 0.6]])
T = 20

state = np.array([1.0, 0.0])
for t in range(T):
    state = np.tanh(W @ state)
print('Hidden state after 20 steps:', state)

# Gradient propagation with eigenvalues < 1
W_grad = np.array([[0.5, 0.0], [0.0, 0.4]])
vec = np.ones(2)
for t in range(1, 31):
    vec = W_grad.T @ vec
    if t % 5 == 0:
        print(f'Norm after {t} steps (vanishing case): {np.linalg.norm(vec):.6f}')

# Exploding gradients example
W_explode = np.array([[1.3, 0.0], [0.0, 1.1]])
vec = np.ones(2)
for t in range(1, 11):
    vec = W_explode.T @ vec
    if t % 2 == 0:
        print(f'Norm after {t} steps (exploding case): {np.linalg.norm(vec):.2f}')
