#!/bin/sh
# What a white-noise term and a per-synapse delay add to a LIF network, in
# snnc (snnc run and the built binary) and in Brian2 2.5 cpp_standalone,
# measured in the same run (issue 14: "a noise term or a per-synapse delay
# costs no more than Brian2 cpp_standalone pays for the same model").
# CUBA, N = 4000, 1 s: bench/models/cuba_delay.snn (base: one delay of
# 1.5 ms), cuba_noise.snn (base + sigma·sqrt(2/tau_m)·xi, Euler–Maruyama)
# and cuba_syndelay.snn (base with a delay per synapse drawn from
# normal(1.5 ms, 0.75 ms)); Brian2's twins from bench/brian2/cuba_cost.py,
# compiled once, their ./main timed alone.
#
#   REPS=5 sh bench/noise_delay_cost.sh
#   SIZE=40k sh bench/noise_delay_cost.sh   # N = 40000, p = 80/N: cuba40k_*.snn
#
# The runs are interleaved (every runner and variant once per round), so
# load from other jobs slows them alike. Per runner and variant it prints the
# median whole-process CPU seconds (user + sys, /usr/bin/time: includes
# building the synapses and drawing the delays) and the median loop time
# (snnc: summary.json's wall_s, wall time; Brian2: results/last_run_info.txt,
# which without OpenMP is std::clock(), CPU time: compare the loop columns
# between snnc and Brian2 only on an idle machine), then each variant's
# ratio to the base of the same runner. snnc runs one thread (its default).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REPS=${REPS:-3}
SIZE=${SIZE:-}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$ROOT"
GOEXPERIMENT=simd go build -o "$TMP/snnc" ./cmd/snnc
VARIANTS="base noise syndelay"
model() {
	case $1 in
	base) echo bench/models/cuba${SIZE}_delay.snn ;;
	noise) echo bench/models/cuba${SIZE}_noise.snn ;;
	syndelay) echo bench/models/cuba${SIZE}_syndelay.snn ;;
	esac
}
for v in $VARIANTS; do
	"$TMP/snnc" build -q "$(model $v)" -o "$TMP/bin_$v"
	/usr/bin/python3 bench/brian2/cuba_cost.py $v "$TMP/b2_$v" $SIZE >/dev/null 2>"$TMP/b2_$v.log" ||
		{ cat "$TMP/b2_$v.log" >&2; exit 1; }
done
sim() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["wall_s"])' "$1"; }
cpu() { awk '{print $1+$2}' "$TMP/t"; }
i=0
while [ $i -lt "$REPS" ]; do
	for v in $VARIANTS; do
		/usr/bin/time -f '%U %S' -o "$TMP/t" "$TMP/snnc" run -q "$(model $v)" -o "$TMP/o"
		echo "run $v $(cpu) $(sim "$TMP/o/summary.json")" >>"$TMP/all"
		/usr/bin/time -f '%U %S' -o "$TMP/t" "$TMP/bin_$v" -q -o "$TMP/o"
		echo "binary $v $(cpu) $(sim "$TMP/o/summary.json")" >>"$TMP/all"
		(cd "$TMP/b2_$v" && /usr/bin/time -f '%U %S' -o "$TMP/t" ./main >/dev/null)
		echo "brian2 $v $(cpu) $(cut -d' ' -f1 "$TMP/b2_$v/results/last_run_info.txt")" >>"$TMP/all"
	done
	i=$((i + 1))
done
python3 - "$TMP/all" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    r, v, c, s = line.split()
    runs.setdefault((r, v), []).append((float(c), float(s)))
names = {'run': 'snnc run', 'binary': 'snnc build binary', 'brian2': 'Brian2 cpp_standalone'}
print('| runner | variant | CPU s (median) | ×base | added CPU s | loop s (median; snnc wall, Brian2 CPU) | ×base | added loop s |')
print('|---|---|---|---|---|---|---|---|')
for r in ('run', 'binary', 'brian2'):
    bc = statistics.median(c for c, _ in runs[(r, 'base')])
    bs = statistics.median(s for _, s in runs[(r, 'base')])
    for v in ('base', 'noise', 'syndelay'):
        c = statistics.median(x for x, _ in runs[(r, v)])
        s = statistics.median(x for _, x in runs[(r, v)])
        print('| %s | %s | %.3f | %.2f | %+.3f | %.3f | %.2f | %+.3f |' % (names[r], v, c, c / bc, c - bc, s, s / bs, s - bs))
PY
