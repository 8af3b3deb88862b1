"""Direct Preference Optimization: sequence log-probabilities from shifted, masked token log-probs."""
import torch
import torch.nn.functional as F


def sequence_logps(model, input_ids, attention_mask, labels):
    logits = model(input_ids=input_ids, attention_mask=attention_mask).logits[:, :-1, :]
    labels = labels[:, 1:].clone()
    mask = labels != -100
    labels[labels == -100] = 0
    per_token = torch.gather(logits.log_softmax(-1), 2, labels.unsqueeze(2)).squeeze(2)
    return (per_token * mask).sum(-1)


def dpo_loss(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta=0.1, label_smoothing=0.0):
    logits = (policy_chosen - policy_rejected) - (ref_chosen - ref_rejected)
    losses = -F.logsigmoid(beta * logits) * (1 - label_smoothing) - F.logsigmoid(-beta * logits) * label_smoothing
    chosen_rewards = beta * (policy_chosen - ref_chosen).detach()
    rejected_rewards = beta * (policy_rejected - ref_rejected).detach()
    return losses.mean(), chosen_rewards, rejected_rewards


def step(policy, reference, batch, optimizer):
    pc = sequence_logps(policy, batch["chosen_ids"], batch["chosen_mask"], batch["chosen_labels"])
    pr = sequence_logps(policy, batch["rejected_ids"], batch["rejected_mask"], batch["rejected_labels"])
    with torch.no_grad():
        rc = sequence_logps(reference, batch["chosen_ids"], batch["chosen_mask"], batch["chosen_labels"])
        rr = sequence_logps(reference, batch["rejected_ids"], batch["rejected_mask"], batch["rejected_labels"])
    loss, cr, rj = dpo_loss(pc, pr, rc, rr)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item(), (cr > rj).float().mean().item()
