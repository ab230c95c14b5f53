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

# The main job on a fresh machine (eval/suites/mini.json, under 30 minutes on 2 cores): the synthetic world, mini MoCo v2
# and mini DUPR pre-training, the mini Faster R-CNN R18-C4 fine-tuned from random init, MoCo v2 and DUPR with 3 seeds,
# VOC- and COCO-style evaluation, then the report table. Finished stages are kept in $(RUNS)/stages: running it again
# (after Ctrl-C, a kill or a crash) continues where it stopped.
demo: build
	$(DUPR) env
	$(DUPR) bench run --suite eval/suites/mini.json --output $(RUNS) --data $(DATA)

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
