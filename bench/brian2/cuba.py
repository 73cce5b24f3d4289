#!/usr/bin/python3
"""CUBA (Vogels & Abbott 2005; benchmark 2 of Brette et al. 2007) in Brian2.

The same model as examples/cuba.snn, which is Brian2's examples/CUBA.py:
  taum = 20 ms, taue = 5 ms, taui = 10 ms, Vt = -50 mV, Vr = -60 mV,
  El = -49 mV, refractory 5 ms,
  dv/dt = (ge+gi-(v-El))/taum (unless refractory), method 'exact';
  N neurons (default 4000): excitatory i < 0.8 N, inhibitory the rest,
  connection probability p = 0.02 (or 80/N with --p80), self-connections
  allowed, we = (60*0.27/10) mV, wi = (-20*4.5/10) mV;
  v = Vr + rand()*(Vt-Vr), ge = gi = 0 mV; dt 0.1 ms; 1 s; all spikes recorded.

Usage: /usr/bin/python3 bench/brian2/cuba.py [--N 4000] [--p80] [--seed 1]
           [--device runtime|numpy|cpp_standalone] [--duration 1]
Prints one JSON line (see common.py for the meaning of each field).
"""
import common


def main():
    ap = common.base_parser(__doc__.splitlines()[0], 1.0)
    ap.add_argument('--N', type=int, default=4000)
    ap.add_argument('--p80', action='store_true',
                    help='connection probability 80/N instead of 0.02')
    args = ap.parse_args()

    from brian2 import (NeuronGroup, Synapses, SpikeMonitor, Network, seed,
                        defaultclock, ms, mV, second)
    dev = common.Device(args, 'cuba')
    defaultclock.dt = 0.1 * ms
    seed(args.seed)
    dev.start_setup()

    N = args.N
    NE = int(round(0.8 * N))
    p = 80.0 / N if args.p80 else 0.02

    taum = 20 * ms
    taue = 5 * ms
    taui = 10 * ms
    Vt = -50 * mV
    Vr = -60 * mV
    El = -49 * mV
    we = (60 * 0.27 / 10) * mV
    wi = (-20 * 4.5 / 10) * mV
    eqs = '''
    dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
    dge/dt = -ge/taue : volt
    dgi/dt = -gi/taui : volt
    '''
    ns = dict(taum=taum, taue=taue, taui=taui, Vt=Vt, Vr=Vr, El=El,
              we=we, wi=wi, NE=NE)
    P = NeuronGroup(N, eqs, threshold='v>Vt', reset='v = Vr',
                    refractory=5 * ms, method='exact', namespace=ns)
    P.v = 'Vr + rand() * (Vt - Vr)'
    P.ge = 0 * mV
    P.gi = 0 * mV
    Ce = Synapses(P, P, on_pre='ge += we', namespace=ns)
    Ci = Synapses(P, P, on_pre='gi += wi', namespace=ns)
    Ce.connect('i<NE', p=p)
    Ci.connect('i>=NE', p=p)
    mon = SpikeMonitor(P)
    net = Network(P, Ce, Ci, mon)

    duration = args.duration * second
    dev.run(net, duration)

    idx = mon.i[:]
    spikes = int(len(idx))
    spikes_E = int((idx < NE).sum())
    rec = {
        'model': 'cuba', 'N': N, 'p': p, 'seed': args.seed,
        'device': args.device, 'threads': args.threads,
        'duration_s': args.duration, 'dt_ms': 0.1, 'method': 'exact',
        'mean_rate_hz': spikes / N / args.duration,
        'rate_E_hz': spikes_E / NE / args.duration,
        'rate_I_hz': (spikes - spikes_E) / (N - NE) / args.duration,
        'spikes': spikes,
        'synapses': int(len(Ce) + len(Ci)),
    }
    rec.update(dev.timings)
    rec.update(dev.memory())
    if args.device == 'cpp_standalone':
        rec['compile_flags'] = common.compile_flags()
    rec['machine'] = common.machine_info()
    dev.cleanup()
    common.emit(common.rounded(rec))


if __name__ == '__main__':
    main()
