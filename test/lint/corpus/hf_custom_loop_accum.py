"""Plain PyTorch loop around a Hugging Face causal LM with gradient accumulation and AMP."""
import math

import torch
from torch.utils.data import DataLoader
from transformers import AutoModelForCausalLM, get_linear_schedule_with_warmup


def train(dataset, epochs=1, accumulation_steps=4, lr=3e-5, device="cuda"):
    model = AutoModelForCausalLM.from_pretrained("gpt2").to(device)
    loader = DataLoader(dataset, batch_size=8, shuffle=True)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    total = math.ceil(len(loader) / accumulation_steps) * epochs
    scheduler = get_linear_schedule_with_warmup(optimizer, 100, total)
    scaler = torch.cuda.amp.GradScaler()
    model.train()
    for epoch in range(epochs):
        for step, batch in enumerate(loader):
            batch = {k: v.to(device) for k, v in batch.items()}
            with torch.autocast(device_type="cuda", dtype=torch.float16):
                outputs = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], labels=batch["input_ids"])
                loss = outputs.loss / accumulation_steps
            scaler.scale(loss).backward()
            if (step + 1) % accumulation_steps == 0:
                scaler.unscale_(optimizer)
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                scaler.step(optimizer)
                scaler.update()
                scheduler.step()
                optimizer.zero_grad(set_to_none=True)
            if step % 100 == 0:
                print(f"epoch {epoch} step {step} loss {loss.item() * accumulation_steps:.4f}")
    return model
