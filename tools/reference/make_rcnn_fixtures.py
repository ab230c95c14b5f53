#!/usr/bin/python3
"""Golden cases of the R-CNN box losses, proposal matching, box inference and RPN losses, made with torchvision.

Run with Debian's interpreter (apt-get install python3-torchvision: torch 1.13, torchvision 0.14):
    /usr/bin/python3 tools/reference/make_rcnn_fixtures.py [--out tests/fixtures/rcnn]

Writes four files, each {"source", "note", "cases": [...]}. Inputs are float32 values written with 9 significant
digits (they read back exactly; box deltas and proposals of the larger files are rounded to multiples of 1/64 and 1/8
to keep them short); losses and gradients are float64 as computed. Everything is stored in detectron2's layout,
which Dupr uses: classes 0..K-1 foreground and K background, class logits [R, K + 1] with background last, box deltas
[R, 4K] of the foreground classes only. The generator converts to torchvision's layout (background = label 0 and the
first column, labels 1..K, deltas [R, 4(K + 1)] with an unused background block) before calling torchvision.

- fastrcnn_loss.json: torchvision.models.detection.roi_heads.fastrcnn_loss in float64 on given sampled proposals
  (labels, matched ground truth, regression targets from BoxCoder(10, 10, 5, 5)): loss_cls and loss_box_reg as
  shipped (smooth L1 beta 1/9, sum / number of sampled RoIs) and with beta 0 (F.smooth_l1_loss patched: plain L1,
  detectron2's default), and the gradient of loss_cls + loss_box_reg (beta 1/9) in Dupr's layout.
- proposal_matching.json: RoIHeads.add_gt_proposals + assign_targets_to_proposals (Matcher 0.5/0.5, no low-quality
  matches) in float32: each proposal's class and (clamped) matched ground-truth index, and how many foreground and
  background proposals BalancedPositiveNegativeSampler takes (its counts are deterministic, its choice is not).
- postprocess_detections.json: RoIHeads.postprocess_detections in float32: boxes, scores and 0-based classes per
  image, best first. torchvision also drops boxes narrower than 0.01 after clipping (detectron2 does not); the
  generator checks that no case has such a candidate, so both rules give the same answer.
- rpn_loss.json: RegionProposalNetwork.assign_targets_to_anchors (Matcher 0.3/0.7 with low-quality matches) in
  float32, the labels after one seeded BalancedPositiveNegativeSampler draw (1 / 0 sampled, -1 not), and
  compute_loss on those fixed samples in float64 (BoxCoder(1, 1, 1, 1)): objectness and box loss as shipped (beta
  1/9) and with beta 0; both are divided by the number of sampled anchors (detectron2 divides by
  batch_size_per_image x images instead; the tests rescale).
"""
import argparse
import contextlib
import json
import math
import os

import torch
import torch.nn.functional as F
import torchvision
from torchvision.models.detection import roi_heads as tv_roi_heads
from torchvision.models.detection._utils import BoxCoder
from torchvision.models.detection.roi_heads import RoIHeads, fastrcnn_loss
from torchvision.models.detection.rpn import RegionProposalNetwork


def f32(values):
    """float32 values as the shortest decimals that read back to the same float32."""
    return [float("%.9g" % v) for v in torch.as_tensor(values, dtype=torch.float32).flatten().tolist()]


def as32(values, *shape):
    """The float32-exact tensor of values, as float64 (so every computation can start from the stored numbers)."""
    return torch.tensor(f32(values), dtype=torch.float64).reshape(*shape)


def nested(t):
    """A tensor as nested lists of float32 decimals (ints stay ints)."""
    if t.dtype in (torch.int64, torch.int32, torch.bool):
        return t.tolist()
    return torch.tensor(f32(t), dtype=torch.float64).reshape(t.shape).tolist()


def quantize(t, step):
    """Values rounded to multiples of step (a power of two): exact in float32 and short in JSON."""
    return torch.round(t / step) * step


def write(folder, name, data):
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        json.dump(data, f, separators=(",", ":"))
    print(f"{path}: {os.path.getsize(path)} bytes")


@contextlib.contextmanager
def smooth_l1_beta(beta):
    """torchvision hard-codes beta=1/9; this swaps it for `beta` inside the block (torch's beta 0 is plain L1)."""
    original = F.smooth_l1_loss

    def patched(input, target, reduction="mean", **_):
        return original(input, target, reduction=reduction, beta=beta)

    F.smooth_l1_loss = patched
    try:
        yield
    finally:
        F.smooth_l1_loss = original


def random_boxes(gen, n, height, width, min_size=4.0):
    """Boxes with centres anywhere in the image and log-uniform sides from min_size to the image size."""
    cx = torch.rand(n, generator=gen) * width
    cy = torch.rand(n, generator=gen) * height
    w = torch.exp(torch.rand(n, generator=gen) * math.log(width / min_size)) * min_size
    h = torch.exp(torch.rand(n, generator=gen) * math.log(height / min_size)) * min_size
    return torch.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], 1)


def jitter(gen, boxes, scale):
    """Boxes moved and resized by up to `scale` of their size: proposals near the ground truth."""
    w = (boxes[:, 2] - boxes[:, 0])[:, None]
    h = (boxes[:, 3] - boxes[:, 1])[:, None]
    noise = (torch.rand(boxes.shape, generator=gen) * 2 - 1) * scale
    return boxes + noise * torch.cat([w, h, w, h], 1)


def to_torchvision_labels(classes, k):
    """Dupr classes (0..K-1 foreground, K background) -> torchvision's (0 background, 1..K)."""
    return torch.where(classes == k, torch.zeros_like(classes), classes + 1)


def to_torchvision_logits(logits, k):
    """[R, K + 1] background-last logits -> background-first."""
    return torch.cat([logits[:, k:], logits[:, :k]], 1)


# --- fastrcnn_loss --------------------------------------------------------------------------------------------


def fastrcnn_case(gen, name, k, images, deltas_scale=0.3):
    """images: per image (number of sampled RoIs, number of ground-truth boxes, foreground share)."""
    coder = BoxCoder((10.0, 10.0, 5.0, 5.0))
    rows = []
    for count, num_gt, fg_share in images:
        gt = random_boxes(gen, max(num_gt, 1), 120, 160, min_size=8.0)
        gt_classes = torch.randint(0, k, (max(num_gt, 1),), generator=gen)
        matched = torch.randint(0, max(num_gt, 1), (count,), generator=gen)
        fg = (torch.rand(count, generator=gen) < fg_share) if num_gt > 0 else torch.zeros(count, dtype=torch.bool)
        proposals = torch.where(fg[:, None], jitter(gen, gt[matched], 0.25), random_boxes(gen, count, 120, 160))
        classes = torch.where(fg, gt_classes[matched], torch.full((count,), k))
        # Background rows keep some valid box as their "match", as torchvision's clamped index 0 does; it is unused.
        rows.append((as32(proposals, count, 4), classes, as32(gt[matched], count, 4)))
    proposals = torch.cat([r[0] for r in rows])
    classes = torch.cat([r[1] for r in rows])
    gt_boxes = torch.cat([r[2] for r in rows])
    n = proposals.shape[0]
    logits = as32(torch.randn(n, k + 1, generator=gen) * 2, n, k + 1)
    targets = coder.encode_single(gt_boxes, proposals)
    # Predictions near the targets, so the smooth L1 sees differences on both sides of beta = 1/9.
    deltas = torch.randn(n, 4 * k, generator=gen) * deltas_scale
    fg_rows = torch.where(classes < k)[0]
    for r in fg_rows.tolist():
        c = int(classes[r])
        deltas[r, 4 * c:4 * c + 4] = targets[r] + torch.randn(4, generator=gen) * deltas_scale
    if len(fg_rows) > 0:
        r = int(fg_rows[0])
        c = int(classes[r])
        deltas[r, 4 * c:4 * c + 4] = targets[r]   # a foreground row predicted exactly: difference 0 (|x| at its kink)
    deltas = as32(deltas, n, 4 * k)

    labels_tv = to_torchvision_labels(classes, k)
    counts = [c for c, _, _ in images]
    results = {}
    for beta_name, beta in (("beta_1_9", None), ("beta_0", 0.0)):
        x = logits.clone().requires_grad_(True)
        d = deltas.clone().requires_grad_(True)
        reg_tv = torch.cat([torch.zeros(n, 4, dtype=torch.float64), d], 1)   # background block: unused
        with smooth_l1_beta(beta) if beta is not None else contextlib.nullcontext():
            cls_loss, box_loss = fastrcnn_loss(to_torchvision_logits(x, k), reg_tv,
                                               list(labels_tv.split(counts)), list(targets.split(counts)))
        (cls_loss + box_loss).backward()
        results[beta_name] = {"loss_cls": cls_loss.item(), "loss_box_reg": box_loss.item(),
                              "grad_logits": x.grad.tolist(), "grad_deltas": d.grad.tolist()}
    return {
        "name": name, "num_classes": k, "rois_per_image": counts,
        "proposals": nested(proposals), "classes": classes.tolist(), "gt_boxes": nested(gt_boxes),
        "class_logits": nested(logits), "box_deltas": nested(deltas),
        "beta_1_9": results["beta_1_9"], "beta_0": {"loss_cls": results["beta_0"]["loss_cls"],
                                                     "loss_box_reg": results["beta_0"]["loss_box_reg"]},
    }


# --- proposal matching ----------------------------------------------------------------------------------------


def matching_case(name, k, images, batch_size, positive_fraction):
    """images: per image (proposals [P, 4], gt boxes [G, 4], gt classes [G] 0-based), float32."""
    heads = RoIHeads(None, None, None, 0.5, 0.5, batch_size, positive_fraction, (10.0, 10.0, 5.0, 5.0), 0.05, 0.5, 100)
    proposals = [torch.tensor(f32(p)).reshape(-1, 4) for p, _, _ in images]
    gt_boxes = [torch.tensor(f32(g)).reshape(-1, 4) for _, g, _ in images]
    gt_labels = [torch.as_tensor(c, dtype=torch.int64) + 1 for _, _, c in images]
    with_gt = heads.add_gt_proposals(proposals, gt_boxes)
    matched, labels = heads.assign_targets_to_proposals(with_gt, gt_boxes, gt_labels)
    out = []
    for p, g, c, m, l in zip(with_gt, gt_boxes, gt_labels, matched, labels):
        positive = int((l >= 1).sum())
        negative = int((l == 0).sum())
        num_pos = min(positive, int(batch_size * positive_fraction))
        num_neg = min(negative, batch_size - num_pos)
        classes = torch.where(l == 0, torch.full_like(l, k), torch.where(l > 0, l - 1, l))
        out.append({"proposals": nested(p[:p.shape[0] - g.shape[0]]), "gt_boxes": nested(g), "gt_classes": (c - 1).tolist(),
                    "proposals_with_gt": nested(p), "classes": classes.tolist(), "matched_gt": m.tolist(),
                    "sampled_foreground": num_pos, "sampled_background": num_neg})
    return {"name": name, "num_classes": k, "batch_size_per_image": batch_size, "positive_fraction": positive_fraction,
            "images": out}


def matching_cases(gen):
    cases = []
    # Ordinary images: proposals around the ground truth and anywhere, one image without ground truth.
    gt0 = random_boxes(gen, 4, 100, 140, min_size=10.0)
    gt2 = random_boxes(gen, 2, 100, 140, min_size=10.0)
    images = [
        (torch.cat([jitter(gen, gt0.repeat(5, 1), 0.3), random_boxes(gen, 20, 100, 140)]), gt0, torch.randint(0, 3, (4,), generator=gen)),
        (random_boxes(gen, 15, 100, 140), torch.zeros(0, 4), torch.zeros(0, dtype=torch.int64)),
        (torch.cat([jitter(gen, gt2.repeat(6, 1), 0.4), random_boxes(gen, 10, 100, 140)]), gt2, torch.randint(0, 3, (2,), generator=gen)),
    ]
    cases.append(matching_case("random_three_images_one_without_gt", 3, images, 512, 0.25))
    cases.append(matching_case("sampling_limits", 3, images, 16, 0.25))
    # Edge cases: IoU exactly 0.5 (foreground), just under it, the same box twice in the ground truth (argmax ties:
    # the first wins), an empty proposal, proposals reaching past the image and a proposal equal to a ground truth.
    gt = torch.tensor([[10.0, 10.0, 30.0, 30.0], [50.0, 20.0, 90.0, 60.0], [50.0, 20.0, 90.0, 60.0], [0.0, 0.0, 8.0, 100.0]])
    proposals = torch.tensor([
        [10.0, 10.0, 30.0, 50.0],      # IoU 400 / 800 = 0.5 exactly
        [10.0, 10.0, 30.0, 50.25],     # just under 0.5
        [10.0, 20.0, 30.0, 30.0],      # inside: IoU 0.5 exactly
        [50.0, 20.0, 90.0, 60.0],      # equals the duplicated ground truth
        [55.0, 25.0, 95.0, 65.0],      # overlaps both duplicates equally
        [20.0, 20.0, 20.0, 40.0],      # empty
        [-20.0, -5.0, 9.0, 95.0],      # past the left edge
        [0.0, 0.0, 8.0, 100.0],        # equals a ground truth
        [120.0, 80.0, 160.0, 120.0],   # far from everything
    ])
    classes = torch.tensor([1, 0, 2, 1])
    cases.append(matching_case("iou_half_ties_empty_and_border", 3, [(proposals, gt, classes)], 512, 0.25))
    # No foreground at all but the appended ground truth, and a batch too small for the background.
    gt = torch.tensor([[5.0, 5.0, 15.0, 15.0]])
    cases.append(matching_case("only_appended_gt_is_foreground", 2, [(random_boxes(gen, 12, 100, 100, 30.0) + 40, gt, torch.tensor([1]))], 6, 0.5))
    return cases


# --- postprocess_detections -----------------------------------------------------------------------------------


def postprocess_case(gen, name, k, images, score_thresh, nms_thresh, detections, logit_scale=2.0, delta_scale=0.5, duplicate=0):
    """images: per image (proposals [P, 4], (height, width)). duplicate: rows copied (box, logits and deltas) to tie."""
    heads = RoIHeads(None, None, None, 0.5, 0.5, 512, 0.25, (10.0, 10.0, 5.0, 5.0), score_thresh, nms_thresh, detections)
    proposals, sizes = [], []
    for boxes, size in images:
        proposals.append(quantize(torch.as_tensor(boxes, dtype=torch.float32).reshape(-1, 4), 1 / 8))
        sizes.append(size)
    n = sum(p.shape[0] for p in proposals)
    logits = torch.tensor(f32(torch.randn(n, k + 1, generator=gen) * logit_scale)).reshape(n, k + 1)
    deltas = quantize(torch.randn(n, 4 * k, generator=gen) * delta_scale, 1 / 64)
    if duplicate:
        # The first `duplicate` rows of the first image repeat at its end; two classes of row 0 tie in logit too.
        first = proposals[0].shape[0]
        logits[0, 1] = logits[0, 0]
        logits[first - duplicate:first] = logits[:duplicate]
        deltas[first - duplicate:first] = deltas[:duplicate]
        proposals[0][first - duplicate:] = proposals[0][:duplicate]
    reg_tv = torch.cat([torch.randn(n, 4, generator=gen), deltas], 1)
    boxes, scores, labels = heads.postprocess_detections(to_torchvision_logits(logits, k), reg_tv, proposals, sizes)
    check_no_small_boxes(heads, to_torchvision_logits(logits, k), reg_tv, proposals, sizes)
    out = []
    start = 0
    for p, size, b, s, l in zip(proposals, sizes, boxes, scores, labels):
        end = start + p.shape[0]
        out.append({"proposals": nested(p), "image_size": list(size), "class_logits": nested(logits[start:end]),
                    "box_deltas": nested(deltas[start:end]),
                    "boxes": nested(b), "scores": nested(s), "classes": (l - 1).tolist()})
        start = end
    print(f"  {name}: detections {[len(s) for s in scores]}")
    return {"name": name, "num_classes": k, "score_thresh": score_thresh, "nms_thresh": nms_thresh,
            "detections_per_image": detections, "images": out}


def check_no_small_boxes(heads, logits, reg, proposals, sizes):
    """torchvision's remove_small_boxes(1e-2), which detectron2 lacks, must drop nothing in these cases."""
    boxes = heads.box_coder.decode(reg, proposals)
    scores = F.softmax(logits, -1)
    start = 0
    for p, size in zip(proposals, sizes):
        end = start + p.shape[0]
        b = torchvision.ops.clip_boxes_to_image(boxes[start:end], size)[:, 1:].reshape(-1, 4)
        s = scores[start:end, 1:].reshape(-1)
        b = b[s > heads.score_thresh]
        assert len(torchvision.ops.remove_small_boxes(b, 1e-2)) == len(b), "a candidate box is under 0.01: pick another case"
        start = end


def postprocess_cases(gen):
    cases = []
    cases.append(postprocess_case(gen, "random_two_images", 3, [(random_boxes(gen, 50, 120, 160), (120, 160)),
                                                               (random_boxes(gen, 30, 90, 70), (90, 70))], 0.05, 0.5, 100))
    # Proposals over the borders with deltas that push further out: decoded boxes are clipped, none vanish.
    border = torch.tensor([[-10.0, 5.0, 30.0, 40.0], [60.0, -8.0, 110.0, 20.0], [70.0, 45.0, 120.0, 95.0],
                           [-5.0, -5.0, 105.0, 85.0], [0.0, 0.0, 20.0, 20.0], [80.0, 60.0, 100.0, 80.0]]).repeat(4, 1)
    border = border + torch.rand(border.shape, generator=gen) * 4
    cases.append(postprocess_case(gen, "clipped_at_borders", 2, [(border, (80, 100))], 0.05, 0.5, 100, delta_scale=1.0))
    cases.append(postprocess_case(gen, "detections_per_image_limit", 4, [(random_boxes(gen, 20, 100, 100), (100, 100)),
                                                                        (random_boxes(gen, 20, 100, 100), (100, 100))], 0.0, 0.7, 7))
    cases.append(postprocess_case(gen, "nothing_passes_the_threshold", 3, [(random_boxes(gen, 20, 60, 60), (60, 60))], 0.9, 0.5, 100,
                                  logit_scale=0.2))
    cases.append(postprocess_case(gen, "an_image_without_proposals", 2, [(random_boxes(gen, 10, 60, 80), (60, 80)),
                                                                         (torch.zeros(0, 4), (50, 50))], 0.05, 0.5, 100))
    cases.append(postprocess_case(gen, "tied_scores_duplicate_boxes", 3, [(random_boxes(gen, 30, 80, 80, 20.0), (80, 80))], 0.05, 0.3, 100,
                                  duplicate=6))
    # Over 1000 candidates: torchvision's batched_nms suppresses class by class and merges by an unstable sort.
    cases.append(postprocess_case(gen, "over_1000_candidates", 10, [(random_boxes(gen, 101, 200, 200), (200, 200))], 0.0, 0.5, 100,
                                  logit_scale=0.5))
    return cases


# --- RPN losses -----------------------------------------------------------------------------------------------


def grid_anchors(height, width, stride, sizes, ratios):
    """detectron2's anchors (centred on stride * (i, j), anchor-major within a location), float32."""
    cell = []
    for size in sizes:
        for ratio in ratios:
            w = math.sqrt(size * size / ratio)
            h = ratio * w
            cell.append([-w / 2, -h / 2, w / 2, h / 2])
    cell = torch.tensor(cell)
    ys, xs = torch.meshgrid(torch.arange(height) * stride, torch.arange(width) * stride, indexing="ij")
    shifts = torch.stack([xs, ys, xs, ys], -1).reshape(-1, 1, 4).float()
    return (shifts + cell[None]).reshape(-1, 4)


def rpn_case(gen, name, anchors, gts, batch_size, positive_fraction, seed):
    anchors = torch.tensor(f32(anchors)).reshape(-1, 4)
    gts = [torch.tensor(f32(g)).reshape(-1, 4) for g in gts]
    rpn = RegionProposalNetwork(None, None, 0.7, 0.3, batch_size, positive_fraction, {"training": 1, "testing": 1},
                                {"training": 1, "testing": 1}, 0.7)
    labels, matched_boxes = rpn.assign_targets_to_anchors([anchors] * len(gts), [{"boxes": g} for g in gts])
    matched_idx = []
    for g, m in zip(gts, matched_boxes):
        # The index of each anchor's matched box (torchvision's clamp: 0 where unmatched; 0 with no ground truth).
        idx = torch.zeros(len(anchors), dtype=torch.int64)
        if len(g):
            idx = (m[:, None, :] == g[None]).all(-1).int().argmax(1)
        matched_idx.append(idx)
    torch.manual_seed(seed)
    positive, negative = rpn.fg_bg_sampler(labels)
    sampled = [torch.where(p.bool(), 1.0, torch.where(q.bool(), 0.0, -1.0)) for p, q in zip(positive, negative)]
    count = int(sum((s >= 0).sum() for s in sampled))
    n, a = len(gts), len(anchors)
    logits = as32(torch.randn(n, a, generator=gen) * 2, n, a)
    coder = BoxCoder((1.0, 1.0, 1.0, 1.0))
    targets = [coder.encode_single(m.double(), anchors.double()) for m in matched_boxes]
    deltas = torch.randn(n, a, 4, generator=gen) * 0.2
    for i in range(n):
        pos = labels[i] == 1
        deltas[i][pos] = targets[i][pos].float() + torch.randn(int(pos.sum()), 4, generator=gen) * 0.2
    deltas = quantize(deltas, 1 / 64).double()
    results = {}
    for beta_name, beta in (("beta_1_9", None), ("beta_0", 0.0)):
        with smooth_l1_beta(beta) if beta is not None else contextlib.nullcontext():
            objectness, box = rpn.compute_loss(logits.reshape(-1, 1), deltas.reshape(-1, 4), [s.double() for s in sampled],
                                               [t.double() for t in targets])
        results[beta_name] = {"loss_objectness": objectness.item(), "loss_box_reg": box.item()}
    print(f"  {name}: {a} anchors, labels {[{v: int((l == v).sum()) for v in (-1, 0, 1)} for l in labels]}, sampled {count}")
    return {
        "name": name, "batch_size_per_image": batch_size, "positive_fraction": positive_fraction,
        "anchors": nested(anchors), "gt_boxes": [nested(g) for g in gts],
        "labels": [l.long().tolist() for l in labels], "matched_gt": [m.tolist() for m in matched_idx],
        "sampled_labels": [s.long().tolist() for s in sampled], "sampled_count": count,
        "objectness_logits": nested(logits), "anchor_deltas": nested(deltas),
        "beta_1_9": results["beta_1_9"], "beta_0": results["beta_0"],
    }


def rpn_cases(gen):
    cases = []
    anchors = grid_anchors(4, 6, 8, (16, 32), (0.5, 1.0, 2.0))    # 144 anchors, many reaching past a 32 x 48 image
    gt0 = torch.tensor([[4.0, 6.0, 22.0, 30.0], [20.0, 2.0, 46.0, 20.0], [30.0, 18.0, 40.0, 31.0]])
    cases.append(rpn_case(gen, "two_images_one_without_gt", anchors, [gt0, torch.zeros(0, 4)], 64, 0.5, 1))
    # A ground truth too small for any anchor to reach IoU 0.3: its best anchors become positive (low-quality
    # matches); an anchor appended twice ties for the best IoU of another, so both copies do.
    tied = torch.cat([anchors, anchors[40:41]])
    gt1 = torch.stack([torch.tensor([9.0, 9.0, 12.0, 13.0]), anchors[40] + torch.tensor([4.0, 4.0, -4.0, -4.0]),  # IoU 0.5625 at best
                       torch.tensor([0.0, 0.0, 48.0, 32.0])])
    cases.append(rpn_case(gen, "low_quality_matches_and_ties", tied, [gt1], 512, 0.5, 2))
    # More positives than batch_size_per_image * positive_fraction allows, in both images.
    many = random_boxes(gen, 12, 32, 48, min_size=12.0)
    cases.append(rpn_case(gen, "positives_over_the_limit", anchors, [many, jitter(gen, anchors[::9], 0.05)], 32, 0.25, 3))
    # A ground truth disjoint from every anchor: its best IoU is 0, so every anchor it does not overlap ties for
    # it and is positive (detectron2 and torchvision both do this).
    few = grid_anchors(2, 2, 16, (16,), (1.0,))
    cases.append(rpn_case(gen, "gt_disjoint_from_every_anchor", few, [torch.tensor([[100.0, 100.0, 110.0, 110.0], [0.0, 0.0, 10.0, 12.0]])],
                          8, 0.5, 4))
    return cases


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures", "rcnn"))
    out = os.path.normpath(parser.parse_args().out)
    os.makedirs(out, exist_ok=True)
    gen = torch.Generator().manual_seed(20261207)
    source = f"torch {torch.__version__}, torchvision {torchvision.__version__}"
    print(source)

    write(out, "fastrcnn_loss.json", {
        "source": source + ", roi_heads.fastrcnn_loss, float64", "cases": [
            fastrcnn_case(gen, "two_images_mixed", 3, [(14, 3, 0.4), (10, 2, 0.5)]),
            fastrcnn_case(gen, "no_positives", 2, [(9, 0, 0.0)]),
            fastrcnn_case(gen, "one_class_all_positive_large_deltas", 1, [(7, 2, 1.0)], deltas_scale=1.5),
            fastrcnn_case(gen, "three_images_one_without_gt", 4, [(6, 2, 0.5), (5, 0, 0.0), (8, 4, 0.7)]),
        ],
        "note": "classes 0..K-1 foreground, K background; class_logits [R, K+1] background last; box_deltas [R, 4K]; "
                "gt_boxes: each RoI's matched ground truth (unused for background); losses over all images' RoIs together; "
                "beta_1_9: torchvision as shipped, with the gradient of loss_cls + loss_box_reg; beta_0: smooth L1 patched to L1",
    })
    write(out, "proposal_matching.json", {
        "source": source + ", RoIHeads.add_gt_proposals + assign_targets_to_proposals, float32", "cases": matching_cases(gen),
        "note": "classes of proposals_with_gt (the proposals, then the ground truth): 0..K-1 foreground, K background; "
                "matched_gt: torchvision's clamped index (0 for background); sampled_*: BalancedPositiveNegativeSampler's counts",
    })
    write(out, "postprocess_detections.json", {
        "source": source + ", RoIHeads.postprocess_detections (BoxCoder(10, 10, 5, 5), bbox_xform_clip log(1000/16)), float32",
        "cases": postprocess_cases(gen),
        "note": "class_logits [P, K+1] background last; box_deltas [P, 4K]; image_size (height, width); detections best first, "
                "classes 0-based",
    })
    write(out, "rpn_loss.json", {
        "source": source + ", RegionProposalNetwork.assign_targets_to_anchors (float32) + compute_loss (float64)",
        "cases": rpn_cases(gen),
        "note": "the anchors are every image's; labels: before sampling (1, 0, -1 ignored); matched_gt: index of each anchor's "
                "matched box (torchvision's clamp); sampled_labels: one seeded sampler draw, fed to compute_loss; losses are "
                "divided by sampled_count; objectness_logits [N, A], anchor_deltas [N, A, 4]",
    })


if __name__ == "__main__":
    main()
