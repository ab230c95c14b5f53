# Common tasks. Every target works on a fresh clone: restore, build and the native fix happen on the way.
CONFIG ?= Release
DUPR    = dotnet src/Dupr.Cli/bin/$(CONFIG)/net10.0/dupr.dll
DATA   ?= data/shapes

.PHONY: build test demo bench clean

build:
	dotnet build Dupr.sln -c $(CONFIG) --nologo -v quiet -clp:ErrorsOnly

test:
	dotnet test Dupr.sln -c $(CONFIG) --nologo -v quiet

RUNS   ?= runs/demo

# The main job on the built-in synthetic data: the synthetic world, then mini MoCo v2 and mini DUPR
# pre-training (about 5-10 minutes each on 2 cores). Fine-tuning, evaluation and the report table
# join when the detectors land (issues 6 and 8). Re-running resumes finished or interrupted runs.
demo: build
	$(DUPR) env
	$(DUPR) data synth --out $(DATA)
	$(DUPR) pretrain --config configs/pretrain/mocov2_r18_mini.json --data $(DATA)/unlabeled --output $(RUNS)/mocov2 $(if $(wildcard $(RUNS)/mocov2/checkpoints/last_checkpoint),--resume)
	$(DUPR) pretrain --config configs/pretrain/dupr_r18_mini.json --data $(DATA)/unlabeled --output $(RUNS)/dupr $(if $(wildcard $(RUNS)/dupr/checkpoints/last_checkpoint),--resume)
	@echo "demo: backbones in $(RUNS)/mocov2/backbone.pth and $(RUNS)/dupr/backbone.pth; loss curves in $(RUNS)/*/metrics.csv"

# Speed benchmarks; figures go to docs/BENCHMARKS.md by hand, CSVs to reports/bench.
bench: build
	mkdir -p reports/bench
	$(DUPR) bench ops --output reports/bench/ops.csv
	$(DUPR) bench eval
	$(DUPR) bench loader --output reports/bench/loader.csv
	$(DUPR) bench pretrain --output reports/bench/pretrain.csv
	$(DUPR) bench detect --config configs/detection/voc_faster_rcnn_r18_c4_mini.json --output reports/bench/detect.csv

clean:
	dotnet clean Dupr.sln -c $(CONFIG) --nologo -v quiet
	rm -rf runs reports TestResults
