"""Pairwise (Bradley-Terry) reward model on chosen/rejected completions."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class RewardModel(nn.Module):
    def __init__(self, backbone, hidden):
        super().__init__()
        self.backbone = backbone
        self.value_head = nn.Linear(hidden, 1)

    def forward(self, input_ids, attention_mask):
        hidden = self.backbone(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        last = attention_mask.sum(dim=1) - 1
        return self.value_head(hidden[torch.arange(hidden.size(0)), last]).squeeze(-1)


def pairwise_loss(model, batch, margin=0.0):
    r_chosen = model(batch["chosen_input_ids"], batch["chosen_attention_mask"])
    r_rejected = model(batch["rejected_input_ids"], batch["rejected_attention_mask"])
    loss = -F.logsigmoid(r_chosen - r_rejected - margin).mean()
    accuracy = (torch.sigmoid(r_chosen - r_rejected) > 0.5).float().mean()
    return loss, accuracy


def train(model, loader, opt, accumulation=2):
    for i, batch in enumerate(loader):
        loss, acc = pairwise_loss(model, batch)
        (loss / accumulation).backward()
        if (i + 1) % accumulation == 0:
            opt.step()
            opt.zero_grad()
