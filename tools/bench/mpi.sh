#!/usr/bin/env bash
# Data parallelism on one machine: the mini pre-training (DUPR R18) and the mini fine-tuning (Faster R-CNN R18-FPN) as
# 1 rank with all cores' threads against N ranks with cores/N threads each (mpiexec), same global batch and recipe.
# Prints images/s (or iterations/s) of each, the share of a step the gradient all-reduce takes (metrics.csv's allreduce_s)
# and the share spent waiting for the slower rank before it (rank_wait_s: load imbalance). Usage: tools/bench/mpi.sh [ranks=2] [data=data/mini]
# Needs a Release build (make build) and MPICH (tools/ensure-mpich.sh). Time nothing else meanwhile.
set -euo pipefail
cd "$(dirname "$0")/../.."
ranks=${1:-2}
data=${2:-data/mini}
cores=$(nproc)
dupr=(dotnet src/Dupr.Cli/bin/Release/net10.0/dupr.dll)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# The world of eval/suites/mini.json (reused when it is already there).
"${dupr[@]}" data synth --out "$data" --train 400 --val 100 --unlabeled 2000 --unlabeled-layout PlainObjects --size 128 --classes 6 >/dev/null

pretrain=(pretrain --config configs/pretrain/dupr_r18_mini.json --data "$data/unlabeled" --set solver.max_iter=24 --set train.log_period=4
          --set train.probe_period=0 --set solver.checkpoint_period=1000)
finetune=(finetune --config configs/detection/voc_faster_rcnn_r18_fpn_mini.json --data "$data" --set solver.max_iter=60 --set train.log_period=10
          --set train.eval_period=0 --set solver.checkpoint_period=1000)

# Last row's throughput column ($2) and the mean allreduce_s and rank_wait_s over the rows after the first (warm-up).
summary() {
  python3 - "$1" "$2" "$3" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
rate_col, per_step = sys.argv[2], float(sys.argv[3])
rate = float(rows[-1][rate_col])
step = per_step / rate
def share(column):
    values = [float(r[column]) for r in rows[1:] if r.get(column)]
    return f"{100 * sum(values) / len(values) / step:.1f} %" if values else "-"
print(f"{rate:.2f} | {step:.3f} | {share('allreduce_s')} | {share('rank_wait_s')}")
PY
}

echo "| run | layout | rate | s/step | all-reduce share | waiting for the slower rank |"
echo "|---|---|---|---|---|---|"
"${dupr[@]}" "${pretrain[@]}" --output "$out/p1" --threads "$cores" >/dev/null 2>"$out/p1.log"
echo "| mini pre-training (images/s) | 1 rank x $cores threads | $(summary "$out/p1/metrics.csv" images_per_s 128) |"
mpiexec -n "$ranks" "${dupr[@]}" "${pretrain[@]}" --output "$out/pN" --threads $((cores / ranks)) >/dev/null 2>"$out/pN.log"
echo "| mini pre-training (images/s) | $ranks ranks x $((cores / ranks)) threads | $(summary "$out/pN/metrics.csv" images_per_s 128) |"
"${dupr[@]}" "${finetune[@]}" --output "$out/f1" --threads "$cores" >/dev/null 2>"$out/f1.log"
echo "| mini fine-tuning (iterations/s) | 1 rank x $cores threads | $(summary "$out/f1/metrics.csv" iterations_per_s 1) |"
mpiexec -n "$ranks" "${dupr[@]}" "${finetune[@]}" --output "$out/fN" --threads $((cores / ranks)) >/dev/null 2>"$out/fN.log"
echo "| mini fine-tuning (iterations/s) | $ranks ranks x $((cores / ranks)) threads | $(summary "$out/fN/metrics.csv" iterations_per_s 1) |"
grep -h "data parallel over" "$out/pN.log" "$out/fN.log" | sed 's/^/  /'
