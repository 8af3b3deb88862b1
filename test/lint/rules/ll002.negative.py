# --- logits into the with-logits loss
import torch.nn.functional as F

def step(z, y):
    return F.binary_cross_entropy_with_logits(z, y)

# --- sigmoid into plain BCE is a different rule (LL003), not LL002
import torch
import torch.nn as nn

bce = nn.BCELoss()

def step(z, y):
    return bce(torch.sigmoid(z), y)

# --- sigmoid only for the prediction
import torch
import torch.nn as nn

crit = nn.BCEWithLogitsLoss()

def step(model, x, y):
    logits = model(x)
    preds = (torch.sigmoid(logits) > 0.5).float()
    return crit(logits, y), preds

# --- sigmoid makes the soft target, not the input
import torch
import torch.nn.functional as F

def distill(student, teacher):
    target = torch.sigmoid(teacher)
    return F.binary_cross_entropy_with_logits(student, target)

# --- rebound name
import torch
import torch.nn.functional as F

def step(z, y):
    p = torch.sigmoid(z)
    p = z * 2.0
    return F.binary_cross_entropy_with_logits(p, y)

# --- a module's own sigmoid method we do not know
import torch.nn.functional as F
import mylib

def step(z, y):
    return F.binary_cross_entropy_with_logits(mylib.sigmoid(z), y)
