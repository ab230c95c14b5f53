#!/usr/bin/env bash
# Step time in float32 against bf16 (train.precision) on this machine: `dupr bench pretrain` at the mini recipe and at the
# paper's (ResNet-50, 224 px, batch 4 on a CPU) and `dupr bench detect` of the mini C4 and FPN Faster R-CNNs. Rows go to
# reports/bench/precision/<benchmark>_<precision>.csv and the tables to the console. Usage: tools/bench/precision.sh [precisions="fp32 bf16"]
# Needs a Release build (make build). Time nothing else meanwhile. On a CPU whose oneDNN is capped (dupr env: "oneDNN ISA
# cap") bf16 runs reference kernels and takes tens of minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
dupr=(dotnet src/Dupr.Cli/bin/Release/net10.0/dupr.dll)
out=reports/bench/precision
mkdir -p "$out"
for p in ${1:-fp32 bf16}; do
  "${dupr[@]}" bench pretrain --repeat 3 --set train.precision="$p" --output "$out/pretrain_mini_$p.csv"
  "${dupr[@]}" bench pretrain --config configs/pretrain/dupr_r50_200ep.json --set train.batch_size=4 --repeat 2 --set train.precision="$p" \
    --output "$out/pretrain_paper_$p.csv"
  for c in voc_faster_rcnn_r18_c4_mini voc_faster_rcnn_r18_fpn_mini; do
    "${dupr[@]}" bench detect --config "configs/detection/$c.json" --iterations 5 --inference-images 4 --set train.precision="$p" --output "$out/detect_${c}_$p.csv"
  done
done 2>&1 | grep -v NNPACK
