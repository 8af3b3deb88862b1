# --- loss / k before backward
import torch.nn.functional as F

def train(model, loader, optimizer, accum_steps):
    for i, (x, y) in enumerate(loader):
        loss = F.cross_entropy(model(x), y) / accum_steps
        loss.backward()
        if (i + 1) % accum_steps == 0:
            optimizer.step()
            optimizer.zero_grad()

# --- loss /= k
def train(model, dataloader, opt, k):
    for step, batch in enumerate(dataloader):
        loss = model(**batch).loss
        loss /= k
        loss.backward()
        if (step + 1) % k == 0:
            opt.step()
            opt.zero_grad()

# --- (loss / k).backward() with the scaler
import torch.nn as nn

crit = nn.CrossEntropyLoss()

def train(model, loader, optimizer, scaler, k):
    for it, (x, y) in enumerate(loader):
        loss = crit(model(x), y)
        scaler.scale(loss / k).backward()
        if (it + 1) % k == 0:
            scaler.step(optimizer)
            scaler.update()

# --- step every iteration (no accumulation), logging every k
import torch.nn.functional as F

def train(model, loader, optimizer, log_every):
    for i, (x, y) in enumerate(loader):
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        if i % log_every == 0:
            print(i, loss.item())

# --- summed loss scaled by the global token count
import torch.nn.functional as F

def train(model, loader, opt, k, tokens_per_update):
    for i, (x, y) in enumerate(loader):
        loss = F.cross_entropy(model(x), y, reduction="sum") / tokens_per_update
        loss.backward()
        if (i + 1) % k == 0:
            opt.step()
            opt.zero_grad()

# --- a helper computes the loss (it may scale): silent
def train(model, loader, opt, k, compute_loss):
    for i, batch in enumerate(loader):
        loss = compute_loss(model, batch, k)
        loss.backward()
        if (i + 1) % k == 0:
            opt.step()
            opt.zero_grad()

# --- gradients divided by hand before the step
import torch.nn.functional as F

def train(model, loader, opt, k):
    for i, (x, y) in enumerate(loader):
        F.cross_entropy(model(x), y).backward()
        if (i + 1) % k == 0:
            for p in model.parameters():
                p.grad /= k
            opt.step()
            opt.zero_grad()
