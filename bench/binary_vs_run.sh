#!/bin/sh
# Is every built binary at least as fast as `snnc run`? For each model (default:
# every examples/*.snn, examples/*/*.snn and bench/models/*.snn) it builds the
# binary once, then runs `snnc run` and the binary alternately $REPS times
# (interleaved, so a loaded machine slows both alike) and prints per model the
# best whole-process CPU time (user+sys, /usr/bin/time) and the best
# simulation-loop time (summary.json's wall_s) of each, and their ratios
# run/binary (> 1: the binary is faster).
#
#   sh bench/binary_vs_run.sh                          # all models, REPS=3
#   REPS=5 sh bench/binary_vs_run.sh bench/models/izhikevich2006.snn
#
# snnc is built like `make snnc` (GOEXPERIMENT=simd on amd64), so the
# interpreter has its vector kernels, as the binaries do.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REPS=${REPS:-3}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$ROOT"
GOEXPERIMENT=simd go build -o "$TMP/snnc" ./cmd/snnc
if [ $# -eq 0 ]; then
	# every example but the full-scale microcircuit (bench/potjans2014.sh)
	set -- $(ls examples/*.snn examples/*/*.snn bench/models/*.snn | grep -v "/potjans2014.snn$")
fi
best() { sort -g | head -1; }
printf '%-38s %9s %9s %7s   %9s %9s %7s\n' model run_cpu bin_cpu ratio run_sim bin_sim ratio
for m in "$@"; do
	name=$(basename "$m" .snn)
	dir=$(dirname "$m")
	"$TMP/snnc" build -q "$m" -o "$TMP/$name.bin"
	: >"$TMP/run.cpu"; : >"$TMP/bin.cpu"; : >"$TMP/run.sim"; : >"$TMP/bin.sim"
	i=0
	while [ $i -lt "$REPS" ]; do
		# models read their data files relative to the model's directory
		(cd "$dir" && /usr/bin/time -f '%U %S' -o "$TMP/t" "$TMP/snnc" run -q "$(basename "$m")" -o "$TMP/out_run")
		awk '{print $1+$2}' "$TMP/t" >>"$TMP/run.cpu"
		python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["wall_s"])' "$TMP/out_run/summary.json" >>"$TMP/run.sim"
		(cd "$dir" && /usr/bin/time -f '%U %S' -o "$TMP/t" "$TMP/$name.bin" -q -o "$TMP/out_bin")
		awk '{print $1+$2}' "$TMP/t" >>"$TMP/bin.cpu"
		python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["wall_s"])' "$TMP/out_bin/summary.json" >>"$TMP/bin.sim"
		i=$((i + 1))
	done
	rc=$(best <"$TMP/run.cpu"); bc=$(best <"$TMP/bin.cpu")
	rs=$(best <"$TMP/run.sim"); bs=$(best <"$TMP/bin.sim")
	awk -v m="$m" -v rc="$rc" -v bc="$bc" -v rs="$rs" -v bs="$bs" 'BEGIN {
		# /usr/bin/time counts CPU in 10 ms: no ratio below that
		r1 = (bc > 0 ? sprintf("%7.2f", rc / bc) : "      -")
		r2 = (bs > 0 ? sprintf("%7.2f", rs / bs) : "      -")
		printf "%-38s %9.3f %9.3f %s   %9.3f %9.3f %s\n", m, rc, bc, r1, rs, bs, r2 }'
	rm -rf "$TMP/out_run" "$TMP/out_bin"
done
