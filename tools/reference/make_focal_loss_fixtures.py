#!/usr/bin/python3
"""Golden values of torchvision.ops.sigmoid_focal_loss for Dupr.Detection's SigmoidFocalLoss.

Run with Debian's interpreter (apt-get install python3-torchvision: torch 1.13, torchvision 0.14):
    /usr/bin/python3 tools/reference/make_focal_loss_fixtures.py [--out tests/fixtures/losses]

Writes sigmoid_focal_loss.json: `logits` and `targets` (float32 values written with 9 significant digits, so they
read back exactly; targets are 0/1 like RetinaNet's one-hot rows, plus a few soft targets), and `cases`, one per
(alpha, gamma): the elementwise loss (reduction "none"), its sum and the gradient of the sum with respect to the
logits, all computed in float64 from the same numbers. Logits span large magnitudes (|x| up to 30), where a naive
log(sigmoid) would overflow.
"""
import argparse
import json
import os

import torch
from torchvision.ops import sigmoid_focal_loss


def f32(values):
    return [float("%.9g" % v) for v in torch.as_tensor(values, dtype=torch.float32).flatten().tolist()]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="tests/fixtures/losses")
    args = parser.parse_args()
    gen = torch.Generator().manual_seed(20240611)
    shape = [12, 5]
    logits = torch.randn(shape, generator=gen) * 3
    logits[0, :] = torch.tensor([-30.0, -8.0, 0.0, 8.0, 30.0])
    targets = torch.zeros(shape)
    rows = torch.randint(0, shape[1] + 1, (shape[0],), generator=gen)  # column shape[1] = background: all zero
    for r, c in enumerate(rows.tolist()):
        if c < shape[1]:
            targets[r, c] = 1.0
    targets[0, :] = torch.tensor([1.0, 0.0, 1.0, 0.0, 1.0])
    targets[-1, :] = torch.tensor([0.25, 0.5, 0.75, 1.0, 0.0])
    x = torch.tensor(f32(logits), dtype=torch.float64).reshape(shape)
    t = torch.tensor(f32(targets), dtype=torch.float64).reshape(shape)
    cases = []
    for alpha, gamma in [(0.25, 2.0), (-1.0, 2.0), (0.5, 0.0), (0.75, 1.5)]:
        xg = x.clone().requires_grad_(True)
        loss = sigmoid_focal_loss(xg, t, alpha=alpha, gamma=gamma, reduction="none")
        total = loss.sum()
        total.backward()
        cases.append({"alpha": alpha, "gamma": gamma, "loss": loss.detach().flatten().tolist(),
                      "sum": total.item(), "grad_sum": xg.grad.flatten().tolist()})
    data = {"source": f"torchvision {__import__('torchvision').__version__} sigmoid_focal_loss, float64",
            "shape": shape, "logits": x.flatten().tolist(), "targets": t.flatten().tolist(), "cases": cases}
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "sigmoid_focal_loss.json")
    with open(path, "w") as f:
        json.dump(data, f, separators=(",", ":"))
    print(f"{path}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
