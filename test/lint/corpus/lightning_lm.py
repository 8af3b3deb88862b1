"""LightningModule for a small causal LM: targets are the inputs shifted by one."""
import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F


class TinyLM(nn.Module):
    def __init__(self, vocab, d=256, layers=4):
        super().__init__()
        self.embed = nn.Embedding(vocab, d)
        block = nn.TransformerEncoderLayer(d, 4, 4 * d, batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(block, layers)
        self.head = nn.Linear(d, vocab, bias=False)

    def forward(self, idx):
        T = idx.size(1)
        mask = torch.triu(torch.full((T, T), float("-inf"), device=idx.device), diagonal=1)
        return self.head(self.blocks(self.embed(idx), mask=mask))


class LitLM(L.LightningModule):
    def __init__(self, vocab):
        super().__init__()
        self.model = TinyLM(vocab)

    def training_step(self, batch, batch_idx):
        tokens = batch["input_ids"]
        inputs, targets = tokens[:, :-1], tokens[:, 1:]
        logits = self.model(inputs)
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1), ignore_index=-100)
        self.log("loss", loss, prog_bar=True)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=3e-4, betas=(0.9, 0.95))
