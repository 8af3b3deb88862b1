# --- log_softmax into nll_loss
import torch.nn.functional as F

def step(logits, y):
    return F.nll_loss(F.log_softmax(logits, dim=-1), y)

# --- cross_entropy on the logits; softmax only for a metric
import torch
import torch.nn.functional as F

def step(model, x, y):
    logits = model(x)
    probs = logits.softmax(-1)
    acc = (probs.argmax(-1) == y).float().mean()
    return F.cross_entropy(logits, y), acc

# --- the name is rebound to the logits before the loss
import torch.nn.functional as F

def step(z, y, use_probs):
    out = F.softmax(z, dim=-1)
    out = z
    return F.cross_entropy(out, y)

# --- soft targets from a softmax (teacher), logits as input
import torch.nn.functional as F

def distill(student_logits, teacher_logits, T):
    soft = F.softmax(teacher_logits / T, dim=-1)
    return F.cross_entropy(student_logits / T, soft)

# --- a local function called softmax that is not PyTorch's
import torch.nn.functional as F

def softmax(x, dim):
    return x - x.logsumexp(dim, keepdim=True)

def step(z, y):
    return F.nll_loss(softmax(z, dim=-1), y)

# --- a value from an unknown helper: silent
import torch.nn as nn

class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.loss_fn = nn.CrossEntropyLoss()

    def forward(self, h, y):
        scores = self.score(h)
        return self.loss_fn(scores, y)

# --- LogSoftmax module into NLLLoss
import torch.nn as nn

net = nn.Sequential(nn.Linear(8, 3), nn.LogSoftmax(dim=1))
criterion = nn.NLLLoss()

def step(x, y):
    return criterion(net(x), y)
