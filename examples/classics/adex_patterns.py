#!/usr/bin/python3
"""Brian2 2.5 reference for examples/classics/adex_patterns.snn: the firing
patterns of the adaptive exponential integrate-and-fire neuron with the
parameters of Naud, Marcille, Clopath & Gerstner 2008 (Biol Cybern 99:335,
Table 1), each under its constant current from t = 0, for 500 ms; RK4 at
dt = 0.01 ms; the spike is cut at V_T + 5 Delta_T (= -40 mV), then
v = V_r and w += b.

Prints "# spikes_ms i:" per pattern (the order of PATTERNS) and
"t_ms v0 ... v7" every 1 ms; adex_patterns.txt holds the output, which
examples/classics_test.go reads. Run with /usr/bin/python3.
"""
import sys
try:
    from brian2 import (NeuronGroup, StateMonitor, SpikeMonitor, Network, defaultclock, prefs,
                        ms, mV, nS, pF, pA)
except ImportError:
    sys.exit("needs Brian2: apt-get install -y python3-brian (and run with /usr/bin/python3)")

# name: C (pF), g_L (nS), E_L (mV), V_T (mV), Delta_T (mV), a (nS), tau_w (ms), b (pA), V_r (mV), I (pA)
PATTERNS = [
    ('tonic', 200, 10, -70, -50, 2, 2, 30, 0, -58, 500),
    ('adapting', 200, 12, -70, -50, 2, 2, 300, 60, -58, 500),
    ('initial_burst', 130, 18, -58, -50, 2, 4, 150, 120, -50, 400),
    ('regular_bursting', 200, 10, -58, -50, 2, 2, 120, 100, -46, 210),
    ('delayed_accelerating', 200, 12, -70, -50, 2, -10, 300, 0, -58, 300),
    ('delayed_regular_bursting', 100, 10, -65, -50, 2, -10, 90, 30, -47, 110),
    ('transient', 100, 10, -65, -50, 2, 10, 90, 100, -47, 180),
    ('irregular', 100, 12, -60, -50, 2, -11, 130, 30, -48, 160),
]

prefs.codegen.target = 'numpy'
defaultclock.dt = 0.01 * ms
G = NeuronGroup(len(PATTERNS), '''
    dv/dt = (g_L*(E_L - v) + g_L*Delta_T*exp((v - V_T)/Delta_T) - w + I) / C : volt
    dw/dt = (a*(v - E_L) - w) / tau_w : amp
    C : farad (constant)
    g_L : siemens (constant)
    E_L : volt (constant)
    V_T : volt (constant)
    Delta_T : volt (constant)
    a : siemens (constant)
    tau_w : second (constant)
    b : amp (constant)
    V_r : volt (constant)
    I : amp (constant)''', threshold='v > V_T + 5*Delta_T', reset='v = V_r; w += b', method='rk4')
cols = list(zip(*[p[1:] for p in PATTERNS]))
G.C, G.g_L, G.E_L, G.V_T = cols[0] * pF, cols[1] * nS, cols[2] * mV, cols[3] * mV
G.Delta_T, G.a, G.tau_w, G.b = cols[4] * mV, cols[5] * nS, cols[6] * ms, cols[7] * pA
G.V_r, G.I = cols[8] * mV, cols[9] * pA
G.v = G.E_L
G.w = 0 * pA
mon = StateMonitor(G, 'v', record=True, dt=1 * ms)
spk = SpikeMonitor(G)
net = Network(G, mon, spk)
net.run(500 * ms)
trains = spk.spike_trains()
for i, p in enumerate(PATTERNS):
    print('# spikes_ms %d:' % i, ' '.join('%.2f' % (t / ms) for t in trains[i]), ' # ' + p[0])
for k, t in enumerate(mon.t):
    print('%.0f %s' % (t / ms, ' '.join('%.17g' % (mon.v[i][k] / mV) for i in range(len(PATTERNS)))))
