#!/usr/bin/python3
"""Summarise results/raw/*.jsonl (written by run_all.sh) into
results/<experiment>.json and results/SUMMARY.md. Needs only numpy."""
import glob
import json
import os
import statistics

HERE = os.path.dirname(os.path.abspath(__file__))
RES = os.path.join(HERE, 'results')

NUMERIC = ('mean_rate_hz', 'rate_E_hz', 'rate_I_hz', 'spikes', 'synapses',
           'sim_seconds', 'run_call_seconds', 'setup_seconds',
           'build_seconds', 'binary_seconds', 'peak_rss_mb',
           'python_peak_rss_mb', 'output_rate_hz', 'output_rate_last10s_hz',
           'w_frac_below_0.1gmax', 'w_frac_above_0.9gmax')


def stats(vals):
    d = {'n': len(vals), 'mean': statistics.fmean(vals),
         'min': min(vals), 'max': max(vals)}
    d['std'] = statistics.stdev(vals) if len(vals) > 1 else 0.0
    d['median'] = statistics.median(vals)
    return {k: (round(v, 6) if isinstance(v, float) else v)
            for k, v in d.items()}


def load():
    exps = {}
    for path in sorted(glob.glob(os.path.join(RES, 'raw', '*.jsonl'))):
        name = os.path.basename(path)[:-len('.jsonl')]
        with open(path) as f:
            runs = [json.loads(line) for line in f if line.strip()]
        if runs:
            exps[name] = runs
    return exps


def write_json(name, runs):
    machine = runs[0].get('machine', {})
    clean = [{k: v for k, v in r.items() if k != 'machine'} for r in runs]
    summary = {}
    for key in NUMERIC:
        vals = [r[key] for r in runs if isinstance(r.get(key), (int, float))]
        if vals:
            summary[key] = stats(vals)
    doc = {'experiment': name,
           'regenerate': 'bench/brian2/run_all.sh (ONLY=%s for this one)' % name,
           'machine': machine, 'summary': summary, 'runs': clean}
    with open(os.path.join(RES, name + '.json'), 'w') as f:
        json.dump(doc, f, indent=1)
        f.write('\n')
    return doc


def seed_list(runs):
    seeds = [r['seed'] for r in runs]
    if len(seeds) > 2 and seeds == list(range(seeds[0], seeds[0] + len(seeds))):
        return '%d-%d' % (seeds[0], seeds[-1])
    return ','.join(str(x) for x in seeds)


def fmt(s, key, nd=2):
    if key not in s:
        return '-'
    d = s[key]
    if d['n'] == 1:
        return '%.*f' % (nd, d['mean'])
    return '%.*f ± %.*f' % (nd, d['mean'], nd, d['std'])


def main():
    exps = load()
    docs = {name: write_json(name, runs) for name, runs in exps.items()}
    lines = ['# Brian2 reference results', '']
    if docs:
        m = next(iter(docs.values()))['machine']
        lines += ['Machine: %s, %s cores; Python %s, Brian2 %s, numpy %s, '
                  'Cython %s, sympy %s, %s.' % (
                      m.get('cpu_model'), m.get('nproc'), m.get('python'),
                      m.get('brian2'), m.get('numpy'), m.get('cython'),
                      m.get('sympy'), m.get('gxx')), '']
    net = [n for n in docs if n.startswith(('cuba', 'coba'))]
    if net:
        lines += ['## CUBA / COBA (1 s, dt 0.1 ms; mean ± sample std over seeds)', '',
                  '| experiment | method | seeds | mean rate (Hz) | E rate (Hz) | I rate (Hz) | synapses | sim (s) | build (s) | binary (s) | peak RSS (MB) |',
                  '|---|---|---|---|---|---|---|---|---|---|---|']
        for n in net:
            d = docs[n]
            s = d['summary']
            lines.append('| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' % (
                n, d['runs'][0].get('method'),
                seed_list(d['runs']),
                fmt(s, 'mean_rate_hz', 3), fmt(s, 'rate_E_hz'),
                fmt(s, 'rate_I_hz'), fmt(s, 'synapses', 0),
                fmt(s, 'sim_seconds', 3), fmt(s, 'build_seconds', 1),
                fmt(s, 'binary_seconds', 3), fmt(s, 'peak_rss_mb', 1)))
        lines.append('')
    if 'lif_step' in docs:
        r = docs['lif_step']['runs'][0]
        lines += ['## LIF under a current step', '',
                  'Brian2 (%s, %s): spikes at %s ms (steps %s); '
                  'continuous-time solution %s ms.' % (
                      r['device'], r['method'], r['spike_times_ms'],
                      r['spike_steps'], r['analytic_spike_times_ms']), '']
    song = [n for n in docs if n.startswith('song2000')]
    if song:
        lines += ['## Song 2000 STDP', '',
                  '| experiment | duration (s) | method | output rate (Hz) | last 10 s (Hz) | w < 0.1 gmax | w > 0.9 gmax | sim (s) | build (s) | binary (s) | peak RSS (MB) |',
                  '|---|---|---|---|---|---|---|---|---|---|---|']
        for n in song:
            r = docs[n]['runs'][0]
            s = docs[n]['summary']
            lines.append('| %s | %g | %s | %.2f | %.2f | %.3f | %.3f | %s | %s | %s | %s |' % (
                n, r['duration_s'], r['method'], r['output_rate_hz'],
                r['output_rate_last10s_hz'], r['w_frac_below_0.1gmax'],
                r['w_frac_above_0.9gmax'], fmt(s, 'sim_seconds', 2),
                fmt(s, 'build_seconds', 1), fmt(s, 'binary_seconds', 2),
                fmt(s, 'peak_rss_mb', 1)))
        lines.append('')
    with open(os.path.join(RES, 'SUMMARY.md'), 'w') as f:
        f.write('\n'.join(lines))
    print('\n'.join(lines))


if __name__ == '__main__':
    main()
