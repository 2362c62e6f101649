#!/usr/bin/env python3
"""PyTorch eager baseline for `imed bench train`: the same digits component (LeNet -> 256 bottleneck ->
10-way head) trained with DANN (discriminator 256-1024-1024-1, gradient reversal), batch 32 + 32,
SGD with Nesterov momentum, on fixed in-memory batches. Prints one line: `pytorch_it_per_s <value>`.

Run with Debian's python3-torch (/usr/bin/python3) and libopenblas0-openmp installed."""
import argparse
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class GradReverse(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, coeff):
        ctx.coeff = coeff
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad):
        return -ctx.coeff * grad, None


def lenet():
    return nn.Sequential(
        nn.Conv2d(3, 32, 5), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 5), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 4 * 4, 512), nn.ReLU())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    backbone = lenet()
    bottleneck = nn.Sequential(nn.Linear(512, 256), nn.BatchNorm1d(256), nn.ReLU())
    head = nn.Linear(256, 10)
    disc = nn.Sequential(nn.Linear(256, 1024), nn.BatchNorm1d(1024), nn.ReLU(),
                         nn.Linear(1024, 1024), nn.BatchNorm1d(1024), nn.ReLU(), nn.Linear(1024, 1))
    params = [p for m in (backbone, bottleneck, head, disc) for p in m.parameters()]
    opt = torch.optim.SGD(params, lr=0.01, momentum=0.9, weight_decay=5e-4, nesterov=True)
    images = torch.randn(64, 3, 28, 28)
    labels = torch.randint(0, 10, (32,))
    domain = torch.cat([torch.ones(32, 1), torch.zeros(32, 1)])

    def step(it, total):
        f = bottleneck(backbone(images))
        z = head(f)
        ce = F.cross_entropy(z[:32], labels)
        p = it / total
        coeff = 2.0 / (1.0 + torch.exp(torch.tensor(-10.0 * p)).item()) - 1.0
        d = disc(GradReverse.apply(f, coeff))
        adv = F.binary_cross_entropy_with_logits(d, domain)
        loss = ce + adv
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()

    for i in range(args.warmup):
        step(i, args.warmup)
    start = time.perf_counter()
    for i in range(args.iterations):
        step(i, args.iterations)
    seconds = time.perf_counter() - start
    print("pytorch_it_per_s %.3f" % (args.iterations / seconds))


if __name__ == "__main__":
    main()
