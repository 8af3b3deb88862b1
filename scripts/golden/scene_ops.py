"""PyTorch references (float64, CPU) for the ops behind the playground's later scenes, in the losslab-golden/1
format of test/golden/public.json: beam_score (length normalisation). Written to test/golden/sceneOps.json;
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

path = os.path.join(os.path.dirname(__file__), "..", "..", "test", "golden", "sceneOps.json")
with open(path, "w") as fh:
    json.dump({"format": "losslab-golden/1", "torch_version": torch.__version__, "cases": cases}, fh, indent=None)
    fh.write("\n")
print(f"{len(cases)} cases → {os.path.relpath(path)}")
