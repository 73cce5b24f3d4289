#!/bin/sh
# Every issue-5 benchmark in one invocation on this machine: snnc's
# interpreter (`snnc run`), the binary from `snnc build`, Brian2 2.5's
# cpp_standalone device and (N = 4000 and Song 2000 only) its numpy device, on
#
#   cuba4k   examples/cuba.snn            CUBA N = 4000,  p = 0.02, 1 s
#   coba4k   examples/coba.snn            COBA N = 4000,  p = 0.02, 1 s
#   cuba40k  bench/models/cuba40k.snn     CUBA N = 40000, p = 80/N, 1 s
#   coba40k  bench/models/coba40k.snn     COBA N = 40000, p = 80/N, 1 s
#   song     examples/stdp_song2000.snn   Song 2000 STDP, 1000 Poisson inputs, 100 s
#
# For each it measures
#   - simulation time: snnc and the binary: summary.json's wall_s (the
#     simulation loop), best of $REPS runs, with 1 thread and, for the
#     N = 40000 models, 2 threads; Brian2: its sim_seconds (the loop only),
#     best of $BRIAN_REPS cpp_standalone runs, one numpy run;
#   - build time: `snnc build` cold (the first build after `rm -rf` of the
#     model's entry in snnc's build cache, $XDG_CACHE_HOME or ~/.cache
#     /snnc/build, with Go's own build cache warm) and warm (a second build of
#     the unchanged model); Brian2 cpp_standalone: build_seconds (code
#     generation + make from a clean project);
#   - peak RSS: /usr/bin/time -f %M of `snnc run` and of the binary (the
#     largest over the runs); Brian2: peak_rss_mb (cpp_standalone: the
#     binary alone; numpy: the whole Python process);
# and every figure's ratio to Brian2 cpp_standalone. It writes
# bench/results/bench_all.json and prints a table (summarize_all.py; add
# --markdown to that for the BENCHMARKS.md table).
#
#   sh bench/bench_all.sh                      # everything, 10-20 min on 2 cores
#   MODELS="cuba4k song" sh bench/bench_all.sh # a subset (then the JSON holds only those)
#   REPS=5 BRIAN_REPS=1 sh bench/bench_all.sh
#   SONG_NUMPY_DURATION=10 sh bench/bench_all.sh   # numpy Song 2000 for 10 s, scaled x10
#   KEEP=1 sh bench/bench_all.sh               # keep the raw outputs (path printed)
#
# Needs Go, /usr/bin/time, and Brian2 for /usr/bin/python3 (apt-get install -y
# python3-brian; cpp_standalone needs g++ and make). Installs nothing. It
# builds snnc from this checkout; the models' cache entries are removed and
# rebuilt, nothing else in the cache is touched.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PY=${PYTHON:-/usr/bin/python3}
REPS=${REPS:-3}
BRIAN_REPS=${BRIAN_REPS:-3}
SONG_NUMPY_DURATION=${SONG_NUMPY_DURATION:-100}
MODELS=${MODELS:-"cuba4k coba4k cuba40k coba40k song"}
OUT=${OUT:-bench/results/bench_all.json}

if ! "$PY" -c 'import brian2' 2>/dev/null; then
    echo "bench_all.sh: Brian2 is missing for $PY: apt-get install -y python3-brian" >&2
    exit 1
fi
for tool in go g++ make /usr/bin/time; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "bench_all.sh: $tool is missing (Go from go.dev; apt-get install -y build-essential time)" >&2
        exit 1
    fi
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/snnc_bench_all.XXXXXX")
if [ "${KEEP:-}" = 1 ]; then
    echo "bench_all.sh: raw outputs kept in $TMP" >&2
else
    trap 'rm -rf "$TMP"' EXIT
fi
RES=$TMP/res
mkdir -p "$RES"
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/snnc/build

log() { echo "== $*" >&2; }
now_ns() { date +%s%N; }

# meta: machine, load, versions
uptime > "$TMP/uptime_before"
log "load before: $(cat "$TMP/uptime_before")"
{
    echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "nproc=$(nproc)"
    echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "go=$(go version)"
    echo "commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "dirty=$(git status --porcelain 2>/dev/null | grep -c . || true)"
    echo "reps=$REPS"
    echo "brian_reps=$BRIAN_REPS"
} > "$TMP/meta"

log "building snnc"
GOEXPERIMENT=simd go build -o "$TMP/snnc" ./cmd/snnc  # the interpreter's vector kernels
SNNC=$TMP/snnc

# snnc_runs MODEL_KEY RUNNER EXE SNN DURATION THREADS: $REPS runs, each in its
# own directory with summary.json and rss (KB).
snnc_runs() {
    key=$1; runner=$2; exe=$3; snn=$4; dur=$5; th=$6
    i=1
    while [ "$i" -le "$REPS" ]; do
        d=$RES/$key/${runner}_t${th}_r$i
        mkdir -p "$d"
        log "$key: $runner --threads $th (run $i of $REPS)"
        if [ "$runner" = interp ]; then
            /usr/bin/time -f %M -o "$d/rss" "$exe" run "$snn" --duration "$dur" --seed 1 --threads "$th" --out "$d/out" -q
        else
            /usr/bin/time -f %M -o "$d/rss" "$exe" --duration "$dur" --seed 1 --threads "$th" --out "$d/out" -q
        fi
        mv "$d/out/summary.json" "$d/summary.json"
        rm -rf "$d/out"
        i=$((i + 1))
    done
}

# cache_entries BIN: the build-cache directories holding BIN's executable.
cache_entries() {
    [ -d "$CACHE" ] || return 0
    for e in "$CACHE"/*/; do
        e=${e%/}
        if [ -f "$e/model" ] && cmp -s "$e/model" "$1"; then echo "$e"; fi
    done
}

# snnc_build MODEL_KEY SNN: a first build (to find the cache entry), then cold
# (entry removed) and warm (unchanged) builds, timed; leaves $RES/KEY/bin.
snnc_build() {
    key=$1; snn=$2; bin=$RES/$key/bin
    mkdir -p "$RES/$key"
    log "$key: snnc build (first, to find the cache entry)"
    "$SNNC" build "$snn" -o "$bin" -q
    entries=$(cache_entries "$bin")
    if [ -z "$entries" ]; then
        echo "bench_all.sh: no entry of $snn found in $CACHE" >&2
        exit 1
    fi
    echo "$entries" > "$RES/$key/cache_entry"
    for e in $entries; do rm -rf "$e"; done
    log "$key: snnc build cold (cache entry removed)"
    t0=$(now_ns)
    "$SNNC" build "$snn" -o "$bin" -q
    t1=$(now_ns)
    echo $((t1 - t0)) > "$RES/$key/build_cold_ns"
    log "$key: snnc build warm (unchanged model)"
    t0=$(now_ns)
    "$SNNC" build "$snn" -o "$bin" -q
    t1=$(now_ns)
    echo $((t1 - t0)) > "$RES/$key/build_warm_ns"
}

# brian KEY DEVICE REPS SCRIPT ARGS...: REPS Brian2 runs, one JSON line each.
brian() {
    key=$1; dev=$2; n=$3; script=$4; shift 4
    i=1
    while [ "$i" -le "$n" ]; do
        log "$key: Brian2 $dev $script $* (run $i of $n)"
        if ! "$PY" "bench/brian2/$script" --device "$dev" --seed 1 "$@" \
                >> "$RES/$key/brian2_$dev.jsonl" 2>> "$RES/$key/brian2_$dev.log"; then
            tail -n 20 "$RES/$key/brian2_$dev.log" >&2
            echo "bench_all.sh: Brian2 $dev on $key failed" >&2
            exit 1
        fi
        i=$((i + 1))
    done
}

# bench KEY SNN SNNC_DURATION BRIAN_DURATION THREADS NUMPY_DURATION SCRIPT ARGS...
# (NUMPY_DURATION "-": no numpy run)
bench() {
    key=$1; snn=$2; dur=$3; bdur=$4; threads=$5; npdur=$6; script=$7; shift 7
    mkdir -p "$RES/$key"
    printf '%s\n' "snn=$snn" "duration_s=$bdur" "threads=$threads" "numpy_duration_s=$npdur" \
        "brian2_args=$script $*" > "$RES/$key/info"
    for th in $threads; do snnc_runs "$key" interp "$SNNC" "$snn" "$dur" "$th"; done
    snnc_build "$key" "$snn"
    for th in $threads; do snnc_runs "$key" binary "$RES/$key/bin" "$snn" "$dur" "$th"; done
    brian "$key" cpp_standalone "$BRIAN_REPS" "$script" --duration "$bdur" "$@"
    if [ "$npdur" != - ]; then
        brian "$key" numpy 1 "$script" --duration "$npdur" "$@"
    fi
}

for m in $MODELS; do
    case $m in
    cuba4k)  bench cuba4k examples/cuba.snn 1s 1 "1" 1 cuba.py --N 4000 ;;
    coba4k)  bench coba4k examples/coba.snn 1s 1 "1" 1 coba.py --N 4000 ;;
    cuba40k) bench cuba40k bench/models/cuba40k.snn 1s 1 "1 2" - cuba.py --N 40000 --p80 ;;
    coba40k) bench coba40k bench/models/coba40k.snn 1s 1 "1 2" - coba.py --N 40000 --p80 ;;
    song)    bench song examples/stdp_song2000.snn 100s 100 "1" "$SONG_NUMPY_DURATION" song2000.py ;;
    *) echo "bench_all.sh: unknown model $m (cuba4k coba4k cuba40k coba40k song)" >&2; exit 2 ;;
    esac
done

uptime > "$TMP/uptime_after"
log "load after: $(cat "$TMP/uptime_after")"
mkdir -p "$(dirname "$OUT")"
"$PY" bench/summarize_all.py "$TMP" "$OUT"
echo "load before: $(cat "$TMP/uptime_before")"
echo "load after:  $(cat "$TMP/uptime_after")"
