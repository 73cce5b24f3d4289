#!/usr/bin/python3
"""Brian2 2.5 reference for issue 14 item 1: synaptic input that arrives
while a neuron is refractory, on a variable declared (unless refractory).

The snnc model is refractory_input.snn beside this file. Prints
"t_ms v_mV" for every step (StateMonitor, default when='start') and the
spike times. Brian2 makes every write to a `(unless refractory)` variable
outside the reset conditional on not_refractory, so the spike arriving at
8.0 ms, during the refractory period, is dropped:

    refractory_input.py       > refractory_input.txt
    refractory_input.py keep  > refractory_input_keep.txt

`keep` writes the clamp into the equation instead of the flag
(int(not_refractory)*...), so on_pre still adds: snnc's `unless refractory
except inputs`. The Go test (examples/brian2_test.go) reads the stored
outputs, not Brian2. Run with /usr/bin/python3 (Debian's python3-brian).
"""
import sys
try:
    from brian2 import (NeuronGroup, SpikeGeneratorGroup, Synapses, StateMonitor, SpikeMonitor,
                        Network, defaultclock, prefs, ms, mV)
except ImportError:
    sys.exit("needs Brian2: apt-get install -y python3-brian (and run with /usr/bin/python3)")

prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1 * ms
keep = sys.argv[1:] == ['keep']
eq = ('dv/dt = int(not_refractory) * (E_l - v) / tau_m : volt' if keep else
      'dv/dt = (E_l - v) / tau_m : volt (unless refractory)')
G = NeuronGroup(1, eq + '''
                      E_l : volt
                      tau_m : second''',
                threshold='v > 20*mV', reset='v = 10*mV', refractory=2 * ms, method='exact')
G.E_l, G.tau_m, G.v = 0 * mV, 20 * ms, 0 * mV
S = SpikeGeneratorGroup(1, [0] * 5, [1, 5, 5.5, 6, 6.5] * ms)
C = Synapses(S, G, 'w : volt', on_pre='v_post += w', delay=1.5 * ms)
C.connect()
C.w = 6 * mV
mon = StateMonitor(G, 'v', record=0)
spk = SpikeMonitor(G)
net = Network(G, S, C, mon, spk)
net.run(12 * ms)
print('# equation:', eq)
print('# spikes_ms:', ' '.join('%.1f' % (t / ms) for t in spk.t))
for t, v in zip(mon.t, mon.v[0]):
    print('%.1f %.17g' % (t / ms, v / mV))
