#!/usr/bin/env python3
"""Writes tests/fixtures/masks/mask_api.json: pycocotools mask API outputs for the C# port's tests.

Usage: python3 tools/reference/make_mask_fixtures.py   (needs pycocotools importable: pip install pycocotools,
or PYTHONPATH pointing at a build of cocoapi's PythonAPI; deterministic: fixed seed).

Cases: polygon rasterisation (frPyObjects + merge; shapes crossing the image border, repeated and sub-pixel
vertices, an odd coordinate count, degenerate later polygons), box rasterisation, encode/decode of
masks, compressed strings of uncompressed counts (large values too), area, toBbox (runs wrapping columns),
merge (union and intersection), IoU of masks and of boxes with crowd flags.
"""
import json
import os

import numpy as np
from pycocotools import mask as mask_util

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures", "masks", "mask_api.json")
rng = np.random.default_rng(7)


def text(rle):
    return rle["counts"].decode("ascii") if isinstance(rle["counts"], bytes) else rle["counts"]


def polygon_case(polygons, h, w):
    rles = mask_util.frPyObjects(polygons, h, w)
    merged = mask_util.merge(rles)
    return {
        "height": h, "width": w, "polygons": polygons,
        "parts": [text(r) for r in rles],
        "merged": text(merged),
        "area": int(mask_util.area(merged)),
        "bbox": [float(v) for v in mask_util.toBbox(merged)],
    }


def random_polygon(h, w, n):
    cx, cy = rng.uniform(-0.2 * w, 1.2 * w), rng.uniform(-0.2 * h, 1.2 * h)
    angles = np.sort(rng.uniform(0, 2 * np.pi, n))
    radii = rng.uniform(0.5, 0.6 * max(h, w), n)
    pts = np.stack([cx + radii * np.cos(angles), cy + radii * np.sin(angles)], 1)
    return [round(float(v), 2) for v in pts.reshape(-1)]


def main():
    polygons = [
        polygon_case([[10.0, 10.0, 30.0, 12.0, 20.0, 28.0]], 40, 50),
        polygon_case([[0.0, 0.0, 10.0, 0.0, 10.0, 10.0, 0.0, 10.0]], 10, 10),
        polygon_case([[-5.3, -2.1, 25.7, 3.2, 18.4, 33.9, 2.2, 20.0]], 24, 20),
        polygon_case([[5.0, 5.0, 5.0, 5.0, 15.0, 5.02, 15.0, 5.0, 15.0, 15.0, 5.0, 15.0]], 20, 20),
        polygon_case([[3.1, 3.2, 3.3, 3.1, 3.2, 3.4]], 8, 8),
        polygon_case([[2.0, 2.0, 12.0, 2.0, 12.0, 12.0, 7.0, 4.0, 2.0, 12.0]], 16, 16),
        polygon_case([[1.0, 1.0, 9.0, 1.0, 5.0, 9.0, 7.7]], 10, 10),
        polygon_case([[2.0, 3.0, 6.0, 5.0, 4.0, 9.0], [10.0, 1.0, 3.0, 9.0], []], 14, 18),
        polygon_case([[1.0, 1.0, 8.0, 1.0, 8.0, 8.0], [5.0, 5.0, 14.0, 5.0, 14.0, 14.0, 5.0, 14.0]], 16, 16),
    ]
    for _ in range(12):
        h, w = int(rng.integers(5, 60)), int(rng.integers(5, 60))
        polygons.append(polygon_case([random_polygon(h, w, int(rng.integers(3, 12))) for _ in range(int(rng.integers(1, 4)))], h, w))

    boxes = []
    for _ in range(10):
        h, w = int(rng.integers(5, 40)), int(rng.integers(5, 40))
        box = [round(float(v), 2) for v in (rng.uniform(-5, w), rng.uniform(-5, h), rng.uniform(0, w), rng.uniform(0, h))]
        boxes.append({"height": h, "width": w, "box": box, "rle": text(mask_util.frPyObjects(np.array([box], dtype=np.double), h, w)[0])})

    encode = []
    for density in (0.0, 0.1, 0.5, 0.9, 1.0):
        h, w = int(rng.integers(1, 13)), int(rng.integers(1, 13))
        m = (rng.random((h, w)) < density).astype(np.uint8)
        rle = mask_util.encode(np.asfortranarray(m))
        encode.append({"height": h, "width": w, "row_major": m.reshape(-1).tolist(), "rle": text(rle),
                       "area": int(mask_util.area(rle)), "bbox": [float(v) for v in mask_util.toBbox(rle)]})

    strings = []
    for counts, h, w in [
        ([0, 5, 3, 7, 1], 4, 4),
        ([2, 1, 1, 1, 11], 4, 4),
        ([100, 1000000, 31, 536870912 - 1000131], 536870912 // 8, 8),
        ([0, 3, 1, 2, 1, 3, 2, 1, 2, 1], 4, 4),
        ([5, 0, 0, 3, 8], 4, 4),
    ]:
        rle = mask_util.frPyObjects({"size": [h, w], "counts": counts}, h, w)
        strings.append({"height": h, "width": w, "counts": counts, "rle": text(rle),
                        "area": int(mask_util.area(rle)), "bbox": [float(v) for v in mask_util.toBbox(rle)]})

    merges = []
    for _ in range(8):
        h, w = int(rng.integers(4, 20)), int(rng.integers(4, 20))
        masks = [np.asfortranarray((rng.random((h, w)) < rng.uniform(0.1, 0.7)).astype(np.uint8)) for _ in range(int(rng.integers(2, 4)))]
        rles = [mask_util.encode(m) for m in masks]
        merges.append({"height": h, "width": w, "rles": [text(r) for r in rles],
                       "union": text(mask_util.merge(rles, intersect=False)),
                       "intersection": text(mask_util.merge(rles, intersect=True))})

    ious = []
    for _ in range(6):
        h, w = int(rng.integers(10, 40)), int(rng.integers(10, 40))
        dts = [mask_util.merge(mask_util.frPyObjects([random_polygon(h, w, 6)], h, w)) for _ in range(4)]
        gts = [mask_util.merge(mask_util.frPyObjects([random_polygon(h, w, 6)], h, w)) for _ in range(3)]
        dts.append(gts[0])
        crowd = [0, 1, 0]
        iou = mask_util.iou(dts, gts, crowd)
        ious.append({"height": h, "width": w, "dt": [text(r) for r in dts], "gt": [text(r) for r in gts],
                     "iscrowd": crowd, "iou": np.asarray(iou).tolist()})
    box_ious = []
    for _ in range(4):
        dt = [[round(float(v), 2) for v in (rng.uniform(0, 50), rng.uniform(0, 50), rng.uniform(0, 40), rng.uniform(0, 40))] for _ in range(5)]
        gt = [[round(float(v), 2) for v in (rng.uniform(0, 50), rng.uniform(0, 50), rng.uniform(0, 40), rng.uniform(0, 40))] for _ in range(4)]
        dt.append(list(gt[1]))
        crowd = [0, 1, 0, 1]
        box_ious.append({"dt": dt, "gt": gt, "iscrowd": crowd, "iou": np.asarray(mask_util.iou(dt, gt, crowd)).tolist()})

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"polygons": polygons, "boxes": boxes, "encode": encode, "strings": strings,
                   "merges": merges, "ious": ious, "box_ious": box_ious}, f, indent=1)
    print(f"wrote {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
