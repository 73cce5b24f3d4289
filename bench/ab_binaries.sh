#!/bin/sh
# A/B of built binaries: the same models built by two snnc commands (say
# one from main and one from a branch), run alternately (the order flips
# every repetition, so a loaded machine slows both alike) with one thread,
# scalar loops (SNNC_SIMD=off) and SIMD kernels; prints the CPU time
# (user+sys) of each and the ratios B/A (< 1: B is faster).
#
#   A=/tmp/snnc-main B=./snnc REPS=6 DUR=300ms sh bench/ab_binaries.sh bench/models/cuba40k.snn
set -eu
: "${A:?snnc command A}" "${B:?snnc command B}"
REPS=${REPS:-6}
DUR=${DUR:-}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
for m in "$@"; do
	name=$(basename "$m" .snn)
	"$A" build -q "$m" -o "$TMP/$name.A"
	"$B" build -q "$m" -o "$TMP/$name.B"
done
printf '%-12s %-5s %8s %8s %8s %8s %8s %8s\n' model simd A_min A_med B_min B_med B/A_min B/A_med
for mode in off on; do
	for m in "$@"; do
		name=$(basename "$m" .snn)
		: >"$TMP/A.c"; : >"$TMP/B.c"
		i=0
		while [ $i -lt "$REPS" ]; do
			order="A B"; [ $((i % 2)) -eq 1 ] && order="B A"
			for v in $order; do
				(cd "$(dirname "$m")" && SNNC_SIMD=$([ $mode = off ] && echo off || echo "") /usr/bin/time -f '%U %S' -o "$TMP/t" \
					"$TMP/$name.$v" -q -o "$TMP/out" --threads 1 ${DUR:+--duration $DUR})
				awk '{print $1+$2}' "$TMP/t" >>"$TMP/$v.c"
			done
			i=$((i + 1))
		done
		python3 - "$TMP/A.c" "$TMP/B.c" "$name" "$mode" <<'PY'
import statistics as st, sys
a = [float(x) for x in open(sys.argv[1])]
b = [float(x) for x in open(sys.argv[2])]
print(f"{sys.argv[3]:12s} {sys.argv[4]:5s} {min(a):8.2f} {st.median(a):8.2f} {min(b):8.2f} {st.median(b):8.2f} {min(b)/min(a):8.3f} {st.median(b)/st.median(a):8.3f}")
PY
	done
done
