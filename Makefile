# snnc — everyday targets. `make test` is what CI runs (.ci/run).
GO      ?= go
# fuzz-short budgets are execution counts, not durations: with a duration,
# Go 1.26's fuzz coordinator can fail a target with a bare "context deadline
# exceeded" when the deadline lands mid-call or mid-minimisation on a loaded
# machine (golang/go#75804, fixed in Go 1.27). A count has no deadline to race.
FUZZ_CHECK ?= 4000x
FUZZ_RUN   ?= 200x
FUZZ_LOOP  ?= 20000x
FUZZ_EXEC  ?= 3000x
FUZZ_MIN   ?= 100x

.PHONY: all build snnc snnc-mpi test deps vet fmtcheck unit mpi race fuzz-short fuzz bench bench-potjans long snnc-check grammar vsix clean

# The interpreter's vector kernels are generated (make generate) twice:
# simd/archsimd code for GOEXPERIMENT=simd builds, assembly for the rest
# (same bits, same speed: BENCHMARKS.md); unit tests both, and the scalar
# loops alone (-tags purego).
SIMD    = GOEXPERIMENT=simd

all: build

build:
	$(GO) build ./...

# ./snnc with the fast interpreter (AVX-512 kernels; SNNC_SIMD=off at run
# time forces the scalar loops).
snnc:
	$(SIMD) $(GO) build -tags hdf5 -o snnc ./cmd/snnc

# ./snnc as snnc above, which also runs split over MPI ranks:
# mpirun -np K ./snnc run MODEL (OpenMPI: make deps installs it).
snnc-mpi:
	$(SIMD) $(GO) build -tags hdf5,mpi -o snnc ./cmd/snnc

# The whole suite: static checks, unit and golden tests, a short fuzz pass,
# and the compiler run over every shipped model.
test: deps vet fmtcheck snnc-check grammar fuzz-short race unit mpi

# Debian packages the tests use: numpy reads back the .npy outputs;
# iverilog, verilator and yosys run the generated Verilog (co-simulation,
# lint, synthesis); nextpnr-ice40 and fpga-icestorm (icepack) the iCE40
# flow of --fpga (TestFPGAFlow places and routes a small model); neovim is the real client of the language server test. Installed when missing (CI and fresh machines run as
# root); otherwise say what to do.
deps:
	@if ! /usr/bin/python3 -c 'import numpy' 2>/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "installing python3-numpy (needed by the output tests)"; \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-numpy) >/dev/null || \
			{ echo "could not install python3-numpy: run apt-get install -y python3-numpy"; exit 1; }; \
		else echo "the tests need numpy: apt-get install -y python3-numpy"; exit 1; fi; \
	fi
	@if ! command -v iverilog >/dev/null || ! command -v verilator >/dev/null || ! command -v yosys >/dev/null || \
		! command -v nextpnr-ice40 >/dev/null || ! command -v icepack >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "installing iverilog verilator yosys nextpnr-ice40 fpga-icestorm (needed by the Verilog and FPGA tests)"; \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iverilog verilator yosys nextpnr-ice40 fpga-icestorm) >/dev/null || \
			{ echo "could not install them: run apt-get install -y iverilog verilator yosys nextpnr-ice40 fpga-icestorm"; exit 1; }; \
		else echo "the Verilog tests need iverilog, verilator, yosys, nextpnr-ice40 and fpga-icestorm: apt-get install -y iverilog verilator yosys nextpnr-ice40 fpga-icestorm"; exit 1; fi; \
	fi
	@if ! pkg-config --exists hdf5 || ! /usr/bin/python3 -c 'import h5py' 2>/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "installing libhdf5-dev python3-h5py (needed by the NIR tests: make snnc builds with -tags hdf5)"; \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libhdf5-dev python3-h5py pkg-config) >/dev/null || \
			{ echo "could not install them: run apt-get install -y libhdf5-dev python3-h5py"; exit 1; }; \
		else echo "the NIR tests need libhdf5-dev and python3-h5py: apt-get install -y libhdf5-dev python3-h5py"; exit 1; fi; \
	fi
	@if ! command -v mpirun >/dev/null || ! pkg-config --exists ompi-c; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "installing openmpi-bin libopenmpi-dev (needed by the MPI tests: make snnc-mpi builds with -tags mpi)"; \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openmpi-bin libopenmpi-dev pkg-config) >/dev/null || \
			{ echo "could not install them: run apt-get install -y openmpi-bin libopenmpi-dev"; exit 1; }; \
		else echo "the MPI tests need OpenMPI: apt-get install -y openmpi-bin libopenmpi-dev"; exit 1; fi; \
	fi
	@if ! command -v nvim >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "installing neovim (its LSP client drives the language server test)"; \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq neovim) >/dev/null || \
			{ echo "could not install neovim: run apt-get install -y neovim"; exit 1; }; \
		else echo "the language server test needs Neovim: apt-get install -y neovim"; exit 1; fi; \
	fi

vet:
	$(SIMD) $(GO) vet ./...
	$(GO) vet -tags hdf5 ./nir/ ./cmd/snnc/
	$(GO) vet -tags mpi ./runtime/mpi/ ./cmd/snnc/
	$(GO) vet ./...

fmtcheck:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

# Everything with the vector kernels, then the two backends that must agree
# once more with the scalar twins only.
# gocode's tests build Go binaries: on a loaded machine they come close to
# go test's default 10-minute limit, hence the longer one.
unit:
	$(GO) test -count=1 -tags purego -run 'Kern|SIMD' ./backends/gosim/
	$(SIMD) $(GO) test -count=1 -timeout 30m ./...
	$(GO) test -count=1 -timeout 30m ./backends/gosim/ ./backends/gocode/
	$(GO) test -count=1 -tags hdf5 ./nir/
	$(GO) test -count=1 -tags hdf5 -run NIR ./cmd/snnc/

# Runs split over MPI ranks, with real mpirun: the binding's collectives,
# and snnc run -np 1/2/4 x 1/2 threads against one process byte for byte.
# Without OpenMPI this fails and says what to install (no silent skip).
mpi:
	@command -v mpirun >/dev/null && pkg-config --exists ompi-c || \
		{ echo "the MPI tests need OpenMPI: apt-get install -y openmpi-bin libopenmpi-dev (or make deps as root)"; exit 1; }
	$(GO) test -count=1 -tags mpi ./runtime/mpi/
	$(GO) test -count=1 -tags mpi -timeout 30m -run 'MPI' ./cmd/snnc/

# The multi-threaded paths under the race detector: threads must give the
# spikes of one thread, and a data race would make that a matter of luck.
race:
	$(SIMD) $(GO) test -race -count=1 -run 'Threads|SIMD|RanksError' ./backends/gosim/
	$(GO) test -race -count=1 -run 'Threads|SIMD' ./backends/gosim/

# Parse+check must never panic, whatever the input; small generated
# models must check and run without a panic or a hang (a fixed number of
# executions each, minimisation capped at FUZZ_MIN). Each starts from the
# seeds in a fresh corpus directory: the corpus that `make fuzz` piles up in
# GOCACHE (hundreds of runs of FuzzRun) would take long to replay.
fuzz-short:
	d=$$(mktemp -d) && $(GO) test -run='^$$' -fuzz='^FuzzCheck$$' -fuzztime=$(FUZZ_CHECK) . -args -test.fuzzcachedir=$$d -test.fuzzminimizetime=$(FUZZ_MIN); s=$$?; rm -rf $$d; exit $$s
	d=$$(mktemp -d) && $(GO) test -run='^$$' -fuzz='^FuzzRun$$' -fuzztime=$(FUZZ_RUN) . -args -test.fuzzcachedir=$$d -test.fuzzminimizetime=$(FUZZ_MIN); s=$$?; rm -rf $$d; exit $$s
	d=$$(mktemp -d) && $(GO) test -run='^$$' -fuzz='^FuzzLoop$$' -fuzztime=$(FUZZ_LOOP) ./plan -args -test.fuzzcachedir=$$d -test.fuzzminimizetime=$(FUZZ_MIN); s=$$?; rm -rf $$d; exit $$s
	d=$$(mktemp -d) && $(GO) test -run='^$$' -fuzz='^FuzzLoopExec$$' -fuzztime=$(FUZZ_EXEC) ./backends/gosim -args -test.fuzzcachedir=$$d -test.fuzzminimizetime=$(FUZZ_MIN); s=$$?; rm -rf $$d; exit $$s

fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzCheck$$' -fuzztime=10m .
	$(GO) test -run='^$$' -fuzz='^FuzzRun$$' -fuzztime=10m .
	$(GO) test -run='^$$' -fuzz='^FuzzRangeProofs$$' -fuzztime=10m ./backends/fixed

snnc-check:
	$(GO) run ./cmd/snnc check -q stdlib/*.snn examples/*.snn examples/*/*.snn testdata/parse/*.snn
	$(GO) run ./cmd/snnc fmt --check stdlib/*.snn examples/*.snn examples/*/*.snn testdata/parse/*.snn

# The TextMate grammar of the VS Code extension against annotated copies of
# shipped models (vscode-tmgrammar-test, installed by npm from the lock
# file), and the extension packages (vsce checks its manifest). Without npm this fails and says what to install: no silent skip.
# The annotated feast.snn must stay examples/feast.snn plus assertion lines.
grammar:
	@command -v npm >/dev/null || { echo "the grammar test needs npm (Node.js >= 18): apt-get install -y npm"; exit 1; }
	cd editors/vscode && npm ci --no-audit --no-fund --loglevel=error
	cd editors/vscode && npm test && node --check extension.js
	@cd editors/vscode && npm run --silent package >/dev/null 2>&1 || \
		{ echo "the VS Code extension does not package: cd editors/vscode && npm run package"; exit 1; }
	@grep -Ev '^# SYNTAX TEST|^#[[:space:]]*\^|^# <-' editors/vscode/test/feast.snn | diff -u examples/feast.snn - || \
		{ echo "editors/vscode/test/feast.snn is no longer examples/feast.snn with assertions: update it"; exit 1; }

# The VS Code extension as editors/vscode/snn.vsix (code --install-extension).
vsix:
	@command -v npm >/dev/null || { echo "packaging the extension needs npm (Node.js >= 18): apt-get install -y npm"; exit 1; }
	cd editors/vscode && npm ci --no-audit --no-fund --loglevel=error && npm run package

bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./...

# The full-scale microcircuit (issue 16): construction, RTF with 1 and 2
# threads, bytes per synapse, peak RSS, rates. About 3 GB and minutes; not in test.
bench-potjans:
	sh bench/potjans2014.sh

# The papers' long runs (SNNC_LONG=1: Hao 2018 on more seeds and neurons,
# Izhikevich 2007's hour, the tempotron's full capacity curve, ...): the
# tests `make test` skips with "set SNNC_LONG=1 to run". Hours of CPU.
long:
	SNNC_LONG=1 $(SIMD) $(GO) test -count=1 -timeout 6h ./examples/...

clean:
	rm -rf testdata/fuzz/FuzzCheck/*.tmp

# Regenerate the interpreter's kernels from their operator table
# (backends/gosim/internal/kerngen; TestKernGenerated fails while stale).
.PHONY: generate
generate:
	$(GO) generate ./backends/gosim
