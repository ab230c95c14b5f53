#!/usr/bin/env python3
"""Times pycocotools on the workloads `dupr bench eval --export DIR` writes, and checks our stats against it.

Usage: python3 bench_coco_eval_pycocotools.py DIR [--case bbox|segm|all]

Needs pycocotools importable (pip install pycocotools, or PYTHONPATH pointing at a build of cocoapi's PythonAPI).
For each case it loads DIR/<case>_gt.json and DIR/<case>_dt.json (COCO() + loadRes, timed as "load"), runs
evaluate() and accumulate() (timed together, as the issue's 45 s figure is), summarize(), and compares the 12
stats with DIR/<case>_ours.json written by the dupr benchmark. Exit code 1 if any stat differs by more than 1e-12.
"""
import argparse
import contextlib
import io
import json
import os
import sys
import time

from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval


def run(folder, case):
    quiet = io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(quiet):
        gt = COCO(os.path.join(folder, f"{case}_gt.json"))
        dt = gt.loadRes(os.path.join(folder, f"{case}_dt.json"))
    load = time.perf_counter() - t0
    evaluator = COCOeval(gt, dt, case)
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(quiet):
        evaluator.evaluate()
        evaluator.accumulate()
    evaluate = time.perf_counter() - t0
    evaluator.summarize()
    stats = [float(s) for s in evaluator.stats]
    print(f"{case}: pycocotools load {load:.3f} s, evaluate+accumulate {evaluate:.3f} s")
    ours_path = os.path.join(folder, f"{case}_ours.json")
    if not os.path.exists(ours_path):
        print(f"{case}: no {ours_path}; run `dupr bench eval --export {folder}` to compare")
        return True
    ours = json.load(open(ours_path))
    diff = max(abs(a - b) for a, b in zip(stats, ours["stats"]))
    identical = stats == ours["stats"]
    best = min(ours["evaluate_seconds"])
    print(f"{case}: dupr load {ours['load_seconds']:.3f} s, evaluate+accumulate {best:.3f} s (best of {len(ours['evaluate_seconds'])}); "
          f"speed-up {evaluate / best:.1f}x; stats max |diff| {diff:.3g}{' (bit-identical)' if identical else ''}")
    return diff <= 1e-12


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--case", default="all", choices=["bbox", "segm", "all"])
    args = parser.parse_args()
    cases = ["bbox", "segm"] if args.case == "all" else [args.case]
    ok = all([run(args.folder, case) for case in cases])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
