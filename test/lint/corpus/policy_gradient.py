"""REINFORCE with a baseline: log-probabilities from log_softmax, advantages detached."""
import torch
import torch.nn as nn
from torch.distributions import Categorical


class Policy(nn.Module):
    def __init__(self, obs_dim, n_actions):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(obs_dim, 128), nn.Tanh(), nn.Linear(128, n_actions))
        self.value = nn.Sequential(nn.Linear(obs_dim, 128), nn.Tanh(), nn.Linear(128, 1))

    def forward(self, obs):
        return self.net(obs), self.value(obs).squeeze(-1)


def update(policy, optimizer, obs, actions, returns, entropy_coef=0.01):
    logits, values = policy(obs)
    logp = torch.log_softmax(logits, dim=-1).gather(1, actions.unsqueeze(1)).squeeze(1)
    advantages = (returns - values).detach()
    advantages = (advantages - advantages.mean()) / (advantages.std() + 1e-8)
    entropy = Categorical(logits=logits).entropy().mean()
    loss = -(logp * advantages).mean() + 0.5 * (returns - values).pow(2).mean() - entropy_coef * entropy
    optimizer.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(policy.parameters(), 0.5)
    optimizer.step()
    probs = logits.softmax(-1)
    return loss.item(), probs.max(-1).values.mean().item()
