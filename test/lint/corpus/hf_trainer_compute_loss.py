"""Causal LM fine-tuning with a Trainer subclass that computes a shifted, masked loss itself."""
import torch
import torch.nn.functional as F
from transformers import AutoModelForCausalLM, AutoTokenizer, Trainer, TrainingArguments

IGNORE_INDEX = -100


class ShiftedLossTrainer(Trainer):
    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        labels = inputs.pop("labels")
        outputs = model(**inputs)
        logits = outputs.logits
        shift_logits = logits[..., :-1, :].contiguous()
        shift_labels = labels[..., 1:].contiguous()
        loss = F.cross_entropy(
            shift_logits.view(-1, shift_logits.size(-1)),
            shift_labels.view(-1),
            ignore_index=IGNORE_INDEX,
            reduction="sum",
        )
        if num_items_in_batch is not None:
            loss = loss / num_items_in_batch
        else:
            loss = loss / (shift_labels != IGNORE_INDEX).sum().clamp(min=1)
        return (loss, outputs) if return_outputs else loss


def tokenize(batch, tokenizer, max_len=512):
    enc = tokenizer(batch["text"], truncation=True, max_length=max_len, padding="max_length")
    labels = torch.tensor(enc["input_ids"])
    labels[labels == tokenizer.pad_token_id] = IGNORE_INDEX
    enc["labels"] = labels.tolist()
    return enc


def main():
    tokenizer = AutoTokenizer.from_pretrained("gpt2")
    tokenizer.pad_token = tokenizer.eos_token
    model = AutoModelForCausalLM.from_pretrained("gpt2")
    args = TrainingArguments(output_dir="out", per_device_train_batch_size=4, gradient_accumulation_steps=8, learning_rate=5e-5)
    trainer = ShiftedLossTrainer(model=model, args=args, tokenizer=tokenizer)
    trainer.train()


if __name__ == "__main__":
    main()
