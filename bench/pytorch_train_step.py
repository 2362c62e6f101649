#!/usr/bin/env python3
"""PyTorch eager baseline for `imed bench train`: the same digits component (LeNet -> 256 bottleneck ->
10-way head) trained with DANN (discriminator 256-1024-1024-1, gradient reversal), batch 32 + 32,
SGD with Nesterov momentum, on fixed in-memory batches. Prints one line: `pytorch_it_per_s <value>`.

Run with Debian's python3-torch (/usr/bin/python3) and libopenblas0-openmp installed."""
import argparse
import os
import sys
import time

import torch
import torch.nn.functional as F

# The networks and the reversal layer are the parity twin's, so the baseline trains what imed trains.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "parity"))
from twin import BOTTLENECK, DISC_HIDDEN, ComponentNet, mlp  # noqa: E402
from twin import ReverseGradient as GradReverse  # noqa: E402  (pytorch_resnet50_step.py imports it from here)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    net = ComponentNet("lenet", 10)  # LeNet -> bottleneck 256 -> head, built in that order from the seed
    disc = mlp(BOTTLENECK, DISC_HIDDEN, 1)
    params = [p for m in (net, disc) for p in m.parameters()]
    opt = torch.optim.SGD(params, lr=0.01, momentum=0.9, weight_decay=5e-4, nesterov=True)
    images = torch.randn(64, 3, 28, 28)
    labels = torch.randint(0, 10, (32,))
    domain = torch.cat([torch.ones(32, 1), torch.zeros(32, 1)])

    def step(it, total):
        f, z = net(images)
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
