"""bug_softmax_bce_logits_onehot_in_loss: Softmax module then BCEWithLogitsLoss, labels one-hot encoded in the loss"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'softmax_binary_loss'}


model_head = nn.Softmax(dim=1)


def loss_fn(out, y):
    return nn.BCEWithLogitsLoss()(out, F.one_hot(y, out.shape[1]).float())


def make():
    torch.manual_seed(1010)
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10), model_head)
    return model, loss_fn, torch.randn(20, 1, 8, 8), torch.randint(0, 10, (20,))
