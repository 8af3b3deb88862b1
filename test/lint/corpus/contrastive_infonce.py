"""CLIP-style contrastive training: InfoNCE as cross-entropy over similarity logits."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class ContrastiveModel(nn.Module):
    def __init__(self, image_encoder, text_encoder, dim=512):
        super().__init__()
        self.image_encoder = image_encoder
        self.text_encoder = text_encoder
        self.logit_scale = nn.Parameter(torch.tensor(2.659))

    def forward(self, images, texts):
        img = F.normalize(self.image_encoder(images), dim=-1)
        txt = F.normalize(self.text_encoder(texts), dim=-1)
        logits = self.logit_scale.exp().clamp(max=100) * img @ txt.t()
        targets = torch.arange(logits.size(0), device=logits.device)
        loss = (F.cross_entropy(logits, targets) + F.cross_entropy(logits.t(), targets)) / 2
        return loss, logits


def train(model, loader, opt, scheduler):
    model.train()
    for images, texts in loader:
        loss, logits = model(images, texts)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        scheduler.step()
        acc = (logits.argmax(-1) == torch.arange(len(logits))).float().mean()
        print(f"loss {loss.item():.3f} acc {acc.item():.3f}")
