#!/usr/bin/python3
"""Brian2 2.5 reference for examples/classics/tsodyks_markram.snn:
Tsodyks-Markram short-term plasticity (Tsodyks & Markram 1997; Markram,
Wang & Tsodyks 1998), one depressing synapse (U = 0.5, tau_d = 750 ms,
tau_f = 20 ms) and one facilitating synapse (U = 0.05, tau_d = 50 ms,
tau_f = 750 ms), each onto a passive membrane (tau = 20 ms), driven by ten
spikes at 20 Hz and a recovery spike 500 ms later. At a spike: the PSP is
w*u*x, then x *= 1 - u, then u += U*(1 - u) (Brian2's STP example);
between spikes u relaxes to U with tau_f and x to 1 with tau_d, solved
exactly (event-driven).

Prints "# input_ms:" (the input spikes) and "t_ms v0 v1" every 0.1 ms (v0: the
depressing synapse's target); tsodyks_markram.txt holds the output, which
examples/classics_test.go reads. Run with /usr/bin/python3.
"""
import sys
try:
    from brian2 import (NeuronGroup, SpikeGeneratorGroup, Synapses, StateMonitor, Network,
                        defaultclock, prefs, ms, mV)
except ImportError:
    sys.exit("needs Brian2: apt-get install -y python3-brian (and run with /usr/bin/python3)")

prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1 * ms
times = [10 + 50 * k for k in range(10)] + [960]
post = NeuronGroup(2, 'dv/dt = -v / (20*ms) : volt', method='exact')
pre = SpikeGeneratorGroup(1, [0] * len(times), times * ms)
S = Synapses(pre, post, '''w : volt
    U : 1 (constant)
    tau_d : second (constant)
    tau_f : second (constant)
    du/dt = (U - u) / tau_f : 1 (event-driven)
    dx/dt = (1 - x) / tau_d : 1 (event-driven)''',
             on_pre='''v_post += w * u * x
                       x *= 1 - u
                       u += U * (1 - u)''')
S.connect()
S.w = 10 * mV
S.U = [0.5, 0.05]
S.tau_d = [750, 50] * ms
S.tau_f = [20, 750] * ms
S.u = 'U'
S.x = 1
mon = StateMonitor(post, 'v', record=True, dt=0.1 * ms)
net = Network(post, pre, S, mon)
net.run(1000 * ms)
print('# input_ms:', ' '.join('%g' % t for t in times))
for k, t in enumerate(mon.t):
    print('%.1f %s' % (t / ms, ' '.join('%.17g' % (mon.v[i][k] / mV) for i in range(2))))
