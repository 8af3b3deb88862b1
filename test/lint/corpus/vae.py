"""Variational autoencoder on binarised images: BCE on decoder logits plus the Gaussian KL."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class VAE(nn.Module):
    def __init__(self, d=784, z=20):
        super().__init__()
        self.enc = nn.Linear(d, 400)
        self.mu = nn.Linear(400, z)
        self.logvar = nn.Linear(400, z)
        self.dec1 = nn.Linear(z, 400)
        self.dec2 = nn.Linear(400, d)

    def forward(self, x):
        h = F.relu(self.enc(x))
        mu, logvar = self.mu(h), self.logvar(h)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return self.dec2(F.relu(self.dec1(z))), mu, logvar


def vae_loss(recon_logits, x, mu, logvar, beta=1.0):
    bce = F.binary_cross_entropy_with_logits(recon_logits, x, reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + beta * kld


def train(model, loader, opt, epochs=10):
    for epoch in range(epochs):
        total = 0.0
        for x, _ in loader:
            x = x.view(x.size(0), -1)
            recon, mu, logvar = model(x)
            loss = vae_loss(recon, x, mu, logvar)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        sample = torch.sigmoid(model.dec2(F.relu(model.dec1(torch.randn(16, 20)))))
        print(epoch, total / len(loader.dataset), sample.shape)
