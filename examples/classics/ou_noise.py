#!/usr/bin/python3
"""Brian2 2.5 reference for examples/classics/ou_noise.snn: white noise xi
in two populations of 1000 neurons, dt = 0.1 ms, 1000 ms, Brian2's default
method for these stochastic equations (euler: Euler–Maruyama).

OU: dv/dt = (mu - v)/tau + sigma*sqrt(2/tau)*xi, tau = 10 ms, mu = -60 mV,
sigma = 2 mV, v started from normal(mu, sigma), sampled every 1 ms.
LIF: the same with tau = 20 ms, mu = 15 mV, sigma = 4 mV, threshold 20 mV,
reset 10 mV, refractory 2 ms (unless refractory), v started at 10 mV.

Prints "name value standard_error" for the statistics that
examples/classics_test.go computes the same way from snnc's run (each over
the 1000 neurons: one estimate per neuron, the standard error of their
mean): the OU membrane's mean (mV), variance about mu (mV^2), its
autocorrelation at 1, 5, 10 and 20 ms, and the LIF's rate (Hz) and CV of
the interspike intervals. ou_noise.txt holds the output. Run with
/usr/bin/python3.
"""
import sys
try:
    import numpy as np
    from brian2 import NeuronGroup, StateMonitor, SpikeMonitor, Network, defaultclock, prefs, seed, ms, mV
except ImportError:
    sys.exit("needs Brian2: apt-get install -y python3-brian (and run with /usr/bin/python3)")

prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1 * ms
seed(2026)
N = 1000
ou = NeuronGroup(N, '''dv/dt = (mu - v)/tau + sigma*sqrt(2/tau)*xi : volt
    tau : second (constant)
    mu : volt (constant)
    sigma : volt (constant)''', method='euler')
ou.tau, ou.mu, ou.sigma = 10 * ms, -60 * mV, 2 * mV
ou.v = '-60*mV + 2*mV*randn()'
lif = NeuronGroup(N, '''dv/dt = (mu - v)/tau + sigma*sqrt(2/tau)*xi : volt (unless refractory)
    tau : second (constant)
    mu : volt (constant)
    sigma : volt (constant)''', threshold='v > 20*mV', reset='v = 10*mV', refractory=2 * ms, method='euler')
lif.tau, lif.mu, lif.sigma = 20 * ms, 15 * mV, 4 * mV
lif.v = 10 * mV
mon = StateMonitor(ou, 'v', record=True, dt=1 * ms)
spk = SpikeMonitor(lif)
net = Network(ou, lif, mon, spk)
net.run(1000 * ms)


def stats(v, trains, duration, mu):
    """v: samples (neurons × times, mV, every 1 ms); trains: spike times (s)
    per neuron. Each statistic is the mean over neurons of a per-neuron
    estimate, with the standard error of that mean."""
    out = []
    per = lambda x: (np.mean(x), np.std(x, ddof=1) / np.sqrt(len(x)))
    out.append(('ou_mean', per(v.mean(axis=1))))
    d = v - mu
    var = np.mean(d * d, axis=1)
    out.append(('ou_var', per(var)))
    for lag in (1, 5, 10, 20):
        c = np.mean(d[:, :-lag] * d[:, lag:], axis=1) / np.mean(var)
        out.append(('ou_acf_%dms' % lag, per(c)))
    out.append(('lif_rate', per(np.array([len(tr) / duration for tr in trains]))))
    cvs = []
    for tr in trains:
        isi = np.diff(tr)
        if len(isi) >= 2:
            cvs.append(np.std(isi) / np.mean(isi))
    out.append(('lif_cv', per(np.array(cvs))))
    return out


trains = spk.spike_trains()
for name, (m, se) in stats(mon.v / mV, [np.asarray(trains[i] / ms) / 1e3 for i in range(N)], 1.0, -60.0):
    print('%s %.10g %.10g' % (name, m, se))
