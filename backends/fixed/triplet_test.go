package fixed_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/fixed"
	"github.com/snnc/snnc/ir/iir"
)

// tripletParams are Pfister & Gerstner's (2006) minimal all-to-all model
// fitted to Sjöström et al.'s visual cortex data (std/plasticity
// TripletSTDP's defaults), and a "full" variant with all four amplitudes.
type tripletParams struct {
	name                       string
	tauP, tauM, tauX, tauY     float64
	a2p, a3p, a2m, a3m         float64
	set                        string // the projection's parameter settings
	pairs, periodMs, lagMs, w0 float64
}

// tripletPairing is the paper's closed-form weight change for a pairing
// protocol: n pairs at period T, the leading spike of pair k at kT and the
// lagging one s later (s = |Δt|; post leads when Δt < 0). With
// q = exp(−T/τ), the traces at the spikes of pair k are geometric sums:
//
//	Δt > 0, post k: r1 = e^{−s/τ+}(1 − q+^{k+1})/(1 − q+), o2 = q_y(1 − q_y^k)/(1 − q_y)
//	        pre k:  o1 = e^{s/τ−} q−(1 − q−^k)/(1 − q−),    r2 = q_x(1 − q_x^k)/(1 − q_x)
//	Δt < 0, post k: r1 = e^{s/τ+} q+(1 − q+^k)/(1 − q+),     o2 = q_y(1 − q_y^k)/(1 − q_y)
//	        pre k:  o1 = e^{−s/τ−}(1 − q−^{k+1})/(1 − q−),  r2 = q_x(1 − q_x^k)/(1 − q_x)
//
// (traces read before their own spike's bump), Δw = Σ_k r1(A2+ + A3+·o2)
// − o1(A2− + A3−·r2).
func tripletPairing(p tripletParams, n int, T, s float64, postLeads bool) float64 {
	geo := func(q float64, k int) float64 { return (1 - math.Pow(q, float64(k))) / (1 - q) }
	qp, qm, qx, qy := math.Exp(-T/p.tauP), math.Exp(-T/p.tauM), math.Exp(-T/p.tauX), math.Exp(-T/p.tauY)
	dw := 0.0
	for k := range n {
		var r1, o1 float64
		if !postLeads {
			r1, o1 = math.Exp(-s/p.tauP)*geo(qp, k+1), math.Exp(s/p.tauM)*qm*geo(qm, k)
		} else {
			r1, o1 = math.Exp(s/p.tauP)*qp*geo(qp, k), math.Exp(-s/p.tauM)*geo(qm, k+1)
		}
		o2, r2 := qy*geo(qy, k), qx*geo(qx, k)
		dw += r1*(p.a2p+p.a3p*o2) - o1*(p.a2m+p.a3m*r2)
	}
	return dw
}

// TestTripletPairing: q16 triplet STDP on a pairing protocol (10 pairs at
// 20 Hz, Δt = ±10 ms, one synapse) against tripletPairing, the paper's
// closed form. The bound, in LSBs u of w, sums over the 2n updates, for
// the update T1·(c2 + c3·T2) with traces T in counts of a bump:
//
//	½ + ½·T1·2^-S                   rounding the change and its inner term into w's scale
//	|c_q − c|·(T1 + T1·T2)/u        each constant quantized (c_q: the IR's)
//	ΔT1·(|c2| + |c3|·T2)/u + T1·|c3|·ΔT2/u + ΔT1·|c3|·ΔT2/u
//
// with a trace's error ΔT ≤ Σ_spikes m·|d_q − d|·max(d, d_q)^(m−1) (its
// decay factor quantized, m steps since each spike) + 2^-G/(1 − d_q)
// (rounding each decay, G its fractional bits). Measured: 0.5-4.1 LSB
// (0.03-0.5 % of Δw), within the updates' own rounding (½ LSB each).
func TestTripletPairing(t *testing.T) {
	full := tripletParams{name: "full", tauP: 16.8e-3, tauM: 33.7e-3, tauX: 101e-3, tauY: 114e-3, a2p: 5e-3, a3p: 6.5e-3, a2m: 7.1e-3, a3m: 2e-3,
		set: "\n        A2_plus = 5e-3\n        A3_minus = 2e-3\n    ", pairs: 10, periodMs: 50, lagMs: 10, w0: 0.5}
	minimal := full
	minimal.name, minimal.a2p, minimal.a3m, minimal.set = "minimal", 0, 0, ""
	for _, p := range []tripletParams{minimal, full} {
		for _, lag := range []float64{p.lagMs, -p.lagMs} {
			t.Run(fmt.Sprintf("%s/%+gms", p.name, lag), func(t *testing.T) { tripletPairingCase(t, p, lag) })
		}
	}
}

func tripletPairingCase(t *testing.T, p tripletParams, lagMs float64) {
	const dt = 1e-4
	var pre, drive []string
	for k := range int(p.pairs) {
		t0 := 20 + float64(k)*p.periodMs
		pre = append(pre, fmt.Sprintf("%g ms", t0))
		drive = append(drive, fmt.Sprintf("%g ms", t0+lagMs))
	}
	src := fmt.Sprintf(`import "std/neurons"
import "std/plasticity"

network Net {
    dt = 0.1 ms
    seed = 1
    input Pre = spike_times(1, times = [%s])
    input Drive = spike_times(1, times = [%s])
    population P = IF[1]
    project Drive -> P : exc { connect = all_to_all  weight = 30 mV }
    project Pre -> P : exc using TripletSTDP { connect = all_to_all  weight = 0.1 mV  w = %g %s}
}

run Net for %g ms
`, strings.Join(pre, ", "), strings.Join(drive, ", "), p.w0, p.set, 40+p.pairs*p.periodMs)
	tr, tp := plasticTrace(t, "pairing.snn", src, "q16")
	pl := tp.Plastic
	// the spike steps: the post neuron fires at each drive, nowhere else
	var preSteps, postSteps []int
	for n := range tr.Steps {
		if len(tr.Inputs[0].Spikes[n]) > 0 {
			preSteps = append(preSteps, n)
		}
		if len(tr.Pops[0].Spikes[n]) > 0 {
			postSteps = append(postSteps, n)
		}
	}
	if len(preSteps) != int(p.pairs) || len(postSteps) != int(p.pairs) {
		t.Fatalf("%d pre and %d post spikes, want %g each", len(preSteps), len(postSteps), p.pairs)
	}
	lag := postSteps[0] - preSteps[0]
	for k := range postSteps {
		if postSteps[k]-preSteps[k] != lag || preSteps[k]-preSteps[0] != k*int(math.Round(p.periodMs*1e-3/dt)) {
			t.Fatalf("pair %d: pre at step %d, post at %d: not a periodic protocol", k, preSteps[k], postSteps[k])
		}
	}
	s, T := math.Abs(float64(lag))*dt, p.periodMs*1e-3
	want := tripletPairing(p, int(p.pairs), T, s, lag < 0)

	// the bound, event by event, from the spike steps
	u := pl.W.Scale
	dq := map[*iir.Var]float64{}
	for _, k := range []*iir.Kernel{pl.TickPre, pl.TickPost} {
		for _, o := range k.Ops {
			// x + ((x·c) >> e): the factor is 1 + c/2^e
			if o.Code == iir.OpStore {
				shr := o.Args[0].Args[1]
				dq[o.Var] = 1 + math.Ldexp(float64(shr.Args[0].Args[1].Imm), -int(shr.Imm))
			}
		}
	}
	tau := map[*iir.Var]float64{pl.Pre: p.tauP, pl.Pre2: p.tauX, pl.Post: p.tauM, pl.Post2: p.tauY}
	// trace returns a trace's exact value (counts) at step n, before a
	// bump at n, and its error bound
	trace := func(v *iir.Var, spikes []int, n int) (float64, float64) {
		d, q := math.Exp(-dt/tau[v]), dq[v]
		x, e := 0.0, math.Ldexp(1, -v.Frac)/(1-q)
		for _, sp := range spikes {
			if sp < n {
				m := float64(n - sp)
				x += math.Pow(d, m)
				e += m * math.Abs(q-d) * math.Pow(math.Max(d, q), m-1)
			}
		}
		return x, e
	}
	consts := map[string]float64{} // the quantized constants, by name
	for _, c := range pl.Consts {
		consts[c.What] = c.Got
	}
	extra := func(k *iir.Kernel) int { // S: the change's shift minus T1's fractional bits
		for _, o := range k.Ops {
			if m := o.Args; o.Code == iir.OpShr && m[0].Code == iir.OpMul && m[0].Args[0].Code == iir.OpLoad && m[0].Args[0].Var != pl.W {
				return int(o.Imm) - m[0].Args[0].Var.Frac
			}
		}
		t.Fatalf("%s: no trace product", k.Name)
		return 0
	}
	bound, w := 0.0, p.w0
	update := func(t1, t2 *iir.Var, t1Spikes, t2Spikes []int, n int, c2, c3 float64, side string, S int) {
		T1, e1 := trace(t1, t1Spikes, n)
		T2, e2 := trace(t2, t2Spikes, n)
		c2q, c3q := consts["pair coefficient "+side], consts["triplet coefficient "+side]
		b := 0.5 + 0.5*T1*math.Ldexp(1, -S)
		b += (math.Abs(c2q-c2)*T1 + math.Abs(c3q-c3)*T1*T2) / u
		b += (e1*(math.Abs(c2)+math.Abs(c3)*T2) + T1*math.Abs(c3)*e2 + e1*math.Abs(c3)*e2) / u
		bound += b
		w += T1 * (c2 + c3*T2)
		if w <= 0 || w >= 1 {
			t.Fatalf("w reaches %g: the protocol clips, the closed form does not", w)
		}
	}
	sPre, sPost := extra(pl.OnPre), extra(pl.OnPost)
	for k := range preSteps {
		events := []func(){
			func() { update(pl.Post, pl.Pre2, postSteps, preSteps, preSteps[k], -p.a2m, -p.a3m, "on pre", sPre) },
			func() { update(pl.Pre, pl.Post2, preSteps, postSteps, postSteps[k], p.a2p, p.a3p, "on post", sPost) },
		}
		if lag < 0 {
			events[0], events[1] = events[1], events[0]
		}
		events[0]()
		events[1]()
	}
	if math.Abs(w-p.w0-want) > 1e-12 {
		t.Fatalf("the event-by-event sum %g differs from the closed form %g", w-p.w0, want)
	}
	got := float64(tp.FinalW[0]-tp.InitW[0]) * u
	errU := math.Abs(got-want) / u
	if errU > bound {
		t.Errorf("Δt = %+.1f ms: q16 Δw %.6g, closed form %.6g: off by %.2f LSB, bound %.2f", float64(lag)*dt*1e3, got, want, errU, bound)
	}
	// in practice the weight's own rounding dominates: half an LSB an update
	if floor := 0.5*2*p.pairs + 1; errU > floor {
		t.Errorf("Δt = %+.1f ms: q16 Δw %.6g vs closed form %.6g: %.2f LSB, more than w's rounding (%g LSB)", float64(lag)*dt*1e3, got, want, errU, floor)
	}
	t.Logf("Δt = %+.1f ms: Δw q16 %.6g, closed form %.6g, error %.2f LSB (w LSB %.3g), bound %.2f", float64(lag)*dt*1e3, got, want, errU, u, bound)
}

// plasticTrace compiles src, runs it bit-accurately on target and returns
// the trace and its (last) plastic projection.
func plasticTrace(t *testing.T, name, src, target string) (*iir.Trace, *iir.TraceProj) {
	t.Helper()
	p, _, diags := snnc.CompileSource(name, []byte(src), snnc.Options{})
	if p == nil {
		t.Fatal(diags)
	}
	tr, err := fixed.RunTrace(p, lower(t, p, target), fixed.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var tp *iir.TraceProj
	for _, x := range tr.Projs {
		if x.Plastic != nil {
			tp = x
		}
	}
	if tp == nil {
		t.Fatal("no plastic projection")
	}
	return tr, tp
}
