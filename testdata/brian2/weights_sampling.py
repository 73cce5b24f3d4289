#!/usr/bin/python3
"""Brian2 2.5 reference for issue 14 item 4b: when a weight recording
samples. Brian2's StateMonitor samples at the start of a step (default
when='start'), before that step's on_pre/on_post: the sample at t = 0 is the
initial weights, and a sample at t does not contain step t's updates.

The snnc model is weights_sampling.snn: pair STDP (std/plasticity's
PairSTDP, w in units of the weight; Brian2 reserves the
suffixes _pre/_post, so A_pre is Apre here) from two spike sources onto one neuron
that a third source makes fire; w of both synapses recorded every 0.5 ms.
Prints "t_ms w0 w1" per sample and the post spikes; weights_sampling.txt
holds the output. With the argument `end`, the monitor samples with
when='end' (after the step's on_pre/on_post): weights_sampling_end.txt, for
weights_sampling_end.snn (`record weights(P) every T at end`). Run with
/usr/bin/python3.
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
D = Synapses(drive, post, on_pre='v_post += 2*mV')
D.connect()
pre = SpikeGeneratorGroup(2, [0, 1, 0, 1, 0, 1], [1, 3, 5.5, 7, 11, 14.5] * ms)
S = Synapses(pre, post, '''w : 1
    dApre/dt = -Apre / taupre : 1 (event-driven)
    dApost/dt = -Apost / taupost : 1 (event-driven)''',
             on_pre='''v_post += w * 0.1*mV
                       Apre += dApre_step
                       w = clip(w + Apost, 0, w_max)''',
             on_post='''Apost += dApost_step
                        w = clip(w + Apre, 0, w_max)''',
             namespace=dict(taupre=20 * ms, taupost=20 * ms, dApre_step=0.01, dApost_step=-0.0105, w_max=1))
S.connect()
S.w = [0.5, 0.25]
when = 'end' if sys.argv[1:] == ['end'] else 'start'
mon = StateMonitor(S, 'w', record=True, dt=0.5 * ms, when=when)
spk = SpikeMonitor(post)
net = Network(post, drive, D, pre, S, mon, spk)
net.run(20 * ms)
print('# spikes_ms:', ' '.join('%.1f' % (t / ms) for t in spk.t))
for k, t in enumerate(mon.t):
    print('%.1f %s' % (t / ms, ' '.join('%.17g' % mon.w[i][k] for i in range(2))))
