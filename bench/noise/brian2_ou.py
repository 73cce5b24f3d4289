#!/usr/bin/python3
"""Brian2 cpp_standalone twin of bench/noise/ou.snn (noise) and ou_det.snn
(det): 10000 OU membranes, Euler(-Maruyama), dt = 0.1 ms, 1 s.
Usage: /usr/bin/python3 brian2_ou.py noise|det DIR; then time DIR/main."""
import sys
from brian2 import (NeuronGroup, StateMonitor, run, set_device, device, defaultclock, prefs, ms, mV)

kind, out = sys.argv[1], sys.argv[2]
set_device('cpp_standalone', directory=out, build_on_run=False)
prefs.devices.cpp_standalone.openmp_threads = 0
defaultclock.dt = 0.1 * ms
eqs = 'dv/dt = (mu - v)/tau + sigma*sqrt(2/tau)*xi : volt' if kind == 'noise' else 'dv/dt = (mu - v)/tau : volt'
G = NeuronGroup(10000, eqs, method='euler', namespace={'mu': -60 * mV, 'tau': 10 * ms, 'sigma': 2 * mV})
G.v = -60 * mV
M = StateMonitor(G, 'v', record=range(10), dt=100 * ms)
run(1000 * ms)
device.build(directory=out, compile=True, run=False)
