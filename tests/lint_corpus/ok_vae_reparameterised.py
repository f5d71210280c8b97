"""ok_vae_reparameterised"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Linear(20, 8)
        self.dec = nn.Sequential(nn.Linear(4, 32), nn.ReLU(), nn.Linear(32, 20))

    def forward(self, x):
        mu, logvar = self.enc(x).chunk(2, dim=-1)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return self.dec(z), mu, logvar


def vae_loss(out, x):
    rec, mu, logvar = out
    kl = -0.5 * torch.mean(1 + logvar - mu ** 2 - logvar.exp())
    return F.mse_loss(rec, x) + kl


def make():
    torch.manual_seed(143)
    x = torch.randn(16, 20)
    return VAE(), vae_loss, x, x
