"""PyTorch references (float64, CPU) for empty tensors and empty counts: a batch of no rows, a class axis of
no classes, every target ignored, a 0-d softmax. PyTorch answers most of them (a mean over nothing is NaN, a
sum is 0, "none" is empty) and refuses a few; both are recorded, in the losslab-golden/1 format plus a
"refused" list with PyTorch's message. Written to test/golden/emptyTensors.json; the tests never need Python.

    /usr/bin/python3 scripts/golden/empty_tensors.py
"""
import json
import os

import torch
import torch.nn.functional as F

cases = []
refused = []


def js(t, dtype=None):
    t = torch.as_tensor(t)
    kind = dtype or ("int64" if t.dtype == torch.int64 else "float64")
    data = [v if v == v and abs(v) != float("inf") else ("NaN" if v != v else ("Infinity" if v > 0 else "-Infinity")) for v in t.flatten().tolist()]
    return {"dtype": kind, "shape": list(t.shape), "data": data}


def f64(shape, fill=None):
    n = 1
    for d in shape:
        n *= d
    values = fill if fill is not None else [((i * 7) % 11 - 5) / 4 for i in range(n)]
    return torch.tensor(values, dtype=torch.float32).double().reshape(shape)


def i64(shape, values):
    return torch.tensor(values, dtype=torch.int64).reshape(shape)


def case(id, op, inputs, options, fn, grad=True):
    """fn(**float64 leaf tensors, **options) → output; grads are d(output.sum())/d(each float input)."""
    leaves = {k: (v.clone().requires_grad_(True) if v.is_floating_point() else v) for k, v in inputs.items()}
    entry = {"id": id, "op": op, "inputs": {k: js(v, "float32" if v.is_floating_point() else None) for k, v in inputs.items()}, "options": options}
    try:
        output = fn(**leaves, **options)
    except Exception as error:  # PyTorch refuses: the engine must refuse too, in words
        refused.append({**entry, "torch_error": str(error).split("\n")[0]})
        return
    if grad:
        output.sum().backward()
    grads = {} if not grad else {k: js(v.grad if v.grad is not None else torch.zeros_like(v)) for k, v in leaves.items() if v.is_floating_point()}
    # A non-finite gradient is left out, as in public.json.
    grads = grads and {k: g for k, g in grads.items() if all(isinstance(x, float) or isinstance(x, int) for x in g["data"])}
    cases.append({**entry, "expected": {"output": js(output.detach()), "grad": grads}})


REDUCTIONS = ["mean", "sum", "none"]

# Class-index and probability targets: no rows.
for r in REDUCTIONS:
    case(f"cross_entropy/empty_rows/{r}", "cross_entropy", {"input": f64([0, 3]), "target": i64([0], [])}, {"reduction": r}, F.cross_entropy)
    case(f"cross_entropy/empty_rows_soft/{r}", "cross_entropy", {"input": f64([0, 3]), "target": f64([0, 3])}, {"reduction": r}, F.cross_entropy)
    case(f"cross_entropy/empty_rows_smoothing/{r}", "cross_entropy", {"input": f64([0, 3]), "target": i64([0], [])}, {"reduction": r, "label_smoothing": 0.1}, F.cross_entropy)
    case(f"cross_entropy/empty_rows_weight/{r}", "cross_entropy", {"input": f64([0, 3]), "target": i64([0], [])}, {"reduction": r, "weight": js(f64([3], [1, 2, 3]), "float32")}, lambda input, target, weight, reduction: F.cross_entropy(input, target, weight=torch.tensor(weight["data"], dtype=torch.float64), reduction=reduction))
    case(f"cross_entropy/empty_sequence/{r}", "cross_entropy", {"input": f64([2, 3, 0]), "target": i64([2, 0], [])}, {"reduction": r}, F.cross_entropy)
    case(f"cross_entropy/all_ignored/{r}", "cross_entropy", {"input": f64([2, 3]), "target": i64([2], [-100, -100])}, {"reduction": r}, F.cross_entropy)
    case(f"nll_loss/empty_rows/{r}", "nll_loss", {"input": f64([0, 3]), "target": i64([0], [])}, {"reduction": r}, F.nll_loss)
    case(f"nll_loss/all_ignored/{r}", "nll_loss", {"input": f64([2, 3]), "target": i64([2], [1, 1])}, {"reduction": r, "ignore_index": 1}, F.nll_loss)
    case(f"binary_cross_entropy_with_logits/empty/{r}", "binary_cross_entropy_with_logits", {"input": f64([0]), "target": f64([0])}, {"reduction": r}, F.binary_cross_entropy_with_logits)
    case(f"binary_cross_entropy_with_logits/empty_2d/{r}", "binary_cross_entropy_with_logits", {"input": f64([3, 0]), "target": f64([3, 0])}, {"reduction": r}, F.binary_cross_entropy_with_logits)
    case(f"mse_loss/empty/{r}", "mse_loss", {"input": f64([0]), "target": f64([0])}, {"reduction": r}, F.mse_loss)
    case(f"l1_loss/empty/{r}", "l1_loss", {"input": f64([0, 2]), "target": f64([0, 2])}, {"reduction": r}, F.l1_loss)
    case(f"huber_loss/empty/{r}", "huber_loss", {"input": f64([0]), "target": f64([0])}, {"reduction": r}, F.huber_loss)
    case(f"smooth_l1_loss/empty/{r}", "smooth_l1_loss", {"input": f64([0]), "target": f64([0])}, {"reduction": r}, F.smooth_l1_loss)

# One row, no classes: PyTorch's answer or its refusal.
case("cross_entropy/no_classes/mean", "cross_entropy", {"input": f64([2, 0]), "target": f64([2, 0])}, {"reduction": "mean"}, F.cross_entropy)
case("cross_entropy/no_classes_index/mean", "cross_entropy", {"input": f64([1, 0]), "target": i64([1], [0])}, {"reduction": "mean"}, F.cross_entropy)

for r in ["mean", "sum", "batchmean", "none"]:
    case(f"kl_div/empty/{r}", "kl_div", {"input": f64([0, 3]), "target": f64([0, 3])}, {"reduction": r}, F.kl_div)
    case(f"kl_div/empty_log_target/{r}", "kl_div", {"input": f64([0, 3]), "target": f64([0, 3])}, {"reduction": r, "log_target": True}, F.kl_div)

for dim in [-1, 0]:
    for shape in [[0, 3], [2, 0], [0]]:
        if dim == 0 or len(shape) > 1 or dim == -1:
            name = "x".join(map(str, shape))
            case(f"softmax/empty_{name}/dim{dim}", "softmax", {"input": f64(shape)}, {"dim": dim}, F.softmax)
            case(f"log_softmax/empty_{name}/dim{dim}", "log_softmax", {"input": f64(shape)}, {"dim": dim}, F.log_softmax)
for dim in [0, -1]:
    case(f"softmax/scalar/dim{dim}", "softmax", {"input": f64([], [1.5])}, {"dim": dim}, F.softmax)
    case(f"log_softmax/scalar/dim{dim}", "log_softmax", {"input": f64([], [1.5])}, {"dim": dim}, F.log_softmax)


# torchvision.ops.sigmoid_focal_loss, written out (torchvision is not a dependency).
def sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2.0, reduction="none"):
    p = torch.sigmoid(inputs)
    ce = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce * ((1 - p_t) ** gamma)
    if alpha >= 0:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss


for r in REDUCTIONS:
    case(f"sigmoid_focal_loss/empty/{r}", "sigmoid_focal_loss", {"inputs": f64([0]), "targets": f64([0])}, {"reduction": r}, sigmoid_focal_loss)


# A batch of no pairs: TRL's dpo_loss returns the per-pair losses (empty); the Bradley–Terry reward loss takes the mean.
def dpo_loss(policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps, beta=0.1):
    logits = (policy_chosen_logps - reference_chosen_logps) - (policy_rejected_logps - reference_rejected_logps)
    return -F.logsigmoid(beta * logits)


case("dpo_loss/empty/sigmoid", "dpo_loss", {k: f64([0]) for k in ["policy_chosen_logps", "policy_rejected_logps", "reference_chosen_logps", "reference_rejected_logps"]}, {"beta": 0.1}, dpo_loss)
case("reward_model_loss/empty", "reward_model_loss", {"chosen_rewards": f64([0]), "rejected_rewards": f64([0])}, {}, lambda chosen_rewards, rejected_rewards: (-F.logsigmoid(chosen_rewards - rejected_rewards)).mean())

# Per-row divergences of no rows: empty.
case("kl_divergence/empty/none", "kl_divergence", {"p": f64([0, 3]), "q": f64([0, 3])}, {"reduction": "none"}, lambda p, q, reduction: torch.xlogy(p, p).sum(-1) - (p * torch.log(q)).sum(-1))
case("entropy/empty/none", "entropy", {"input": f64([0, 3])}, {"reduction": "none"}, lambda input, reduction: -torch.xlogy(input, input).sum(-1))

# Mean token loss over no tokens: perplexity exp(NaN) = NaN.
case("perplexity/empty", "perplexity", {"input": f64([0, 4, 3]), "target": i64([0, 4], [])}, {}, lambda input, target: torch.exp(F.cross_entropy(input.reshape(-1, 3), target.reshape(-1))), grad=False)

path = os.path.join(os.path.dirname(__file__), "..", "..", "test", "golden", "emptyTensors.json")
with open(path, "w") as fh:
    json.dump({"format": "losslab-golden/1", "torch_version": torch.__version__, "cases": cases, "refused": refused}, fh, indent=None)
    fh.write("\n")
print(f"{len(cases)} cases, {len(refused)} refused → {os.path.relpath(path)}")
for r in refused:
    print("  refused", r["id"], r["torch_error"][:120])
