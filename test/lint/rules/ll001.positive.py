# --- F.softmax inline into F.cross_entropy
import torch.nn.functional as F

def step(logits, y):
    return F.cross_entropy(F.softmax(logits, dim=-1), y)  # expect: LL001

# --- method softmax through a local name
import torch
import torch.nn.functional as F

def step(model, x, y):
    logits = model(x)
    probs = logits.softmax(-1)
    loss = F.cross_entropy(probs, y)  # expect: LL001
    return loss

# --- nn.Softmax module, loss module stored on self
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self, d, k):
        super().__init__()
        self.head = nn.Linear(d, k)
        self.act = nn.Softmax(dim=1)
        self.loss_fn = nn.CrossEntropyLoss()

    def forward(self, x, y):
        p = self.act(self.head(x))
        return self.loss_fn(p, y)  # expect: LL001

# --- torch as th, softmax into nll_loss
import torch as th

def nll(z, y):
    return th.nn.functional.nll_loss(th.softmax(z, 1), y)  # expect: LL001

# --- from-import alias and tuple unpacking
from torch.nn.functional import cross_entropy as ce, softmax

def step(model, batch):
    x, y = batch
    probs, target = softmax(model(x), dim=-1), y
    return ce(probs, target)  # expect: LL001

# --- nn.Softmax()(x) inline with a module-level criterion and reshaping
from torch import nn

criterion = nn.CrossEntropyLoss(label_smoothing=0.1)

def step(out, labels):
    probs = nn.Softmax(dim=-1)(out.logits)
    return criterion(probs.view(-1, probs.size(-1)), labels.view(-1))  # expect: LL001

# --- from torch.nn import functional as nnf, NLLLoss on probabilities
from torch.nn import functional as nnf
from torch.nn import NLLLoss

def step(z, y):
    loss_fn = NLLLoss()
    p = nnf.softmax(z, dim=-1)
    return loss_fn(p, y)  # expect: LL001
