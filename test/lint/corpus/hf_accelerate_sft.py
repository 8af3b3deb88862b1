"""Supervised fine-tuning with Accelerate: prompt tokens masked with -100, accumulation handled by Accelerate."""
import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader


def build_labels(input_ids, prompt_lengths, pad_token_id):
    labels = input_ids.clone()
    for i, n in enumerate(prompt_lengths):
        labels[i, :n] = -100
    labels[labels == pad_token_id] = -100
    return labels


def train(model, tokenizer, dataset, steps=1000):
    accelerator = Accelerator(gradient_accumulation_steps=4, mixed_precision="bf16")
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-5)
    loader = DataLoader(dataset, batch_size=4, shuffle=True, collate_fn=dataset.collate)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
    model.train()
    for step, batch in enumerate(loader):
        with accelerator.accumulate(model):
            labels = build_labels(batch["input_ids"], batch["prompt_lengths"], tokenizer.pad_token_id)
            out = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], labels=labels)
            accelerator.backward(out.loss)
            optimizer.step()
            optimizer.zero_grad()
        if step >= steps:
            break
        if accelerator.is_main_process and step % 50 == 0:
            accelerator.print(step, out.loss.item())
