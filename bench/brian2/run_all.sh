#!/bin/sh
# Regenerate every file in bench/brian2/results/ (Brian2 reference runs for
# the snnc cross-check; see README.md). Installs nothing.
#
#   bench/brian2/run_all.sh            # everything (about 20 minutes on 2 cores)
#   SEEDS="1 2 3" bench/brian2/run_all.sh   (also BIG_SEEDS, MANY_SEEDS)
#   SONG_DURATION=10 bench/brian2/run_all.sh
#   ONLY=cuba_runtime_N4000 bench/brian2/run_all.sh   # one experiment (then summarises all)
#
# Raw JSON lines go to results/raw/<experiment>.jsonl (one line per run);
# summarize.py then writes results/<experiment>.json (runs + mean/std +
# machine info) and results/SUMMARY.md.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
PY=${PYTHON:-/usr/bin/python3}
SEEDS=${SEEDS:-"1 2 3 4 5"}
BIG_SEEDS=${BIG_SEEDS:-"1 2 3"}
MANY_SEEDS=${MANY_SEEDS:-"$(seq 1 20 | tr '\n' ' ')"}
SONG_DURATION=${SONG_DURATION:-100}
ONLY=${ONLY:-}
RAW="$HERE/results/raw"

if ! "$PY" -c 'import brian2' >/dev/null 2>&1; then
    echo "run_all.sh: brian2 is not importable by $PY." >&2
    echo "Install Brian2 2.5.x from Debian first:  apt-get install -y python3-brian" >&2
    echo "(then run this script again; set PYTHON=... to use another interpreter)" >&2
    exit 1
fi
for tool in gcc g++ make; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "run_all.sh: $tool is missing; cpp_standalone needs a C++ toolchain (apt-get install -y build-essential)" >&2
        exit 1
    fi
done

mkdir -p "$RAW"
cd "$HERE"

# exp NAME SEEDS SCRIPT ARGS...: run SCRIPT once per seed, one JSON line each.
exp() {
    name=$1; seeds=$2; script=$3; shift 3
    if [ -n "$ONLY" ] && [ "$ONLY" != "$name" ]; then return 0; fi
    out="$RAW/$name.jsonl"
    : > "$out.tmp"
    : > "$RAW/$name.log"
    for s in $seeds; do
        echo "== $name seed $s: $script $*" >&2
        if ! "$PY" "$script" --seed "$s" "$@" >> "$out.tmp" 2>> "$RAW/$name.log"; then
            tail -n 20 "$RAW/$name.log" >&2
            echo "run_all.sh: $name (seed $s) failed; full log in $RAW/$name.log" >&2
            exit 1
        fi
    done
    mv "$out.tmp" "$out"
    echo "   -> $out" >&2
}

# The single neuron under a current step (spike times).
exp lif_step "1" lif_step.py --device runtime

# Mean rates over seeds, Brian2's default runtime device (Cython).
exp cuba_runtime_N4000 "$SEEDS" cuba.py --device runtime --N 4000
exp coba_runtime_N4000 "$SEEDS" coba.py --device runtime --N 4000
# Seed-to-seed spread of the mean rate (how far apart two 5-seed means may be).
exp cuba_runtime_N4000_20seeds "$MANY_SEEDS" cuba.py --device runtime --N 4000
exp coba_runtime_N4000_20seeds "$MANY_SEEDS" coba.py --device runtime --N 4000
# Which integrator Brian2 picks for COBA when none is given.
exp coba_runtime_N4000_method_auto "1" coba.py --device runtime --N 4000 --method auto

# C++ standalone: build and simulation time, peak RSS (single thread).
exp cuba_cpp_standalone_N4000 "$SEEDS" cuba.py --device cpp_standalone --N 4000
exp coba_cpp_standalone_N4000 "$SEEDS" coba.py --device cpp_standalone --N 4000
exp cuba_cpp_standalone_N40000_p80 "$BIG_SEEDS" cuba.py --device cpp_standalone --N 40000 --p80
exp coba_cpp_standalone_N40000_p80 "$BIG_SEEDS" coba.py --device cpp_standalone --N 40000 --p80
# The same with OpenMP on 2 threads (Brian2's own multi-core mode).
exp cuba_cpp_standalone_N40000_p80_threads2 "1" cuba.py --device cpp_standalone --N 40000 --p80 --threads 2
exp coba_cpp_standalone_N40000_p80_threads2 "1" coba.py --device cpp_standalone --N 40000 --p80 --threads 2

# Runtime (Cython) and numpy code generation, for the speed tables.
exp cuba_runtime_N40000_p80 "1" cuba.py --device runtime --N 40000 --p80
exp coba_runtime_N40000_p80 "1" coba.py --device runtime --N 40000 --p80
exp cuba_numpy_N4000 "1" cuba.py --device numpy --N 4000
exp coba_numpy_N4000 "1" coba.py --device numpy --N 4000
exp cuba_numpy_N40000_p80 "1" cuba.py --device numpy --N 40000 --p80
exp coba_numpy_N40000_p80 "1" coba.py --device numpy --N 40000 --p80

# Song et al. 2000 STDP.
exp song2000_cpp_standalone "1" song2000.py --device cpp_standalone --duration "$SONG_DURATION"
exp song2000_runtime "1" song2000.py --device runtime --duration "$SONG_DURATION"
exp song2000_numpy "1" song2000.py --device numpy --duration "$SONG_DURATION"

"$PY" summarize.py
