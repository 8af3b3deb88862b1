# --- log_softmax directly
import torch.nn.functional as F

def step(z, y):
    return F.nll_loss(F.log_softmax(z, dim=-1), y)

# --- logsigmoid
import torch.nn.functional as F

def step(z):
    return -F.logsigmoid(z).mean()

# --- BCE with logits
import torch.nn.functional as F

def step(z, y):
    return F.binary_cross_entropy_with_logits(z, y)

# --- log of something else
import torch

def step(x):
    return torch.log(x.clamp(min=1e-6))

# --- BCE on probabilities that come from a dataset, not a sigmoid
import torch.nn.functional as F

def step(p, y):
    return F.binary_cross_entropy(p, y)

# --- softmax kept for entropy of a teacher under no log
import torch

def entropy_weight(z):
    p = torch.softmax(z, -1)
    return (p * p).sum(-1)

# --- log of a rebound name
import torch

def step(z):
    p = torch.sigmoid(z)
    p = z.exp()
    return torch.log(p)
