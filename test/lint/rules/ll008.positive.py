# --- plain loop, F.cross_entropy, step every k
import torch.nn.functional as F

def train(model, loader, optimizer, accum_steps):
    for i, (x, y) in enumerate(loader):
        loss = F.cross_entropy(model(x), y)
        loss.backward()  # expect: LL008
        if (i + 1) % accum_steps == 0:
            optimizer.step()
            optimizer.zero_grad()

# --- HF outputs.loss
def train(model, dataloader, opt, gradient_accumulation_steps):
    model.train()
    for step, batch in enumerate(dataloader):
        outputs = model(**batch)
        loss = outputs.loss
        loss.backward()  # expect: LL008
        if step % gradient_accumulation_steps == 0:
            opt.step()
            opt.zero_grad()

# --- AMP scaler, criterion module
import torch
import torch.nn as nn

criterion = nn.CrossEntropyLoss()

def train(model, loader, optimizer, scaler, k):
    for it, (x, y) in enumerate(loader):
        with torch.autocast("cuda"):
            loss = criterion(model(x), y)
        scaler.scale(loss).backward()  # expect: LL008
        if (it + 1) % k == 0:
            scaler.step(optimizer)
            scaler.update()
            optimizer.zero_grad(set_to_none=True)

# --- while loop with a counter
import torch.nn.functional as F

def train(model, batches, opt, ACCUM):
    n = 0
    while n < 1000:
        x, y = next(batches)
        loss = F.nll_loss(model(x), y)
        loss.backward()  # expect: LL008
        n += 1
        if n % ACCUM == 0:
            opt.step()
            opt.zero_grad()

# --- loss on self, method on a trainer class
import torch.nn as nn

class Trainer:
    def __init__(self, model, opt, accumulate):
        self.model, self.opt, self.accumulate = model, opt, accumulate
        self.loss_fn = nn.BCEWithLogitsLoss()

    def fit(self, loader):
        for i, (x, y) in enumerate(loader):
            loss = self.loss_fn(self.model(x), y)
            loss.backward()  # expect: LL008
            if (i + 1) % self.accumulate == 0:
                self.opt.step()
                self.opt.zero_grad()

# --- model(**batch).loss inline, mean taken again
def train(model, loader, optim, accum):
    for i, batch in enumerate(loader):
        loss = model(**batch).loss.mean()
        loss.backward()  # expect: LL008
        if (i + 1) % accum == 0:
            optim.step()
            optim.zero_grad()
