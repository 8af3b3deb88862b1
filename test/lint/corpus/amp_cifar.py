"""CIFAR-10 with mixed precision, mixup soft targets and a OneCycle schedule."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def mixup(x, y, num_classes, alpha=0.2):
    lam = float(np.random.beta(alpha, alpha))
    index = torch.randperm(x.size(0), device=x.device)
    y1 = F.one_hot(y, num_classes).float()
    return lam * x + (1 - lam) * x[index], lam * y1 + (1 - lam) * y1[index]


def train(model, loader, epochs=30, num_classes=10, device="cuda"):
    criterion = nn.CrossEntropyLoss(label_smoothing=0.05)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, epochs=epochs, steps_per_epoch=len(loader))
    scaler = torch.cuda.amp.GradScaler()
    for epoch in range(epochs):
        model.train()
        for x, y in loader:
            x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
            x, soft = mixup(x, y, num_classes)
            with torch.autocast("cuda", dtype=torch.float16):
                logits = model(x)
                loss = criterion(logits, soft)
            optimizer.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
            scheduler.step()
        probs = F.softmax(logits.float(), dim=1)
        print(epoch, loss.item(), probs.max(dim=1).values.mean().item())
