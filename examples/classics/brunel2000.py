#!/usr/bin/python3
"""Brian2 2.5 reference for examples/classics/brunel2000.snn: Brunel 2000
(J Comput Neurosci 8:183), the sparse network of excitatory and inhibitory
integrate-and-fire neurons with delta synapses, a 1.5 ms delay and Poisson
external drive, in the four regimes of the paper's Fig. 8 (g, nu_ext/nu_thr
= 3/2 SR, 6/4 SIfast, 5/2 AI, 4.5/0.9 SIslow), scaled down as the .snn
file says: N_E = 1000, N_I = 250, C_E = 200, C_I = 50 (fixed in-degree),
J = 0.5 mV (J*C_E = 100 mV, the paper's), external drive C_E Poisson trains
of nu_ext each per neuron (PoissonInput), dt = 0.1 ms, 500 ms.

Prints "regime seed rate_Hz mean_CV" for SEEDS networks per regime: rate
over all 1250 neurons and mean ISI CV (neurons with >= 3 spikes), both from
100 to 500 ms. brunel2000.txt holds the output; examples/classics_test.go
compares snnc's statistics over as many seeds (other random numbers: the
means within standard errors between seeds). The 4 x SEEDS networks are
simulated side by side as blocks of one cpp_standalone run (each block has
its own synapses and drive only: independent networks), so one compile
serves them all. Run with /usr/bin/python3 (needs g++).
"""
import sys
import numpy as np
try:
    from brian2 import (NeuronGroup, Synapses, PoissonInput, SpikeMonitor, Network, defaultclock,
                        set_device, seed, ms, mV, Hz)
except ImportError:
    sys.exit("needs Brian2: apt-get install -y python3-brian (and run with /usr/bin/python3)")

set_device('cpp_standalone', directory=sys.argv[1] if len(sys.argv) > 1 else None)
defaultclock.dt = 0.1 * ms
SEEDS = 5
REGIMES = [('SR', 3, 2), ('SIfast', 6, 4), ('AI', 5, 2), ('SIslow', 4.5, 0.9)]
NE, NI, CE, CI = 1000, 250, 200, 50
N = NE + NI
J, D, tau, theta, Vr, tref = 0.5 * mV, 1.5 * ms, 20 * ms, 20 * mV, 10 * mV, 2 * ms
nu_thr = theta / (J * CE * tau)
T, T0 = 500 * ms, 100 * ms

seed(1)
rng = np.random.default_rng(1)
groups, objs = [], []
for name, g, ratio in REGIMES:  # one group per regime: SEEDS independent networks side by side
    G = NeuronGroup(SEEDS * N, 'dv/dt = -v/tau : volt (unless refractory)', threshold='v > theta',
                    reset='v = Vr', refractory=tref, method='exact')
    G.v = 'rand() * theta'
    pre, post, w = [], [], []
    for s in range(SEEDS):
        base = s * N
        for j in range(N):  # fixed in-degree: C_E distinct E and C_I distinct I cells
            for lo, n, k, wt in ((0, NE, CE, J / mV), (NE, NI, CI, -g * J / mV)):
                pre.append(base + lo + rng.choice(n, k, replace=False))
                post.append(np.full(k, base + j))
                w.append(np.full(k, wt))
    S = Synapses(G, G, 'w : volt', on_pre='v_post += w', delay=D)
    S.connect(i=np.concatenate(pre), j=np.concatenate(post))
    S.w = np.concatenate(w) * mV
    # C_E external Poisson trains of nu_ext each, dropped while refractory
    P = PoissonInput(G, 'v', CE, ratio * nu_thr, weight='J * int(not_refractory)')
    M = SpikeMonitor(G)
    groups.append(M)
    objs += [G, S, P, M]
net = Network(objs)
net.run(T)
for (name, _, _), M in zip(REGIMES, groups):
    i, t = np.asarray(M.i), np.asarray(M.t / ms)
    keep = t >= T0 / ms
    i, t = i[keep], t[keep]
    for s in range(SEEDS):
        base = s * N
        m = (i >= base) & (i < base + N)
        ib, tb = i[m] - base, t[m]
        order = np.lexsort((tb, ib))
        ib, tb = ib[order], tb[order]
        cvs = []
        for k in range(N):
            x = tb[ib == k]
            if len(x) >= 3:
                d = np.diff(x)
                cvs.append(d.std() / d.mean())
        rate = len(tb) / N / ((T - T0) / ms * 1e-3)
        print('%s %d %.6g %.6g' % (name, s + 1, rate, np.mean(cvs)), flush=True)
