"""Masked language modelling: 15% of tokens corrupted, loss only on the corrupted positions."""
import torch
import torch.nn.functional as F


def mask_tokens(input_ids, tokenizer, mlm_probability=0.15):
    labels = input_ids.clone()
    inputs = input_ids.clone()
    probability = torch.full(labels.shape, mlm_probability)
    special = torch.tensor([tokenizer.get_special_tokens_mask(ids, already_has_special_tokens=True) for ids in labels.tolist()], dtype=torch.bool)
    probability.masked_fill_(special, 0.0)
    masked = torch.bernoulli(probability).bool()
    labels[~masked] = -100
    replaced = torch.bernoulli(torch.full(labels.shape, 0.8)).bool() & masked
    inputs[replaced] = tokenizer.mask_token_id
    return inputs, labels


def mlm_step(model, batch, tokenizer, optimizer):
    inputs, labels = mask_tokens(batch["input_ids"], tokenizer)
    logits = model(input_ids=inputs, attention_mask=batch["attention_mask"]).logits
    loss = F.cross_entropy(logits.view(-1, logits.size(-1)), labels.view(-1))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()


def mlm_step_inline(model, input_ids, mask_positions, mask_token_id):
    corrupted = input_ids.clone()
    corrupted[mask_positions] = mask_token_id
    logits = model(corrupted).logits
    targets = input_ids.masked_fill(~mask_positions, -100)
    return F.cross_entropy(logits.transpose(1, 2), targets)
