package verilog_test

import "testing"

// TestCosimSTDPUpdateFirst: a pair-STDP rule whose on pre updates w before
// delivering it (Brian2's Vogels et al. example order) runs on q16 in
// Icarus Verilog with the Go bit-accurate simulator's spikes, state,
// weights and traces: the delivered weight is the updated one in both.
func TestCosimSTDPUpdateFirst(t *testing.T) {
	needTools(t)
	src := `import "std/neurons"
synapse UpdateFirst {
    parameters {
        dA_pre  = 0.01
        dA_post = -0.0105
    }
    state {
        w      = 0.6
        A_pre  = 0
        A_post = 0
    }
    equations {
        A_pre'  = -A_pre / 20 ms
        A_post' = -A_post / 20 ms
    }
    on pre {
        A_pre += dA_pre
        w = clip(w + A_post, 0, 1)
        deliver w * weight
    }
    on post {
        A_post += dA_post
        w = clip(w + A_pre, 0, 1)
    }
}
network Net {
    dt = 0.1 ms
    seed = 4
    input In = poisson(10, rate = 120 Hz)
    population P = LIF[5]
    population Q = LIF[4]
    project In -> P : exc using UpdateFirst { connect = bernoulli(0.6)  weight = 5 mV  delay = 0.2 ms }
    project P -> Q : exc using UpdateFirst { connect = all_to_all  weight = 5 mV  w = 0.8 }
}

run Net for 30 ms
`
	d := design(t, compileSrc(t, "update_first.snn", src), "q16", 0, 4)
	changed := 0
	for _, tp := range d.Trace.Projs {
		for k := range tp.FinalW {
			if tp.FinalW[k] != tp.InitW[k] {
				changed++
			}
		}
	}
	if n := compare(t, d, iverilog(t, d)); n == 0 || changed == 0 {
		t.Errorf("%d spikes and %d weights changed: nothing to compare", n, changed)
	}
}
