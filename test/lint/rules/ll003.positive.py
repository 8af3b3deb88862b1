# --- torch.log of F.softmax
import torch
import torch.nn.functional as F

def step(z, y):
    logp = torch.log(F.softmax(z, dim=-1))  # expect: LL003
    return F.nll_loss(logp, y)

# --- method chain softmax().log()
def step(z):
    return z.softmax(-1).log()  # expect: LL003

# --- log of sigmoid through a name
import torch

def step(z):
    p = torch.sigmoid(z)
    return -torch.log(p).mean()  # expect: LL003

# --- binary_cross_entropy of a sigmoid
import torch
import torch.nn.functional as F

def step(z, y):
    return F.binary_cross_entropy(torch.sigmoid(z), y)  # expect: LL003

# --- BCELoss module on self, sigmoid method
import torch.nn as nn

class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.loss = nn.BCELoss(reduction="sum")

    def forward(self, z, y):
        return self.loss(z.sigmoid(), y)  # expect: LL003

# --- th alias, probabilities kept then logged as a method
import torch as th

def kl_term(logits):
    probs = th.softmax(logits, dim=1)
    return probs.log()  # expect: LL003

# --- nn.Softmax module then torch.log
from torch import nn
import torch

soft = nn.Softmax(dim=-1)

def step(z):
    return torch.log(soft(z))  # expect: LL003
