#!/usr/bin/python3
"""A single LIF neuron under a current step, in Brian2 (see lif_step.snn).

  C dv/dt = g_l (E_l - v) + I_ext   (unless refractory), method 'exact'
  C = 200 pF, g_l = 10 nS (tau_m = 20 ms), E_l = -70 mV, v(0) = E_l,
  threshold v > -50 mV, reset v = -70 mV, refractory 2 ms,
  I_ext = 300 pA during [10 ms, 90 ms), 0 otherwise; dt 0.1 ms; 100 ms.

The step is applied by three consecutive run() calls (10 ms at 0 pA, 80 ms
at 300 pA, 10 ms at 0 pA) with I_ext a constant parameter in each, so the
step edges fall exactly on time steps 100 and 900 and 'exact' integration
applies (Brian2's exact integrator rejects explicitly time-dependent
equations). The current set for a step acts over [t, t + dt).

Brian2's schedule within a step at time t: integrate v from t to t + dt,
then test the threshold, reset; a spike detected there is recorded with time
t (the start of the step in which v crossed the threshold).

Analytically the first crossing is at 10 ms + 20 ms * ln(3) = 31.97 ms, then
every 2 ms + 21.97 ms while the current is on.

Usage: /usr/bin/python3 bench/brian2/lif_step.py [--device runtime|numpy]
Prints one JSON line with the spike times in ms.
"""
import common


def main():
    ap = common.base_parser(__doc__.splitlines()[0], 0.1)
    args = ap.parse_args()
    if args.device == 'cpp_standalone':
        ap.error('lif_step.py runs on runtime or numpy only')
    from brian2 import (NeuronGroup, SpikeMonitor, Network, defaultclock,
                        ms, mV, pA, nS, pF, seed)
    dev = common.Device(args, 'lif_step')
    defaultclock.dt = 0.1 * ms
    seed(args.seed)
    dev.start_setup()

    ns = dict(C=200 * pF, g_l=10 * nS, E_l=-70 * mV, V_th=-50 * mV,
              V_reset=-70 * mV)
    eqs = '''
    dv/dt = (g_l*(E_l - v) + I_ext)/C : volt (unless refractory)
    I_ext : amp
    '''
    G = NeuronGroup(1, eqs, threshold='v > V_th', reset='v = V_reset',
                    refractory=2 * ms, method='exact', namespace=ns)
    G.v = -70 * mV
    mon = SpikeMonitor(G)
    net = Network(G, mon)
    G.I_ext = 0 * pA
    net.run(10 * ms)
    G.I_ext = 300 * pA
    net.run(80 * ms)
    G.I_ext = 0 * pA
    net.run(10 * ms)

    # Continuous-time reference (no time grid): first crossing at
    # start + tau ln(3), then every refractory + tau ln(3).
    import math
    isi = 20.0 * math.log(3.0)
    analytic = []
    t = 10.0 + isi
    while t < 90.0:
        analytic.append(round(t, 4))
        t += 2.0 + isi
    times = [round(float(t / ms), 6) for t in mon.t[:]]
    rec = {
        'model': 'lif_step', 'device': args.device, 'dt_ms': 0.1,
        'duration_ms': 100.0, 'method': 'exact',
        'C_pF': 200.0, 'g_l_nS': 10.0, 'E_l_mV': -70.0, 'V_th_mV': -50.0,
        'V_reset_mV': -70.0, 'refractory_ms': 2.0, 'I_pA': 300.0,
        'I_start_ms': 10.0, 'I_stop_ms': 90.0,
        'spike_times_ms': times,
        'analytic_spike_times_ms': analytic,
        'spike_steps': [int(round(t / 0.1)) for t in times],
        'v_end_mV': float(G.v[0] / mV),
    }
    rec['machine'] = common.machine_info()
    common.emit(common.rounded(rec, 6))


if __name__ == '__main__':
    main()
