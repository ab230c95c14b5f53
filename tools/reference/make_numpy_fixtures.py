#!/usr/bin/env python3
"""Writes tests/fixtures/numpy/numpy_order.json: NumPy's argsort order for tied values and its float sums.

Usage: python3 tools/reference/make_numpy_fixtures.py   (Debian's /usr/bin/python3 with python3-numpy 1.24;
deterministic). The C# evaluators reproduce NumPy's order of operations: np.argsort(-x) (default kind, an
unstable introsort, as detectron2's VOC evaluator ranks detections; NumPy >= 1.25 may use a SIMD sort on
AVX-512 machines instead) and np.sum/np.mean (pairwise within 8192-element blocks, as COCOeval.summarize averages).
"""
import json
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures", "numpy", "numpy_order.json")


def argsort_values(n, distinct):
    """Values with many ties, by a formula the C# test evaluates identically (integer arithmetic, one division)."""
    return np.array([float((i * 37 + i // 3) % distinct) / distinct for i in range(n)], dtype=np.float64)


def sum_values(n):
    """Values of mixed magnitude, by a formula the C# test evaluates identically."""
    return np.array([float((i * 7919) % 1000) / 7.0 + float(i % 13) * 1e-3 for i in range(n)], dtype=np.float64)


def main():
    argsorts = []
    for n, distinct in [(0, 1), (1, 1), (5, 2), (16, 3), (17, 3), (18, 1), (40, 4), (100, 5), (257, 10), (1000, 7), (3000, 30), (5000, 2000)]:
        argsorts.append({"n": n, "distinct": distinct, "argsort_of_negated": np.argsort(-argsort_values(n, distinct)).tolist()})
    sums = []
    for n in [0, 3, 8, 100, 129, 1000, 8192, 8193, 20000, 80800]:
        values = sum_values(n)
        sums.append({"n": n, "sum": float(np.sum(values)), "mean": float(np.mean(values)) if n else None})
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"numpy": np.__version__, "argsort": argsorts, "sum": sums}, f)
    print(f"wrote {os.path.normpath(OUT)} (numpy {np.__version__})")


if __name__ == "__main__":
    main()
