# Common tasks. Every target works on a fresh clone: restore, build and the native fix happen on the way.
CONFIG ?= Release
DUPR    = dotnet src/Dupr.Cli/bin/$(CONFIG)/net10.0/dupr.dll
DATA   ?= data/mini
JOBS   ?= 2
# Extra `bench run` options, e.g. BENCH_ARGS="--seeds 6,7,8 --pretrain-seed 2" for a run independent of the baseline's.
BENCH_ARGS ?=

.PHONY: build cli test demo bench clean

build:
	dotnet build Dupr.sln -c $(CONFIG) --nologo -v quiet -clp:ErrorsOnly

# The `dupr` command line and the libraries under it, without the test projects: half of build's time on a fresh clone.
cli:
	dotnet build src/Dupr.Cli/Dupr.Cli.csproj -c $(CONFIG) --nologo -v quiet -clp:ErrorsOnly

# The MPI tests need MPICH; tools/ensure-mpich.sh installs it where it is missing (root with apt-get, as in CI).
test:
	bash tools/ensure-mpich.sh
	dotnet test Dupr.sln -c $(CONFIG) --nologo -v quiet

RUNS   ?= runs/demo

# The main job on a fresh machine (eval/suites/mini.json, about 30 minutes on 2 cores): the synthetic world, mini MoCo v2
# and mini DUPR pre-training, the probes of each backbone, the mini Faster R-CNN R18-FPN fine-tuned from random init,
# MoCo v2 and DUPR with 3 seeds, VOC- and COCO-style evaluation, then the report table, the claims' verdicts and the
# regression gate against eval/baselines/mini.csv. $(JOBS) stages run at once. Finished stages are kept in $(RUNS)/stages:
# running it again (after Ctrl-C, a kill or a crash) continues where it stopped.
demo: cli
	$(DUPR) env
	$(DUPR) bench run --suite eval/suites/mini.json --output $(RUNS) --data $(DATA) --jobs $(JOBS) $(BENCH_ARGS)
	$(DUPR) bench check --results $(RUNS)/results.csv --baseline eval/baselines/mini.csv

# Speed benchmarks; figures go to docs/BENCHMARKS.md by hand, CSVs to reports/bench.
bench: cli
	mkdir -p reports/bench
	$(DUPR) bench ops --output reports/bench/ops.csv
	$(DUPR) bench eval
	$(DUPR) bench loader --output reports/bench/loader.csv
	$(DUPR) bench pretrain --output reports/bench/pretrain.csv
	$(DUPR) bench detect --config configs/detection/voc_faster_rcnn_r18_c4_mini.json --output reports/bench/detect.csv

clean:
	dotnet clean Dupr.sln -c $(CONFIG) --nologo -v quiet
	rm -rf runs reports TestResults
