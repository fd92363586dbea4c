"""PyTorch float64 cross-check: attention with each scheme, and cross-entropy."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

from lm_loss import cross_entropy
from multihead import SCHEMES, multihead_attention_backward, multihead_attention_forward


def torch_attention(X, Wq, Wk, Wv, Wo, H, scheme):
    T, N, D = X.shape
    dh = Wq.shape[1] // H
    heads = lambda Z: Z.reshape(T, N, H, dh).permute(1, 2, 0, 3)  # (N, H, T, dh)
    q, k, v = heads(X @ Wq), heads(X @ Wk), heads(X @ Wv)
    pos = torch.arange(T, dtype=torch.float64)
    if scheme == "rope":  # RoFormer's pairing as complex multiplication
        freqs = 10000.0 ** (-torch.arange(0, dh, 2, dtype=torch.float64) / dh)
        rot = torch.polar(torch.ones(T, dh // 2, dtype=torch.float64), pos[:, None] * freqs)
        spin = lambda Z: torch.view_as_real(
            torch.view_as_complex(Z.reshape(N, H, T, dh // 2, 2).contiguous()) * rot).reshape(N, H, T, dh)
        q, k = spin(q), spin(k)
    dist = pos[:, None] - pos[None, :]
    slopes = 2.0 ** (-8.0 * torch.arange(1, H + 1, dtype=torch.float64) / H) if scheme == "alibi" \
        else torch.zeros(H, dtype=torch.float64)
    mask = torch.where(dist >= 0, -slopes[:, None, None] * dist, float("-inf"))
    O = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    return O.permute(2, 0, 1, 3).reshape(T, N, H * dh) @ Wo


@pytest.mark.parametrize("scheme", SCHEMES)
def test_attention_matches_pytorch_with_autograd(scheme):
    rng = np.random.default_rng(0)
    T, N, D, H, dh = 9, 3, 8, 4, 6
    arrays = dict(X=rng.standard_normal((T, N, D)), Wq=rng.standard_normal((D, H * dh)) * .5,
                  Wk=rng.standard_normal((D, H * dh)) * .5, Wv=rng.standard_normal((D, H * dh)),
                  Wo=rng.standard_normal((H * dh, D)))
    dY = rng.standard_normal((T, N, D))
    Y, cache = multihead_attention_forward(*arrays.values(), H, scheme)
    grads = multihead_attention_backward(dY, cache)
    tensors = {k: torch.tensor(v, requires_grad=True) for k, v in arrays.items()}
    Yt = torch_attention(*tensors.values(), H, scheme)
    (Yt * torch.tensor(dY)).sum().backward()
    np.testing.assert_allclose(Y, Yt.detach().numpy(), atol=1e-10, rtol=0)
    for k, t in tensors.items():
        np.testing.assert_allclose(grads[k], t.grad.numpy(), atol=1e-10, rtol=0)


def test_cross_entropy_matches_pytorch():
    rng = np.random.default_rng(1)
    logits, targets = rng.standard_normal((6, 4, 11)) * 3, rng.integers(0, 11, (6, 4))
    loss, d = cross_entropy(logits, targets)
    lt = torch.tensor(logits, requires_grad=True)
    ref = F.cross_entropy(lt.reshape(-1, 11), torch.tensor(targets).reshape(-1))
    ref.backward()
    assert abs(loss - ref.item()) < 1e-12
    np.testing.assert_allclose(d, lt.grad.numpy(), atol=1e-12, rtol=0)
