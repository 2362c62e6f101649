#!/usr/bin/env python3
"""PyTorch eager baseline for `imed bench train --model resnet50`: the photo-scale component (torchvision ResNet-50
without fc -> 256 bottleneck (Linear, BN, ReLU) -> C-way head) trained with CDAN (randomized multilinear map to 1024,
as 256*C > 4096; discriminator 1024-1024-1024-1 with BN and ReLU; gradient reversal), batch B source + B target at
224 px, SGD with Nesterov momentum and the backbone at 0.1x the learning rate, on fixed in-memory batches.

--infer times inference instead (eval mode, no_grad, batch --batch) of backbone, bottleneck and head.

Prints `pytorch_step_seconds s1 s2 ...` (one per timed step) and `pytorch_peak_rss_mb X` (this process's peak).
Run with Debian's python3-torch and python3-torchvision (/usr/bin/python3)."""
import argparse
import math
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

from pytorch_train_step import GradReverse  # the same reversal layer as the digits baseline


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--iterations", type=int, default=3)
    parser.add_argument("--batch", type=int, default=8, help="images per domain (training) or per batch (--infer)")
    parser.add_argument("--classes", type=int, default=31)
    parser.add_argument("--side", type=int, default=224)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--infer", action="store_true")
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    backbone = torchvision.models.resnet50()
    backbone.fc = nn.Identity()
    bottleneck = nn.Sequential(nn.Linear(2048, 256), nn.BatchNorm1d(256), nn.ReLU())
    head = nn.Linear(256, args.classes)

    if args.infer:
        for m in (backbone, bottleneck, head):
            m.eval()
        images = torch.randn(args.batch, 3, args.side, args.side)

        def step(it, total):
            with torch.no_grad():
                return head(bottleneck(backbone(images))).argmax(1)
    else:
        random_dim = 1024
        rf = torch.randn(256, random_dim)
        rg = torch.randn(args.classes, random_dim)
        disc = nn.Sequential(nn.Linear(random_dim, 1024), nn.BatchNorm1d(1024), nn.ReLU(),
                             nn.Linear(1024, 1024), nn.BatchNorm1d(1024), nn.ReLU(), nn.Linear(1024, 1))
        rest = [p for m in (bottleneck, head, disc) for p in m.parameters()]
        lr = 0.01
        opt = torch.optim.SGD([{"params": backbone.parameters(), "lr": 0.1 * lr}, {"params": rest, "lr": lr}],
                              lr=lr, momentum=0.9, weight_decay=5e-4, nesterov=True)
        n = args.batch
        images = torch.randn(2 * n, 3, args.side, args.side)
        labels = torch.randint(0, args.classes, (n,))
        domain = torch.cat([torch.ones(n, 1), torch.zeros(n, 1)])

        def step(it, total):
            f = bottleneck(backbone(images))
            z = head(f)
            ce = F.cross_entropy(z[:n], labels)
            p = F.softmax(z, dim=1).detach()
            h = torch.mm(f, rf) * torch.mm(p, rg) / math.sqrt(random_dim)
            coeff = 2.0 / (1.0 + math.exp(-10.0 * it / total)) - 1.0
            d = disc(GradReverse.apply(h, coeff))
            loss = ce + F.binary_cross_entropy_with_logits(d, domain)
            opt.zero_grad()
            loss.backward()
            opt.step()
            return loss.item()

    for i in range(args.warmup):
        step(i, args.warmup + args.iterations)
    seconds = []
    for i in range(args.iterations):
        start = time.perf_counter()
        step(args.warmup + i, args.warmup + args.iterations)
        seconds.append(time.perf_counter() - start)
    print("pytorch_step_seconds " + " ".join("%.4f" % s for s in seconds))
    print("pytorch_peak_rss_mb %.0f" % peak_rss_mb())


def peak_rss_mb():
    # VmHWM, not ru_maxrss: a process started by the JVM inherits the parent's high-water mark in ru_maxrss.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
