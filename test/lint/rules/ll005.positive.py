# --- -1 written over pad tokens, default ignore_index
import torch.nn.functional as F

def step(logits, input_ids, tokenizer):
    labels = input_ids.clone()
    labels[labels == tokenizer.pad_token_id] = -1
    return F.cross_entropy(logits.view(-1, logits.size(-1)), labels.view(-1))  # expect: LL005

# --- -100 padding, the loss ignores the pad id
import torch.nn as nn

def step(logits, labels, tokenizer):
    labels[labels == tokenizer.pad_token_id] = -100
    loss_fn = nn.CrossEntropyLoss(ignore_index=tokenizer.pad_token_id)
    return loss_fn(logits.view(-1, logits.size(-1)), labels.view(-1))  # expect: LL005

# --- masked_fill with the pad id, default ignore
import torch.nn.functional as F

def step(logits, labels, attention_mask, pad_token_id):
    labels = labels.masked_fill(attention_mask == 0, pad_token_id)
    return F.cross_entropy(logits.transpose(1, 2), labels)  # expect: LL005

# --- in-place masked_fill_ with -1, ignore_index -100 explicitly
import torch.nn.functional as F

def step(logits, labels, attention_mask):
    labels.masked_fill_(attention_mask == 0, -1)
    return F.cross_entropy(logits.view(-1, 32000), labels.view(-1), ignore_index=-100)  # expect: LL005

# --- F.pad with value=-1, criterion with default ignore on self
import torch.nn as nn
import torch.nn.functional as F

class Trainer:
    def __init__(self):
        self.criterion = nn.CrossEntropyLoss()

    def loss(self, logits, labels, n):
        labels = F.pad(labels, (0, n), value=-1)
        return self.criterion(logits.view(-1, logits.size(-1)), labels.view(-1))  # expect: LL005

# --- torch.where with a module constant, ignore_index another constant
import torch
import torch.nn.functional as F

IGNORE = -1

def step(logits, labels, mask):
    labels = torch.where(mask.bool(), labels, IGNORE)
    return F.cross_entropy(logits.flatten(0, 1), labels.flatten(), ignore_index=-100)  # expect: LL005
