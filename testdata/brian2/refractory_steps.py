#!/usr/bin/python3
"""Brian2 2.5 reference for issue 14 item 4a: a refractory period that is
not a multiple of dt. Brian2 counts it as timestep(t_ref, dt) =
int((t_ref + 1e-3*dt)/dt) steps, truncating: at dt = 0.1 ms, 2.06 ms and
2.0995 ms are 20 steps (rounding would give 21), 1.95 ms is 19, 2 ms is 20.

The snnc model is refractory_steps.snn: four neurons with t_ref = 2.06 ms,
2.0995 ms, 1.95 ms and 2 ms, driven above threshold, v clamped while refractory.
Prints "# spikes_ms i: t1 t2 ..." per neuron and "t_ms v0 v1 v2 v3" every step;
refractory_steps.txt holds the output. Run with /usr/bin/python3.
"""
import sys
try:
    from brian2 import (NeuronGroup, StateMonitor, SpikeMonitor, Network, defaultclock, prefs, ms, mV)
except ImportError:
    sys.exit("needs Brian2: apt-get install -y python3-brian (and run with /usr/bin/python3)")

prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1 * ms
G = NeuronGroup(4, '''dv/dt = (30*mV - v) / (5*ms) : volt (unless refractory)
                      t_ref : second (constant)''',
                threshold='v > 20*mV', reset='v = 0*mV', refractory='t_ref', method='exact')
G.t_ref = [2.06, 2.0995, 1.95, 2.0] * ms
mon = StateMonitor(G, 'v', record=True)
spk = SpikeMonitor(G)
net = Network(G, mon, spk)
net.run(30 * ms)
trains = spk.spike_trains()
for i in range(4):
    print('# spikes_ms %d:' % i, ' '.join('%.1f' % (t / ms) for t in trains[i]))
for k, t in enumerate(mon.t):
    print('%.1f %s' % (t / ms, ' '.join('%.17g' % (mon.v[i][k] / mV) for i in range(4))))
