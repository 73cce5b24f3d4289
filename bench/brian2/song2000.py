#!/usr/bin/python3
"""Song, Miller & Abbott 2000 STDP in Brian2 (the model of
examples/stdp_song2000.snn).

1000 Poisson inputs at 15 Hz drive one conductance-based LIF neuron through
additive all-to-all STDP synapses with traces (Brian2's
examples/synapses/STDP.py values):
  neuron:  dv/dt = (El - v + ge (Ee - v)) / taum, dge/dt = -ge/taue,
           taum = 10 ms, El = -74 mV, vt = -54 mV, vr = -60 mV, Ee = 0 mV,
           taue = 5 ms, v(0) = vr, ge dimensionless (units of the leak);
           no refractory period;
  STDP:    taupre = taupost = 20 ms, gmax = 0.01, dApre = 0.01 gmax,
           dApost = -1.05 dApre, w(0) = rand() gmax, w in [0, gmax];
           traces Apre, Apost integrated event-driven (exactly, at spikes);
           on_pre:  ge += w; Apre += dApre; w = clip(w + Apost, 0, gmax)
           on_post: Apost += dApost; w = clip(w + Apre, 0, gmax)
As in the .snn example (and unlike Brian2's STDP.py, which linearises the
synaptic current as ge (Ee - vr)), the current is ge (Ee - v). The neuron's
equations are integrated with --method (default rk4, what snnc's ode pass
picks for them: they are not linear with constant coefficients; Brian2's
example uses euler). dt 0.1 ms; default 100 s.

Usage: /usr/bin/python3 bench/brian2/song2000.py [--duration 100] [--seed 1]
           [--device runtime|numpy|cpp_standalone] [--method rk4|euler]
Prints one JSON line: timings, the output neuron's rate, and the final
weight distribution (fractions below 0.1 gmax and above 0.9 gmax, and a
10-bin histogram over [0, gmax]).
"""
import common


def main():
    ap = common.base_parser(__doc__.splitlines()[0], 100.0)
    ap.add_argument('--method', default='rk4')
    args = ap.parse_args()

    import numpy as np
    from brian2 import (NeuronGroup, PoissonGroup, Synapses, SpikeMonitor,
                        Network, seed, defaultclock, ms, mV, Hz, second)
    dev = common.Device(args, 'song2000')
    defaultclock.dt = 0.1 * ms
    seed(args.seed)
    dev.start_setup()

    N = 1000
    gmax = 0.01
    dApre = 0.01 * gmax
    dApost = -1.05 * dApre
    ns = dict(taum=10 * ms, El=-74 * mV, Ee=0 * mV, vt=-54 * mV, vr=-60 * mV,
              taue=5 * ms, taupre=20 * ms, taupost=20 * ms, gmax=gmax,
              dApre=dApre, dApost=dApost)
    eqs = '''
    dv/dt = (El - v + ge * (Ee - v)) / taum : volt
    dge/dt = -ge / taue : 1
    '''
    inp = PoissonGroup(N, rates=15 * Hz)
    neuron = NeuronGroup(1, eqs, threshold='v > vt', reset='v = vr',
                         method=args.method, namespace=ns)
    neuron.v = ns['vr']
    S = Synapses(inp, neuron,
                 '''w : 1
                    dApre/dt = -Apre / taupre : 1 (event-driven)
                    dApost/dt = -Apost / taupost : 1 (event-driven)''',
                 on_pre='''ge += w
                           Apre += dApre
                           w = clip(w + Apost, 0, gmax)''',
                 on_post='''Apost += dApost
                            w = clip(w + Apre, 0, gmax)''',
                 namespace=ns)
    S.connect()
    S.w = 'rand() * gmax'
    out_mon = SpikeMonitor(neuron)
    in_mon = SpikeMonitor(inp, record=False)  # counts only
    net = Network(inp, neuron, S, out_mon, in_mon)

    dev.run(net, args.duration * second)

    w = np.asarray(S.w[:]) / gmax
    hist, _ = np.histogram(w, bins=10, range=(0.0, 1.0))
    out_t = np.asarray(out_mon.t[:] / second)
    last10 = max(0.0, args.duration - 10.0)
    rec = {
        'model': 'song2000', 'inputs': N, 'input_rate_hz': 15.0,
        'seed': args.seed, 'device': args.device, 'threads': args.threads,
        'duration_s': args.duration, 'dt_ms': 0.1, 'method': args.method,
        'output_spikes': int(len(out_t)),
        'output_rate_hz': len(out_t) / args.duration,
        'output_rate_last10s_hz': float((out_t >= last10).sum()) /
                                  (args.duration - last10),
        'input_spikes': int(in_mon.num_spikes),
        'w_frac_below_0.1gmax': float((w < 0.1).sum()) / N,
        'w_frac_above_0.9gmax': float((w > 0.9).sum()) / N,
        'w_mean_over_gmax': float(w.mean()),
        'w_hist_10bins': [int(h) for h in hist],
    }
    rec.update(dev.timings)
    rec.update(dev.memory())
    if args.device == 'cpp_standalone':
        rec['compile_flags'] = common.compile_flags()
    rec['machine'] = common.machine_info()
    dev.cleanup()
    common.emit(common.rounded(rec, 5))


if __name__ == '__main__':
    main()
