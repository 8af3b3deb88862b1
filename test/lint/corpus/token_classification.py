"""NER with word-piece alignment: sub-word labels set to -100, loss module with its default ignore_index."""
import torch
import torch.nn as nn


def align_labels(word_ids, word_labels):
    labels = []
    previous = None
    for w in word_ids:
        if w is None or w == previous:
            labels.append(-100)
        else:
            labels.append(word_labels[w])
        previous = w
    return labels


class NERHead(nn.Module):
    def __init__(self, encoder, hidden, num_labels):
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(0.1)
        self.classifier = nn.Linear(hidden, num_labels)
        self.loss_fct = nn.CrossEntropyLoss()

    def forward(self, input_ids, attention_mask, labels=None):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        logits = self.classifier(self.dropout(hidden))
        if labels is None:
            return logits
        active = attention_mask.view(-1) == 1
        active_labels = torch.where(active, labels.view(-1), torch.tensor(self.loss_fct.ignore_index).type_as(labels))
        loss = self.loss_fct(logits.view(-1, logits.size(-1)), active_labels)
        return loss, logits
