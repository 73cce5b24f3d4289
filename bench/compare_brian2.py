#!/usr/bin/env python3
"""Cross-check snnc against Brian2 on the same models (issue 4).

Runs `snnc run` on examples/cuba.snn and examples/coba.snn (N = 4000, 1 s)
for the same seeds Brian2 was run with (20 by default: per-seed rates vary
by about 6 %, so 5-seed means of two correct simulators differ by about
3.6 % and a 5 % check would fail one time in six) and on
bench/brian2/lif_step.snn, and compares with the
Brian2 2.5 results stored in bench/brian2/results/raw/ (regenerate those
with bench/brian2/run_all.sh, which needs `apt-get install -y python3-brian`;
this script itself needs only Python 3 and Go).

Criteria: mean firing rate over the seeds within 5 % of Brian2's; the
LIF neuron under a current step spikes at the same times to within one
time step. Writes bench/results/compare_brian2.json and exits 1 if a
criterion fails.

Usage: python3 bench/compare_brian2.py [--snnc PATH]
"""
import argparse, json, os, statistics, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RAW = os.path.join(ROOT, "bench", "brian2", "results", "raw")


def snnc_run(snnc, model, seed, out):
    cmd = [snnc, "run", model, "--out", out, "-q"]
    if seed is not None:
        cmd += ["--seed", str(seed)]
    subprocess.run(cmd, check=True, cwd=ROOT)
    with open(os.path.join(out, "summary.json")) as f:
        return json.load(f)


def mean_rate(summary):
    n = sum(p["n"] for p in summary["populations"])
    spikes = sum(p["spikes"] for p in summary["populations"])
    return spikes / n / summary["duration_s"]


def brian2_rates(name):
    rates = {}
    path = os.path.join(RAW, name)
    with open(path) as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                rates[d["seed"]] = d["mean_rate_hz"]
    return rates


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--snnc", default=None, help="snnc binary (default: go build it)")
    ap.add_argument("--seeds", type=int, default=20, help="how many seeds (Brian2's results must have them)")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="snnc-brian2-")
    snnc = args.snnc
    if snnc is None:
        snnc = os.path.join(tmp, "snnc")
        subprocess.run(["go", "build", "-o", snnc, "./cmd/snnc"], check=True, cwd=ROOT)
    report, ok = {"models": {}}, True
    for model, raw in [("cuba", "cuba_runtime_N4000_20seeds.jsonl"), ("coba", "coba_runtime_N4000_20seeds.jsonl")]:
        ref = brian2_rates(raw)
        seeds = sorted(ref)[:args.seeds]
        ours = [mean_rate(snnc_run(snnc, f"examples/{model}.snn", s, os.path.join(tmp, f"{model}{s}"))) for s in seeds]
        theirs = [ref[s] for s in seeds]
        m1, m2 = statistics.mean(ours), statistics.mean(theirs)
        rel = abs(m1 - m2) / m2
        passed = rel <= 0.05
        ok = ok and passed
        report["models"][model] = {"seeds": seeds, "snnc_hz": ours, "brian2_hz": theirs,
                                   "snnc_mean_hz": m1, "brian2_mean_hz": m2, "relative_difference": rel, "within_5_percent": passed}
        print(f"{model}: snnc {m1:.3f} Hz (sd {statistics.stdev(ours):.3f}), Brian2 {m2:.3f} Hz (sd {statistics.stdev(theirs):.3f}), "
              f"difference {100 * rel:.2f} % -> {'ok' if passed else 'FAIL'}")
    # one LIF neuron under a current step: spike times within one dt
    out = os.path.join(tmp, "lif")
    s = snnc_run(snnc, "bench/brian2/lif_step.snn", None, out)
    with open(os.path.join(out, "spikes_P.csv")) as f:
        ours = [float(line.split(",")[1]) * 1e3 for line in f.read().splitlines()[1:] if line]
    with open(os.path.join(ROOT, "bench", "brian2", "results", "lif_step.json")) as f:
        ref = json.load(f)
    theirs = ref["runs"][0]["spike_times_ms"]
    dt_ms = s["dt_s"] * 1e3
    same = len(ours) == len(theirs) and all(abs(a - b) <= dt_ms + 1e-9 for a, b in zip(ours, theirs))
    ok = ok and same
    report["lif_step"] = {"snnc_ms": ours, "brian2_ms": theirs, "within_one_step": same}
    print(f"lif_step: snnc {ours} ms, Brian2 {theirs} ms -> {'ok' if same else 'FAIL'}")
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "results", "compare_brian2.json"), "w") as f:
        json.dump(report, f, indent=2)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
