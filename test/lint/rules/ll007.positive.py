# --- p_t from exp(-ce).detach()
import torch
import torch.nn.functional as F

def focal(logits, y, gamma=2.0):
    ce = F.cross_entropy(logits, y, reduction="none")
    pt = torch.exp(-ce).detach()
    return ((1 - pt) ** gamma * ce).mean()  # expect: LL007

# --- p_t computed under no_grad
import torch
import torch.nn.functional as F

def focal(logits, y, gamma):
    logp = F.log_softmax(logits, -1).gather(1, y[:, None]).squeeze(1)
    with torch.no_grad():
        pt = logp.exp()
    return (-(1 - pt) ** gamma * logp).mean()  # expect: LL007

# --- weight in a name, torch.pow
import torch

class FocalLoss(torch.nn.Module):
    def __init__(self, gamma=2.0):
        super().__init__()
        self.gamma = gamma

    def forward(self, logp_t):
        p_t = logp_t.detach().exp()
        w = torch.pow(1 - p_t, self.gamma)  # expect: LL007
        return -(w * logp_t).mean()

# --- .pow method on a detached probability
import torch.nn.functional as F

def focal(logits, y, gamma):
    p = F.softmax(logits, dim=-1).detach()
    pt = p.gather(1, y.unsqueeze(1)).squeeze(1)
    loss = -(1 - pt).pow(gamma) * F.log_softmax(logits, -1).gather(1, y.unsqueeze(1)).squeeze(1)  # expect: LL007
    return loss.mean()

# --- sigmoid focal loss with .data
import torch
import torch.nn.functional as F

def sigmoid_focal(z, y, gamma=2.0):
    p = torch.sigmoid(z)
    bce = F.binary_cross_entropy_with_logits(z, y, reduction="none")
    p_t = p.data * y + (1 - p.data) * (1 - y)
    return ((1.0 - p_t) ** gamma * bce).mean()  # expect: LL007

# --- torch.inference_mode block
import torch

def focal(ce, gamma):
    with torch.inference_mode():
        pt = torch.exp(-ce)
    mod = (1 - pt) ** gamma  # expect: LL007
    return (mod * ce).sum()
