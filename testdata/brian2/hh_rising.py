#!/usr/bin/python3
"""Brian2 2.5 reference for issue 14 item 2: a threshold that fires when its
condition becomes true. A Hodgkin-Huxley neuron (Traub-Miles kinetics as in
Brette et al. 2007's COBAHH benchmark, 20000 um^2, a constant 0.5 nA)
spikes once per upstroke with Brian2's idiom threshold='v > 0*mV',
refractory='v > 0*mV' (a neuron is refractory while v > 0 mV, so the
threshold cannot fire again until v has been at or below 0 mV), and on
every step v > 0 mV with threshold='v > 0*mV' alone.

The snnc model is hh_rising.snn (`on threshold v > 0 mV rising` and the
plain form). Prints "# spikes_ms 0:" (the idiom), "# spikes_ms 1:" (plain
threshold) and "t_ms v_mV" every step of neuron 0; hh_rising.txt holds the
output. Run with /usr/bin/python3.
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
'''
ns = dict(C_m=200 * pF, g_l=10 * nS, E_l=-65 * mV, E_K=-90 * mV, E_Na=50 * mV, g_Na=20 * uS, g_K=6 * uS,
          V_T=-63 * mV, I_inj=0.5 * nA)
rising = NeuronGroup(1, eqs, threshold='v > 0*mV', refractory='v > 0*mV', method='rk4', namespace=ns)
plain = NeuronGroup(1, eqs, threshold='v > 0*mV', method='rk4', namespace=ns)
for g in (rising, plain):
    g.v, g.m, g.h, g.n = -65 * mV, 0.05, 0.6, 0.32
mon = StateMonitor(rising, 'v', record=0)
s0, s1 = SpikeMonitor(rising), SpikeMonitor(plain)
net = Network(rising, plain, mon, s0, s1)
net.run(50 * ms)
print('# spikes_ms 0:', ' '.join('%.2f' % (t / ms) for t in s0.t))
print('# spikes_ms 1:', ' '.join('%.2f' % (t / ms) for t in s1.t))
for t, v in zip(mon.t, mon.v[0]):
    print('%.2f %.17g' % (t / ms, v / mV))
