#!/usr/bin/python3
"""Brian2 2.5 reference for examples/classics/izhikevich2006.snn: the
network of Izhikevich 2006 (Neural Comput 18:245, "Polychronization"):
800 excitatory (regular spiking) and 200 inhibitory (fast spiking)
simple-model cells, Euler at dt = 0.5 ms; each excitatory cell reaches
about 100 random cells (E or I), each pair at most once (bernoulli(0.1),
as the .snn file draws them), each synapse with its own axonal delay, a
whole number of ms drawn uniformly from 1..20, through
additive pair STDP (tau 20 ms, A+ = 0.1, A- = 0.12, w in [0, 10] mV from
6 mV, applied when the spike arrives, after the delay); each inhibitory
cell reaches 100 distinct excitatory cells with -5 mV after 1 ms; thalamic
input: every cell gets 20 mV kicks at 1 Hz (Poisson). 5 s.

Prints "seed rate_E rate_I" then, per second k = 0..5, "seed k mean_w sd_w
frac_above_9 frac_below_1" over the plastic synapses (weights sampled at
the start of the step at k s, as snnc records them), for SEEDS networks
simulated side by side in one cpp_standalone run (independent blocks).
izhikevich2006.txt holds the output; examples/classics_test.go compares
snnc's over as many seeds (other random numbers: means within standard
errors between seeds). Run with /usr/bin/python3 (needs g++).
"""
import sys
import numpy as np
try:
    from brian2 import (NeuronGroup, Synapses, PoissonGroup, SpikeMonitor, StateMonitor, Network,
                        defaultclock, set_device, seed, ms, mV, Hz, second)
except ImportError:
    sys.exit("needs Brian2: apt-get install -y python3-brian (and run with /usr/bin/python3)")

set_device('cpp_standalone', directory=sys.argv[1] if len(sys.argv) > 1 else None)
defaultclock.dt = 0.5 * ms
SEEDS, NE, NI, T = 5, 800, 200, 5
N = NE + NI
seed(1)
rng = np.random.default_rng(1)
G = NeuronGroup(SEEDS * N, '''dv/dt = (0.04/mV*v**2 + 5*v + 140*mV)/ms - u : volt
du/dt = a*(b*v - u) : volt/second
a : 1/second (constant)
d : volt/second (constant)
b = 0.2/ms : 1/second''', threshold='v >= 30*mV', reset='v = -65*mV; u += d', method='euler')
exc = np.tile(np.arange(N) < NE, SEEDS)
G.a = np.where(exc, 0.02, 0.1) / ms
G.d = np.where(exc, 8, 2) * mV / ms
G.v = -65 * mV
G.u = 0.2 / ms * -65 * mV
Th = PoissonGroup(SEEDS * N, 1 * Hz)
ST = Synapses(Th, G, on_pre='v_post += 20*mV')
ST.connect(j='i')
pre, post, delay, ipre, ipost = [], [], [], [], []
for s in range(SEEDS):
    base = s * N
    i, j = np.nonzero(rng.random((NE, N)) < 0.1)
    pre.append(base + i)
    post.append(base + j)
    delay.append(rng.integers(1, 21, len(i)).astype(float))
    for i in range(NE, N):
        ipre.append(np.full(100, base + i))
        ipost.append(base + rng.choice(NE, 100, replace=False))
S = Synapses(G, G, '''w : 1
dApre/dt = -Apre/(20*ms) : 1 (event-driven)
dApost/dt = -Apost/(20*ms) : 1 (event-driven)''',
             on_pre='''v_post += w*mV
Apre += 0.1
w = clip(w + Apost, 0, 10)''',
             on_post='''Apost += -0.12
w = clip(w + Apre, 0, 10)''')
S.connect(i=np.concatenate(pre), j=np.concatenate(post))
S.w = 6
S.delay = np.concatenate(delay) * ms
SI = Synapses(G, G, on_pre='v_post += -5*mV', delay=1 * ms)
SI.connect(i=np.concatenate(ipre), j=np.concatenate(ipost))
mon = SpikeMonitor(G)
wmon = StateMonitor(S, 'w', record=True, dt=1 * second)
Network(G, Th, ST, S, SI, mon, wmon).run(T * second + defaultclock.dt)
i, t = np.asarray(mon.i), np.asarray(mon.t / second)
i = i[t < T]
blocks = np.asarray(S.i) // N
W = np.asarray(wmon.w)  # [synapse, sample]
for s in range(SEEDS):
    k = i[(i >= s * N) & (i < (s + 1) * N)] - s * N
    print('%d %.6g %.6g' % (s + 1, (k < NE).sum() / NE / T, (k >= NE).sum() / NI / T), flush=True)
for s in range(SEEDS):
    for k in range(T + 1):
        w = W[blocks == s, k]
        print('%d %d %.6g %.6g %.6g %.6g' % (s + 1, k, w.mean(), w.std(), (w > 9).mean(), (w < 1).mean()))
