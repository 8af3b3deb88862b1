# Loss bugs the Loss Lab linter finds: open this file in VS Code and hover a warning, then follow
# "Open in Playground" to the scene that shows the bug with numbers. `npx losslab lint examples/lint`
# lists them in the terminal.
import torch
import torch.nn.functional as F


def focal_loss(logits, target, gamma=2.0):
    log_p = F.log_softmax(logits, dim=-1).gather(1, target[:, None]).squeeze(1)
    p_t = log_p.exp().detach()
    return (-((1 - p_t) ** gamma) * log_p).mean()


def class_log_probs(logits):
    return torch.log(F.softmax(logits, dim=-1))


def multilabel_loss(logits, targets):
    return F.binary_cross_entropy_with_logits(torch.sigmoid(logits), targets)
