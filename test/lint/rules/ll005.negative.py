# --- -100 padding, default ignore_index
import torch.nn.functional as F

def step(logits, input_ids, tokenizer):
    labels = input_ids.clone()
    labels[labels == tokenizer.pad_token_id] = -100
    return F.cross_entropy(logits.view(-1, logits.size(-1)), labels.view(-1))

# --- -1 padding and ignore_index=-1
import torch.nn.functional as F

def step(logits, labels, attention_mask):
    labels = labels.masked_fill(attention_mask == 0, -1)
    return F.cross_entropy(logits.view(-1, logits.size(-1)), labels.view(-1), ignore_index=-1)

# --- padding with the pad id and ignoring the pad id
import torch.nn as nn

def step(logits, labels, attention_mask, tokenizer):
    labels = labels.masked_fill(attention_mask == 0, tokenizer.pad_token_id)
    crit = nn.CrossEntropyLoss(ignore_index=tokenizer.pad_token_id)
    return crit(logits.view(-1, logits.size(-1)), labels.view(-1))

# --- turning -100 back into pad ids for decoding, after the loss
import torch.nn.functional as F

def step(logits, labels, tokenizer):
    loss = F.cross_entropy(logits.view(-1, logits.size(-1)), labels.view(-1))
    labels[labels == -100] = tokenizer.pad_token_id
    return loss, tokenizer.batch_decode(labels)

# --- writes to another tensor
import torch.nn.functional as F

def step(logits, labels, input_ids, pad_id):
    input_ids[input_ids == pad_id] = -1
    return F.cross_entropy(logits.view(-1, logits.size(-1)), labels.view(-1))

# --- unknown pad value vs unknown ignore value: cannot tell
import torch.nn.functional as F

def step(logits, labels, mask, fill, ignore):
    labels = labels.masked_fill(mask, fill)
    return F.cross_entropy(logits.view(-1, logits.size(-1)), labels.view(-1), ignore_index=ignore)
