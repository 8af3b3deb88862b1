"""Multi-label tagging: BCE-with-logits on logits, sigmoid for thresholded predictions."""
import torch
import torch.nn as nn


class Tagger(nn.Module):
    def __init__(self, d_in, n_tags):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(d_in, 512), nn.GELU(), nn.Dropout(0.1))
        self.head = nn.Linear(512, n_tags)
        self.loss_fn = nn.BCEWithLogitsLoss(pos_weight=torch.ones(n_tags) * 2.0)

    def forward(self, x, targets=None):
        logits = self.head(self.body(x))
        probs = torch.sigmoid(logits)
        if targets is None:
            return probs
        return self.loss_fn(logits, targets.float()), probs


def evaluate(model, loader, threshold=0.5):
    model.eval()
    tp = fp = fn = 0
    with torch.no_grad():
        for x, y in loader:
            probs = model(x)
            pred = (probs > threshold).float()
            tp += (pred * y).sum().item()
            fp += (pred * (1 - y)).sum().item()
            fn += ((1 - pred) * y).sum().item()
    return 2 * tp / max(2 * tp + fp + fn, 1)


def train(model, loader, epochs=5):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(epochs):
        for x, y in loader:
            loss, _ = model(x, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
