"""Sequence-to-sequence fine-tuning: decoder targets padded with -100, teacher forcing via shifted inputs."""
import torch
import torch.nn.functional as F


def shift_right(labels, decoder_start_token_id, pad_token_id):
    shifted = labels.new_zeros(labels.shape)
    shifted[:, 1:] = labels[:, :-1].clone()
    shifted[:, 0] = decoder_start_token_id
    shifted.masked_fill_(shifted == -100, pad_token_id)
    return shifted


def prepare(tokenizer, sources, targets, max_len=256):
    enc = tokenizer(sources, max_length=max_len, truncation=True, padding=True, return_tensors="pt")
    dec = tokenizer(text_target=targets, max_length=max_len, truncation=True, padding=True, return_tensors="pt")
    labels = dec["input_ids"]
    labels[labels == tokenizer.pad_token_id] = -100
    return enc, labels


def train_step(model, tokenizer, sources, targets, optimizer):
    enc, labels = prepare(tokenizer, sources, targets)
    decoder_input_ids = shift_right(labels, model.config.decoder_start_token_id, tokenizer.pad_token_id)
    out = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"], decoder_input_ids=decoder_input_ids)
    loss = F.cross_entropy(out.logits.reshape(-1, out.logits.size(-1)), labels.reshape(-1))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()
