#!/usr/bin/env bash
# The GPU smoke kit: one command that says whether dupr works on a device and how fast, as one JSON file.
#   tools/gpu/run.sh [--device cuda|cpu] [--out DIR] [--quick]
# Steps (each one's output is kept in DIR; DIR/gpu-kit.json gathers the figures):
#   1. a dupr for the device: with .gpu/dupr.tar.xz (tools/gpu/pack.sh) it is unpacked and TorchSharp's native bridge is
#      built with cmake against the machine's PyTorch (python3 -c 'import torch'); else `dotnet build` (TorchBackend=cuda
#      for --device cuda, which needs NuGet's TorchSharp-cuda-linux; cpu otherwise)
#   2. dupr env
#   3. dupr bench devices: one training step of MoCo v2, DUPR and each of the five detectors, on the CPU and on the device
#      from the same weights and inputs (loss terms and gradient norm must agree)
#   4. dupr bench pretrain at the paper recipe (ResNet-50, 224 px, batch 256; --quick: 16, cpu: 4), on cuda again in bf16
#      (train.precision), and at the mini one
#   5. dupr bench detect for each mini detector
#   6. the trainers themselves, briefly, on a small synthetic world: a 4-step DUPR pre-training and a 10-iteration Mask R-CNN
#      FPN fine-tuning with its final evaluation (their loaders, pinned on a GPU; the model input made on the device; mask
#      targets cut there from bitmaps; logged values read once per log period; checkpoints)
# --device cpu runs the same steps on the CPU (step 3 then compares the CPU with itself): the kit's own test.
set -uo pipefail
cd "$(dirname "$0")/../.."
device=cuda; out=runs/gpu-kit; quick=0
while [ $# -gt 0 ]; do
  case "$1" in
    --device) device="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --quick) quick=1; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "run.sh: error: unknown option $1" >&2; exit 2 ;;
  esac
done
case "$device" in cpu|cuda|cuda:*) ;; *) echo "run.sh: error: --device must be cpu or cuda[:N], got $device" >&2; exit 2 ;; esac
mkdir -p "$out"
out=$(cd "$out" && pwd)
log() { echo "[gpu-kit] $*"; }
fail() { echo "run.sh: error: $*" >&2; exit 1; }

# 1. dupr for the device
if [ -f .gpu/dupr.tar.xz ]; then
  command -v python3 >/dev/null || fail "python3 with torch is needed to build TorchSharp's bridge (none on PATH)"
  torch_dir=$(python3 -c 'import os, torch; print(os.path.dirname(torch.__file__))' 2>/dev/null) || fail "python3 has no torch module"
  work=${DUPR_GPU_WORK:-/tmp/dupr-gpu}
  mkdir -p "$work"
  log "unpacking the bundle into $work"
  xz -dc .gpu/dupr.tar.xz | tar -C "$work" -xf - || fail "cannot unpack .gpu/dupr.tar.xz"
  if [ ! -f "$work/native-build/libLibTorchSharp.so" ]; then
    xz -dc .gpu/torchsharp-native.tar.xz | tar -C "$work" -xf - || fail "cannot unpack .gpu/torchsharp-native.tar.xz"
    # TorchSharp builds its bridge with -Werror against the libtorch it ships; another libtorch's headers may warn.
    sed -i 's/^\( *\)add_definitions(-Werror)/\1# &/' "$work/src/Native/CMakeLists.txt"
    log "building TorchSharp's native bridge against $torch_dir (torch $(python3 -c 'import torch; print(torch.__version__)'))"
    generator=(); command -v ninja >/dev/null && generator=(-G Ninja)
    cmake -S "$work/src/Native" -B "$work/native-build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
      -DLIBTORCH_PATH="$torch_dir/share/cmake/Torch" -DCMAKE_LIBRARY_OUTPUT_DIRECTORY="$work/native-build" > "$out/native-build.log" 2>&1 \
      && cmake --build "$work/native-build" -j "$(nproc)" >> "$out/native-build.log" 2>&1 \
      || fail "the native bridge did not build; see $out/native-build.log: $(tail -3 "$out/native-build.log" | tr '\n' ' ')"
  fi
  bridge=$(find "$work/native-build" -name libLibTorchSharp.so | head -1)
  [ -n "$bridge" ] || fail "no libLibTorchSharp.so under $work/native-build"
  # dupr loads the bridge from its own folder first; libtorch comes from the machine's PyTorch.
  cp "$bridge" "$work/dupr/libLibTorchSharp.so"
  export LD_LIBRARY_PATH="$torch_dir/lib:${LD_LIBRARY_PATH:-}"
  dupr=("$work/dupr/dupr")
  build="bundle (self-contained dupr, TorchSharp bridge for torch $(python3 -c 'import torch; print(torch.__version__)'), built in $work/native-build)"
else
  command -v dotnet >/dev/null || fail "no dotnet and no .gpu/dupr.tar.xz bundle (make one with tools/gpu/pack.sh where dotnet is)"
  backend=cpu; [ "$device" = cpu ] || backend=cuda
  log "dotnet build (TorchBackend=$backend)"
  dotnet build Dupr.sln -c Release -p:TorchBackend=$backend --nologo -v quiet -clp:ErrorsOnly > "$out/build.log" 2>&1 \
    || fail "dotnet build failed (TorchBackend=$backend); see $out/build.log: $(tail -3 "$out/build.log" | tr '\n' ' ')"
  dupr=(dotnet src/Dupr.Cli/bin/Release/net10.0/dupr.dll)
  build="dotnet build, TorchBackend=$backend"
fi

# 2-5: each step's stdout and stderr go to its log; a failed step is recorded and the kit goes on.
status=()
step() {
  local name=$1; shift
  log "$name: dupr $*"
  local start=$(date +%s%N)
  "${dupr[@]}" "$@" > "$out/$name.log" 2>&1
  local rc=$?
  status+=("$name $rc $(( ($(date +%s%N) - start) / 1000000 ))")
  [ $rc -eq 0 ] || log "$name failed (exit $rc): $(grep -v NNPACK "$out/$name.log" | tail -2 | tr '\n' ' ')"
}
step env env
step devices bench devices --device "$device" --output "$out/devices.json"
# The paper's batch on a GPU; on the CPU (minutes per step at 256) a batch that shows the same per-image costs.
paper_batch=256; repeat=5
[ "$quick" = 1 ] && paper_batch=16
[ "$device" = cpu ] && { paper_batch=4; repeat=2; }
step pretrain_paper bench pretrain --device "$device" --config configs/pretrain/dupr_r50_200ep.json --repeat $repeat \
  --set train.batch_size=$paper_batch --output "$out/pretrain_paper.csv"
# bf16 on a CPU whose oneDNN is capped runs reference kernels (minutes per step): timed on the GPU only.
[ "$device" = cpu ] || step pretrain_paper_bf16 bench pretrain --device "$device" --config configs/pretrain/dupr_r50_200ep.json --repeat $repeat \
  --set train.batch_size=$paper_batch --set train.precision=bf16 --output "$out/pretrain_paper_bf16.csv"
step pretrain_mini bench pretrain --device "$device" --config configs/pretrain/dupr_r18_mini.json --repeat 5 --output "$out/pretrain_mini.csv"
for c in voc_faster_rcnn_r18_c4_mini voc_faster_rcnn_r18_fpn_mini coco_mask_rcnn_r18_c4_mini coco_mask_rcnn_r18_fpn_mini coco_retinanet_r18_fpn_mini; do
  step "detect_$c" bench detect --device "$device" --config "configs/detection/$c.json" --output "$out/detect_$c.csv"
done

world="$out/world"
rm -rf "$out/run-pretrain" "$out/run-finetune"
step world data synth --out "$world" --train 16 --val 8 --unlabeled 256 --force
step run_pretrain pretrain --device "$device" --config configs/pretrain/dupr_r18_mini.json --data "$world/unlabeled" --output "$out/run-pretrain" \
  --set solver.max_iter=4 --set train.log_period=2 --set train.probe_period=0
step run_finetune finetune --device "$device" --config configs/detection/coco_mask_rcnn_r18_fpn_mini.json --data "$world" --output "$out/run-finetune" \
  --set solver.max_iter=10 --set train.log_period=5 --set train.eval_period=0

# One JSON with everything: the build, each step's exit code and time, dupr env's rows, the device agreement and the timing CSVs.
python3 - "$out" "$device" "$build" "$paper_batch" "${status[@]}" <<'PY'
import csv, json, os, sys
out, device, build, paper_batch, steps = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5:]
def rows(name):
    path = os.path.join(out, name)
    return list(csv.DictReader(open(path))) if os.path.exists(path) else None
report = {"device": device, "build": build, "paper_pretrain_batch": paper_batch,
          "steps": [{"name": n, "exit_code": int(rc), "seconds": int(ms) / 1000} for n, rc, ms in (x.split() for x in steps)],
          "env": [l.rstrip() for l in open(os.path.join(out, "env.log")) if "NNPACK" not in l] if os.path.exists(os.path.join(out, "env.log")) else None,
          "devices": json.load(open(os.path.join(out, "devices.json"))) if os.path.exists(os.path.join(out, "devices.json")) else None,
          "pretrain_paper": rows("pretrain_paper.csv"),
          "pretrain_paper_bf16": rows("pretrain_paper_bf16.csv"), "pretrain_mini": rows("pretrain_mini.csv"),
          "detect": {f[len("detect_"):-4]: rows(f) for f in sorted(os.listdir(out)) if f.startswith("detect_") and f.endswith(".csv")},
          "run_pretrain_metrics": rows("run-pretrain/metrics.csv"), "run_finetune_metrics": rows("run-finetune/metrics.csv"),
          "run_finetune_evaluation": json.load(open(os.path.join(out, "run-finetune/metrics.json"))) if os.path.exists(os.path.join(out, "run-finetune/metrics.json")) else None}
tmp = os.path.join(out, "gpu-kit.json.tmp")
json.dump(report, open(tmp, "w"), indent=1)
os.replace(tmp, os.path.join(out, "gpu-kit.json"))
PY
failed=0
for s in "${status[@]}"; do set -- $s; [ "$2" = 0 ] || failed=$((failed + 1)); done
log "wrote $out/gpu-kit.json ($failed of ${#status[@]} steps failed)"
[ $failed -eq 0 ]
