#!/usr/bin/python3
"""Brian2 2.5 reference for examples/classics/diesmann1999.snn: the synfire
chain of Diesmann, Gewaltig & Aertsen 1999 (Nature 402:529) as Brian2's own
example frompapers/Diesmann_et_al_1999.py writes it: 10 groups of 100
integrate-and-fire neurons with alpha-shaped PSCs (tau_s = 0.325 ms,
4.86 mV onto y), each group all-to-all onto the next, background drive
as a mean and white noise (Euler–Maruyama, dt = 0.1 ms), refractory 1 ms,
V started uniformly between V_r and V_t. A pulse packet of a spikes, their
times normal(50 ms, sigma), enters the first group; 100 ms.

Prints "a sigma_ms trial n_1 .. n_10" for TRIALS trials of each (a, sigma):
n_k the spikes of group k from 45 ms on (the packet and background).
diesmann1999.txt holds the output; examples/classics_test.go compares
snnc's trials (other random numbers: means within standard errors, and
how often the packet reaches the last group). All trials are simulated
side by side as independent blocks of one cpp_standalone run. A packet
spike at time s is emitted at the first step at or after s (ceil(s/dt)),
as the .snn file's threshold t >= t_s does. Run with /usr/bin/python3.
"""
import sys
import numpy as np
try:
    from brian2 import (NeuronGroup, Synapses, SpikeGeneratorGroup, SpikeMonitor, Network,
                        defaultclock, set_device, seed, ms, mV)
except ImportError:
    sys.exit("needs Brian2: apt-get install -y python3-brian (and run with /usr/bin/python3)")

set_device('cpp_standalone', directory=sys.argv[1] if len(sys.argv) > 1 else None)
defaultclock.dt = 0.1 * ms
TRIALS = 20
CONDITIONS = [(100, 3), (50, 1), (50, 3), (30, 1)]  # (a, sigma in ms)
NG, GS = 10, 100
Vr, Vt, taum, taupsp, weight = -70 * mV, -55 * mV, 10 * ms, 0.325 * ms, 4.86 * mV
eqs = '''dV/dt = (-(V-Vr)+x)*(1./taum) : volt
dx/dt = (-x+y)*(1./taupsp) : volt
dy/dt = -y*(1./taupsp)+25.27*mV/ms+ (39.24*mV/ms**0.5)*xi : volt'''
seed(1)
rng = np.random.default_rng(1)
B = len(CONDITIONS) * TRIALS
P = NeuronGroup(B * NG * GS, eqs, threshold='V>Vt', reset='V=Vr', refractory=1 * ms, method='euler')
P.V = 'Vr + rand() * (Vt - Vr)'
pre, post, ii, tt = [], [], [], []
grid = np.arange(GS)
for b in range(B):
    a, sigma = CONDITIONS[b // TRIALS]
    base = b * NG * GS
    for k in range(NG - 1):
        pre.append(np.repeat(base + k * GS + grid, GS))
        post.append(np.tile(base + (k + 1) * GS + grid, GS))
    steps = np.ceil(rng.normal(50, sigma, a) / 0.1 - 1e-9)
    ii.append(b * GS + np.arange(a))
    tt.append(steps * 0.1)
S = Synapses(P, P, on_pre='y+=weight')
S.connect(i=np.concatenate(pre), j=np.concatenate(post))
In = SpikeGeneratorGroup(B * GS, np.concatenate(ii), np.concatenate(tt) * ms)
Sin = Synapses(In, P, on_pre='y+=weight')
src = np.concatenate([np.repeat(b * GS + grid, GS) for b in range(B)])
dst = np.concatenate([np.tile(b * NG * GS + grid, GS) for b in range(B)])
Sin.connect(i=src, j=dst)
mon = SpikeMonitor(P)
Network(P, S, In, Sin, mon).run(100 * ms)
i, t = np.asarray(mon.i), np.asarray(mon.t / ms)
i = i[t >= 45]
counts = np.bincount(i // GS, minlength=B * NG).reshape(B, NG)
for b in range(B):
    a, sigma = CONDITIONS[b // TRIALS]
    print('%d %g %d %s' % (a, sigma, b % TRIALS + 1, ' '.join(str(c) for c in counts[b])), flush=True)
