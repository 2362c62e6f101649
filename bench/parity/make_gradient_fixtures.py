#!/usr/bin/python3
"""Gradient-level parity fixtures: imed's losses against plain PyTorch.

Run with Debian's interpreter (torch 1.13 + numpy), from anywhere:

    /usr/bin/python3 bench/parity/make_gradient_fixtures.py             # writes the fixtures
    /usr/bin/python3 bench/parity/make_gradient_fixtures.py --variants  # prints how far other formulations lie

For each loss a tiny network with fixed (seeded) weights and fixed inputs is evaluated here in
plain PyTorch, written from the methods' definitions:

  * cross-entropy      mean −log softmax(z)[y] of a tiny component network
                       (backbone Linear+ReLU → bottleneck Linear-BN-ReLU → head Linear)
  * DANN               BCE-with-logits domain loss of Linear-BN-ReLU-Linear-BN-ReLU-Linear
                       on features through a gradient-reversal layer (λ = 2/(1+e^(−10p)) − 1)
  * CDAN / CDAN+E      the same discriminator on the multilinear map T(f, softmax(z)) (detached
                       prediction), full outer product and randomized map (R_f f ⊙ R_g g)/√d;
                       +E weighs rows by 1 + e^(−H(g)), normalised to sum to the batch size
  * MCC                minimum class confusion at T = 2.5 (certainty weights detached, confusion
                       P̂ᵀ·W·P̂, row (category) normalisation of the paper's eq. 6, off-diagonal / C)
  * IMED fusion        InstanceAwareFusion (2 layers, generated gates, paper options; full and
                       randomized multilinear map) forward,
                       trained by CE on the source half + MCC on the target half of the batch
  * distillation       CE(z_s source) + β4·T²·SoftCE(z_s/T, z_ens/T) + β3·T²·SoftCE(f_s/T, f_ens/T)
                       for a tiny student with a projection to the teacher's width

Precision: every input and parameter is drawn in float64 and rounded to float32 (so the Java
side, which reads them as float32, sees exactly the same numbers); everything else — forward,
loss and gradients — is computed in float64 and stored as float64 (JSON doubles). BatchNorm runs
in training mode: batch mean and biased batch variance, ε = 1e-5 (DJL's and PyTorch's default).

Parameters are keyed by their DJL names (the keys of Block.getParameters() of the block under
test, prefixed "<block>/" where a fixture has two blocks: the distillation's student and
projection); each also records the PyTorch-style name it stands for. Linear weights are (out, in) in
both frameworks.
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

from twin import reverse_gradient  # the twin's gradient-reversal layer (this script's directory is on sys.path)

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BN_EPS = 1e-5
MIN_MARGIN = 1e-3  # every ReLU input stays this far from 0, so float32 and float64 agree on its side


def f32(t):
    return t.to(torch.float32).to(torch.float64)


def arr(t):
    t = t.detach()
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


def ints(t):
    return {"shape": list(t.shape), "data": [int(v) for v in t.reshape(-1).tolist()]}


def key(block, name):
    """DJL's parameter key: the block's path, '_', the parameter's name (a bare name for the block itself).

    A fixture with more than one DJL block under test prefixes each key with "<block>/".
    """
    return block + "_" + name if block and not block.endswith("/") else block + name


class Params:
    """The parameters of one fixture: DJL key → (PyTorch-style name, leaf tensor, trained)."""

    def __init__(self, gen):
        self.gen = gen
        self.items = {}
        self.margins = []

    def add(self, djl, torch_name, value, trained=True):
        leaf = f32(value).clone().requires_grad_(trained)
        self.items[djl] = (torch_name, leaf, trained)
        return leaf

    def randn(self, *shape):
        return torch.randn(*shape, generator=self.gen)

    def linear(self, x, djl, torch_name, n_out, scale=1.0):
        n_in = x.shape[1]
        weight, bias = key(djl, "weight"), key(djl, "bias")
        if weight not in self.items:
            self.add(weight, torch_name + ".weight", self.randn(n_out, n_in) * scale / math.sqrt(n_in))
            self.add(bias, torch_name + ".bias", self.randn(n_out) * 0.1)
        return x @ self.items[weight][1].t() + self.items[bias][1]

    def batch_norm(self, x, djl, torch_name):
        c = x.shape[1]
        if djl + "_gamma" not in self.items:
            self.add(djl + "_gamma", torch_name + ".weight", 1 + 0.2 * self.randn(c))
            self.add(djl + "_beta", torch_name + ".bias", 0.1 * self.randn(c))
        gamma = self.items[djl + "_gamma"][1]
        beta = self.items[djl + "_beta"][1]
        mean = x.mean(0, keepdim=True)
        var = ((x - mean) ** 2).mean(0, keepdim=True)  # biased, as in training-mode normalisation
        return (x - mean) / torch.sqrt(var + BN_EPS) * gamma + beta

    def relu(self, x):
        self.margins.append(float(x.detach().abs().min()))
        return torch.relu(x)

    def mlp(self, x, djl, torch_name, hidden, out):
        """imed's DomainDiscriminator.mlp: Linear-BN-ReLU-Linear-BN-ReLU-Linear (SequentialBlock keys 01…07)."""
        h = self.linear(x, djl + "01Linear", torch_name + ".0", hidden)
        h = self.relu(self.batch_norm(h, djl + "02BatchNorm", torch_name + ".1"))
        h = self.linear(h, djl + "04Linear", torch_name + ".3", hidden)
        h = self.relu(self.batch_norm(h, djl + "05BatchNorm", torch_name + ".4"))
        return self.linear(h, djl + "07Linear", torch_name + ".6", out)

    def to_json(self):
        params, grads = {}, {}
        for djl, (name, leaf, trained) in self.items.items():
            entry = {"torch": name, "trained": trained}
            entry.update(arr(leaf))
            params[djl] = entry
            if trained:
                g = leaf.grad if leaf.grad is not None else torch.zeros_like(leaf)
                grads[djl] = arr(g)
        return params, grads


def warm_up(progress):
    return 2.0 / (1.0 + math.exp(-10.0 * progress)) - 1.0


def entropy(p):
    return -(p * torch.log(p)).sum(1)


def leaf(gen, *shape, scale=1.0):
    return f32(torch.randn(*shape, generator=gen) * scale).requires_grad_(True)


class TooCloseToZero(Exception):
    pass


def write(module, name, fixture, params):
    if params.margins and min(params.margins) < MIN_MARGIN:
        raise TooCloseToZero(f"{name}: a ReLU input is {min(params.margins):.2e} from 0")
    fixture["generator"] = "bench/parity/make_gradient_fixtures.py"
    fixture["seed"] = params.gen.initial_seed()
    fixture["torch"] = torch.__version__
    fixture["precision"] = "inputs and parameters float32-exact; forward, loss and gradients computed and stored in float64"
    fixture["parameters"], fixture["gradients"] = params.to_json()
    path = os.path.join(ROOT, module, "src", "test", "resources", "parity", name + ".json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as out:
        json.dump(fixture, out, indent=1)
        out.write("\n")
    print(f"{path}: loss {fixture['loss']:.8f}, min ReLU margin {min(params.margins, default=float('nan')):.3g}, "
          f"{os.path.getsize(path) / 1024:.0f} KB")


def cross_entropy_fixture(seed):
    gen = torch.Generator().manual_seed(seed)
    p = Params(gen)
    x = leaf(gen, 8, 5)
    y = torch.randint(0, 4, (8,), generator=gen)
    h = p.relu(p.linear(x, "01backbone_01Linear", "backbone.0", 7))  # backbone: Linear(5→7), ReLU
    f = p.linear(h, "02bottleneck_01Linear", "bottleneck.0", 6)
    f = p.relu(p.batch_norm(f, "02bottleneck_02BatchNorm", "bottleneck.1"))
    z = p.linear(f, "03head", "head", 4, scale=2.0)
    loss = F.cross_entropy(z, y)
    loss.backward()
    write("ensemble", "cross_entropy", {
        "description": "Losses.crossEntropy of a tiny ComponentNet (backbone Linear(5,7)+ReLU, width 6, 4 classes)"
                       " in training mode; loss = F.cross_entropy(z, y)",
        "hyper": {"width": 6, "classes": 4, "backboneUnits": 7},
        "inputs": {"x": arr(x)},
        "labels": {"y": ints(y)},
        "outputs": {"features": arr(f), "logits": arr(z)},
        "loss": loss.item(),
        "inputGradients": {"x": arr(x.grad)},
    }, p)


def dann_fixture(seed):
    gen = torch.Generator().manual_seed(seed)
    p = Params(gen)
    hidden, progress = 8, 0.35
    lam = warm_up(progress)
    fs = leaf(gen, 4, 6, scale=1.5)
    ft = leaf(gen, 4, 6, scale=1.5)
    f = torch.cat([fs, ft], 0)
    h = reverse_gradient(f, lam)
    h.retain_grad()
    d = p.mlp(h, "", "discriminator", hidden, 1).reshape(-1)
    domain = torch.cat([torch.ones(4), torch.zeros(4)])  # 1 = source, 0 = target
    loss = F.binary_cross_entropy_with_logits(d, domain)
    loss.backward()
    write("ensemble", "dann", {
        "description": "Dann.loss with a DomainDiscriminator.mlp(8, 1) on 4 source + 4 target features of width 6;"
                       " loss = BCE-with-logits over the 8 rows (source 1, target 0) of D(GRL_λ(f))",
        "hyper": {"featureDim": 6, "hidden": hidden, "progress": progress, "lambda": lam},
        "inputs": {"sourceFeatures": arr(fs), "targetFeatures": arr(ft)},
        "outputs": {"domainLogits": arr(d)},
        "loss": loss.item(),
        "inputGradients": {"sourceFeatures": arr(fs.grad), "targetFeatures": arr(ft.grad)},
        # The gradient arriving at the reversal layer's output: the features' is −λ times it.
        "reversalOutputGradient": arr(h.grad),
    }, p)


def cdan_fixture(seed, name, entropy_conditioning, randomized):
    gen = torch.Generator().manual_seed(seed)
    p = Params(gen)
    dim, classes, hidden, random_dim, lam = 6, 3, 8, 10, 0.6
    fs = leaf(gen, 4, dim, scale=1.5)
    ft = leaf(gen, 4, dim, scale=1.5)
    zs = leaf(gen, 4, classes, scale=2.0)
    zt = leaf(gen, 4, classes, scale=2.0)
    f = torch.cat([fs, ft], 0)
    g = torch.softmax(torch.cat([zs, zt], 0), 1).detach()  # CDAN conditions on the detached prediction
    if randomized:
        rf = p.add("01MultilinearMap_randomFeature", "map.random_feature", p.randn(dim, random_dim), trained=False)
        rg = p.add("01MultilinearMap_randomPrediction", "map.random_prediction", p.randn(classes, random_dim), trained=False)
        t = (f @ rf) * (g @ rg) / math.sqrt(random_dim)
    else:
        t = torch.bmm(g.unsqueeze(2), f.unsqueeze(1)).reshape(f.shape[0], -1)  # T[n, c·D + d] = g[n, c]·f[n, d]
    h = reverse_gradient(t, lam)
    h.retain_grad()
    d = p.mlp(h, "02SequentialBlock_", "discriminator", hidden, 1).reshape(-1)
    domain = torch.cat([torch.ones(4), torch.zeros(4)])
    weight = None
    if entropy_conditioning:
        w = 1 + torch.exp(-entropy(g))
        weight = w / w.sum() * w.shape[0]
    loss = F.binary_cross_entropy_with_logits(d, domain, weight=weight)
    loss.backward()
    fixture = {
        "description": ("CDAN+E" if entropy_conditioning else "CDAN") + " ConditionalAdversary.loss with the "
                       + ("randomized map (R_f f ⊙ R_g g)/√10" if randomized else "full multilinear map g ⊗ f")
                       + ", discriminator mlp(8, 1), 4 + 4 rows, width 6, 3 classes",
        "hyper": {"featureDim": dim, "classes": classes, "hidden": hidden, "lambda": lam,
                  "entropyConditioning": entropy_conditioning, "randomized": randomized,
                  "randomDim": random_dim if randomized else None},
        "inputs": {"sourceFeatures": arr(fs), "sourceLogits": arr(zs), "targetFeatures": arr(ft), "targetLogits": arr(zt)},
        "outputs": {"map": arr(t), "domainLogits": arr(d)},
        "loss": loss.item(),
        # The logits' gradients are zero: the prediction is detached.
        "inputGradients": {"sourceFeatures": arr(fs.grad), "targetFeatures": arr(ft.grad),
                           "sourceLogits": arr(torch.zeros_like(zs)), "targetLogits": arr(torch.zeros_like(zt))},
        "reversalOutputGradient": arr(h.grad),
    }
    if weight is not None:
        fixture["outputs"]["weights"] = arr(weight)
    write("ensemble", name, fixture, p)


def mcc(logits, temperature):
    n, c = logits.shape
    prob = torch.softmax(logits / temperature, 1)
    w = 1 + torch.exp(-entropy(prob).detach())
    w = (n * w / w.sum()).unsqueeze(1)
    confusion = (prob * w).t() @ prob
    confusion = confusion / confusion.sum(1, keepdim=True)  # category normalisation: each row sums to 1
    return (confusion.sum() - torch.trace(confusion)) / c


def mcc_fixture(seed):
    gen = torch.Generator().manual_seed(seed)
    p = Params(gen)
    x = leaf(gen, 8, 6)
    z = p.linear(x, "", "classifier", 4, scale=3.0)
    loss = mcc(z, 2.5)
    loss.backward()
    write("ensemble", "mcc", {
        "description": "Mcc.loss(Linear(6,4)(x), 2.5) on 8 target rows",
        "hyper": {"temperature": 2.5, "classes": 4},
        "inputs": {"x": arr(x)},
        "outputs": {"logits": arr(z)},
        "loss": loss.item(),
        "inputGradients": {"x": arr(x.grad)},
    }, p)


def fusion_fixture(seed, name, randomized):
    gen = torch.Generator().manual_seed(seed)
    p = Params(gen)
    k, dim, classes, hidden, n, ns, random_dim = 2, 4, 3, 6, 8, 4, 10
    feats = leaf(gen, n, k, dim, scale=1.5)
    comp_logits = f32(torch.randn(n, k, classes, generator=gen) * 2)
    probs = f32(torch.softmax(comp_logits, 2)).requires_grad_(True)
    y = torch.randint(0, classes, (ns,), generator=gen)
    # u = concat_i T(f_i, p_i): the full map T[c·D + d] = p[c]·f[d], or the randomized (R_f f ⊙ R_g p)/√d.
    if randomized:
        rf = p.add("02map_randomFeature", "map.random_feature", p.randn(dim, random_dim), trained=False)
        rg = p.add("02map_randomPrediction", "map.random_prediction", p.randn(classes, random_dim), trained=False)
        u = ((feats @ rf) * (probs @ rg) / math.sqrt(random_dim)).reshape(n, -1)
    else:
        u = torch.einsum("nkc,nkd->nkcd", probs, feats).reshape(n, -1)
    # Layer 1 (mixing): r_j = ReLU(Σ_i a[j,i] ⊙ x_i), a = sigmoid(G0(u)) as [N, K, K, D].
    a = torch.sigmoid(p.mlp(u, "03gate0_", "gate0", hidden, k * k * dim)).reshape(n, k, k, dim)
    r = p.relu((a * feats.unsqueeze(1)).sum(2))
    # Layer 2 (last): f_ens = Σ_j b[j] ⊙ r_j, b = sigmoid(G1(u)) as [N, K, D].
    b = torch.sigmoid(p.mlp(u, "04gate1_", "gate1", hidden, k * dim)).reshape(n, k, dim)
    f_ens = (b * r).sum(1)
    z_ens = p.linear(f_ens, "01head", "head", classes, scale=2.0)
    loss = F.cross_entropy(z_ens[:ns], y) + mcc(z_ens[ns:], 2.5)
    loss.backward()
    write("fusion", name, {
        "description": "InstanceAwareFusion (K=2, width 4, 3 classes, 2 layers, generated gates of hidden 6, paper"
                       " options, " + ("randomized map of width 10" if randomized else "full multilinear map")
                       + ") on 4 source + 4 target rows; loss = CE(z_ens source, y) + MCC(z_ens target, 2.5)",
        "hyper": {"components": k, "width": dim, "classes": classes, "layers": 2, "gateHidden": hidden,
                  "sourceCount": ns, "temperature": 2.5, "randomized": randomized,
                  "randomDim": random_dim if randomized else None},
        "inputs": {"features": arr(feats), "probabilities": arr(probs)},
        "labels": {"y": ints(y)},
        "outputs": {"fused": arr(f_ens), "logits": arr(z_ens), "a1": arr(a), "b": arr(b)},
        "loss": loss.item(),
        "inputGradients": {"features": arr(feats.grad), "probabilities": arr(probs.grad)},
    }, p)


def soft_ce(inp, target):
    return -(torch.softmax(target, 1) * torch.log_softmax(inp, 1)).sum(1).mean()


def distillation_fixture(seed, name, temperature, logit_weight, feature_weight):
    gen = torch.Generator().manual_seed(seed)
    p = Params(gen)
    n, ns, classes, width, teacher_width = 8, 4, 3, 6, 4
    x = leaf(gen, n, 5)
    y = torch.randint(0, classes, (ns,), generator=gen)
    t_feat = f32(torch.randn(n, teacher_width, generator=gen) * 2)
    t_logits = f32(torch.randn(n, classes, generator=gen) * 3)
    h = p.relu(p.linear(x, "student/01backbone_01Linear", "student.backbone.0", 7))
    f = p.linear(h, "student/02bottleneck_01Linear", "student.bottleneck.0", width)
    f = p.relu(p.batch_norm(f, "student/02bottleneck_02BatchNorm", "student.bottleneck.1"))
    z = p.linear(f, "student/03head", "student.head", classes, scale=2.0)
    fp = p.linear(f, "projection/", "projection", teacher_width, scale=2.0)  # the separate Linear to the teacher's width
    t2 = temperature ** 2
    loss = (F.cross_entropy(z[:ns], y)
            + logit_weight * t2 * soft_ce(z / temperature, t_logits / temperature)
            + feature_weight * t2 * soft_ce(fp / temperature, t_feat / temperature))
    loss.backward()
    write("distill", name, {
        "description": "DistillationLoss.compute for a tiny student ComponentNet (backbone Linear(5,7)+ReLU, width 6,"
                       " 3 classes) with a Linear(6,4) projection to the teacher's width, 4 source + 4 target rows",
        "hyper": {"temperature": temperature, "logitWeight": logit_weight, "featureWeight": feature_weight,
                  "sourceCount": ns, "width": width, "classes": classes, "teacherWidth": teacher_width,
                  "backboneUnits": 7},
        "inputs": {"x": arr(x), "teacherFeatures": arr(t_feat), "teacherLogits": arr(t_logits)},
        "labels": {"y": ints(y)},
        "outputs": {"studentFeatures": arr(fp), "studentLogits": arr(z)},
        "loss": loss.item(),
        "inputGradients": {"x": arr(x.grad)},
    }, p)


def with_margin(build, seed, *args):
    """Builds a fixture from the first seed (seed, seed + 1, …) whose ReLU inputs all keep MIN_MARGIN from 0."""
    for attempt in range(50):
        try:
            return build(seed + attempt, *args)
        except TooCloseToZero as e:
            print(f"  seed {seed + attempt}: {e}; next seed")
    raise SystemExit(f"{build.__name__}: no seed in 50 keeps the ReLU margin")


def self_check():
    """The hand-written pieces against torch's own: training-mode BatchNorm and the reversal layer."""
    gen = torch.Generator().manual_seed(7)
    p = Params(gen)
    x = torch.randn(8, 5, generator=gen)
    mine = p.batch_norm(x, "bn", "bn")
    gamma, beta = p.items["bn_gamma"][1], p.items["bn_beta"][1]
    theirs = F.batch_norm(x, None, None, gamma, beta, training=True, eps=BN_EPS)
    assert (mine - theirs).abs().max() < 1e-12
    v = torch.randn(4, generator=gen).requires_grad_(True)
    (reverse_gradient(v, 0.3) * torch.arange(4.0)).sum().backward()
    assert torch.allclose(v.grad, -0.3 * torch.arange(4.0))


def variants():
    """How far formulations that other code uses lie from the ones in the fixtures (printed, nothing written).

    Shows which differences the 1e-4 tests would and would not notice: ε in the entropy, the MCC
    normalisation axis, and CDAN+E's weight normalisation over the batch versus per domain.
    """
    def report(what, ref, alt, leaves):
        ga = torch.autograd.grad(ref, leaves, retain_graph=True)
        gb = torch.autograd.grad(alt, leaves, retain_graph=True)
        dg = max(float((a - b).abs().max()) for a, b in zip(ga, gb))
        print(f"  {what}: |Δ loss| {abs(ref.item() - alt.item()):.2e}, max |Δ grad| {dg:.2e}")

    gen = torch.Generator().manual_seed(303)
    z = (torch.randn(8, 4, generator=gen) * 3).requires_grad_(True)

    def mcc_variant(logits, eps=0.0, column=False):
        n, c = logits.shape
        prob = torch.softmax(logits / 2.5, 1)
        h = -(prob * torch.log(prob + eps)).sum(1)
        w = 1 + torch.exp(-h.detach())
        w = (n * w / w.sum()).unsqueeze(1)
        conf = (prob * w).t() @ prob
        conf = conf / conf.sum(1) if column else conf / conf.sum(1, keepdim=True)
        return (conf.sum() - torch.trace(conf)) / c

    print("MCC (8 x 4 logits):")
    report("entropy with log(p + 1e-5) instead of log p", mcc_variant(z), mcc_variant(z, eps=1e-5), [z])
    report("confusion / its row sums broadcast over columns (thuml) instead of row-normalised",
           mcc_variant(z), mcc_variant(z, column=True), [z])

    gen = torch.Generator().manual_seed(601)
    d = torch.randn(8, generator=gen).requires_grad_(True)
    g = torch.softmax(torch.randn(8, 3, generator=gen) * 2, 1)
    domain = torch.cat([torch.ones(4), torch.zeros(4)])
    w = 1 + torch.exp(-entropy(g))
    batch = w / w.sum() * 8
    per_domain = torch.cat([w[:4] / w[:4].sum() * 4, w[4:] / w[4:].sum() * 4])
    print("CDAN+E (4 + 4 rows):")
    report("weights normalised per domain instead of over the batch",
           F.binary_cross_entropy_with_logits(d, domain, weight=batch),
           F.binary_cross_entropy_with_logits(d, domain, weight=per_domain), [d])


def main():
    if "--variants" in sys.argv:
        variants()
        return
    self_check()
    with_margin(cross_entropy_fixture, 101)
    with_margin(dann_fixture, 202)
    with_margin(cdan_fixture, 501, "cdan_full", False, False)
    with_margin(cdan_fixture, 601, "cdan_e_full", True, False)
    with_margin(cdan_fixture, 701, "cdan_randomized", False, True)
    with_margin(cdan_fixture, 801, "cdan_e_randomized", True, True)
    with_margin(mcc_fixture, 303)
    with_margin(fusion_fixture, 404, "imed_fusion", False)
    with_margin(fusion_fixture, 1101, "imed_fusion_randomized", True)
    with_margin(distillation_fixture, 901, "distillation_defaults", 2.0, 1.0, 1.0)
    with_margin(distillation_fixture, 1001, "distillation_weighted", 3.0, 0.5, 0.7)


if __name__ == "__main__":
    main()
