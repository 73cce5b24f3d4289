#!/bin/sh
# Speed and memory of `snnc run` (the interpreter) against Brian2 2.5's
# cpp_standalone device, measured in one invocation on this machine:
#   - CUBA N=4000, 1 s: simulation time (snnc: summary.json wall_s, best of 3;
#     Brian2: the compiled binary's own run time, sim_seconds), and the
#     end-to-end time of `snnc run examples/cuba.snn` (process start to exit);
#   - CUBA N=40000, p=80/N, 1 s: the same, plus peak RSS of both.
# Needs Go, /usr/bin/time and Brian2 (apt-get install -y python3-brian);
# writes bench/results/speed.json and prints a table.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PY=${PYTHON:-/usr/bin/python3}
if ! "$PY" -c 'import brian2' 2>/dev/null; then
    echo "speed_vs_brian2.sh: Brian2 is missing: apt-get install -y python3-brian" >&2
    exit 1
fi
TMP=$(mktemp -d)
GOEXPERIMENT=simd go build -o "$TMP/snnc" ./cmd/snnc  # the interpreter's vector kernels

snnc_best() { # model -> "best_wall_s peak_rss_kb"
    best=""; rss=0
    for i in 1 2 3; do
        /usr/bin/time -f %M -o "$TMP/rss" "$TMP/snnc" run "$1" --out "$TMP/o" -q
        w=$("$PY" -c "import json;print(json.load(open('$TMP/o/summary.json'))['wall_s'])")
        r=$(cat "$TMP/rss")
        best=$("$PY" -c "print(min([x for x in [$w, ${best:-1e9}]]))")
        [ "$r" -gt "$rss" ] && rss=$r
    done
    echo "$best $rss"
}
e2e=$( { /usr/bin/time -f %e "$TMP/snnc" run examples/cuba.snn --out "$TMP/e2e" -q; } 2>&1 | tail -1)
set -- $(snnc_best examples/cuba.snn); s4=$1; r4=$2
set -- $(snnc_best bench/models/cuba40k.snn); s40=$1; r40=$2
b4=$("$PY" bench/brian2/cuba.py --device cpp_standalone --seed 1)
b40=$(/usr/bin/time -f %M -o "$TMP/brss" "$PY" bench/brian2/cuba.py --device cpp_standalone --seed 1 --N 40000 --p80)
"$PY" - "$s4" "$r4" "$s40" "$r40" "$e2e" "$b4" "$b40" <<'PYEOF'
import json, sys, os
s4, r4, s40, r40, e2e = float(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
b4, b40 = json.loads(sys.argv[6]), json.loads(sys.argv[7])
res = {
  "cuba_4000": {"snnc_sim_s": s4, "brian2_cpp_sim_s": b4["sim_seconds"], "brian2_build_s": b4.get("build_seconds"),
                "ratio": s4 / b4["sim_seconds"], "snnc_end_to_end_s": e2e, "snnc_peak_rss_mb": r4 / 1024},
  "cuba_40000_p80": {"snnc_sim_s": s40, "brian2_cpp_sim_s": b40["sim_seconds"], "ratio": s40 / b40["sim_seconds"],
                     "snnc_peak_rss_mb": r40 / 1024, "brian2_peak_rss_mb": b40.get("peak_rss_mb")},
}
os.makedirs("bench/results", exist_ok=True)
json.dump(res, open("bench/results/speed.json", "w"), indent=2)
print("%-18s %12s %16s %7s %14s" % ("model", "snnc sim s", "Brian2 cpp sim s", "ratio", "snnc RSS MB"))
for k, v in res.items():
    print("%-18s %12.3f %16.3f %7.2f %14.1f" % (k, v["snnc_sim_s"], v["brian2_cpp_sim_s"], v["ratio"], v["snnc_peak_rss_mb"]))
print("snnc run examples/cuba.snn end to end: %.2f s (Brian2 cpp_standalone build: %.1f s)" % (e2e, b4.get("build_seconds") or 0))
PYEOF
