#!/usr/bin/python3
"""COBA (Vogels & Abbott 2005; benchmark 1 of Brette et al. 2007) in Brian2.

The same model as examples/coba.snn, which follows Brian 1's
examples/misc/COBA.py (R. Brette, 2007) -- Brian2's own examples/COBAHH.py
is the Hodgkin-Huxley benchmark 3, not this one. Brian 1's script writes
potentials shifted by +60 mV and conductances in units of the leak
conductance; here, as in coba.snn, potentials are unshifted and
conductances are in siemens with the membrane of Brian2's COBAHH.py
(area 20000 um^2, Cm = 1 uF/cm^2 * area = 200 pF, gl = 5e-5 S/cm^2 * area
= 10 nS, so taum = Cm/gl = 20 ms):
  Cm dv/dt = gl (El - v) + ge (Ee - v) + gi (Ei - v)   (unless refractory)
  dge/dt = -ge/taue, dgi/dt = -gi/taui
  El = -60 mV, Ee = 0 mV, Ei = -80 mV, taue = 5 ms, taui = 10 ms,
  threshold v > -50 mV, reset v = -60 mV, refractory 5 ms,
  method 'euler' (Brian 1's script: Euler; Brian2 would also pick 'euler'
  by itself, see --method auto);
  N cells (default 4000): excitatory i < 0.8 N, inhibitory the rest,
  p = 0.02 (or 80/N with --p80), self-connections allowed,
  we = 6 nS (0.6 gl), wi = 67 nS (6.7 gl);
  v = (randn*5 - 5) mV from El, ge = (randn*1.5 + 4) gl,
  gi = (randn*12 + 20) gl (negative values kept, as in the reference);
  dt 0.1 ms; 1 s; all spikes recorded.

Usage: /usr/bin/python3 bench/brian2/coba.py [--N 4000] [--p80] [--seed 1]
           [--device runtime|numpy|cpp_standalone] [--duration 1]
           [--method euler|auto|rk2|rk4]
Prints one JSON line (see common.py for the meaning of each field).
"""
import common


def chosen_method(group):
    """The integration method Brian2 picks when none is given: the first of
    the group's method_choice (default ('exact', 'euler', 'heun')) that can
    integrate the equations (Brian2 logs the same at INFO level)."""
    from brian2.stateupdaters.base import (StateUpdateMethod,
                                           UnsupportedEquationsException)
    for m in group.state_updater.method_choice:
        try:
            StateUpdateMethod.apply_stateupdater(group.equations,
                                                 group.variables, m)
            return m
        except UnsupportedEquationsException:
            continue
    return None


def main():
    ap = common.base_parser(__doc__.splitlines()[0], 1.0)
    ap.add_argument('--N', type=int, default=4000)
    ap.add_argument('--p80', action='store_true',
                    help='connection probability 80/N instead of 0.02')
    ap.add_argument('--method', default='euler',
                    help="integration method (default euler, as Brian 1 and "
                         "coba.snn; 'auto' lets Brian2 choose)")
    args = ap.parse_args()

    from brian2 import (NeuronGroup, Synapses, SpikeMonitor, Network, seed,
                        defaultclock, ms, mV, nS, uF, cm, umetre, siemens,
                        second)
    dev = common.Device(args, 'coba')
    defaultclock.dt = 0.1 * ms
    seed(args.seed)
    dev.start_setup()

    N = args.N
    NE = int(round(0.8 * N))
    p = 80.0 / N if args.p80 else 0.02

    area = 20000 * umetre ** 2
    Cm = (1 * uF * cm ** -2) * area
    gl = (5e-5 * siemens * cm ** -2) * area
    El = -60 * mV
    Ee = 0 * mV
    Ei = -80 * mV
    taue = 5 * ms
    taui = 10 * ms
    Vt = -50 * mV
    Vr = -60 * mV
    we = 6 * nS
    wi = 67 * nS
    eqs = '''
    dv/dt = (gl*(El-v) + ge*(Ee-v) + gi*(Ei-v))/Cm : volt (unless refractory)
    dge/dt = -ge/taue : siemens
    dgi/dt = -gi/taui : siemens
    '''
    ns = dict(Cm=Cm, gl=gl, El=El, Ee=Ee, Ei=Ei, taue=taue, taui=taui,
              Vt=Vt, Vr=Vr, we=we, wi=wi, NE=NE)
    kw = {} if args.method == 'auto' else {'method': args.method}
    P = NeuronGroup(N, eqs, threshold='v>Vt', reset='v = Vr',
                    refractory=5 * ms, namespace=ns, **kw)
    P.v = 'El + (randn() * 5 - 5) * mV'
    P.ge = '(randn() * 1.5 + 4) * gl'
    P.gi = '(randn() * 12 + 20) * gl'
    Ce = Synapses(P, P, on_pre='ge += we', namespace=ns)
    Ci = Synapses(P, P, on_pre='gi += wi', namespace=ns)
    Ce.connect('i<NE', p=p)
    Ci.connect('i>=NE', p=p)
    mon = SpikeMonitor(P)
    net = Network(P, Ce, Ci, mon)

    duration = args.duration * second
    dev.run(net, duration)

    method = args.method
    if method == 'auto':
        method = chosen_method(P)
    idx = mon.i[:]
    spikes = int(len(idx))
    spikes_E = int((idx < NE).sum())
    rec = {
        'model': 'coba', 'N': N, 'p': p, 'seed': args.seed,
        'device': args.device, 'threads': args.threads,
        'duration_s': args.duration, 'dt_ms': 0.1, 'method': method,
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
