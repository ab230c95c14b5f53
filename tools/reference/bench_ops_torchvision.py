#!/usr/bin/python3
"""Times torchvision's compiled CPU roi_align and nms on the rows of `dupr bench ops`.

Run with Debian's interpreter (apt-get install python3-torchvision: torch 1.13, torchvision 0.14),
right before or after `dupr bench ops`, so both see the same machine load:
    /usr/bin/python3 tools/reference/bench_ops_torchvision.py [--threads 2] [--repeats 5] [--only nms] [--output FILE.csv]

The boxes, scores and timing rules are those of src/Dupr.Benchmarks/Performance: the same SplitMix64
boxes (RPN-like: centres uniform, sides log-uniform from 16 px to the 800x1088 image, clipped),
up to --warmup untimed runs (at least one, fewer once they took a third of --row-budget), then up
to --repeats timed runs (at least 3, stopping early after --row-budget seconds), reporting the
median and the fastest. Forward rows run under no_grad; forward+backward
rows call backward with a fixed random output gradient.
"""
import argparse
import csv
import math
import statistics
import time

import torch
import torchvision
from torchvision.ops import nms, roi_align

IMAGE_H, IMAGE_W, MIN_SIDE = 800.0, 1088.0, 16.0
MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        z ^= z >> 31
        return (z >> 11) * (1.0 / (1 << 53))

    def boxes(self, count):
        rows = []
        for _ in range(count):
            cx, cy = self.next() * IMAGE_W, self.next() * IMAGE_H
            w = MIN_SIDE * math.exp(self.next() * math.log(IMAGE_W / MIN_SIDE))
            h = MIN_SIDE * math.exp(self.next() * math.log(IMAGE_H / MIN_SIDE))
            rows.append([max(0.0, cx - w / 2), max(0.0, cy - h / 2), min(IMAGE_W, cx + w / 2), min(IMAGE_H, cy + h / 2)])
        return torch.tensor(rows, dtype=torch.float32)

    def scores(self, count):
        return torch.tensor([self.next() for _ in range(count)], dtype=torch.float32)


def time_row(action, repeats, warmup, budget):
    start = time.perf_counter()
    for i in range(max(1, warmup)):
        if i > 0 and time.perf_counter() - start >= budget / 3:
            break
        action()
    times = []
    start = time.perf_counter()
    while len(times) < repeats and (len(times) < 3 or time.perf_counter() - start < budget):
        t = time.perf_counter()
        action()
        times.append((time.perf_counter() - t) * 1000)
    return len(times), statistics.median(times), min(times)


def roi_align_row(boxes, size, channels, backward, seed):
    name = f"roi_align {'forward+backward' if backward else 'forward'} {boxes}x{size}x{size} on 1x{channels}x50x68"

    def prepare():
        gen = torch.Generator().manual_seed(seed)
        features = torch.randn(1, channels, 50, 68, generator=gen)
        rois = torch.cat([torch.zeros(boxes, 1), SplitMix64(seed).boxes(boxes)], 1)
        if not backward:
            def forward():
                with torch.no_grad():
                    roi_align(features, rois, (size, size), 1 / 16.0, 0, True)
            return forward
        features.requires_grad_(True)
        grad_output = torch.randn(boxes, channels, size, size, generator=gen)

        def forward_backward():
            roi_align(features, rois, (size, size), 1 / 16.0, 0, True).backward(grad_output)
        return forward_backward
    return name, prepare


def nms_row(count, seed):
    def prepare():
        source = SplitMix64(seed)
        boxes = source.boxes(count)
        scores = source.scores(count)
        return lambda: nms(boxes, scores, 0.7)
    return f"nms {count} boxes iou 0.7", prepare


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--row-budget", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", default=None, help="rows whose name contains this text")
    parser.add_argument("--output", default=None, help="CSV file to write")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    rows = [
        roi_align_row(512, 7, 256, False, args.seed),
        roi_align_row(512, 7, 256, True, args.seed),
        roi_align_row(2000, 14, 1024, False, args.seed),
        roi_align_row(2000, 14, 1024, True, args.seed),
        nms_row(1000, args.seed),
        nms_row(12000, args.seed),
    ]
    selected = [r for r in rows if args.only is None or args.only.lower() in r[0].lower()]
    print(f"torchvision {torchvision.__version__} (torch {torch.__version__}), {torch.get_num_threads()} thread(s)", flush=True)
    results = []
    for name, prepare in selected:
        runs, median, fastest = time_row(prepare(), args.repeats, args.warmup, args.row_budget)
        results.append((name, runs, median, fastest))
        print(f"  {name}: {median:.1f} ms", flush=True)
    width = max(len("row"), *(len(r[0]) for r in results))
    print(f"{'row'.ljust(width)}  {'runs':>4}  {'median ms':>11}  {'min ms':>11}")
    for name, runs, median, fastest in results:
        print(f"{name.ljust(width)}  {runs:>4}  {median:>11.1f}  {fastest:>11.1f}")
    if args.output:
        with open(args.output, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["row", "runs", "median_ms", "min_ms"])
            for name, runs, median, fastest in results:
                writer.writerow([name, runs, f"{median:.3f}", f"{fastest:.3f}"])


if __name__ == "__main__":
    main()
