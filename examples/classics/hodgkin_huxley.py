#!/usr/bin/python3
"""Brian2 2.5 reference for examples/classics/hodgkin_huxley.snn: a
Hodgkin-Huxley neuron (Traub-Miles kinetics as in Brette et al. 2007's
COBAHH benchmark, 20000 um^2) at four constant currents, 0.2, 0.4, 0.8 and
1.6 nA, for 200 ms at dt = 0.01 ms (RK4). A spike is an upstroke through
0 mV (threshold='v > 0*mV', refractory='v > 0*mV'; snnc's `on threshold
v > 0 mV rising`).

Prints "# spikes_ms i:" per neuron and "t_ms v0 v1 v2 v3" every 0.1 ms;
hodgkin_huxley.txt holds the output, which examples/classics_test.go reads.
Run with /usr/bin/python3 (Debian's python3-brian).
"""
import sys
try:
    from brian2 import (NeuronGroup, StateMonitor, SpikeMonitor, Network, defaultclock, prefs,
                        ms, mV, nA, nS, uS, pF)
except ImportError:
    sys.exit("needs Brian2: apt-get install -y python3-brian (and run with /usr/bin/python3)")

prefs.codegen.target = 'numpy'
defaultclock.dt = 0.01 * ms
eqs = '''
dv/dt = (g_l*(E_l - v) - g_Na*m*m*m*h*(v - E_Na) - g_K*n*n*n*n*(v - E_K) + I_inj) / C_m : volt
dm/dt = 0.32/ms * ((13*mV - v + V_T)/mV) / (exp((13*mV - v + V_T)/(4*mV)) - 1) * (1 - m) - 0.28/ms * ((v - V_T - 40*mV)/mV) / (exp((v - V_T - 40*mV)/(5*mV)) - 1) * m : 1
dn/dt = 0.032/ms * ((15*mV - v + V_T)/mV) / (exp((15*mV - v + V_T)/(5*mV)) - 1) * (1 - n) - 0.5/ms * exp((10*mV - v + V_T)/(40*mV)) * n : 1
dh/dt = 0.128/ms * exp((17*mV - v + V_T)/(18*mV)) * (1 - h) - 4/ms / (1 + exp((40*mV - v + V_T)/(5*mV))) * h : 1
I_inj : amp (constant)
'''
ns = dict(C_m=200 * pF, g_l=10 * nS, E_l=-65 * mV, E_K=-90 * mV, E_Na=50 * mV, g_Na=20 * uS, g_K=6 * uS,
          V_T=-63 * mV)
G = NeuronGroup(4, eqs, threshold='v > 0*mV', refractory='v > 0*mV', method='rk4', namespace=ns)
G.I_inj = [0.2, 0.4, 0.8, 1.6] * nA
G.v, G.m, G.h, G.n = -65 * mV, 0.05, 0.6, 0.32
mon = StateMonitor(G, 'v', record=True, dt=0.1 * ms)
spk = SpikeMonitor(G)
net = Network(G, mon, spk)
net.run(200 * ms)
trains = spk.spike_trains()
for i in range(4):
    print('# spikes_ms %d:' % i, ' '.join('%.2f' % (t / ms) for t in trains[i]))
for k, t in enumerate(mon.t):
    print('%.1f %s' % (t / ms, ' '.join('%.17g' % (mon.v[i][k] / mV) for i in range(4))))
