# --- shifted: logits[:, :-1] against input_ids[:, 1:]
import torch.nn.functional as F

def step(model, input_ids, V):
    logits = model(input_ids).logits
    shift_logits = logits[:, :-1, :].contiguous()
    shift_labels = input_ids[:, 1:].contiguous()
    return F.cross_entropy(shift_logits.view(-1, V), shift_labels.view(-1))

# --- ellipsis spelling of the shift
import torch.nn.functional as F

def step(model, input_ids):
    logits = model(input_ids)
    return F.cross_entropy(logits[..., :-1, :].reshape(-1, logits.size(-1)), input_ids[..., 1:].reshape(-1))

# --- inputs and targets cut from one tensor (nanoGPT style)
import torch.nn.functional as F

def step(model, data):
    x, y = data[:, :-1], data[:, 1:]
    logits = model(x)
    return F.cross_entropy(logits.view(-1, logits.size(-1)), y.reshape(-1))

# --- masked LM: the model reads the corrupted ids, labels are the originals
import torch.nn.functional as F

def mlm_step(model, input_ids, mask, mask_id):
    corrupted = input_ids.clone()
    corrupted[mask] = mask_id
    logits = model(corrupted)
    return F.cross_entropy(logits.view(-1, logits.size(-1)), input_ids.view(-1))

# --- the batch's separate labels (already shifted by the collator)
import torch.nn.functional as F

def step(model, batch):
    logits = model(**batch).logits
    return F.cross_entropy(logits.view(-1, logits.size(-1)), batch["labels"].view(-1))

# --- seq2seq: decoder targets are not the encoder input
import torch.nn.functional as F

def step(model, src, tgt_in, tgt_out):
    logits = model(src, tgt_in)
    return F.cross_entropy(logits.view(-1, logits.size(-1)), tgt_out.view(-1))

# --- HF model computes the shifted loss itself
def step(model, input_ids):
    out = model(input_ids=input_ids, labels=input_ids)
    return out.loss

# --- ids rebound to the shifted slice before the loss
import torch.nn.functional as F

def step(model, ids):
    logits = model(ids)[:, :-1]
    ids = ids[:, 1:]
    return F.cross_entropy(logits.reshape(-1, logits.size(-1)), ids.reshape(-1))
