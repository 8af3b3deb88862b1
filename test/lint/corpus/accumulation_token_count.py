"""Gradient accumulation normalised by the token count of the whole accumulated batch."""
import torch
import torch.nn.functional as F


def train(model, loader, optimizer, accum_steps=4, max_steps=10_000):
    model.train()
    micro = []
    for i, batch in enumerate(loader):
        micro.append(batch)
        if len(micro) < accum_steps:
            continue
        total_tokens = sum((b["labels"][:, 1:] != -100).sum() for b in micro)
        for b in micro:
            logits = model(b["input_ids"]).logits[:, :-1]
            labels = b["labels"][:, 1:]
            loss_sum = F.cross_entropy(logits.reshape(-1, logits.size(-1)), labels.reshape(-1), ignore_index=-100, reduction="sum")
            (loss_sum / total_tokens).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad()
        micro.clear()
        if i >= max_steps:
            break


def train_modulo(model, loader, optimizer, k, tokens_per_update):
    for step, batch in enumerate(loader):
        out = model(batch["input_ids"]).logits[:, :-1]
        tgt = batch["input_ids"][:, 1:]
        loss = F.cross_entropy(out.reshape(-1, out.size(-1)), tgt.reshape(-1), reduction="sum") / tokens_per_update
        loss.backward()
        if (step + 1) % k == 0:
            optimizer.step()
            optimizer.zero_grad()
