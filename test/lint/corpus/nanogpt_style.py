"""Character-level GPT training loop: x and y cut from one window, accumulation divides the loss."""
import numpy as np
import torch
import torch.nn as nn
from torch.nn import functional as F

block_size = 128
batch_size = 32
grad_accum = 4
max_iters = 2000


def get_batch(data, device):
    ix = torch.randint(len(data) - block_size, (batch_size,))
    x = torch.stack([torch.from_numpy(data[i:i + block_size].astype(np.int64)) for i in ix])
    y = torch.stack([torch.from_numpy(data[i + 1:i + 1 + block_size].astype(np.int64)) for i in ix])
    return x.to(device), y.to(device)


class Bigram(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.table = nn.Embedding(vocab, vocab)

    def forward(self, idx, targets=None):
        logits = self.table(idx)
        loss = None
        if targets is not None:
            B, T, C = logits.shape
            loss = F.cross_entropy(logits.view(B * T, C), targets.view(B * T))
        return logits, loss

    @torch.no_grad()
    def generate(self, idx, n):
        for _ in range(n):
            logits, _ = self(idx[:, -block_size:])
            probs = F.softmax(logits[:, -1, :], dim=-1)
            idx = torch.cat((idx, torch.multinomial(probs, 1)), dim=1)
        return idx


def train(data, vocab, device="cpu"):
    model = Bigram(vocab).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    for it in range(max_iters):
        for micro in range(grad_accum):
            xb, yb = get_batch(data, device)
            _, loss = model(xb, yb)
            loss = loss / grad_accum
            loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
    return model
