# --- DDP, (loss * mask).sum() / mask.sum(), no all_reduce
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel as DDP

def train(model, loader, opt):
    dist.init_process_group("nccl")
    model = DDP(model)
    for batch in loader:
        logits = model(batch["input_ids"])
        ce = F.cross_entropy(logits.transpose(1, 2), batch["labels"], reduction="none")
        mask = batch["loss_mask"]
        loss = (ce * mask).sum() / mask.sum()  # expect: LL006
        loss.backward()
        opt.step()

# --- DDP, token count through a name, clamp
import torch
from torch.nn.parallel import DistributedDataParallel

def step(model, x, y, mask, crit):
    model = DistributedDataParallel(model)
    per_token = crit(model(x), y)
    n_tokens = mask.sum().clamp(min=1)
    loss = (per_token * mask).sum() / n_tokens  # expect: LL006
    return loss

# --- torch.distributed imported whole, boolean-mask mean
import torch
import torch.distributed

def step(per_token_loss, labels):
    rank = torch.distributed.get_rank()
    return per_token_loss[labels != -100].mean()  # expect: LL006

# --- masked_select mean with the mask named
import torch.distributed as dist

def step(token_loss, attention_mask):
    world = dist.get_world_size()
    return token_loss.masked_select(attention_mask.bool()).mean()  # expect: LL006

# --- gradient accumulation: per-micro-batch token mean divided by the steps
import torch.nn.functional as F

def train(model, loader, opt, accum_steps):
    for i, batch in enumerate(loader):
        ce = F.cross_entropy(model(batch["x"]).transpose(1, 2), batch["y"], reduction="none")
        mask = batch["mask"]
        loss = (ce * mask).sum() / mask.sum()
        loss = loss / accum_steps  # expect: LL006
        loss.backward()
        if (i + 1) % accum_steps == 0:
            opt.step()
            opt.zero_grad()

# --- accumulation with /= and torch.sum spelled out
import torch

def train(model, loader, optimizer, k, loss_fn):
    for step, (x, y, m) in enumerate(loader):
        tok = loss_fn(model(x), y)
        loss = torch.sum(tok * m) / torch.sum(m)
        loss /= k  # expect: LL006
        loss.backward()
        if step % k == 0:
            optimizer.step()
            optimizer.zero_grad()
