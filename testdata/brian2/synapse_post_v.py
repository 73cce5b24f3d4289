#!/usr/bin/python3
"""Brian2 2.5 reference for issue 14 item 9: a synapse equation reading
post.v every step (synapse_post_v.snn beside this file): a clock-driven
w' = (v_post/mV - w)/tau, Euler, while the postsynaptic v is kicked by
spikes (and w, delivered at two presynaptic spikes, kicks it too).

Prints the post spike times and "t_ms w v_mV" every step (StateMonitors,
default when='start'):

    synapse_post_v.py > synapse_post_v.txt

The Go test (examples/brian2_test.go) reads the stored output, not
Brian2. Run with /usr/bin/python3 (Debian's python3-brian).
"""
import sys
try:
    from brian2 import (NeuronGroup, SpikeGeneratorGroup, Synapses, StateMonitor, SpikeMonitor,
                        Network, defaultclock, prefs, ms, mV)
except ImportError:
    sys.exit("needs Brian2: apt-get install -y python3-brian (and run with /usr/bin/python3)")

prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1 * ms
post = NeuronGroup(1, 'dv/dt = -v / (10*ms) : volt', threshold='v > 1*mV', reset='v = 0*mV', method='exact')
drive = SpikeGeneratorGroup(1, [0] * 4, [2, 6, 10.5, 15] * ms)
D = Synapses(drive, post, on_pre='v_post += 0.7*mV')
D.connect()
pre = SpikeGeneratorGroup(1, [0, 0], [8, 12] * ms)
S = Synapses(pre, post, 'dw/dt = (v_post/mV - w) / (5*ms) : 1 (clock-driven)',
             on_pre='v_post += w * 0.5*mV', method='euler')
S.connect()
mon = StateMonitor(S, 'w', record=True)
vmon = StateMonitor(post, 'v', record=True)
spk = SpikeMonitor(post)
net = Network(post, drive, D, pre, S, mon, vmon, spk)
net.run(20 * ms)
print('# spikes_ms:', ' '.join('%.1f' % (t / ms) for t in spk.t))
for k, t in enumerate(mon.t):
    print('%.1f %.17g %.17g' % (t / ms, mon.w[0][k], vmon.v[0][k] / mV))
