"""Golden data for long notebook training loops: 200 steps of nn.Linear(16, 72) on a batch of 32 with each
optimizer (parameters larger than the values the notebook sends with every run, so they live on the engine
from step to step), and the parameters after step 10 and step 200. Run with Debian's PyTorch:

    /usr/bin/python3 scripts/golden/training_memory.py > test/golden/trainingMemory.json

Inputs are drawn from a seeded generator and stored; the test starts from the same W, b, X and Y.
"""
import json
import sys

import torch
import torch.nn.functional as F

torch.set_num_threads(1)

IN, OUT, BATCH = 16, 72, 32

CASES = [
    ("sgd_momentum", "SGD", {"lr": 0.2, "momentum": 0.9}, None),
    ("sgd_momentum_wd_nesterov", "SGD", {"lr": 0.2, "momentum": 0.9, "weight_decay": 0.01, "nesterov": True}, None),
    ("adam", "Adam", {"lr": 0.01}, None),
    ("adamw_clip", "AdamW", {"lr": 0.01, "weight_decay": 0.05}, 0.5),
]


def data(t):
    return [float(v) for v in t.reshape(-1).tolist()]


def main():
    g = torch.Generator().manual_seed(10)
    W = (torch.rand(OUT, IN, generator=g) * 2 - 1) * 0.25
    b = (torch.rand(OUT, generator=g) * 2 - 1) * 0.25
    X = torch.rand(BATCH, IN, generator=g) * 4 - 2
    Y = torch.randint(0, OUT, (BATCH,), generator=g)
    cases = []
    for id, name, options, clip in CASES:
        lin = torch.nn.Linear(IN, OUT)
        with torch.no_grad():
            lin.weight.copy_(W)
            lin.bias.copy_(b)
        opt = getattr(torch.optim, name)(lin.parameters(), **options)
        after = {}
        losses = []
        for step in range(1, 201):
            opt.zero_grad()
            loss = F.cross_entropy(lin(X), Y)
            loss.backward()
            if clip is not None:
                torch.nn.utils.clip_grad_norm_(lin.parameters(), clip)
            opt.step()
            losses.append(loss.item())
            if step in (10, 200):
                after[str(step)] = {"W": data(lin.weight.detach()), "b": data(lin.bias.detach())}
        cases.append({"id": id, "optimizer": name, "options": options, "clip": clip, "after": after, "losses": losses})
    json.dump({
        "torch_version": torch.__version__,
        "inputs": {"W": data(W), "b": data(b), "X": data(X), "Y": [int(v) for v in Y.tolist()]},
        "shape": {"in": IN, "out": OUT, "batch": BATCH},
        "cases": cases,
    }, sys.stdout)


if __name__ == "__main__":
    main()
