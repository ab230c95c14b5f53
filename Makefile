# Common tasks. Every target works on a fresh clone: restore, build and the native fix happen on the way.
CONFIG ?= Release
DUPR    = dotnet src/Dupr.Cli/bin/$(CONFIG)/net10.0/dupr.dll
DATA   ?= data/shapes

.PHONY: build test demo bench clean

build:
	dotnet build Dupr.sln -c $(CONFIG) --nologo -v quiet -clp:ErrorsOnly

test:
	dotnet test Dupr.sln -c $(CONFIG) --nologo -v quiet

# The main job. Today: the runtime report and the synthetic world; pre-training, fine-tuning and
# the report join as they land.
demo: build
	$(DUPR) env
	$(DUPR) data synth --out $(DATA)

bench: build
	$(DUPR) env

clean:
	dotnet clean Dupr.sln -c $(CONFIG) --nologo -v quiet
	rm -rf runs reports TestResults
