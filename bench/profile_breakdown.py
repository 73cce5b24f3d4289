#!/usr/bin/python3
"""Where the simulation time goes: perf samples of snnc run and of the
built binary (1 thread) on CUBA and COBA at N = 4000 and 40000, grouped
into neuron update (integrate, threshold, reset, finite check), synaptic
delivery and spike recording, with ns per neuron-step and per event.

    /usr/bin/python3 bench/profile_breakdown.py [--markdown]

Needs perf (linux-perf) and Go; builds ./snnc with GOEXPERIMENT=simd and
the binaries into a temporary directory. A sample is a slice of the
process's CPU time, so time lost to other jobs does not count (cache
contention does). Output writing after the loop is excluded."""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# (name, model, neurons, seconds of model time: long enough that set-up
# and output are a small part of the samples)
MODELS = [
    ("CUBA 4000", "examples/cuba.snn", 4000, 10),
    ("COBA 4000", "examples/coba.snn", 4000, 10),
    ("CUBA 40000", "bench/models/cuba40k.snn", 40000, 3),
    ("COBA 40000", "bench/models/coba40k.snn", 40000, 3),
]

# symbol patterns of each phase (both backends); the rest of the loop is
# "other" (step bookkeeping, the Go runtime during the loop)
UPDATE = re.compile(
    r"\.vec[UTF]\d+_\d+$|\.(update|fused|updateThreshold|threshold|finite|reset|refract)\w*$"
    r"|gosim\.(lifBlock|euler|crossings|row|finite|addV|mulK|rk|exact|kern)|\(\*exact\)|\(\*rk\)|\(\*pop\)\.(step|update|threshold|reset|fused|checkFinite)"
)
DELIVER = re.compile(r"\.(propagate|deliver)\w*$|Rows\)\.(Touch|Span)|\(\*proj\)|Procedural|RowBatch|Philox|deliverPar")
RECORD = re.compile(r"SpikeMonitor\)\.Record|StateMonitor|\(\*monitor")
SETUP_OR_OUTPUT = re.compile(
    r"strconv|bufio|npy|OutputDir|WriteRun|spikeSteps|bucketSort|Connect|newRows|Stream\)|binomial|sampleSorted|sortBelow|parser|lang\.|ir\.|passes\.|compile|newPop|plot|SpikeMonitor\)\.(each|Flush)"
)


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def samples(perf_data):
    out = sh(["perf", "report", "-i", perf_data, "-n", "--sort", "symbol", "--stdio"]).stdout
    rows = []
    for line in out.splitlines():
        m = re.match(r"\s*[\d.]+%\s+(\d+)\s+\[[.k]\]\s+(\S+)", line)
        if m:
            rows.append((m.group(2), int(m.group(1))))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--freq", default="4000")
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="snnc_profile.")
    snnc = os.path.join(tmp, "snnc")
    env = dict(os.environ, GOEXPERIMENT="simd")
    sh(["go", "build", "-o", snnc, "./cmd/snnc"], cwd=ROOT, env=env)
    rows = []
    for name, model, n, secs in MODELS:
        steps = round(secs / 1e-4)
        binary = os.path.join(tmp, os.path.basename(model)[:-4])
        sh([snnc, "build", "-q", os.path.join(ROOT, model), "-o", binary])
        for runner, cmd in (
            ("snnc run", [snnc, "run", "-q", os.path.join(ROOT, model)]),
            ("binary", [binary, "-q"]),
        ):
            out = os.path.join(tmp, "out")
            data = os.path.join(tmp, "perf.data")
            sh(["perf", "record", "-q", "-F", a.freq, "-o", data, "--"] + cmd + ["--threads", "1", "--duration", "%gs" % secs, "-o", out])
            groups = {"update": 0, "delivery": 0, "recording": 0, "other": 0}
            for sym, k in samples(data):
                if SETUP_OR_OUTPUT.search(sym):
                    continue
                if UPDATE.search(sym):
                    groups["update"] += k
                elif DELIVER.search(sym):
                    groups["delivery"] += k
                elif RECORD.search(sym):
                    groups["recording"] += k
                else:
                    groups["other"] += k
            loop = sum(groups.values())
            s = json.load(open(os.path.join(out, "summary.json")))
            nspk = sum(p["spikes"] for p in s["populations"])
            events = nspk * 80  # p·N = 80 targets a row
            ms = 1e3 / float(a.freq)  # ms of CPU per sample
            rows.append(
                (
                    name,
                    runner,
                    secs,
                    loop * ms / 1e3,
                    {g: 100.0 * k / max(loop, 1) for g, k in groups.items()},
                    groups["update"] * ms * 1e6 / (n * steps),
                    groups["delivery"] * ms * 1e6 / max(events, 1),
                    events,
                )
            )
    hdr = ["model", "runner", "model time (s)", "loop CPU (s)", "update", "delivery", "recording", "other", "update ns/neuron-step", "delivery ns/event", "events"]
    if a.markdown:
        print("| " + " | ".join(hdr) + " |")
        print("|" + "---|" * len(hdr))
    for name, runner, secs, cpu, pct, nsn, nse, ev in rows:
        cells = [name, runner, "%g" % secs, "%.3f" % cpu] + ["%.0f %%" % pct[g] for g in ("update", "delivery", "recording", "other")] + ["%.2f" % nsn, "%.2f" % nse, "%.1f M" % (ev / 1e6)]
        if a.markdown:
            print("| " + " | ".join(cells) + " |")
        else:
            print("  ".join(cells))
    print(f"(dt = 0.1 ms, 1 thread, perf -F {a.freq}; built in {tmp})", file=sys.stderr)


if __name__ == "__main__":
    main()
