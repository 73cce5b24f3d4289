#!/usr/bin/python3
"""Brian2 cpp_standalone twins of bench/models/cuba_delay.snn (base),
cuba_noise.snn (noise) and cuba_syndelay.snn (syndelay), for
bench/noise_delay_cost.sh: CUBA with N = 4000 (Brian2's examples/CUBA.py,
as bench/brian2/cuba.py), both projections with a delay:
  base      1.5 ms for every synapse, method 'exact';
  noise     the same plus sigma*sqrt(2/taum)*xi in dv/dt (sigma = 1 mV),
            method 'euler' (Euler-Maruyama; 'exact' refuses noise, as snnc);
  syndelay  a delay per synapse, 1.5 ms + 0.75 ms * randn(), clipped below
            at dt (snnc draws again below dt: ~2.3 % of the synapses).

Usage: /usr/bin/python3 bench/brian2/cuba_cost.py VARIANT DIR [40k]
(40k: N = 40000 and p = 80/N, the twins of bench/models/cuba40k_*.snn)
generates and compiles the project in DIR without running it; run DIR/main
from DIR (it writes the loop's time to results/last_run_info.txt).
"""
import sys
from brian2 import (NeuronGroup, Synapses, SpikeMonitor, Network, seed, set_device, device, prefs,
                    defaultclock, ms, mV, second)

variant, out = sys.argv[1], sys.argv[2]
set_device('cpp_standalone', directory=out, build_on_run=False)
prefs.devices.cpp_standalone.openmp_threads = 0
defaultclock.dt = 0.1 * ms
seed(1)
N, NE, p = (40000, 32000, 0.002) if sys.argv[3:] == ['40k'] else (4000, 3200, 0.02)
ns = dict(taum=20 * ms, taue=5 * ms, taui=10 * ms, Vt=-50 * mV, Vr=-60 * mV, El=-49 * mV,
          we=(60 * 0.27 / 10) * mV, wi=(-20 * 4.5 / 10) * mV, NE=NE, sigma=1 * mV)
noise = ' + sigma*sqrt(2/taum)*xi' if variant == 'noise' else ''
eqs = '''dv/dt = (ge+gi-(v-El))/taum%s : volt (unless refractory)
dge/dt = -ge/taue : volt
dgi/dt = -gi/taui : volt''' % noise
P = NeuronGroup(N, eqs, threshold='v>Vt', reset='v = Vr', refractory=5 * ms,
                method='euler' if variant == 'noise' else 'exact', namespace=ns)
P.v = 'Vr + rand() * (Vt - Vr)'
Ce = Synapses(P, P, on_pre='ge += we', namespace=ns)
Ci = Synapses(P, P, on_pre='gi += wi', namespace=ns)
Ce.connect('i<NE', p=p)
Ci.connect('i>=NE', p=p)
for S in (Ce, Ci):
    if variant == 'syndelay':
        S.delay = 'clip(1.5*ms + 0.75*ms*randn(), 0.1*ms, 100*ms)'
    else:
        S.delay = 1.5 * ms
mon = SpikeMonitor(P)
Network(P, Ce, Ci, mon).run(1 * second, namespace={})
device.build(directory=out, compile=True, run=False, clean=True)
