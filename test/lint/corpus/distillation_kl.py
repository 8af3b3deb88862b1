"""Knowledge distillation: KL between temperature-scaled distributions plus hard-label cross-entropy."""
import torch
import torch.nn.functional as F


def distillation_loss(student_logits, teacher_logits, labels, T=4.0, alpha=0.7):
    soft_targets = F.softmax(teacher_logits / T, dim=-1)
    log_student = F.log_softmax(student_logits / T, dim=-1)
    kd = F.kl_div(log_student, soft_targets, reduction="batchmean") * T * T
    ce = F.cross_entropy(student_logits, labels)
    return alpha * kd + (1 - alpha) * ce


def soft_ce(student_logits, teacher_logits, T):
    teacher_probs = torch.softmax(teacher_logits / T, dim=-1)
    return F.cross_entropy(student_logits / T, teacher_probs)


def train(student, teacher, loader, opt, epochs=3):
    teacher.eval()
    for _ in range(epochs):
        for x, y in loader:
            with torch.no_grad():
                t_logits = teacher(x)
            s_logits = student(x)
            loss = distillation_loss(s_logits, t_logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
