#!/usr/bin/env python3
"""Writes tests/fixtures/coco-eval-extra/<case>/: small COCO cases for each COCOeval rule, scored by pycocotools.

Usage: python3 tools/reference/make_coco_eval_extra.py   (needs pycocotools importable: pip install pycocotools,
or PYTHONPATH pointing at a build of cocoapi's PythonAPI; deterministic).

Each case has gt.json, dt_bbox.json, dt_segm.json and expected.json: for "bbox" and "segm" the 12
COCOeval.summarize() stats and "per_category_AP" (detectron2's per-category AP: mean of the defined precision
cells at area "all", maxDets 100; null where undefined), as fractions, categories in ascending id order.

Cases:
  crowd            crowd regions (uncompressed RLE) absorbing many detections, a detection overlapping a regular
                   object and a crowd, unmatched detections outside the area range
  area_boundaries  ground-truth areas and detection areas exactly at 0, 32^2 and 96^2 and just beside them
  categories       a category without ground truth, one without detections, an image without anything,
                   categories and images listed out of id order, sparse ids
  ties             equal scores across and within images, 130 detections in one image and category (maxDets
                   truncation by file order), ties at the 1 and 10 boundaries
  loadres_rules    segm results that also carry a bbox (area = box area), bbox evaluation of mask-only results
                   (box from toBbox, area from the mask)
  gt_id_zero       an annotation with id 0, which pycocotools never counts as matched
  random0..2       random scenes: polygons, crowds, clutter, ties, over 100 detections on some images
"""
import contextlib
import copy
import io
import json
import os

import numpy as np
from pycocotools import mask as mask_util
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures", "coco-eval-extra")


def text(rle):
    return rle["counts"].decode("ascii") if isinstance(rle["counts"], bytes) else rle["counts"]


def box_polygon(b):
    x, y, w, h = b
    return [x, y, x + w, y, x + w, y + h, x, y + h]


def ellipse_polygon(b, n=12):
    x, y, w, h = b
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return [round(float(v), 2) for v in np.stack([x + w / 2 + w / 2 * np.cos(t), y + h / 2 + h / 2 * np.sin(t)], 1).reshape(-1)]


def mask_of(polygon, h, w):
    return mask_util.merge(mask_util.frPyObjects([polygon], h, w))


class Case:
    def __init__(self, name):
        self.name = name
        self.images, self.categories, self.annotations = [], [], []
        self.dt_bbox, self.dt_segm = [], []
        self.sizes = {}

    def image(self, id, w, h):
        self.images.append({"id": id, "width": w, "height": h, "file_name": f"{id}.jpg"})
        self.sizes[id] = (h, w)

    def category(self, id):
        self.categories.append({"id": id, "name": f"c{id}", "supercategory": "s"})

    def gt(self, image, cat, box, area=None, crowd=0, id=None, shape="ellipse"):
        h, w = self.sizes[image]
        polygon = ellipse_polygon(box) if shape == "ellipse" else box_polygon(box)
        m = mask_of(polygon, h, w)
        if crowd:
            # COCO stores crowd regions as uncompressed RLE.
            seg = {"size": [h, w], "counts": rle_counts(m)}
        else:
            seg = [polygon]
        self.annotations.append({
            "id": id if id is not None else len(self.annotations) + 1, "image_id": image, "category_id": cat,
            "bbox": list(box), "area": float(mask_util.area(m)) if area is None else area, "iscrowd": crowd,
            "segmentation": seg})

    def dt(self, image, cat, box, score, shape="ellipse", segm_box=None):
        h, w = self.sizes[image]
        polygon = ellipse_polygon(box) if shape == "ellipse" else box_polygon(box)
        m = mask_of(polygon, h, w)
        self.dt_bbox.append({"image_id": image, "category_id": cat, "bbox": list(box), "score": score})
        entry = {"image_id": image, "category_id": cat, "segmentation": {"size": [h, w], "counts": text(m)}, "score": score}
        if segm_box is not None:
            entry["bbox"] = list(segm_box)
        self.dt_segm.append(entry)


def rle_counts(rle):
    """Uncompressed counts of a compressed RLE (decode, then re-run-length in column-major order)."""
    flat = mask_util.decode(rle).reshape(-1, order="F")
    counts, current, run = [], 0, 0
    for v in flat:
        if v != current:
            counts.append(run)
            run, current = 0, v
        run += 1
    counts.append(run)
    return [int(c) for c in counts]


def evaluate(gt_path, dt_path, iou_type):
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(gt_path)
        dt = gt.loadRes(dt_path)
        e = COCOeval(gt, dt, iou_type)
        e.evaluate()
        e.accumulate()
        e.summarize()
    precision = e.eval["precision"]
    per_category = []
    for k in range(precision.shape[2]):
        p = precision[:, :, k, 0, -1]
        p = p[p > -1]
        per_category.append(float(np.mean(p)) if p.size else None)
    return {"stats": [float(s) for s in e.stats], "per_category_AP": per_category}


def write(case):
    folder = os.path.join(ROOT, case.name)
    os.makedirs(folder, exist_ok=True)
    gt = {"images": case.images, "categories": case.categories, "annotations": case.annotations}
    files = {"gt.json": gt, "dt_bbox.json": case.dt_bbox, "dt_segm.json": case.dt_segm}
    for name, data in files.items():
        with open(os.path.join(folder, name), "w") as f:
            json.dump(data, f)
    expected = {"names": ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"],
                "category_ids": sorted(c["id"] for c in case.categories)}
    for iou_type in ("bbox", "segm"):
        expected[iou_type] = evaluate(os.path.join(folder, "gt.json"), os.path.join(folder, f"dt_{iou_type}.json"), iou_type)
    with open(os.path.join(folder, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
    print(f"{case.name}: bbox AP {expected['bbox']['stats'][0]:.4f}, segm AP {expected['segm']['stats'][0]:.4f}")


def crowd():
    c = Case("crowd")
    c.image(1, 200, 150)
    c.image(2, 120, 100)
    c.category(1)
    c.category(2)
    c.gt(1, 1, (10, 10, 80, 60), crowd=1, shape="box")
    c.gt(1, 1, (20, 20, 30, 25))
    c.gt(1, 1, (120, 40, 50, 50))
    c.gt(1, 2, (100, 90, 60, 40), crowd=1, shape="box")
    c.gt(2, 1, (5, 5, 8, 6))
    c.gt(2, 1, (40, 30, 60, 50), crowd=1, shape="box")
    scores = iter([0.95, 0.9, 0.9, 0.85, 0.8, 0.7, 0.65, 0.6, 0.5, 0.45, 0.4, 0.3, 0.2, 0.1])
    for box in [(20, 20, 30, 25), (12, 12, 20, 20), (50, 30, 30, 30), (15, 40, 40, 25), (21, 19, 31, 26), (120, 42, 48, 47)]:
        c.dt(1, 1, box, next(scores))
    c.dt(1, 1, (2, 2, 4, 3), next(scores))
    c.dt(1, 2, (105, 95, 30, 30), next(scores))
    c.dt(1, 2, (110, 100, 20, 20), next(scores))
    c.dt(2, 1, (45, 35, 40, 40), next(scores))
    c.dt(2, 1, (5, 5, 8, 6), next(scores))
    c.dt(2, 1, (60, 50, 30, 20), next(scores))
    c.dt(2, 1, (90, 80, 10, 10), next(scores))
    return c


def area_boundaries():
    c = Case("area_boundaries")
    c.image(1, 400, 400)
    c.image(2, 400, 400)
    c.category(3)
    areas = [0, 1023.999, 1024, 1024.001, 9215.999, 9216, 9216.001, 1e10]
    for i, area in enumerate(areas):
        x, y = 10 + (i % 4) * 95, 10 + (i // 4) * 150
        c.gt(1, 3, (x, y, 40, 40), area=area, shape="box")
        c.dt(1, 3, (x + 1, y, 40, 40), 0.9 - 0.05 * i, shape="box")
    # Unmatched detections whose box (and mask) areas sit on the boundaries: 32x32 and 96x96 squares.
    for i, (w, h) in enumerate([(32, 32), (31.99, 32), (32, 32.01), (96, 96), (95.99, 96), (96, 96.01)]):
        c.dt(2, 3, (5 + i * 5, 5 + i * 50, w, h), 0.97 - 0.1 * i, shape="box")
    c.gt(2, 3, (300, 300, 32, 32), shape="box")
    c.gt(2, 3, (200, 250, 96, 96), shape="box")
    c.dt(2, 3, (300, 300, 32, 32), 0.5, shape="box")
    c.dt(2, 3, (200, 250, 96, 96), 0.45, shape="box")
    return c


def categories():
    c = Case("categories")
    for id in (41, 5, 17):
        c.image(id, 100, 80)
    c.image(99, 60, 60)
    for id in (90, 7, 3, 12):
        c.category(id)
    c.gt(41, 7, (10, 10, 30, 20))
    c.gt(5, 7, (50, 40, 30, 30))
    c.gt(17, 3, (5, 5, 50, 50))
    c.gt(41, 3, (60, 10, 20, 40))
    c.dt(41, 7, (11, 10, 30, 20), 0.8)
    c.dt(5, 7, (10, 10, 20, 20), 0.9)
    c.dt(5, 90, (50, 40, 30, 30), 0.99)
    c.dt(17, 90, (5, 5, 40, 40), 0.7)
    c.dt(99, 7, (10, 10, 20, 20), 0.6)
    return c


def ties():
    c = Case("ties")
    for id in (1, 2, 3):
        c.image(id, 300, 300)
    c.category(1)
    c.category(2)
    rng = np.random.default_rng(11)
    for img in (1, 2, 3):
        for j in range(4):
            c.gt(img, 1, (20 + 60 * j, 20 + 50 * img, 40, 30))
    c.gt(3, 2, (100, 100, 50, 50))
    # The same score everywhere; matches and misses interleave in file order.
    for img in (1, 2, 3):
        for j in range(4):
            good = (img + j) % 2 == 0
            c.dt(img, 1, (20 + 60 * j + (1 if good else 15), 20 + 50 * img, 40, 30), 0.5)
    # 130 detections of one category in one image, in tied groups, so maxDets 1/10/100 cut inside ties.
    for j in range(130):
        score = [0.9, 0.9, 0.7, 0.7, 0.7][j] if j < 5 else round(0.6 - 0.1 * (j // 20), 1)
        box = (100 + (j % 7) - 3, 100 + (j % 5) - 2, 50, 50) if j % 3 == 0 else tuple(float(v) for v in rng.uniform(0, 200, 2)) + (40.0, 40.0)
        c.dt(3, 2, box, score)
    return c


def loadres_rules():
    c = Case("loadres_rules")
    c.image(1, 300, 200)
    c.category(1)
    c.gt(1, 1, (10, 10, 30, 30))
    c.gt(1, 1, (100, 50, 120, 100))
    c.gt(1, 1, (250, 20, 20, 150), area=5000)
    c.dt(1, 1, (10, 10, 30, 30), 0.9, segm_box=(0, 0, 100, 100))
    c.dt(1, 1, (100, 50, 120, 100), 0.8, segm_box=(100, 50, 10, 10))
    c.dt(1, 1, (250, 20, 20, 150), 0.7, segm_box=(250, 20, 20, 150))
    c.dt(1, 1, (150, 150, 20, 20), 0.6, segm_box=(150, 150, 20, 20))
    # A small unmatched mask with a large box: a false positive among small objects by its mask area (bbox
    # evaluation of mask-only results), ignored there by its box area (segm results carrying a bbox).
    c.dt(1, 1, (60, 150, 6, 6), 0.95, segm_box=(0, 0, 200, 200))
    # bbox evaluation of mask-only results: swap in the segm entries without their boxes.
    c.dt_bbox = [{k: v for k, v in d.items() if k != "bbox"} for d in c.dt_segm]
    return c


def gt_id_zero():
    c = Case("gt_id_zero")
    c.image(1, 100, 100)
    c.category(1)
    c.gt(1, 1, (10, 10, 30, 30), id=0)
    c.gt(1, 1, (60, 60, 30, 30), id=1)
    c.dt(1, 1, (10, 10, 30, 30), 0.9)
    c.dt(1, 1, (60, 60, 30, 30), 0.8)
    c.dt(1, 1, (11, 11, 30, 30), 0.7)
    return c


def random_case(seed):
    rng = np.random.default_rng(100 + seed)
    c = Case(f"random{seed}")
    cat_ids = sorted(rng.choice(np.arange(1, 30), 6, replace=False).tolist())
    for cid in cat_ids:
        c.category(int(cid))
    image_ids = sorted(rng.choice(np.arange(1, 500), 10, replace=False).tolist())
    for iid in image_ids:
        c.image(int(iid), int(rng.integers(60, 200)), int(rng.integers(60, 200)))
    objects = {}
    for iid in image_ids:
        h, w = c.sizes[iid]
        objects[iid] = []
        for _ in range(int(rng.integers(0, 8))):
            bw, bh = float(rng.uniform(3, w * 0.6)), float(rng.uniform(3, h * 0.6))
            box = (round(float(rng.uniform(0, w - bw)), 2), round(float(rng.uniform(0, h - bh)), 2), round(bw, 2), round(bh, 2))
            cat = int(rng.choice(cat_ids))
            c.gt(iid, cat, box, crowd=int(rng.random() < 0.1), shape="ellipse" if rng.random() < 0.7 else "box")
            objects[iid].append((cat, box))
    for iid in image_ids:
        h, w = c.sizes[iid]
        n = 110 if rng.random() < 0.15 else int(rng.integers(0, 20))
        for j in range(n):
            if objects[iid] and rng.random() < 0.5:
                cat, (x, y, bw, bh) = objects[iid][int(rng.integers(len(objects[iid])))]
                s = rng.uniform(-0.2, 0.2, 4)
                box = (x + s[0] * bw, y + s[1] * bh, bw * (1 + s[2]), bh * (1 + s[3]))
                if rng.random() < 0.2:
                    cat = int(rng.choice(cat_ids))
            else:
                bw, bh = float(rng.uniform(2, w * 0.5)), float(rng.uniform(2, h * 0.5))
                box = (float(rng.uniform(0, w - bw)), float(rng.uniform(0, h - bh)), bw, bh)
                cat = int(rng.choice(cat_ids))
            c.dt(iid, int(cat), tuple(round(float(v), 2) for v in box), round(float(rng.random()), 2))
    return c


def main():
    for case in [crowd(), area_boundaries(), categories(), ties(), loadres_rules(), gt_id_zero()] + [random_case(s) for s in range(3)]:
        write(case)


if __name__ == "__main__":
    main()
