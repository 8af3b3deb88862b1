"""PyTorch references (float64, CPU) for the ops behind the playground's later scenes, in the losslab-golden/1
format of test/golden/public.json: beam_score (length normalisation), clip_grad_norm_ and clip_grad_value_
(gradient clipping; the values are torch.nn.utils' own, the gradients those of the same formula under autograd) and
multi_task_gradient (multi-task balancing: the K task gradients of a small shared layer from torch.autograd, combined
by fixed weights, by gradient normalisation and by adaptive weights). Written to test/golden/sceneOps.json;
the tests never need Python.

    /usr/bin/python3 scripts/golden/scene_ops.py
"""
import json
import os

import torch

torch.manual_seed(0)
cases = []


def f32(x):
    """A float input, exactly representable in float32, as float64."""
    return torch.as_tensor(x, dtype=torch.float32).double()


def js(t, dtype=None):
    t = torch.as_tensor(t)
    kind = dtype or ("int64" if t.dtype == torch.int64 else "float64")
    data = [v if v == v and abs(v) != float("inf") else ("NaN" if v != v else ("Infinity" if v > 0 else "-Infinity")) for v in t.flatten().tolist()]
    return {"dtype": kind, "shape": list(t.shape), "data": data}


def case(id, op, inputs, options, fn):
    """fn(**float64 leaf tensors) → (output, extras); grads are d(output.sum())/d(each float input)."""
    leaves = {k: (v.clone().requires_grad_(True) if v.is_floating_point() else v) for k, v in inputs.items()}
    output, extras = fn(**leaves, **options)
    output.sum().backward()
    expected = {"output": js(output.detach()), "grad": {k: js(v.grad) for k, v in leaves.items() if v.is_floating_point() and v.grad is not None}}
    expected.update({k: js(v.detach()) for k, v in extras.items()})
    cases.append({"id": id, "op": op, "inputs": {k: js(v, "float32" if v.is_floating_point() else None) for k, v in inputs.items()}, "options": options, "expected": expected})


# beam_score: Σ_{t < length} logprobs[b, t] / length ** length_penalty (Hugging Face's BeamHypotheses.add)
def beam_score(logprobs, lengths, length_penalty=1.0):
    T = logprobs.shape[1]
    mask = (torch.arange(T)[None, :] < lengths[:, None]).double()
    total = (logprobs * mask).sum(1)
    penalty = lengths.double() ** length_penalty
    return total / penalty, {"sum_logprobs": total, "length_penalty_factor": penalty}


for i, alpha in enumerate([0.0, 0.6, 1.0, 2.0, -0.5]):
    B, T = 3 + i % 2, 6 + i
    logprobs = f32(-torch.rand(B, T) * 3)
    lengths = torch.randint(1, T + 1, (B,))
    lengths[0] = T
    case(f"beam_score/basic/{i:02d}", "beam_score", {"logprobs": logprobs, "lengths": lengths}, {"length_penalty": alpha}, beam_score)


# clip_grad_norm_ / clip_grad_value_ on one flattened gradient: values from torch.nn.utils itself; gradients of
# output.sum() from the same formula written with autograd (torch.nn.utils works under no_grad).
def clip_norm(grads, max_norm, norm_type=2.0, error_if_nonfinite=False):
    p = float(norm_type)
    total = grads.abs().amax() if p == float("inf") else torch.linalg.vector_norm(grads.flatten(), p)
    coef = torch.clamp(max_norm / (total + 1e-6), max=1.0)
    out = grads * coef
    check = torch.nn.Parameter(grads.detach().clone())
    check.grad = grads.detach().clone()
    norm = torch.nn.utils.clip_grad_norm_([check], max_norm, norm_type=norm_type)
    assert torch.allclose(check.grad, out.detach()) and torch.allclose(norm, total.detach()), "the formula is not torch.nn.utils'"
    return out, {"total_norm": total, "clip_coef": coef}


def clip_value(grads, clip_value):
    out = grads.clamp(-clip_value, clip_value)
    check = torch.nn.Parameter(grads.detach().clone())
    check.grad = grads.detach().clone()
    torch.nn.utils.clip_grad_value_([check], clip_value)
    assert torch.equal(check.grad, out.detach())
    return out, {}


norm_cases = [([3.0, 4.0], 1.0, 2.0), ([3.0, 4.0], 10.0, 2.0), ([0.3, -2.5, 1.2, 0.7], 1.0, 1.0), ([0.3, -2.5, 1.2, 0.7], 0.5, float("inf")), (None, 2.0, 2.0), (None, 1.5, 3.0)]
for i, (g, max_norm, p) in enumerate(norm_cases):
    grads = f32(g) if g is not None else f32(torch.randn(3, 4) * 2)
    options = {"max_norm": max_norm, "norm_type": p} if p != float("inf") else {"max_norm": max_norm}
    fn = clip_norm if p != float("inf") else (lambda grads, max_norm: clip_norm(grads, max_norm, float("inf")))
    if p == float("inf"):
        continue  # JSON has no inf: the ∞-norm is checked in the unit tests against float64
    case(f"clip_grad_norm_/basic/{i:02d}", "clip_grad_norm_", {"grads": grads}, options, fn)
for i, (g, c) in enumerate([([3.0, 0.4], 1.0), ([-2.5, 0.3, 1.7, -0.2], 0.5), (None, 1.0)]):
    grads = f32(g) if g is not None else f32(torch.randn(2, 5) * 2)
    case(f"clip_grad_value_/basic/{i:02d}", "clip_grad_value_", {"grads": grads}, {"clip_value": c}, clip_value)


# multi_task_gradient: grads [K, ...] = each task's gradient of one shared parameter, taken from autograd on a small
# model (a shared linear layer under a cross-entropy, an MSE and a contrastive head), or random; the combination
# Σ c_k·g_k with c_k = w_k, w_k/‖g_k‖ or w_k/(‖g_k‖ + eps), differentiated by autograd in float64.
def multi_task(grads, weights, strategy="weighted", eps=1e-8):
    K = grads.shape[0]
    rows = grads.reshape(K, -1)
    norms = rows.norm(dim=1)
    coef = weights if strategy == "weighted" else weights / (norms if strategy == "normalized" else norms + eps)
    total = (rows * coef[:, None]).sum(0).reshape(grads.shape[1:])
    return total, {"norms": norms, "coefficients": coef}


def task_gradients():
    """[3, 4, 3]: the gradients of three task losses w.r.t. one shared W [4, 3], each from its own backward."""
    W = f32(torch.randn(4, 3)).requires_grad_(True)
    x = f32(torch.randn(5, 3))
    y = torch.randint(0, 4, (5,))
    losses = [
        torch.nn.functional.cross_entropy(x @ W.T, y),
        torch.nn.functional.mse_loss(x @ W.T, f32(torch.randn(5, 4))),
        torch.nn.functional.cross_entropy(torch.nn.functional.normalize(W, dim=1) @ torch.nn.functional.normalize(f32(torch.randn(4, 3)), dim=1).T / 0.07, torch.arange(4)),
    ]
    return torch.stack([torch.autograd.grad(l, W)[0] for l in losses]).detach()


mt_cases = [
    ("weighted", task_gradients(), [1.0, 0.5, 0.1], {}),
    ("normalized", task_gradients(), [1.0, 0.5, 0.1], {}),
    ("adaptive", task_gradients(), [1.0, 1.0, 1.0], {"eps": 0.1}),
    ("adaptive", None, [1.0, 2.0], {}),
    ("normalized", None, [0.3, 1.0, 0.7, 2.0], {}),
    ("weighted", None, [2.0, -1.0], {}),
]
for i, (strategy, g, w, extra) in enumerate(mt_cases):
    grads = f32(g) if g is not None else f32(torch.randn(len(w), 6) * torch.tensor([10.0 ** -k for k in range(len(w))])[:, None])
    options = {"strategy": strategy, **extra}
    case(f"multi_task_gradient/{strategy}/{i:02d}", "multi_task_gradient", {"grads": grads, "weights": f32(w)}, options, multi_task)

path = os.path.join(os.path.dirname(__file__), "..", "..", "test", "golden", "sceneOps.json")
with open(path, "w") as fh:
    json.dump({"format": "losslab-golden/1", "torch_version": torch.__version__, "cases": cases}, fh, indent=None)
    fh.write("\n")
print(f"{len(cases)} cases → {os.path.relpath(path)}")
