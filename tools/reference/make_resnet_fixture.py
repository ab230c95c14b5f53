#!/usr/bin/python3
"""Writes tests/fixtures/resnet/: torchvision ResNet state dicts, an input and the expected features.

Run with Debian's python3-torchvision (torch 1.13 / torchvision 0.14):
    /usr/bin/python3 tools/reference/make_resnet_fixture.py

Outputs (all deterministic for the fixed seed):
  keys_resnet{18,34,50,101}.json  full-width torchvision state_dict keys and shapes, in order
  resnet{18,50}_w16.pth           state dicts (torch.save) of torchvision ResNets whose base width is
                                  16 instead of 64 (torchvision's own blocks and forward; only the
                                  channel counts shrink, so the files stay small), 10-class fc,
                                  non-trivial BN affine and running statistics
  resnet{18,50}_w16_io.pth        {"input": 1x3x64x64, "res2".."res5", "fc"}: eval-mode outputs
  moco_r18_w8.pth.tar             a MoCo v2 training checkpoint as main_moco.py writes it (DDP
                                  "module." prefix, encoder_q/encoder_k with MLP fc head, queue,
                                  SGD optimizer state after one step) around a width-8 ResNet-18
"""
import json
import os

import torch
import torchvision
from torch import nn
from torchvision.models import resnet

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fixtures", "resnet")
WIDTH = 16
NUM_CLASSES = 10


class NarrowResNet(resnet.ResNet):
    """torchvision's ResNet with every stage width scaled by width/64 (torchvision hard-codes 64)."""

    def __init__(self, block, layers, width, num_classes):
        nn.Module.__init__(self)
        self._norm_layer = nn.BatchNorm2d
        self.inplanes = width
        self.dilation = 1
        self.groups = 1
        self.base_width = 64
        self.conv1 = nn.Conv2d(3, width, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, width, layers[0])
        self.layer2 = self._make_layer(block, width * 2, layers[1], stride=2)
        self.layer3 = self._make_layer(block, width * 4, layers[2], stride=2)
        self.layer4 = self._make_layer(block, width * 8, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(width * 8 * block.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")


def write_keys(depth):
    model = getattr(torchvision.models, f"resnet{depth}")()
    lines = [json.dumps({"key": k, "shape": list(v.shape)}) for k, v in model.state_dict().items()]
    with open(os.path.join(OUT, f"keys_resnet{depth}.json"), "w") as f:
        f.write("[\n" + ",\n".join(lines) + "\n]\n")


def randomise_norms(model):
    """Gives every BN a non-trivial affine transform and running statistics."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0.0, 0.1)
    model.train()
    with torch.no_grad():
        for _ in range(3):
            model(torch.randn(4, 3, 64, 64))


def features(model, x):
    """res2..res5 and the logits, exactly as torchvision's forward computes them."""
    out = {}
    x = model.maxpool(model.relu(model.bn1(model.conv1(x))))
    for i, name in enumerate(["res2", "res3", "res4", "res5"]):
        x = getattr(model, f"layer{i + 1}")(x)
        out[name] = x.clone()
    out["fc"] = model.fc(torch.flatten(model.avgpool(x), 1))
    return out


def write_model(name, block, layers, seed):
    torch.manual_seed(seed)
    model = NarrowResNet(block, layers, WIDTH, NUM_CLASSES)
    randomise_norms(model)
    model.eval()
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        out = features(model, x)
        # The split forward above must be torchvision's forward.
        assert torch.allclose(out["fc"], model(x))
    torch.save(model.state_dict(), os.path.join(OUT, f"{name}.pth"))
    torch.save({"input": x, **out}, os.path.join(OUT, f"{name}_io.pth"))


class MoCo(nn.Module):
    """The parameter layout of MoCo v2's builder.MoCo (mlp=True), without its training logic."""

    def __init__(self, width, dim=16, queue=32):
        super().__init__()
        self.encoder_q = NarrowResNet(resnet.BasicBlock, [2, 2, 2, 2], width, num_classes=dim)
        self.encoder_k = NarrowResNet(resnet.BasicBlock, [2, 2, 2, 2], width, num_classes=dim)
        for encoder in (self.encoder_q, self.encoder_k):
            dim_mlp = encoder.fc.weight.shape[1]
            encoder.fc = nn.Sequential(nn.Linear(dim_mlp, dim_mlp), nn.ReLU(), encoder.fc)
        self.encoder_k.load_state_dict(self.encoder_q.state_dict())
        for p in self.encoder_k.parameters():
            p.requires_grad = False
        self.register_buffer("queue", nn.functional.normalize(torch.randn(dim, queue), dim=0))
        self.register_buffer("queue_ptr", torch.zeros(1, dtype=torch.long))


def write_moco_checkpoint(seed):
    torch.manual_seed(seed)
    ddp = nn.Module()  # stands in for DistributedDataParallel, which adds the "module." prefix
    ddp.module = MoCo(width=8)
    optimizer = torch.optim.SGD([p for p in ddp.parameters() if p.requires_grad], lr=0.03, momentum=0.9, weight_decay=1e-4)
    ddp.module.encoder_q(torch.randn(2, 3, 64, 64)).sum().backward()
    optimizer.step()
    checkpoint = {"epoch": 1, "arch": "resnet18", "state_dict": ddp.state_dict(), "optimizer": optimizer.state_dict()}
    torch.save(checkpoint, os.path.join(OUT, "moco_r18_w8.pth.tar"))


def main():
    os.makedirs(OUT, exist_ok=True)
    for depth in (18, 34, 50, 101):
        write_keys(depth)
    write_model("resnet18_w16", resnet.BasicBlock, [2, 2, 2, 2], seed=18)
    write_model("resnet50_w16", resnet.Bottleneck, [3, 4, 6, 3], seed=50)
    write_moco_checkpoint(seed=2)
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}: wrote {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
