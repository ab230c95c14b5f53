# Common tasks. Every target works on a fresh clone: restore, build and the native fix happen on the way.
CONFIG ?= Release
DUPR    = dotnet src/Dupr.Cli/bin/$(CONFIG)/net10.0/dupr.dll
DEMO   ?= runs/demo

.PHONY: build test demo bench clean

build:
	dotnet build Dupr.sln -c $(CONFIG) --nologo -v quiet -clp:ErrorsOnly

test:
	dotnet test Dupr.sln -c $(CONFIG) --nologo -v quiet

demo: build
	$(DUPR) env

bench: build
	$(DUPR) env

clean:
	dotnet clean Dupr.sln -c $(CONFIG) --nologo -v quiet
	rm -rf runs reports TestResults
