# --- logits.view / input_ids.view, the spelling
import torch.nn.functional as F

def step(model, input_ids, V):
    logits = model(input_ids).logits
    return F.cross_entropy(logits.view(-1, V), input_ids.view(-1))  # expect: LL004

# --- HF batch dict splatted into the model, labels from the same dict
import torch.nn.functional as F

def step(model, batch):
    outputs = model(**batch)
    logits = outputs.logits
    return F.cross_entropy(logits.reshape(-1, logits.size(-1)), batch["input_ids"].reshape(-1))  # expect: LL004

# --- labels = input_ids.clone(), loss module on self (Lightning)
import torch.nn as nn

class LitLM(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model
        self.loss_fn = nn.CrossEntropyLoss()

    def training_step(self, batch, batch_idx):
        input_ids = batch["input_ids"]
        labels = input_ids.clone()
        logits = self(input_ids)
        return self.loss_fn(logits.flatten(0, 1), labels.flatten())  # expect: LL004

# --- keyword argument input_ids=, tuple output [0]
import torch
import torch.nn.functional as F

def step(model, ids, mask):
    out = model(input_ids=ids, attention_mask=mask)
    logits = out[0]
    return F.cross_entropy(logits.transpose(1, 2), ids)  # expect: LL004

# --- backbone then head: the ids reach the logits through a hidden state
from torch.nn.functional import cross_entropy

class GPT:
    def loss(self, tokens):
        h = self.transformer(tokens)
        logits = self.lm_head(h)
        return cross_entropy(logits.view(-1, logits.size(-1)), tokens.view(-1))  # expect: LL004

# --- nll_loss on log_softmax, attribute batch.input_ids
import torch.nn.functional as F

def step(model, batch):
    logp = F.log_softmax(model(batch.input_ids), dim=-1)
    return F.nll_loss(logp.view(-1, logp.size(-1)), batch.input_ids.view(-1))  # expect: LL004
