#!/usr/bin/python3
"""Brian2 2.5 reference for examples/classics/izhikevich2003.snn: Izhikevich
2003's network of 800 excitatory and 200 inhibitory simple-model cells,
all-to-all with uniform random weights ([0, 0.5] mV and [-1, 0] mV, added
to v without delay), thalamic input as white noise of 5 and 2 mV/sqrt(ms),
Euler–Maruyama at dt = 0.5 ms, 1000 ms (the same model as the .snn file:
threshold, then synaptic input, then reset, as snnc orders a step).

Prints "seed rate_E rate_I" (Hz) for seeds 1..SEEDS; izhikevich2003.txt
holds the output, which examples/classics_test.go compares with snnc's
rates over as many seeds (the seeds draw other numbers in each simulator:
the comparison is of the means, within standard errors between seeds).
Run with /usr/bin/python3.
"""
import sys
try:
    from brian2 import NeuronGroup, Synapses, SpikeMonitor, Network, defaultclock, prefs, seed, ms, mV
except ImportError:
    sys.exit("needs Brian2: apt-get install -y python3-brian (and run with /usr/bin/python3)")

prefs.codegen.target = 'numpy'
defaultclock.dt = 0.5 * ms
SEEDS = 6
eqs = '''dv/dt = (0.04/mV*v**2 + 5*v + 140*mV)/ms - u + s_th*sqrt(ms)*xi : volt
du/dt = a*(b*v - u) : volt/second
a : 1/second (constant)
b : 1/second (constant)
c : volt (constant)
d : volt/second (constant)
s_th : volt/second (constant)'''
for s in range(1, SEEDS + 1):
    seed(s)
    G = NeuronGroup(1000, eqs, threshold='v >= 30*mV', reset='v = c; u += d', method='euler')
    E, I = G[:800], G[800:]
    re, ri = __import__('numpy').random.rand(800), __import__('numpy').random.rand(200)
    E.a, E.b, E.c, E.d, E.s_th = 0.02 / ms, 0.2 / ms, (-65 + 15 * re ** 2) * mV, (8 - 6 * re ** 2) * mV / ms, 5 * mV / ms
    I.a, I.b, I.c, I.d, I.s_th = (0.02 + 0.08 * ri) / ms, (0.25 - 0.05 * ri) / ms, -65 * mV, 2 * mV / ms, 2 * mV / ms
    G.v = -65 * mV
    G.u = 'b * v'
    SE = Synapses(E, G, 'w : volt', on_pre='v_post += w')
    SE.connect()
    SE.w = '0.5*mV*rand()'
    SI = Synapses(I, G, 'w : volt', on_pre='v_post += w')
    SI.connect()
    SI.w = '-1*mV*rand()'
    mon = SpikeMonitor(G)
    net = Network(G, SE, SI, mon)
    net.run(1000 * ms)
    i = mon.i[:]
    print('%d %.6g %.6g' % (s, (i < 800).sum() / 800.0, (i >= 800).sum() / 200.0), flush=True)
