"""Binary segmentation: BCE-with-logits plus a soft Dice term computed from sigmoid probabilities."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class DiceBCELoss(nn.Module):
    def __init__(self, smooth=1.0, bce_weight=0.5):
        super().__init__()
        self.smooth = smooth
        self.bce_weight = bce_weight
        self.bce = nn.BCEWithLogitsLoss()

    def forward(self, logits, masks):
        probs = torch.sigmoid(logits)
        intersection = (probs * masks).sum(dim=(2, 3))
        union = probs.sum(dim=(2, 3)) + masks.sum(dim=(2, 3))
        dice = 1 - ((2 * intersection + self.smooth) / (union + self.smooth)).mean()
        return self.bce_weight * self.bce(logits, masks) + (1 - self.bce_weight) * dice


def train_epoch(model, loader, optimizer, loss_fn, device):
    model.train()
    for images, masks in loader:
        images, masks = images.to(device), masks.to(device)
        logits = model(images)
        loss = loss_fn(logits, masks.float())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


@torch.no_grad()
def iou(model, loader, device):
    scores = []
    for images, masks in loader:
        pred = (torch.sigmoid(model(images.to(device))) > 0.5).float()
        inter = (pred * masks.to(device)).sum()
        scores.append((inter / (pred.sum() + masks.sum() - inter).clamp(min=1)).item())
    return sum(scores) / len(scores)
