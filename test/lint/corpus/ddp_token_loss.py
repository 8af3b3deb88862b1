"""DistributedDataParallel LM training: the token count is all-reduced before normalising the loss."""
import os

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel as DDP


def setup():
    dist.init_process_group("nccl")
    local_rank = int(os.environ["LOCAL_RANK"])
    torch.cuda.set_device(local_rank)
    return local_rank


def train(model, loader, steps=1000):
    rank = setup()
    model = DDP(model.cuda(rank), device_ids=[rank])
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    world = dist.get_world_size()
    for step, batch in enumerate(loader):
        input_ids = batch["input_ids"].cuda(rank)
        labels = batch["labels"].cuda(rank)
        logits = model(input_ids)[:, :-1]
        targets = labels[:, 1:]
        per_token = F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1), ignore_index=-100, reduction="none")
        mask = (targets.reshape(-1) != -100).float()
        n_tokens = mask.sum()
        dist.all_reduce(n_tokens, op=dist.ReduceOp.SUM)
        loss = (per_token * mask).sum() / n_tokens * world
        loss.backward()
        opt.step()
        opt.zero_grad()
        if step >= steps:
            break
    dist.destroy_process_group()
