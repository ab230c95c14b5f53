#!/usr/bin/python3
"""Golden cases for Dupr.Core.Ops, made with torchvision's compiled CPU ops.

Run with Debian's interpreter (apt-get install python3-torchvision: torch 1.13, torchvision 0.14):
    /usr/bin/python3 tools/reference/make_ops_fixtures.py [--out tests/fixtures/ops]

Complements the supplied tests/fixtures/ops/{roi_align,nms}_00N.json (same formats, see tests/fixtures/README.md) with the cases those lack:
boxes outside the map, empty and inverted boxes, huge boxes, multi-image batches, non-square
outputs, channel counts that are not a multiple of the SIMD width, more sampling ratios, NMS with
tied scores and duplicate boxes, batched NMS on both of torchvision's code paths, box_iou and the
box coder, and detectron2's FPN level assignment.

Inputs are float32 values written with 9 significant digits (they read back exactly), so every
RoIAlign case carries two references computed from the same numbers: float64 (`output`,
`grad_input`) and torchvision's float32 kernel (`output_f32`, `grad_input_f32`).
"""
import argparse
import json
import math
import os

import torch
import torchvision
from torchvision.models.detection._utils import BoxCoder
from torchvision.ops import batched_nms, box_iou, nms, roi_align


def f32(values):
    """float32 values as the shortest decimals that read back to the same float32."""
    return [float("%.9g" % v) for v in torch.as_tensor(values, dtype=torch.float32).flatten().tolist()]


def f64(values):
    return torch.as_tensor(values, dtype=torch.float64).flatten().tolist()


def write(folder, name, data):
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        json.dump(data, f, separators=(",", ":"))
    print(f"{path}: {os.path.getsize(path)} bytes")


def roi_align_case(gen, input_shape, boxes, spatial_scale, output_size, settings, note):
    """One roi_align file: torchvision's output and input gradient for every (aligned, sampling_ratio)."""
    values = f32(torch.randn(input_shape, generator=gen))
    box_values = f32(boxes)
    x64 = torch.tensor(values, dtype=torch.float64).reshape(input_shape)
    b64 = torch.tensor(box_values, dtype=torch.float64).reshape(-1, 5)
    cases = []
    for aligned, ratio in settings:
        out64 = roi_align(x64, b64, output_size, spatial_scale, ratio, aligned)
        grad_out = f32(torch.randn(out64.shape, generator=gen))
        refs = {}
        for dtype in (torch.float64, torch.float32):
            x = x64.detach().to(dtype).clone().requires_grad_(True)
            out = roi_align(x, b64.to(dtype), output_size, spatial_scale, ratio, aligned)
            out.backward(torch.tensor(grad_out, dtype=dtype).reshape(out.shape))
            refs[dtype] = (out.detach(), x.grad)
        cases.append({
            "aligned": aligned,
            "sampling_ratio": ratio,
            "output_shape": list(out64.shape),
            "output": f64(refs[torch.float64][0]),
            "grad_output": grad_out,
            "grad_input": f64(refs[torch.float64][1]),
            "output_f32": f32(refs[torch.float32][0]),
            "grad_input_f32": f32(refs[torch.float32][1]),
        })
    return {
        "input_shape": list(input_shape),
        "input": values,
        "boxes": torch.tensor(box_values, dtype=torch.float64).reshape(-1, 5).tolist(),
        "spatial_scale": spatial_scale,
        "output_size": list(output_size),
        "cases": cases,
        "note": note + "; boxes are (batch_index, x1, y1, x2, y2) in image coordinates; inputs are float32 values",
    }


def random_boxes(gen, n, image_h, image_w, min_size=1.0):
    """RPN-like boxes: centres anywhere, log-uniform sizes from min_size to the image size."""
    cx = torch.rand(n, generator=gen) * image_w
    cy = torch.rand(n, generator=gen) * image_h
    w = torch.exp(torch.rand(n, generator=gen) * math.log(image_w / min_size)) * min_size
    h = torch.exp(torch.rand(n, generator=gen) * math.log(image_h / min_size)) * min_size
    return torch.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], 1)


def nms_file(boxes, scores, iou_threshold, note):
    boxes = torch.tensor(f32(boxes)).reshape(-1, 4)
    scores = torch.tensor(f32(scores))
    keep = nms(boxes, scores, iou_threshold)
    return {
        "boxes": boxes.tolist(),
        "scores": scores.tolist(),
        "iou_threshold": iou_threshold,
        "keep": keep.tolist(),
        "iou_first_10x10": box_iou(boxes[:10], boxes[:10]).tolist(),
        "note": note + "; float32 xyxy; keep = indices sorted by decreasing score",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures", "ops"))
    out = os.path.normpath(parser.parse_args().out)
    os.makedirs(out, exist_ok=True)
    gen = torch.Generator().manual_seed(20261126)
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}")

    # --- RoIAlign ---------------------------------------------------------------------------
    every_setting = [(True, 0), (False, 0), (True, 2), (False, 2), (True, 1), (False, 3), (True, -1)]
    edge_boxes = [
        [0, -30.0, -20.0, -12.0, -9.0],     # entirely above-left of the map: every sample dropped
        [1, -6.0, -3.0, 10.0, 12.0],        # straddles the top-left corner (y in [-1, 0] clamps to 0)
        [2, 30.0, 20.0, 60.0, 50.0],        # past the bottom-right edge: y_low >= H-1 clamps
        [0, 12.0, 8.0, 12.0, 8.0],          # empty box: aligned gives a 0 grid, not aligned 1x1
        [1, 20.0, 15.0, 14.0, 9.0],         # inverted box
        [2, -40.0, -40.0, 120.0, 90.0],     # larger than the map: big adaptive grid
        [0, 3.3, 5.7, 3.9, 6.1],            # sub-pixel box
        [1, 0.0, 0.0, 44.0, 36.0],          # the whole map
        [2, 43.0, 2.0, 47.5, 30.0],         # hugs the right edge and beyond
        [0, 7.25, 11.5, 29.75, 13.0],       # wide and flat
    ]
    write(out, "roi_align_edge_000.json", roi_align_case(
        gen, (3, 2, 9, 11), edge_boxes, 0.25, (3, 5), every_setting,
        "edge cases: boxes outside, on the border, empty, inverted, huge, sub-pixel; 3 images; non-square output"))

    # 35 channels: the kernel's 4-vector loop, then a scalar tail of 3.
    wide = torch.cat([torch.zeros(2, 1), random_boxes(gen, 2, 40, 48, min_size=4.0)], 1)
    write(out, "roi_align_channels_000.json", roi_align_case(
        gen, (1, 35, 5, 6), wide, 1 / 8, (2, 3), [(True, 0), (False, 2)],
        "35 channels (not a multiple of the SIMD width)"))

    many = torch.cat([torch.randint(0, 2, (20, 1), generator=gen).double(), random_boxes(gen, 20, 64, 80, min_size=2.0)], 1)
    write(out, "roi_align_many_000.json", roi_align_case(
        gen, (2, 2, 8, 10), many, 1 / 8, (3, 3), [(True, 0), (False, 0), (True, 2), (False, 2)],
        "20 random boxes of every size over 2 images at stride 8"))

    # --- NMS --------------------------------------------------------------------------------
    tied = random_boxes(gen, 300, 200, 300, min_size=4.0)
    tied_scores = torch.randint(0, 6, (300,), generator=gen).float() / 5    # many equal scores
    dup = tied.clone()
    dup[100:150] = tied[:50]                                              # duplicate boxes
    write(out, "nms_ties_000.json", nms_file(dup, tied_scores, 0.5, "tied scores and duplicate boxes"))

    degenerate = random_boxes(gen, 60, 50, 50, min_size=1.0)
    degenerate[::5, 2] = degenerate[::5, 0]                               # zero width
    degenerate[1::7, 3] = degenerate[1::7, 1]                             # zero height
    write(out, "nms_degenerate_000.json", nms_file(degenerate, torch.rand(60, generator=gen), 0.3,
                                                   "zero-width and zero-height boxes"))

    rpn = random_boxes(gen, 800, 800, 1088, min_size=8.0).clamp(min=0)
    write(out, "nms_rpn_000.json", nms_file(rpn, torch.rand(800, generator=gen), 0.7, "RPN-like boxes, IoU 0.7"))

    # batched_nms: 500 boxes (<= 1000) take torchvision's coordinate-offset path, 1100 the per-class loop.
    for name, n, classes in (("batched_nms_000.json", 500, 5), ("batched_nms_001.json", 1100, 4)):
        boxes = torch.tensor(f32(random_boxes(gen, n, 300, 400, min_size=6.0))).reshape(-1, 4)
        scores = torch.tensor(f32(torch.randint(0, 50, (n,), generator=gen).float() / 49))
        idxs = torch.randint(0, classes, (n,), generator=gen)
        write(out, name, {
            "boxes": boxes.tolist(), "scores": scores.tolist(), "idxs": idxs.tolist(), "iou_threshold": 0.5,
            "keep": batched_nms(boxes, scores, idxs, 0.5).tolist(),
            "note": f"torchvision.ops.batched_nms, {'coordinate trick' if n * 4 <= 4000 else 'per-class loop'} path; tied scores",
        })

    # --- box_iou, box coder, FPN levels --------------------------------------------------------
    a = random_boxes(gen, 30, 100, 100, min_size=1.0)
    b = random_boxes(gen, 20, 100, 100, min_size=1.0)
    a[0, 2] = a[0, 0]                                                      # one empty box against non-empty ones
    a = torch.tensor(f32(a)).reshape(-1, 4)
    b = torch.tensor(f32(b)).reshape(-1, 4)
    write(out, "box_iou_000.json", {"boxes1": a.tolist(), "boxes2": b.tolist(), "iou": box_iou(a, b).tolist(),
                                    "note": "torchvision.ops.box_iou, float32"})

    coder_cases = []
    proposals = torch.tensor(f32(random_boxes(gen, 40, 600, 800, min_size=4.0))).reshape(-1, 4)
    targets = torch.tensor(f32(random_boxes(gen, 40, 600, 800, min_size=4.0))).reshape(-1, 4)
    deltas = torch.tensor(f32(torch.randn(40, 8, generator=gen) * 2)).reshape(40, 8)
    deltas[:4, 2:4] = torch.tensor([[12.0, 30.0], [9.0, -3.0], [4.2, 4.2], [-50.0, 50.0]])  # beyond the dw/dh clamp
    for weights in ((10.0, 10.0, 5.0, 5.0), (1.0, 1.0, 1.0, 1.0)):
        coder = BoxCoder(weights, bbox_xform_clip=math.log(1000.0 / 16))
        coder_cases.append({
            "weights": list(weights),
            "encoded": coder.encode_single(targets, proposals).tolist(),
            "decoded": coder.decode_single(deltas, proposals).reshape(40, 8).tolist(),
        })
    write(out, "box_coder_000.json", {
        "proposals": proposals.tolist(), "targets": targets.tolist(), "deltas": deltas.tolist(),
        "scale_clamp": math.log(1000.0 / 16), "cases": coder_cases,
        "note": "torchvision BoxCoder (= detectron2 Box2BoxTransform): encoded = encode(targets relative to proposals); "
                "decoded = decode(deltas [40, 8], i.e. two boxes per row, on proposals); float32",
    })

    sides = torch.tensor([1.0, 8.0, 111.9, 112.0, 112.1, 223.9, 224.0, 447.9, 448.0, 896.0, 2000.0, 5000.0])
    xy = torch.rand(len(sides), 2, generator=gen) * 50
    level_boxes = torch.cat([xy, xy + sides[:, None]], 1)
    sizes = torch.sqrt((level_boxes[:, 2] - level_boxes[:, 0]) * (level_boxes[:, 3] - level_boxes[:, 1]))
    levels = torch.clamp(torch.floor(4 + torch.log2(sizes / 224 + 1e-8)), min=2, max=5).long()
    write(out, "fpn_levels_000.json", {
        "boxes": level_boxes.tolist(), "canonical_box_size": 224, "canonical_level": 4, "min_level": 2, "max_level": 5,
        "levels": levels.tolist(),
        "note": "detectron2 assign_boxes_to_levels: floor(4 + log2(sqrt(area) / 224 + 1e-8)) clamped, float32",
    })

    # torch's unstable CPU sort, which batched_nms's per-class path uses to merge: its order of ties.
    arrays = []
    for n in (3, 16, 17, 40, 300, 1500):
        values = torch.randint(0, 9, (n,), generator=gen).float() / 8
        if n >= 40:
            values[torch.randint(0, n, (3,), generator=gen)] = float("nan")
        arrays.append({"values": [v if v == v else "nan" for v in values.tolist()],
                       "order": values.sort(descending=True)[1].tolist()})
    write(out, "sort_ties_000.json", {"arrays": arrays,
                                      "note": "torch.sort(descending=True), stable=False, on the CPU: the order of equal values; NaN as \"nan\""})


if __name__ == "__main__":
    main()
