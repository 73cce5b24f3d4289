#!/bin/sh
# The full-scale cortical microcircuit (examples/potjans2014.snn: 77,169
# neurons, 0.3 billion synapses) as issue 16 benchmarks it: the built binary
# (snnc build, GOEXPERIMENT=simd) runs DURATION of biological time once per
# thread count and reports, from /usr/bin/time -v and summary.json:
#   construct_s  wall time before the first step (elapsed minus the loop)
#   sim_s        the simulation loop's wall time (summary.json wall_s)
#   rtf          sim_s / DURATION (real-time factor, wall)
#   cpu_s        the whole process's user+sys (construction included)
#   B/syn        connectivity bytes per recurrent synapse (summary.json)
#   rss_GB       peak resident set size
# and the populations' rates after the first 500 ms (DURATION > 0.5 s).
# It needs about 3 GB and minutes per run; not part of make test.
#
#   sh bench/potjans2014.sh                     # 1 s, 1 and 2 threads
#   DURATION=2s THREADS="2" sh bench/potjans2014.sh
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-1s}
THREADS=${THREADS:-1 2}
MODEL=${MODEL:-examples/potjans2014.snn}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$ROOT"
GOEXPERIMENT=simd go build -o "$TMP/snnc" ./cmd/snnc
"$TMP/snnc" build -q "$MODEL" -o "$TMP/model"
printf '%-8s %8s %12s %9s %8s %8s %8s %7s\n' threads duration construct_s sim_s rtf cpu_s B/syn rss_GB
for th in $THREADS; do
	out="$TMP/out$th"
	/usr/bin/time -v -o "$TMP/time$th" "$TMP/model" -q --threads "$th" --duration "$DURATION" --out "$out"
	/usr/bin/python3 - "$TMP/time$th" "$out/summary.json" "$th" <<'PY'
import json, sys
t = {}
for line in open(sys.argv[1]):
    k, _, v = line.strip().rpartition(": ")
    t[k] = v
def secs(s):  # h:mm:ss or m:ss.ss
    x = 0.0
    for p in s.split(":"):
        x = 60 * x + float(p)
    return x
el = secs(t["Elapsed (wall clock) time (h:mm:ss or m:ss)"])
cpu = float(t["User time (seconds)"]) + float(t["System time (seconds)"])
rss = int(t["Maximum resident set size (kbytes)"]) * 1024 / 1e9
s = json.load(open(sys.argv[2]))
syn = sum(p["synapses"] for p in s["projections"])
b = sum(p["connectivity_bytes"] for p in s["projections"])
d = s["duration_s"]
print("%-8s %8g %12.1f %9.1f %8.1f %8.1f %8.2f %7.2f" % (sys.argv[3], d, el - s["wall_s"], s["wall_s"], s["wall_s"] / d, cpu, b / syn, rss))
# rates after the first 500 ms, as the reference implementation reports them
out = sys.argv[2].rsplit("/", 1)[0]
if d > 0.5:
    import numpy as np
    r = []
    for p in s["populations"]:
        t = np.load("%s/spikes_%s_t.npy" % (out, p["name"]))
        r.append("%s %.3f" % (p["name"], np.count_nonzero(t >= 0.5) / (p["n"] * (d - 0.5))))
    print("         rates after 500 ms (Hz):", " ".join(r))
PY
done
