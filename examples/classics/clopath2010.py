#!/usr/bin/python3
"""Brian2 2.5 reference for examples/classics/clopath2010.snn: the
voltage-based STDP rule of Clopath, Büsing, Vasilaki & Gerstner 2010 (Nat
Neurosci 13:344) under Sjöström et al. 2001's pairing protocol (the
paper's Fig. 2b): 5 pairs of a pre and a post spike, 10 ms apart, at 0.1,
10, 20, 25, 40 and 50 Hz, pre-post (even neurons) and post-pre (odd).

The postsynaptic cell is the paper's AdEx with an adaptive threshold, an
after-spike current z and the spike as a 2 ms clamp at V_clamp (v held as
a refractory period, u = V_clamp meanwhile), the visual-cortex parameters,
Euler at dt = 0.1 ms. The synapse is clock-driven (its LTP term reads the
post membrane u every step), LTD at the presynaptic spike. A post spike
is evoked by a 60 mV kick onto v, a pre spike delivers w * 1 mV.

Prints "s i t_ms" per post spike, then "k w_0 ... w_11": the weights at
the start of the step at k s (k = 0..41), as snnc's `record weights(C)
every 1 s`. clopath2010.txt holds the output; examples/classics_test.go
compares snnc's weights with it. Run with /usr/bin/python3 (needs g++).
"""
import sys
import numpy as np
try:
    from brian2 import (NeuronGroup, Synapses, SpikeGeneratorGroup, SpikeMonitor, StateMonitor, Network,
                        defaultclock, set_device, ms, mV, pF, nS, pA, second, volt)
except ImportError:
    sys.exit("needs Brian2: apt-get install -y python3-brian (and run with /usr/bin/python3)")

set_device('cpp_standalone', directory=sys.argv[1] if len(sys.argv) > 1 else None)
defaultclock.dt = 0.1 * ms
FREQS = [0.1, 10, 20, 25, 40, 50]  # Hz; neuron 2k pre-post, 2k+1 post-pre at FREQS[k]
pre_t, pre_i, post_t, post_i = [], [], [], []
for k, f in enumerate(FREQS):
    for order in (0, 1):
        n = 2 * k + order
        for j in range(5):
            t0 = 10 + j * 1000 / f
            a, b = (t0, t0 + 10) if order == 0 else (t0 + 10, t0)
            pre_t.append(a), pre_i.append(n), post_t.append(b), post_i.append(n)

C_m, g_l, E_l, Delta_T = 281 * pF, 30 * nS, -70.6 * mV, 2 * mV
V_T_rest, V_T_max, tau_VT = -50.4 * mV, -30.4 * mV, 50 * ms
a, b, tau_w, I_sp, tau_z = 4 * nS, 80.5 * pA, 144 * ms, 400 * pA, 40 * ms
V_reset, V_peak, V_clamp, t_clamp = -49.6 * mV, 33 * mV, 33 * mV, 2 * ms
tau_minus, tau_plus = 10 * ms, 7 * ms
A_LTD, A_LTP, theta_minus, theta_plus, tau_x = 14e-5, 8e-5, -70.6 * mV, -45.3 * mV, 15 * ms

P = NeuronGroup(12, '''
    clamped = int(t - t_spk < t_clamp - 0.05*ms) : 1
    u = clamped*V_clamp + (1 - clamped)*clip(v, -1*volt, V_clamp) : volt
    dv/dt = (g_l*(E_l - v) + g_l*Delta_T*exp((v - V_T)/Delta_T) - w_a + z) / C_m : volt (unless refractory)
    dw_a/dt = (a*(u - E_l) - w_a) / tau_w : amp
    dz/dt = -z / tau_z : amp
    dV_T/dt = (V_T_rest - V_T) / tau_VT : volt
    du_minus/dt = (u - u_minus) / tau_minus : volt
    du_plus/dt = (u - u_plus) / tau_plus : volt
    t_spk : second''', threshold='v > V_peak',
                reset='v = V_reset; w_a += b; z = I_sp; V_T = V_T_max; t_spk = t',
                refractory=t_clamp, method='euler')
P.v = E_l
P.V_T = V_T_rest
P.u_minus = E_l
P.u_plus = E_l
P.t_spk = -1 * second
Kick = SpikeGeneratorGroup(12, post_i, post_t * ms)
K = Synapses(Kick, P, on_pre='v_post += 60*mV')
K.connect(j='i')
Pre = SpikeGeneratorGroup(12, pre_i, pre_t * ms)
S = Synapses(Pre, P, '''
    dx/dt = -x / tau_x : 1 (clock-driven)
    dw/dt = A_LTP * x / tau_x * clip(u_post - theta_plus, 0*mV, 1*volt) / mV
            * clip(u_plus_post - theta_minus, 0*mV, 1*volt) / mV : 1 (clock-driven)''',
             on_pre='''v_post += w * mV
x += 1
w = clip(w - A_LTD * clip(u_minus_post - theta_minus, 0*mV, 1*volt) / mV, 0, 1)''', method='euler')
S.connect(j='i')
S.w = 0.5
spk = SpikeMonitor(P)
wmon = StateMonitor(S, 'w', record=np.arange(12), dt=1 * second)  # S.connect(j='i'): synapse k is neuron k's
Network(P, Kick, K, Pre, S, spk, wmon).run(42 * second)
for i, t in zip(np.asarray(spk.i), np.asarray(spk.t / ms)):
    print('s %d %.1f' % (i, t))
W = np.asarray(wmon.w)  # [synapse, sample]
for k in range(W.shape[1]):
    print('%d %s' % (k, ' '.join('%.17g' % x for x in W[:, k])))
