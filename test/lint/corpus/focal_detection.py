"""Dense detection head trained with a sigmoid focal loss written out by hand (p_t keeps its gradient)."""
import torch
import torch.nn as nn
import torch.nn.functional as F


def sigmoid_focal_loss(logits, targets, alpha=0.25, gamma=2.0, reduction="sum"):
    p = torch.sigmoid(logits)
    ce = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    return loss.sum() if reduction == "sum" else loss.mean()


class FocalLoss(nn.Module):
    """Multi-class focal loss on logits."""

    def __init__(self, gamma=2.0, weight=None):
        super().__init__()
        self.gamma = gamma
        self.weight = weight

    def forward(self, logits, target):
        logp = F.log_softmax(logits, dim=-1)
        logp_t = logp.gather(1, target.unsqueeze(1)).squeeze(1)
        p_t = logp_t.exp()
        loss = -torch.pow(1 - p_t, self.gamma) * logp_t
        if self.weight is not None:
            loss = loss * self.weight[target]
        return loss.mean()


def train_step(model, images, cls_targets, num_pos, optimizer):
    cls_logits = model(images)
    loss = sigmoid_focal_loss(cls_logits, cls_targets) / max(num_pos, 1)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    with torch.no_grad():
        conf = torch.sigmoid(cls_logits).detach()
        recall = ((conf > 0.5).float() * cls_targets).sum() / cls_targets.sum().clamp(min=1)
    return loss.item(), recall.item()
