#!/usr/bin/python3
"""Collect the raw outputs of bench/bench_all.sh into one JSON file and print
the side-by-side table (stdlib only).

  summarize_all.py RAWDIR OUT.json      collect, write OUT.json, print the table
  summarize_all.py --markdown OUT.json  print the BENCHMARKS.md table and targets

RAWDIR is bench_all.sh's temporary directory: meta, uptime_before/after and
res/<model>/ with {interp,binary}_t<threads>_r<rep>/{summary.json,rss},
build_{cold,warm}_ns, brian2_{cpp_standalone,numpy}.jsonl and info.
"""
import json
import os
import sys

DESCR = {
    'cuba4k': 'CUBA N=4000, p=0.02, 1 s',
    'coba4k': 'COBA N=4000, p=0.02, 1 s',
    'cuba40k': 'CUBA N=40000, p=80/N, 1 s',
    'coba40k': 'COBA N=40000, p=80/N, 1 s',
    'song': 'Song 2000 STDP, 1000 inputs, 100 s',
}
ORDER = ['cuba4k', 'coba4k', 'cuba40k', 'coba40k', 'song']
SPEED_MODELS = ['cuba4k', 'coba4k', 'cuba40k', 'coba40k']


def kv(path):
    out = {}
    with open(path) as f:
        for line in f:
            if '=' in line:
                k, v = line.rstrip('\n').split('=', 1)
                out[k] = v
    return out


def read(path):
    with open(path) as f:
        return f.read().strip()


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def events(summary):
    """Neuron updates and synaptic events (spikes of a projection's source x
    its synapses per source neuron) of one snnc run."""
    pops = {p['name']: p for p in summary['populations']}
    steps = round(summary['duration_s'] / summary['dt_s'])
    n = sum(p['n'] for p in pops.values())
    spikes = sum(p['spikes'] for p in pops.values())
    ev = 0.0
    known = True
    for pr in summary.get('projections', []):
        src = pr['name'].split('->')[0] if '->' in pr['name'] else None
        if src not in pops:
            known = False  # e.g. from a spike source that is not a population
            continue
        ev += pops[src]['spikes'] * pr['synapses'] / pops[src]['n']
    return {'neurons': n, 'steps': steps, 'neuron_updates': n * steps,
            'spikes': spikes, 'rate_hz': spikes / n / summary['duration_s'],
            'synapses': sum(pr['synapses'] for pr in summary.get('projections', [])),
            'synaptic_events': round(ev) if known else None}


def snnc_runs(d, runner):
    """{threads: {...}} for runner 'interp' or 'binary'."""
    runs = {}
    for name in sorted(os.listdir(d)):
        if not name.startswith(runner + '_t'):
            continue
        th = name[len(runner) + 2:].split('_r')[0]
        with open(os.path.join(d, name, 'summary.json')) as f:
            s = json.load(f)
        rss = int(read(os.path.join(d, name, 'rss')).splitlines()[-1])
        runs.setdefault(th, []).append((s, rss))
    out = {}
    for th, rs in runs.items():
        walls = [s['wall_s'] for s, _ in rs]
        out[th] = {
            'sim_s': min(walls), 'sim_s_runs': walls,
            'peak_rss_mb': max(r for _, r in rs) / 1024.0,
            'peak_rss_mb_runs': [round(r / 1024.0, 1) for _, r in rs],
            'events': events(rs[0][0]),
        }
    return out


def brian_runs(path):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        recs = [json.loads(l) for l in f if l.strip()]
    if not recs:
        return None
    sims = [r['sim_seconds'] for r in recs]
    out = {'sim_s': min(sims), 'sim_s_runs': sims,
           'peak_rss_mb': max(r['peak_rss_mb'] for r in recs),
           'duration_s': recs[0]['duration_s'],
           'command': recs[0].get('command'),
           'machine': recs[0].get('machine')}
    if 'build_seconds' in recs[0]:
        b = [r['build_seconds'] for r in recs]
        out.update(build_s=min(b), build_s_runs=b,
                   binary_s=min(r['binary_seconds'] for r in recs))
    r0 = recs[0]
    out['rate_hz'] = r0.get('mean_rate_hz', r0.get('output_rate_hz'))
    if 'synapses' in r0:
        out['synapses'] = r0['synapses']
    return out


def collect(raw, outpath):
    meta = kv(os.path.join(raw, 'meta'))
    res = {
        'command': 'sh bench/bench_all.sh',
        'date': meta.get('date'),
        'machine': {'nproc': int(meta.get('nproc', 0)), 'cpu': meta.get('cpu'),
                    'go': meta.get('go')},
        'commit': meta.get('commit'),
        'uncommitted_files': int(meta.get('dirty') or 0),
        'reps': int(meta.get('reps', 0)), 'brian2_reps': int(meta.get('brian_reps', 0)),
        'load_before': read(os.path.join(raw, 'uptime_before')),
        'load_after': read(os.path.join(raw, 'uptime_after')),
        'notes': [
            'sim_s: simulation loop only (snnc: summary.json wall_s; Brian2: sim_seconds); '
            'best of reps. peak_rss_mb: largest over reps (snnc: /usr/bin/time %M; '
            'Brian2 cpp: the binary alone; Brian2 numpy: the whole Python process).',
            'snnc build cold: first build after removing the model\'s snnc cache entry '
            '(Go build cache warm); warm: rebuilding the unchanged model. '
            'Brian2 build: code generation + make from a clean project.',
        ],
        'models': {},
    }
    resdir = os.path.join(raw, 'res')
    for key in ORDER:
        d = os.path.join(resdir, key)
        if not os.path.isdir(d):
            continue
        info = kv(os.path.join(d, 'info'))
        m = {'description': DESCR[key], 'model': info['snn'],
             'duration_s': float(info['duration_s']),
             'interp': snnc_runs(d, 'interp'), 'binary': snnc_runs(d, 'binary'),
             'build': {'cold_s': int(read(os.path.join(d, 'build_cold_ns'))) / 1e9,
                       'warm_s': int(read(os.path.join(d, 'build_warm_ns'))) / 1e9},
             'brian2_cpp': brian_runs(os.path.join(d, 'brian2_cpp_standalone.jsonl')),
             'brian2_numpy': brian_runs(os.path.join(d, 'brian2_numpy.jsonl'))}
        cpp = m['brian2_cpp'] or {}
        npy = m['brian2_numpy']
        if npy and npy['duration_s'] != m['duration_s']:
            scale = m['duration_s'] / npy['duration_s']
            npy['sim_s_measured'] = npy['sim_s']
            npy['sim_s'] = npy['sim_s'] * scale
            npy['scaled_by'] = scale
            npy['note'] = ('run for %g s, sim_s scaled x%g to %g s'
                           % (npy['duration_s'], scale, m['duration_s']))
        if npy:
            npy['ratio_sim'] = ratio(npy['sim_s'], cpp.get('sim_s'))
            npy['ratio_rss'] = ratio(npy['peak_rss_mb'], cpp.get('peak_rss_mb'))
        for runner in ('interp', 'binary'):
            one = m[runner].get('1', {}).get('sim_s')
            for th, r in m[runner].items():
                r['ratio_sim'] = ratio(r['sim_s'], cpp.get('sim_s'))
                r['ratio_rss'] = ratio(r['peak_rss_mb'], cpp.get('peak_rss_mb'))
                if th != '1':
                    r['speedup_vs_1_thread'] = ratio(one, r['sim_s'])
        m['build']['ratio_cold'] = ratio(m['build']['cold_s'], cpp.get('build_s'))
        m['build']['ratio_warm'] = ratio(m['build']['warm_s'], cpp.get('build_s'))
        ev = m['interp'].get('1', {}).get('events')
        if ev:
            m['rate_hz_snnc'] = ev['rate_hz']
        m['rate_hz_brian2'] = cpp.get('rate_hz')
        res['models'][key] = m
    res['targets'] = targets(res['models'])
    with open(outpath, 'w') as f:
        json.dump(res, f, indent=1, default=lambda x: x)
        f.write('\n')
    text_table(res)


def targets(models):
    t = []

    def add(name, value, limit, ok, unit=''):
        t.append({'target': name, 'value': value, 'limit': limit, 'met': ok, 'unit': unit})

    for key in SPEED_MODELS:
        m = models.get(key)
        if not m:
            continue
        b = m['binary'].get('1', {}).get('ratio_sim')
        i = m['interp'].get('1', {}).get('ratio_sim')
        add('binary sim / Brian2 cpp, %s, 1 thread' % key, b, 0.5, b is not None and b <= 0.5, 'x')
        add('interpreter sim / Brian2 cpp, %s, 1 thread' % key, i, 1.0, i is not None and i <= 1.0, 'x')
    c = models.get('cuba4k')
    if c:
        add('snnc build cuba.snn, warm Go cache (cold snnc cache)', c['build']['cold_s'], 3.0,
            c['build']['cold_s'] < 3.0, 's')
        add('snnc build cuba.snn, unchanged model', c['build']['warm_s'], 0.2,
            c['build']['warm_s'] < 0.2, 's')
    c = models.get('cuba40k')
    if c:
        for runner in ('interp', 'binary'):
            r = c[runner].get('1', {}).get('peak_rss_mb')
            add('CUBA N=40000 peak RSS, %s' % runner, r, 30.0, r is not None and r <= 30.0, 'MB')
    for key in ('cuba40k', 'coba40k'):
        m = models.get(key)
        if not m:
            continue
        for runner in ('interp', 'binary'):
            s = m[runner].get('2', {}).get('speedup_vs_1_thread')
            add('2-thread speed-up, %s, %s' % (key, runner), s, 1.0, s is not None and s > 1.0, 'x')
    return t


def f(x, fmt='%.3f'):
    return '–' if x is None else fmt % x


def rows(res):
    """(model, runner, threads, sim, x, build, x, rss, x, rate) per line."""
    out = []
    for key in ORDER:
        m = res['models'].get(key)
        if not m:
            continue
        cpp = m['brian2_cpp'] or {}
        for runner, label in (('interp', 'snnc run'), ('binary', 'snnc build binary')):
            for th in sorted(m[runner]):
                r = m[runner][th]
                build = bx = '–'
                if runner == 'binary' and th == '1':
                    build = '%.2f cold / %.3f warm' % (m['build']['cold_s'], m['build']['warm_s'])
                    bx = '%s / %s' % (f(m['build']['ratio_cold'], '%.2f'), f(m['build']['ratio_warm'], '%.3f'))
                sp = r.get('speedup_vs_1_thread')
                thl = th + (' (%.2fx vs 1)' % sp if sp else '')
                out.append((m['description'], label, thl, f(r['sim_s']), f(r['ratio_sim'], '%.2f'),
                            build, bx, f(r['peak_rss_mb'], '%.1f'), f(r['ratio_rss'], '%.2f'),
                            f(r['events']['rate_hz'], '%.2f')))
        if cpp:
            out.append((m['description'], 'Brian2 cpp_standalone', '1', f(cpp['sim_s']), '1',
                        f(cpp.get('build_s'), '%.2f'), '1', f(cpp['peak_rss_mb'], '%.1f'), '1',
                        f(cpp.get('rate_hz'), '%.2f')))
        npy = m['brian2_numpy']
        if npy:
            lab = 'Brian2 numpy' + (' (%g s run, x%g)' % (npy['duration_s'], npy['scaled_by'])
                                    if npy.get('scaled_by') else '')
            out.append((m['description'], lab, '1', f(npy['sim_s']), f(npy['ratio_sim'], '%.2f'),
                        '–', '–', f(npy['peak_rss_mb'], '%.1f') + ' (Python)',
                        f(npy['ratio_rss'], '%.2f'), f(npy.get('rate_hz'), '%.2f')))
    return out


HEAD = ('model', 'runner', 'threads', 'sim (s)', 'sim ×cpp', 'build (s)', 'build ×cpp',
        'peak RSS (MB)', 'RSS ×cpp', 'rate (Hz)')


def text_table(res):
    rs = [HEAD] + rows(res)
    w = [max(len(r[i]) for r in rs) for i in range(len(HEAD))]
    for r in rs:
        print('  '.join(c.ljust(w[i]) for i, c in enumerate(r)))
    print()
    for t in res['targets']:
        print('%-4s %-62s %s (limit %s%s)' % ('MET' if t['met'] else 'MISS', t['target'],
                                              f(t['value'], '%.3f'), t['limit'], t['unit']))


def markdown(path):
    with open(path) as fh:
        res = json.load(fh)
    print('| ' + ' | '.join(HEAD) + ' |')
    print('|' + '---|' * len(HEAD))
    for r in rows(res):
        print('| ' + ' | '.join(r) + ' |')
    print()
    print('| target | measured | limit | met |')
    print('|---|---|---|---|')
    for t in res['targets']:
        print('| %s | %s %s | %s %s | %s |' % (t['target'], f(t['value'], '%.3f'), t['unit'],
                                              '≤' if t['unit'] in ('x', 'MB') and 'speed-up' not in t['target']
                                              else ('>' if 'speed-up' in t['target'] else '<'),
                                              str(t['limit']) + ' ' + t['unit'],
                                              'yes' if t['met'] else '**no**'))


if __name__ == '__main__':
    if len(sys.argv) == 3 and sys.argv[1] == '--markdown':
        markdown(sys.argv[2])
    elif len(sys.argv) == 3:
        collect(sys.argv[1], sys.argv[2])
    else:
        sys.exit(__doc__)
