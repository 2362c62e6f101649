#!/usr/bin/env python3
"""The PyTorch twin of imed's training recipes, for the accuracy-parity runs (see README.md here).

A plain PyTorch re-implementation, written from imed's Java sources, of
  * a component: LeNet -> bottleneck Linear 256-BN-ReLU -> head, trained by a UDA method
    (source-only, source-only-shared-bn, dann, cdan, cdan+e, mcc and their '+' compositions),
  * the IMED teacher: frozen components -> instance-aware fusion, trained with CE + MCC + CDAN-style loss,
  * the student: compact CNN distilled from the teacher (CE + logit and feature soft cross-entropy),
with imed's optimiser (Nesterov SGD, weight decay on every parameter), learning-rate annealing, batch
composition (source and target concatenated into one batch), loaders (imed's exact shuffles) and
step skipping. Prints nothing but progress to stderr; the result goes to --json.

Run with Debian's python3 (torch 1.13): /usr/bin/python3 bench/parity/twin.py component --help
"""
import argparse
import copy
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

BOTTLENECK = 256          # ComponentNet.BOTTLENECK
DISC_HIDDEN = 1024        # DomainDiscriminator.HIDDEN = GateGenerator.HIDDEN
MAX_FULL_MAP = 4096       # MultilinearMap.MAX_FULL
RANDOM_MAP_DIM = 1024     # MultilinearMap.RANDOM_DIM
MCC_TEMPERATURE = 2.5     # Mcc.TEMPERATURE
EVAL_BATCH = 256
STARTED = time.perf_counter()
CURVE_EVERY = int(os.environ.get("TWIN_CURVE_EVERY", "50"))  # 1: every step, to follow two paired runs apart
IMAGE_EXTENSIONS = {"jpg", "jpeg", "png", "bmp", "gif"}

# TrainingLoop's skipping rules.
MAX_CONSECUTIVE_SKIPPED = 10
SPIKE_FACTOR = 100.0
SPIKE_HISTORY = 50
SPIKE_FLOOR = 10.0
SNAPSHOT_EVERY = 100
MAX_ROLL_BACKS = 3


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------------
# Data: imed's image-folder layout and its loader (java.util.Random Fisher-Yates, reshuffled every epoch).
# ---------------------------------------------------------------------------------------------------------

class Domain:
    """A folder <root>/<class>/*: classes sorted by name; images below each class directory in path order
    (ImageFolderDomain.scan). Images are held in memory as normalised float tensors [N, 3, 28, 28]."""

    def __init__(self, root, height=28, width=28):
        self.root = os.path.abspath(root)
        self.name = os.path.basename(os.path.normpath(self.root))
        if not os.path.isdir(self.root):
            raise SystemExit("%s: not a directory" % root)
        class_dirs = sorted((d for d in os.listdir(self.root)
                             if os.path.isdir(os.path.join(self.root, d)) and not d.startswith(".")),
                            key=os.fsencode)
        if not class_dirs:
            raise SystemExit("%s: no class sub-directories" % root)
        self.class_names = class_dirs
        files, labels = [], []
        for label, c in enumerate(class_dirs):
            below = []
            base = os.path.join(self.root, c)
            for dirpath, dirnames, filenames in os.walk(base, followlinks=True):
                dirnames[:] = [d for d in dirnames if not d.startswith(".")]
                for fn in filenames:
                    dot = fn.rfind(".")
                    if not fn.startswith(".") and dot > 0 and fn[dot + 1:].lower() in IMAGE_EXTENSIONS:
                        below.append(os.path.join(dirpath, fn))
            if not below:
                raise SystemExit("%s: empty class directory" % base)
            below.sort(key=os.fsencode)  # Java's Path order on Unix: byte-wise
            files += below
            labels += [label] * len(below)
        pixels = np.empty((len(files), height, width, 3), dtype=np.uint8)
        for i, f in enumerate(files):
            with Image.open(f) as im:
                im = im.convert("RGB")
                if im.size != (width, height):
                    raise SystemExit("%s: %dx%d, expected %dx%d (export the digits domains with imed, which writes 28x28)"
                                     % (f, im.size[0], im.size[1], width, height))
                pixels[i] = np.asarray(im)
        x = torch.from_numpy(pixels).permute(0, 3, 1, 2).contiguous().float()
        # InputSpec.digits(): /255, mean 0.5, std 0.5 on every channel.
        self.images = x.div_(255.0).sub_(0.5).div_(0.5)
        self.labels = torch.tensor(labels, dtype=torch.long)
        self.files = files

    def __len__(self):
        return len(self.files)


class JavaRandom:
    """java.util.Random's 48-bit linear congruential generator (the parts DomainLoader uses)."""
    MULT = 0x5DEECE66D
    MASK = (1 << 48) - 1

    def __init__(self, seed):
        self.state = (seed ^ self.MULT) & self.MASK

    def _next(self, bits):
        self.state = (self.state * self.MULT + 0xB) & self.MASK
        r = self.state >> (48 - bits)
        if r >= 1 << 31:  # Java returns an int
            r -= 1 << 32
        return r

    def next_int(self, bound):
        r = self._next(31)
        m = bound - 1
        if bound & m == 0:
            return (bound * r) >> 31
        u = r
        r = u % bound
        while u - r + m >= 1 << 31:  # int overflow in Java: reject
            u = self._next(31)
            r = u % bound
        return r


class Loader:
    """DomainLoader in training mode: a random order from java.util.Random(seed), drawn without replacement,
    reshuffled (continuing the same generator) at every epoch."""

    def __init__(self, n, seed):
        self.rng = JavaRandom(seed)
        self.order = list(range(n))
        self.cursor = 0
        self._shuffle()

    def _shuffle(self):
        order = self.order
        for i in range(len(order) - 1, 0, -1):
            j = self.rng.next_int(i + 1)
            order[i], order[j] = order[j], order[i]

    def next(self, size):
        out = []
        for _ in range(size):
            if self.cursor == len(self.order):
                self.cursor = 0
                self._shuffle()
            out.append(self.order[self.cursor])
            self.cursor += 1
        return torch.tensor(out, dtype=torch.long)


# ---------------------------------------------------------------------------------------------------------
# Networks
# ---------------------------------------------------------------------------------------------------------

def digits_cnn(c1, c2, hidden):
    """Backbones.cnn: conv5x5 c1-BN-ReLU-maxpool2, conv5x5 c2-BN-ReLU-maxpool2, flatten, Linear hidden-ReLU."""
    return nn.Sequential(
        nn.Conv2d(3, c1, 5), nn.BatchNorm2d(c1), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(c1, c2, 5), nn.BatchNorm2d(c2), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(), nn.Linear(c2 * 4 * 4, hidden), nn.ReLU())


BACKBONES = {"lenet": (lambda: digits_cnn(32, 64, 512), 512),
             "student-cnn": (lambda: digits_cnn(16, 32, 128), 128)}


class ComponentNet(nn.Module):
    """backbone -> bottleneck (Linear width, BN, ReLU) -> head; forward gives (feature, logits)."""

    def __init__(self, backbone, classes, width=BOTTLENECK):
        super().__init__()
        make, features = BACKBONES[backbone]
        self.backbone_name = backbone
        self.backbone = make()
        self.bottleneck = nn.Sequential(nn.Linear(features, width), nn.BatchNorm1d(width), nn.ReLU())
        self.head = nn.Linear(width, classes)
        self.width = width

    def forward(self, x):
        f = self.bottleneck(self.backbone(x))
        return f, self.head(f)


def mlp(inputs, hidden, out):
    """DomainDiscriminator.mlp: Linear(in,h)-BN-ReLU-Linear(h,h)-BN-ReLU-Linear(h,out)."""
    return nn.Sequential(nn.Linear(inputs, hidden), nn.BatchNorm1d(hidden), nn.ReLU(),
                         nn.Linear(hidden, hidden), nn.BatchNorm1d(hidden), nn.ReLU(),
                         nn.Linear(hidden, out))


class MultilinearMap(nn.Module):
    """CDAN's T(f, p): the full outer product p (x) f when D*C <= 4096 (row-major [C, D]), otherwise
    (f R_f) * (p R_g) / sqrt(1024) with fixed N(0, 1) matrices (buffers: saved, never trained)."""

    def __init__(self, feature_dim, classes):
        super().__init__()
        self.feature_dim, self.classes = feature_dim, classes
        self.randomized = feature_dim * classes > MAX_FULL_MAP
        if self.randomized:
            self.register_buffer("random_feature", torch.randn(feature_dim, RANDOM_MAP_DIM))
            self.register_buffer("random_prediction", torch.randn(classes, RANDOM_MAP_DIM))
        self.output_dim = RANDOM_MAP_DIM if self.randomized else feature_dim * classes

    def forward(self, f, p):
        if not self.randomized:
            return (p.unsqueeze(2) * f.unsqueeze(1)).reshape(f.shape[0], self.output_dim)
        return (f @ self.random_feature) * (p @ self.random_prediction) / math.sqrt(RANDOM_MAP_DIM)


def init_weights(module, scheme):
    """'pytorch': leave nn.Conv2d / nn.Linear at PyTorch's defaults (U(+-1/sqrt(fan_in)) for weights and biases).
    'djl': DJL's defaults, weights N(0, 2/fan_in), biases 0. BatchNorm: gamma 1, beta 0 in both."""
    if scheme == "pytorch":
        return
    if scheme != "djl":
        raise SystemExit("unknown --init %s (pytorch, djl)" % scheme)
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            fan_in = m.weight[0].numel()
            with torch.no_grad():
                m.weight.normal_(0.0, math.sqrt(2.0 / fan_in))
                if m.bias is not None:
                    m.bias.zero_()


def load_initial_parameters(modules, path):
    """Overwrites the modules' parameters and BatchNorm statistics with imed's first parameters (written by
    `imed train component --save-initial-parameters`), matched in order and checked by shape, so that a
    paired run starts from the same weights on both sides."""
    saved = np.load(path)
    arrays = [saved[k] for k in sorted(saved.files)]
    # imed writes no BatchNorm counter and no fixed random map of CDAN's (buffers, never trained).
    tensors = [t for m in modules for name, t in m.state_dict(keep_vars=True).items()
               if not name.rsplit(".", 1)[-1].startswith(("num_batches_tracked", "random_"))]
    if len(arrays) != len(tensors):
        raise SystemExit("%s: %d arrays, the network has %d parameters and statistics" % (path, len(arrays), len(tensors)))
    with torch.no_grad():
        for i, (a, t) in enumerate(zip(arrays, tensors)):
            if tuple(a.shape) != tuple(t.shape):
                raise SystemExit("%s: entry %s has shape %s, the network's %d-th tensor %s"
                                 % (path, sorted(saved.files)[i], a.shape, i, tuple(t.shape)))
            t.copy_(torch.from_numpy(a))


def perturb(modules, relative, seed):
    """Multiplies every parameter by (1 + relative * N(0, 1)), from its own generator: a run this close to
    another shows how far float-level differences alone carry a training run (the chaos floor)."""
    generator = torch.Generator().manual_seed(1_000_003 + seed)
    with torch.no_grad():
        for m in modules:
            for p in m.parameters():
                p.mul_(1.0 + relative * torch.randn(p.shape, generator=generator))


# ---------------------------------------------------------------------------------------------------------
# Losses (Losses.java, Mcc.java, ConditionalAdversary.java)
# ---------------------------------------------------------------------------------------------------------

class ReverseGradient(torch.autograd.Function):
    """Identity forward; the gradient times -coeff backward (also the gradient-reversal layer of
    bench/pytorch_train_step.py and make_gradient_fixtures.py)."""

    @staticmethod
    def forward(ctx, x, coeff):
        ctx.coeff = coeff
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad):
        return -ctx.coeff * grad, None


def reverse_gradient(x, coeff):
    return ReverseGradient.apply(x, float(coeff))


def entropy(p):
    """Per-row -sum p log(p + 1e-5)."""
    return -(p * torch.log(p + 1e-5)).sum(1)


def soft_cross_entropy(inputs, target_logits):
    """Mean over rows of -sum softmax(target) * log_softmax(input)."""
    return -(F.softmax(target_logits, 1) * F.log_softmax(inputs, 1)).sum(1).mean()


def bce(logits, label, weights=None):
    """Binary cross-entropy with logits against a constant label, optionally weighted per row; mean."""
    d = logits.reshape(-1)
    return F.binary_cross_entropy_with_logits(d, torch.full_like(d, label), weight=weights)


def mcc_loss(logits, t=MCC_TEMPERATURE):
    n, c = logits.shape
    p = F.softmax(logits / t, 1)
    w = 1.0 + torch.exp(-entropy(p).detach())
    w = (w / w.sum() * n).unsqueeze(1)
    confusion = (p * w).t() @ p
    confusion = confusion / (confusion.sum(1, keepdim=True) + 1e-8)
    return (confusion.sum() - torch.trace(confusion)) / c


def grl_coefficient(schedule, it, iterations):
    if schedule == "dann":     # Losses.warmUp(progress), progress = it / budget
        return 2.0 / (1.0 + math.exp(-10.0 * it / iterations)) - 1.0
    if schedule == "tllib":    # tllib's WarmStartGradientReverseLayer(alpha=1, max_iters=1000)
        return 2.0 / (1.0 + math.exp(-it / 1000.0)) - 1.0
    raise SystemExit("unknown --grl-schedule %s (dann, tllib)" % schedule)


class ConditionalAdversary(nn.Module):
    """CDAN('s +E): discriminator on T(f, softmax(z).detach()) through gradient reversal; the entropy
    weights 1 + e^-H(p) are normalised over the whole source+target batch to sum to its size."""

    def __init__(self, feature_dim, classes, entropy_conditioning):
        super().__init__()
        self.map = MultilinearMap(feature_dim, classes)
        self.discriminator = mlp(self.map.output_dim, DISC_HIDDEN, 1)
        self.entropy_conditioning = entropy_conditioning

    def loss(self, fs, zs, ft, zt, coeff):
        f = torch.cat([fs, ft], 0)
        p = F.softmax(torch.cat([zs, zt], 0), 1).detach()
        d = self.discriminator(reverse_gradient(self.map(f, p), coeff))
        ns, n = fs.shape[0], f.shape[0]
        ws = wt = None
        if self.entropy_conditioning:
            w = 1.0 + torch.exp(-entropy(p))
            w = w / w.sum() * n
            ws, wt = w[:ns], w[ns:]
        return 0.5 * (bce(d[:ns], 1.0, ws) + bce(d[ns:], 0.0, wt))


class Dann(nn.Module):
    name = "dann"

    def __init__(self, feature_dim, classes, weight):
        super().__init__()
        self.discriminator = mlp(feature_dim, DISC_HIDDEN, 1)
        self.weight = weight

    def loss(self, fs, zs, ft, zt, coeff):
        d = self.discriminator(reverse_gradient(torch.cat([fs, ft], 0), coeff))
        ns = fs.shape[0]
        return 0.5 * (bce(d[:ns], 1.0) + bce(d[ns:], 0.0))


class Cdan(nn.Module):
    def __init__(self, feature_dim, classes, entropy_conditioning):
        super().__init__()
        self.name = "cdan+e" if entropy_conditioning else "cdan"
        self.adversary = ConditionalAdversary(feature_dim, classes, entropy_conditioning)
        self.weight = 1.0

    def loss(self, fs, zs, ft, zt, coeff):
        return self.adversary.loss(fs, zs, ft, zt, coeff)


class Mcc(nn.Module):
    name = "mcc"
    weight = 1.0

    def loss(self, fs, zs, ft, zt, coeff):
        return mcc_loss(zt)


REGISTRY = ("source-only", "dann", "cdan", "cdan+e", "mcc")


def parse_method(spec):
    """Methods.parse, plus the twin's two source-only variants. Returns (canonical name, tokens, shared_bn)."""
    s = spec.strip().lower()
    if s in ("erm", "source", "source-only"):
        return "source-only", [], False          # tllib style: only the source batch is forwarded
    if s == "source-only-shared-bn":
        return s, [], True                       # imed's historical style: target forwarded through shared BN, no loss
    tokens = s.split("+")
    out, i = [], 0
    while i < len(tokens):
        t = tokens[i]
        if i + 1 < len(tokens) and t + "+" + tokens[i + 1] in REGISTRY:
            t = t + "+" + tokens[i + 1]
            i += 1
        if not t or t not in REGISTRY:
            raise SystemExit("unknown method '%s' in '%s' (known: %s, source-only-shared-bn; combine with +)"
                             % (t, spec, ", ".join(REGISTRY)))
        out.append(t)
        i += 1
    methods = [t for t in out if t != "source-only"]
    return "+".join(out), methods, True


def build_methods(tokens, feature_dim, classes, dann_weight):
    mods = []
    for t in tokens:
        if t == "dann":
            mods.append(Dann(feature_dim, classes, dann_weight))
        elif t in ("cdan", "cdan+e"):
            mods.append(Cdan(feature_dim, classes, t == "cdan+e"))
        elif t == "mcc":
            mods.append(Mcc())
    return mods


# ---------------------------------------------------------------------------------------------------------
# Training loop (TrainingLoop.java) and evaluation
# ---------------------------------------------------------------------------------------------------------

class Diverged(RuntimeError):
    pass


def make_optimizer(params, args):
    """NesterovSgd: PyTorch's SGD formulation (dampening 0), weight decay on every trained parameter."""
    return torch.optim.SGD(params, lr=args.lr, momentum=args.momentum, nesterov=True, weight_decay=args.weight_decay)


def grads_finite(params):
    """One float32 sum of squares over every gradient, as NesterovSgd.gradientsFinite."""
    grads = [p.grad.square().sum() for p in params if p.grad is not None]
    return not grads or bool(torch.isfinite(torch.stack(grads).sum()))


def run_loop(task, iterations, optimizer, modules, args, step_loss):
    """Runs `iterations` steps of step_loss(it, progress) -> loss tensor, with imed's skipping of non-finite
    or spiking steps and roll-backs to in-memory snapshots. Returns (loss curve, summary dict)."""
    params = [p for g in optimizer.param_groups for p in g["params"]]
    recent = [0.0] * SPIKE_HISTORY
    accepted = 0
    skipped = consecutive = roll_backs = 0
    snapshot = None
    window, curve = [], []
    began = time.perf_counter()
    for it in range(iterations):
        progress = it / iterations
        optimizer.zero_grad(set_to_none=False)
        loss = step_loss(it, progress)
        loss.backward()
        value = loss.item()
        reason = None
        if math.isfinite(value) and accepted >= SPIKE_HISTORY and value > max(SPIKE_FLOOR, SPIKE_FACTOR * sorted(recent)[SPIKE_HISTORY // 2]):
            reason = "loss %.3g, over %.0fx the recent median" % (value, SPIKE_FACTOR)
        elif not math.isfinite(value) or not grads_finite(params):
            reason = "non-finite loss or gradients"
        if reason is not None:
            optimizer.zero_grad(set_to_none=False)
            skipped += 1
            consecutive += 1
            log("%s: iteration %d skipped: %s" % (task, it, reason))
            if consecutive >= MAX_CONSECUTIVE_SKIPPED and snapshot is not None and roll_backs < MAX_ROLL_BACKS:
                for m, state in zip(modules, snapshot[0]):
                    m.load_state_dict(state)
                optimizer.load_state_dict(snapshot[1])
                roll_backs += 1
                consecutive = 0
                log("%s: iteration %d: rolled back to iteration %d" % (task, it, snapshot[2]))
            elif consecutive >= MAX_CONSECUTIVE_SKIPPED:
                raise Diverged("%s: %d skipped steps in a row up to iteration %d" % (task, consecutive, it))
        else:
            rate = args.lr * (1.0 + args.lr_gamma * it) ** -0.75   # LearningRate(lr, gamma, 0.75).at(it)
            for g in optimizer.param_groups:
                g["lr"] = rate * g.get("lr_scale", 1.0)
            optimizer.step()
            consecutive = 0
            recent[accepted % SPIKE_HISTORY] = value
            accepted += 1
            window.append(value)
            if (it + 1) % SNAPSHOT_EVERY == 0:
                snapshot = ([copy.deepcopy(m.state_dict()) for m in modules], copy.deepcopy(optimizer.state_dict()), it + 1)
        if (it + 1) % CURVE_EVERY == 0 or it + 1 == iterations:
            if window:
                curve.append([it + 1, round(sum(window) / len(window), 5)])
            window = []
            if (it + 1) % (CURVE_EVERY * 10) == 0 or it + 1 == iterations:
                log("%s: iteration %d/%d, loss %.4f, %.1f it/s" % (task, it + 1, iterations, curve[-1][1] if curve else float("nan"),
                                                                  (it + 1) / (time.perf_counter() - began)))
    seconds = time.perf_counter() - began
    return curve, {"seconds": round(seconds, 1), "skippedSteps": skipped, "rollBacks": roll_backs}


@torch.no_grad()
def predict(forward, images):
    """Logits (and features) of `forward` over all images in batches of 256, in order."""
    outs = [forward(images[i:i + EVAL_BATCH]) for i in range(0, images.shape[0], EVAL_BATCH)]
    return tuple(torch.cat([o[k] for o in outs], 0) for k in range(len(outs[0])))


def accuracy(logits, labels):
    return round(100.0 * (logits.argmax(1) == labels).float().mean().item(), 3)


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed % (2 ** 32))
    torch.manual_seed(seed)


def write_json(path, result):
    result["totalSeconds"] = round(time.perf_counter() - STARTED, 1)   # with data loading and evaluation
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    tmp = path + ".partial"
    with open(tmp, "w") as fh:
        json.dump(result, fh, indent=1)
        fh.write("\n")
    os.replace(tmp, path)


def base_result(kind, method, args, source, target):
    return {"side": "pytorch", "kind": kind, "method": method, "source": source.name, "target": target.name,
            "sourceDir": source.root, "targetDir": target.root, "seed": args.seed, "iterations": args.iterations,
            "init": args.init, "initialParameters": getattr(args, "initial_parameters", None),
            "perturbInitial": getattr(args, "perturb_initial", 0.0),
            "grlSchedule": args.grl_schedule, "lr": args.lr, "batchSize": args.batch_size,
            "weightDecay": args.weight_decay, "torch": torch.__version__}


def check_classes(source, target):
    if len(source.class_names) != len(target.class_names):
        raise SystemExit("source %s has %d classes, target %s has %d" % (source.name, len(source.class_names),
                                                                          target.name, len(target.class_names)))


# ---------------------------------------------------------------------------------------------------------
# component (ComponentTrainer.java)
# ---------------------------------------------------------------------------------------------------------

def cmd_component(args):
    seed_everything(args.seed)
    source, target = Domain(args.source), Domain(args.target)
    check_classes(source, target)
    classes = len(source.class_names)
    method, tokens, shared_bn = parse_method(args.method)
    net = ComponentNet("lenet", classes)
    init_weights(net, args.init)
    methods = build_methods(tokens, net.width, classes, args.dann_weight)
    for m in methods:
        init_weights(m, args.init)
    modules = [net] + methods
    if args.initial_parameters:
        load_initial_parameters(modules, args.initial_parameters)
    if args.perturb_initial:
        perturb(modules, args.perturb_initial, args.seed)
    params = [p for m in modules for p in m.parameters() if p.requires_grad]
    optimizer = make_optimizer(params, args)
    source_loader, target_loader = Loader(len(source), args.seed), Loader(len(target), args.seed + 1)
    b = args.batch_size

    def step_loss(it, progress):
        si, ti = source_loader.next(b), target_loader.next(b)
        net.train()
        for m in methods:
            m.train()
        if not shared_bn:
            _, zs = net(source.images[si])
            return F.cross_entropy(zs, source.labels[si])
        f, z = net(torch.cat([source.images[si], target.images[ti]], 0))
        fs, zs, ft, zt = f[:b], z[:b], f[b:], z[b:]
        loss = F.cross_entropy(zs, source.labels[si])
        coeff = grl_coefficient(args.grl_schedule, it, args.iterations)
        for m in methods:
            loss = loss + m.loss(fs, zs, ft, zt, coeff) * (m.weight * args.trade_off)
        return loss

    curve, summary = run_loop("%s %s->%s" % (method, source.name, target.name), args.iterations, optimizer,
                              modules, args, step_loss)
    net.eval()
    target_acc = accuracy(predict(net, target.images)[1], target.labels)
    source_acc = accuracy(predict(net, source.images)[1], source.labels)
    log("%s %s->%s seed %d: target %.2f, source %.2f" % (method, source.name, target.name, args.seed, target_acc, source_acc))
    if args.save:
        os.makedirs(os.path.dirname(os.path.abspath(args.save)), exist_ok=True)
        torch.save({"kind": "component", "method": method, "backbone": "lenet", "width": net.width,
                    "classNames": source.class_names, "seed": args.seed, "init": args.init,
                    "targetAccuracy": target_acc, "state": net.state_dict()}, args.save)
    result = base_result("component", method, args, source, target)
    result.update({"tradeOff": args.trade_off, "dannWeight": args.dann_weight,
                   "sharedBatchNorm": shared_bn, "targetAccuracy": target_acc, "sourceAccuracy": source_acc,
                   "lossCurve": curve})
    result.update(summary)
    write_json(args.json, result)


def load_saved(path, kind):
    """What --save wrote at path, refused unless it is a twin model of this kind."""
    saved = torch.load(path, map_location="cpu")
    if saved.get("kind") != kind:
        raise SystemExit("%s: not a twin %s (kind %s)" % (path, kind, saved.get("kind")))
    return saved


def component_net(saved):
    """The ComponentNet a saved component (or a saved teacher's member) describes, with its weights."""
    net = ComponentNet(saved["backbone"], len(saved["classNames"]), saved["width"])
    net.load_state_dict(saved["state"])
    return net


def frozen(module):
    """The module in evaluation mode, its parameters out of autograd."""
    module.eval()
    for p in module.parameters():
        p.requires_grad_(False)
    return module


def load_component(path):
    saved = load_saved(path, "component")
    return frozen(component_net(saved)), saved


# ---------------------------------------------------------------------------------------------------------
# teacher (fusion/net/*.java, TeacherTrainer.java)
# ---------------------------------------------------------------------------------------------------------

class InstanceAwareFusion(nn.Module):
    """L-1 mixing layers r_j = ReLU(sum_i a[j,i] * x_i) (K -> K features), then f_ens = sum_j b[j] * r_j.
    generated: a, b come per instance from gate generators (mlp + sigmoid) reading u = concat_i T(f_i, p_i);
    otherwise global learnable gates through a sigmoid, starting at 0 (gate 0.5)."""

    def __init__(self, components, classes, width, layers, generated):
        super().__init__()
        if not 1 <= layers <= 3:
            raise SystemExit("fusion layers must be 1, 2 or 3")
        self.k, self.classes, self.width, self.layers, self.generated = components, classes, width, layers, generated
        self.head = nn.Linear(width, classes)
        sizes = [(components * width if l == layers - 1 else components * components * width) for l in range(layers)]
        if generated:
            self.map = MultilinearMap(width, classes)
            self.gates = nn.ModuleList([nn.Sequential(mlp(components * self.map.output_dim, DISC_HIDDEN, s), nn.Sigmoid())
                                        for s in sizes])
        else:
            self.gates = nn.ParameterList([nn.Parameter(torch.zeros(s)) for s in sizes])

    def fuse(self, features, probabilities):
        n, k, d = features.shape
        u = None
        if self.generated:
            u = self.map(features.reshape(n * k, d), probabilities.reshape(n * k, self.classes)).reshape(n, -1)
        x = features
        for l in range(self.layers):
            g = self.gates[l](u) if self.generated else torch.sigmoid(self.gates[l]).unsqueeze(0)
            if l == self.layers - 1:
                x = (g.reshape(g.shape[0], k, d) * x).sum(1)
            else:
                x = F.relu((g.reshape(g.shape[0], k, k, d) * x.unsqueeze(1)).sum(2))
        return x


class FcFusion(nn.Module):
    """The FC-fusion ablation: concat features -> Linear(K*D,1024)-BN-ReLU-Linear(1024,D)-ReLU."""

    def __init__(self, components, classes, width):
        super().__init__()
        self.k, self.width = components, width
        self.head = nn.Linear(width, classes)
        self.mlp = nn.Sequential(nn.Linear(components * width, 1024), nn.BatchNorm1d(1024), nn.ReLU(),
                                 nn.Linear(1024, width), nn.ReLU())

    def fuse(self, features, probabilities):
        return self.mlp(features.reshape(features.shape[0], -1))


class Fusion(nn.Module):
    """FusionNet: optional feature normalisation, fuse, head, optional start from the averaging ensemble."""

    def __init__(self, kind, components, classes, width, layers, normalize_features=False, start_from_average=False):
        super().__init__()
        self.kind = kind
        if kind == "imed":
            self.net = InstanceAwareFusion(components, classes, width, layers, True)
        elif kind == "global":
            self.net = InstanceAwareFusion(components, classes, width, layers, False)
        elif kind == "fc":
            self.net = FcFusion(components, classes, width)
        else:
            raise SystemExit("unknown --fusion %s (imed, global, fc)" % kind)
        self.width = width
        self.normalize_features = normalize_features
        self.start_from_average = start_from_average

    def zero_head_if_needed(self):
        if self.start_from_average:
            with torch.no_grad():
                self.net.head.weight.zero_()
                self.net.head.bias.zero_()

    def forward(self, features, probabilities):
        if self.normalize_features:
            features = features / (features.norm(dim=2, keepdim=True) + 1e-6) * math.sqrt(self.width)
        f = self.net.fuse(features, probabilities)
        z = self.net.head(f)
        if self.start_from_average:
            z = z + torch.log(probabilities.mean(1) + 1e-8)
        return f, z


def component_outputs(components, x):
    """Stacked features [N, K, D] and logits [N, K, C] of frozen components in eval mode."""
    with torch.no_grad():
        outs = [c(x) for c in components]
    return torch.stack([o[0] for o in outs], 1), torch.stack([o[1] for o in outs], 1)


class TeacherModel(nn.Module):
    def __init__(self, components, fusion):
        super().__init__()
        self.components = nn.ModuleList(components)
        self.fusion = fusion

    def forward(self, x):
        """(f_ens, z_ens, stacked component logits), everything in eval mode (Teacher.forward)."""
        feats, logits = component_outputs(self.components, x)
        f, z = self.fusion(feats, F.softmax(logits, 2))
        return f, z, logits


def cmd_teacher(args):
    if len(args.components) < 2:
        raise SystemExit("a teacher needs at least 2 components")
    seed_everything(args.seed)
    source, target = Domain(args.source), Domain(args.target)
    check_classes(source, target)
    loaded = [load_component(p) for p in args.components]
    components = [c for c, _ in loaded]
    classes = len(loaded[0][1]["classNames"])
    width = loaded[0][1]["width"]
    for _, meta in loaded:
        if meta["width"] != width or len(meta["classNames"]) != classes:
            raise SystemExit("components differ in width or classes")
    fusion = Fusion(args.fusion, len(components), classes, width, args.layers, args.normalize_features,
                    args.start_from_average)
    init_weights(fusion, args.init)
    fusion.zero_head_if_needed()
    adversary = ConditionalAdversary(width, classes, False)
    init_weights(adversary, args.init)
    # TeacherTrainer's groups: gate generators at gateLrScale x lr (1 by default), the rest at lr. The twin keeps
    # one rate for all: imed's test of the key prefix "gate" never matches the generators' DJL keys ("03gate0_...").
    params = [p for m in (fusion, adversary) for p in m.parameters() if p.requires_grad]
    optimizer = make_optimizer(params, args)
    source_loader, target_loader = Loader(len(source), args.seed), Loader(len(target), args.seed + 1)
    b = args.batch_size
    for c in components:
        c.eval()

    def step_loss(it, progress):
        si, ti = source_loader.next(b), target_loader.next(b)
        feats, logits = component_outputs(components, torch.cat([source.images[si], target.images[ti]], 0))
        probs = F.softmax(logits, 2)
        fusion.train()
        adversary.train()
        f, z = fusion(feats, probs)
        loss = F.cross_entropy(z[:b], source.labels[si])
        if args.mcc_weight != 0:
            if args.target_loss == "mcc":
                t_loss = mcc_loss(z[b:])
            else:  # "average": soft cross-entropy towards the averaging ensemble's target probabilities
                t_loss = -(probs[b:].mean(1) * F.log_softmax(z[b:], 1)).sum(1).mean()
            loss = loss + t_loss * args.mcc_weight
        if args.adversarial_weight != 0:
            coeff = grl_coefficient(args.grl_schedule, it, args.iterations)
            loss = loss + adversary.loss(f[:b], z[:b], f[b:], z[b:], coeff) * args.adversarial_weight
        return loss

    curve, summary = run_loop("teacher %s %s->%s" % (args.fusion, source.name, target.name), args.iterations,
                              optimizer, [fusion, adversary], args, step_loss)
    teacher = TeacherModel(components, fusion).eval()
    _, z_t, comp_logits = predict(teacher, target.images)
    _, z_s, _ = predict(teacher, source.images)
    target_acc, source_acc = accuracy(z_t, target.labels), accuracy(z_s, source.labels)
    comp_acc = [accuracy(comp_logits[:, i], target.labels) for i in range(len(components))]
    averaging = accuracy(F.softmax(comp_logits, 2).mean(1), target.labels)
    votes = F.one_hot(comp_logits.argmax(2), classes).float().mean(1) + F.softmax(comp_logits, 2).mean(1) * 1e-3
    vote = accuracy(votes, target.labels)
    picks = z_t.argmax(1)
    agreement = [round(100.0 * (picks == comp_logits[:, i].argmax(1)).float().mean().item(), 2) for i in range(len(components))]
    agreement_avg = round(100.0 * (picks == F.softmax(comp_logits, 2).mean(1).argmax(1)).float().mean().item(), 2)
    log("teacher %s->%s seed %d: target %.2f (components %s, averaging %.2f, vote %.2f)"
        % (source.name, target.name, args.seed, target_acc, comp_acc, averaging, vote))
    if args.save:
        os.makedirs(os.path.dirname(os.path.abspath(args.save)), exist_ok=True)
        torch.save({"kind": "teacher", "fusion": args.fusion, "layers": args.layers, "width": width,
                    "normalizeFeatures": args.normalize_features, "startFromAverage": args.start_from_average,
                    "classNames": loaded[0][1]["classNames"], "components": [meta for _, meta in loaded],
                    "componentPaths": [os.path.abspath(p) for p in args.components],
                    "targetAccuracy": target_acc, "state": fusion.state_dict()}, args.save)
    result = base_result("teacher", args.fusion, args, source, target)
    result.update({"layers": args.layers, "beta1Mcc": args.mcc_weight, "beta2Adversarial": args.adversarial_weight,
                   "targetLoss": args.target_loss, "targetAccuracy": target_acc, "sourceAccuracy": source_acc,
                   "components": [{"path": os.path.abspath(p), "method": meta["method"], "seed": meta["seed"],
                                   "targetAccuracy": a} for p, (_, meta), a in zip(args.components, loaded, comp_acc)],
                   "componentAccuracies": comp_acc, "averagingAccuracy": averaging, "voteAccuracy": vote,
                   "agreementWithComponents": agreement, "agreementWithAveraging": agreement_avg,
                   "lossCurve": curve})
    result.update(summary)
    write_json(args.json, result)


def load_teacher(path):
    saved = load_saved(path, "teacher")
    components = [component_net(meta) for meta in saved["components"]]
    fusion = Fusion(saved["fusion"], len(components), len(saved["classNames"]), saved["width"], saved["layers"],
                    saved["normalizeFeatures"], saved["startFromAverage"])
    fusion.load_state_dict(saved["state"])
    return frozen(TeacherModel(components, fusion)), saved


# ---------------------------------------------------------------------------------------------------------
# distill (Distiller.java, DistillationLoss.java)
# ---------------------------------------------------------------------------------------------------------

def cmd_distill(args):
    seed_everything(args.seed)
    source, target = Domain(args.source), Domain(args.target)
    check_classes(source, target)
    classes = len(source.class_names)
    teacher = None
    if args.teacher and args.teacher != "none":
        teacher, saved = load_teacher(args.teacher)
        if len(saved["classNames"]) != classes:
            raise SystemExit("the teacher has %d classes, the source %d" % (len(saved["classNames"]), classes))
    student = ComponentNet("student-cnn", classes)
    init_weights(student, args.init)
    modules = [student]
    projection = None
    teacher_width = teacher.fusion.width if teacher is not None else student.width
    if teacher_width != student.width:
        projection = nn.Linear(student.width, teacher_width)
        init_weights(projection, args.init)
        modules.append(projection)
    params = [p for m in modules for p in m.parameters()]
    optimizer = make_optimizer(params, args)
    source_loader, target_loader = Loader(len(source), args.seed), Loader(len(target), args.seed + 1)
    b = args.batch_size
    t = args.temperature
    t2 = t * t

    def step_loss(it, progress):
        si = source_loader.next(b)
        student.train()
        if teacher is None:
            _, z = student(source.images[si])
            return F.cross_entropy(z, source.labels[si])
        ti = target_loader.next(b)
        x = torch.cat([source.images[si], target.images[ti]], 0)
        with torch.no_grad():
            f_ens, z_ens, _ = teacher(x)
        f, z = student(x)
        if projection is not None:
            f = projection(f)
        loss = soft_cross_entropy(z / t, z_ens / t) * (args.logit_weight * t2)
        if args.feature_weight != 0:
            loss = loss + soft_cross_entropy(f / t, f_ens / t) * (args.feature_weight * t2)
        return loss + F.cross_entropy(z[:b], source.labels[si])

    curve, summary = run_loop("distill %s->%s" % (source.name, target.name), args.iterations, optimizer, modules,
                              args, step_loss)
    student.eval()
    target_acc = accuracy(predict(student, target.images)[1], target.labels)
    source_acc = accuracy(predict(student, source.images)[1], source.labels)
    teacher_acc = accuracy(predict(teacher, target.images)[1], target.labels) if teacher is not None else None
    log("student %s->%s seed %d: target %.2f, source %.2f (teacher %s)"
        % (source.name, target.name, args.seed, target_acc, source_acc, teacher_acc))
    if args.save:
        os.makedirs(os.path.dirname(os.path.abspath(args.save)), exist_ok=True)
        torch.save({"kind": "student", "backbone": "student-cnn", "width": student.width,
                    "classNames": source.class_names, "seed": args.seed, "targetAccuracy": target_acc,
                    "state": student.state_dict()}, args.save)
    result = base_result("student", "distill" if teacher is not None else "source-only", args, source, target)
    result.update({"teacher": os.path.abspath(args.teacher) if teacher is not None else None,
                   "temperature": t, "beta4Logits": args.logit_weight, "beta3Features": args.feature_weight,
                   "targetAccuracy": target_acc, "sourceAccuracy": source_acc, "studentAccuracy": target_acc,
                   "teacherAccuracy": teacher_acc, "lossCurve": curve})
    result.update(summary)
    write_json(args.json, result)


# ---------------------------------------------------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p, iterations):
        p.add_argument("--source", required=True, help="labelled source domain: a <class>/<image> folder")
        p.add_argument("--target", required=True, help="target domain folder (labels used only for the final accuracy)")
        p.add_argument("--iterations", type=int, default=iterations)
        p.add_argument("--seed", type=int, default=0)
        p.add_argument("--init", choices=["pytorch", "djl"], default="pytorch")
        p.add_argument("--lr", type=float, default=0.01)
        p.add_argument("--lr-gamma", type=float, default=0.001, help="annealing lr*(1+gamma*it)^-0.75")
        p.add_argument("--momentum", type=float, default=0.9)
        p.add_argument("--weight-decay", type=float, default=5e-4)
        p.add_argument("--batch-size", type=int, default=32, help="images per domain per step")
        p.add_argument("--grl-schedule", choices=["dann", "tllib"], default="dann")
        p.add_argument("--save", help="write the trained model here (torch.save)")
        p.add_argument("--json", required=True, help="write the result here")

    p = sub.add_parser("component", help="train one component with a UDA method")
    p.add_argument("--method", required=True)
    p.add_argument("--trade-off", type=float, default=1.0, help="multiplies each adaptation loss's own weight")
    p.add_argument("--dann-weight", type=float, default=0.1, help="DANN's own weight (Dann.weight())")
    p.add_argument("--perturb-initial", type=float, default=0.0, metavar="EPS",
                   help="multiply the first parameters by (1 + EPS * N(0, 1)): measures the chaos floor")
    p.add_argument("--initial-parameters", help="start from imed's first parameters (an .npz written by "
                   "`imed train component --save-initial-parameters`) instead of drawing them: a paired run")
    common(p, 2000)
    p.set_defaults(run=cmd_component)

    p = sub.add_parser("teacher", help="train the IMED fusion teacher over frozen components")
    p.add_argument("--components", nargs="+", required=True)
    p.add_argument("--fusion", choices=["imed", "global", "fc"], default="imed")
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--mcc-weight", type=float, default=1.0, help="beta1")
    p.add_argument("--adversarial-weight", type=float, default=1.0, help="beta2")
    p.add_argument("--target-loss", choices=["mcc", "average"], default="mcc")
    p.add_argument("--normalize-features", action="store_true")
    p.add_argument("--start-from-average", action="store_true")
    common(p, 1000)
    p.set_defaults(run=cmd_teacher)

    p = sub.add_parser("distill", help="distil a teacher into the compact student")
    p.add_argument("--teacher", help="twin teacher file; omitted or 'none': the student on the source alone")
    p.add_argument("--temperature", type=float, default=2.0)
    p.add_argument("--logit-weight", type=float, default=1.0, help="beta4")
    p.add_argument("--feature-weight", type=float, default=1.0, help="beta3")
    common(p, 2000)
    p.set_defaults(run=cmd_distill)

    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    began = time.perf_counter()
    args.run(args)
    log("done in %.1f s" % (time.perf_counter() - began))


if __name__ == "__main__":
    main()
