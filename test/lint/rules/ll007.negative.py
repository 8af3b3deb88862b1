# --- focal loss without detach
import torch
import torch.nn.functional as F

def focal(logits, y, gamma=2.0):
    ce = F.cross_entropy(logits, y, reduction="none")
    pt = torch.exp(-ce)
    return ((1 - pt) ** gamma * ce).mean()

# --- detached value for logging only
import torch

def focal(ce, gamma, log):
    pt = torch.exp(-ce)
    log["pt"] = (1 - pt.detach()) ** gamma
    return ((1 - pt) ** gamma * ce).mean()

# --- class weights from counts (no p_t), detached
import torch

def weighted(ce, counts):
    w = (1 - counts.detach() / counts.sum()) ** 0.5
    return w

# --- focal via torch.pow with live p_t
import torch

class FocalLoss(torch.nn.Module):
    def forward(self, logp_t, gamma):
        p_t = logp_t.exp()
        return -(torch.pow(1 - p_t, gamma) * logp_t).mean()

# --- the no_grad block is elsewhere: pt is rebound after it
import torch

def focal(ce, gamma):
    with torch.no_grad():
        pt = torch.exp(-ce)
    pt = torch.exp(-ce)
    return ((1 - pt) ** gamma * ce).mean()

# --- (1 - x) ** 2 of a detached target for a regression term, not multiplied into a loss
import torch

def dist_sq(a, b):
    d = (1 - (a * b.detach()).sum(-1)) ** 2
    return d.mean()
