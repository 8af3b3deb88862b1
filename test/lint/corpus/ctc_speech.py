"""Speech recognition with CTC: log_softmax over the vocabulary, time-major for ctc_loss."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Acoustic(nn.Module):
    def __init__(self, n_mels=80, hidden=256, vocab=32):
        super().__init__()
        self.rnn = nn.LSTM(n_mels, hidden, num_layers=3, bidirectional=True, batch_first=True)
        self.proj = nn.Linear(2 * hidden, vocab)

    def forward(self, feats):
        out, _ = self.rnn(feats)
        return self.proj(out)


def ctc_step(model, feats, feat_lens, targets, target_lens, optimizer, blank=0):
    logits = model(feats)
    log_probs = F.log_softmax(logits, dim=-1).transpose(0, 1)
    loss = F.ctc_loss(log_probs, targets, feat_lens, target_lens, blank=blank, zero_infinity=True)
    optimizer.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 5.0)
    optimizer.step()
    return loss.item()


def greedy_decode(model, feats, blank=0):
    with torch.no_grad():
        best = model(feats).softmax(-1).argmax(-1)
    out = []
    for seq in best.tolist():
        prev, tokens = blank, []
        for t in seq:
            if t != prev and t != blank:
                tokens.append(t)
            prev = t
        out.append(tokens)
    return out
