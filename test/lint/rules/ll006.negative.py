# --- DDP with all_reduce of the token count
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel as DDP

def step(model, ce, mask):
    model = DDP(model)
    n = mask.sum()
    dist.all_reduce(n)
    return (ce * mask).sum() / n * dist.get_world_size()

# --- token mean without any distributed code
def step(ce, mask):
    return (ce * mask).sum() / mask.sum()

# --- DDP, sum over tokens divided by a constant (global) count
import torch.distributed as dist

def step(ce, mask, global_tokens):
    dist.barrier()
    return (ce * mask).sum() / global_tokens

# --- DDP, evaluation under no_grad
import torch
import torch.distributed as dist

def evaluate(ce, mask):
    dist.barrier()
    with torch.no_grad():
        return (ce * mask).sum() / mask.sum()

# --- accumulation: sum of token losses over the total tokens of the accumulated batches
import torch.nn.functional as F

def train(model, loader, opt, accum_steps, total_tokens):
    for i, batch in enumerate(loader):
        ce = F.cross_entropy(model(batch["x"]).transpose(1, 2), batch["y"], reduction="none")
        loss = (ce * batch["mask"]).sum() / total_tokens
        loss.backward()
        if (i + 1) % accum_steps == 0:
            opt.step()
            opt.zero_grad()

# --- accumulation with a plain mean loss divided by steps (every micro-batch has the same size)
import torch.nn.functional as F

def train(model, loader, opt, k):
    for i, (x, y) in enumerate(loader):
        loss = F.cross_entropy(model(x), y) / k
        loss.backward()
        if (i + 1) % k == 0:
            opt.step()
            opt.zero_grad()

# --- division by a count that is not the mask of the numerator
import torch.distributed as dist

def step(ce, mask, weights):
    dist.barrier()
    return (ce * mask).sum() / weights.sum()
