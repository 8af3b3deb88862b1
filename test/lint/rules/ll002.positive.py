# --- torch.sigmoid inline into the functional loss
import torch
import torch.nn.functional as F

def step(z, y):
    return F.binary_cross_entropy_with_logits(torch.sigmoid(z), y)  # expect: LL002

# --- method sigmoid through a name, BCEWithLogitsLoss module
import torch.nn as nn

loss_fn = nn.BCEWithLogitsLoss()

def step(model, x, y):
    p = model(x).sigmoid()
    return loss_fn(p, y.float())  # expect: LL002

# --- nn.Sigmoid layer stored on self, criterion on self
from torch import nn

class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.out = nn.Linear(16, 4)
        self.sig = nn.Sigmoid()
        self.criterion = nn.BCEWithLogitsLoss(pos_weight=None)

    def forward(self, x, y):
        probs = self.sig(self.out(x))
        return self.criterion(probs, y)  # expect: LL002

# --- F.sigmoid and a view, keyword arguments
import torch.nn.functional as F

def step(logits, targets):
    probs = F.sigmoid(logits).view(-1)
    return F.binary_cross_entropy_with_logits(input=probs, target=targets.view(-1))  # expect: LL002

# --- torch as th, special.expit, tuple unpacking
import torch as th

def step(out, y):
    p, t = th.special.expit(out.logits), y
    return th.nn.functional.binary_cross_entropy_with_logits(p, t)  # expect: LL002

# --- from-import of the loss under another name
from torch.nn.functional import binary_cross_entropy_with_logits as bce_logits
import torch

def step(z, y, w):
    scores = torch.sigmoid(z)
    return bce_logits(scores, y, weight=w)  # expect: LL002
