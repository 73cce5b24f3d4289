# snnc — everyday targets. `make test` is what CI runs (.ci/run).
GO      ?= go
FUZZTIME ?= 15s

.PHONY: all build test vet fmtcheck unit fuzz-short fuzz bench snnc-check clean

all: build

build:
	$(GO) build ./...

# The whole suite: static checks, unit and golden tests, a short fuzz pass,
# and the compiler run over every shipped model.
test: vet fmtcheck unit fuzz-short snnc-check

vet:
	$(GO) vet ./...

fmtcheck:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

unit:
	$(GO) test -count=1 ./...

# Parse+check must never panic, whatever the input.
fuzz-short:
	$(GO) test -run='^$$' -fuzz='^FuzzCheck$$' -fuzztime=$(FUZZTIME) .

fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzCheck$$' -fuzztime=10m .

snnc-check:
	$(GO) run ./cmd/snnc check -q stdlib/*.snn examples/*.snn testdata/parse/*.snn
	$(GO) run ./cmd/snnc fmt --check stdlib/*.snn examples/*.snn testdata/parse/*.snn

bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./...

clean:
	rm -rf testdata/fuzz/FuzzCheck/*.tmp
