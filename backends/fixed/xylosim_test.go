package fixed_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/fixed"
	"github.com/snnc/snnc/ir/iir"
)

// The XyloSim reference: a re-implementation, written from the documented
// equations of XyloSim's IAF neuron (xylosim v1 and v2, docs/hardware.md),
// of one network of spike inputs, hidden neurons (recurrent, up to 31
// spikes a step) and readout neurons (one spike a step). It shares no code
// with the simulator: parameters come in as integers.

const (
	xyMaxSpikes = 31 // hidden neurons
	xyMaxOut    = 1  // readout neurons
)

func sat16(x int64) int64 { return min(max(x, -32768), 32767) }

// xyDecay is XyloSim's decay(v, dash): v >> dash, at least 1 in v's sign.
func xyDecay(v int64, dash int) int64 {
	d := v >> dash
	if d == 0 && v > 0 {
		d = 1
	} else if d == 0 && v < 0 {
		d = -1
	}
	return d
}

// xyParams are a population's neuron parameters.
type xyParams struct {
	dash      [2]int // synaptic currents
	dashMem   int
	thr, bias int64
}

type xyNeuron struct {
	*xyParams
	v int64
	i [2]int64
}

type xyNet struct {
	v2                 bool
	nIn, nH, nO        int
	win                [2][][]int64 // [current][post][pre]: input weights (<< shift applied)
	wrec, wout         [][]int64    // [post][pre], onto current 0
	h, o               []xyNeuron
	cnt                []int64 // hidden spikes of the last step
	dvClipped, maxSeen int64   // corner cases met: v2's dv saturated; most spikes in one step
}

func (x *xyNet) deliver(n *xyNeuron, c int, w int64, times int64) {
	for range times {
		n.i[c] = sat16(n.i[c] + w)
	}
}

// evolve is XyloIAFNeuron::evolve: decay the currents, integrate, then
// while v >= thr and fewer than max spikes, subtract thr.
func (x *xyNet) evolve(n *xyNeuron, max int64) int64 {
	sum := int64(0)
	for c := range n.i {
		n.i[c] -= xyDecay(n.i[c], n.dash[c])
		sum += n.i[c]
	}
	if x.v2 {
		dv := -xyDecay(n.v, n.dashMem) + sum
		if sat16(dv) != dv {
			x.dvClipped++
		}
		dv = sat16(sat16(dv) + n.bias)
		n.v = sat16(n.v + dv)
	} else {
		n.v -= xyDecay(n.v, n.dashMem)
		n.v = sat16(n.v + sum)
	}
	k := int64(0)
	for n.v >= n.thr && k < max {
		k++
		n.v -= n.thr
	}
	x.maxSeen = maxInt(x.maxSeen, k)
	return k
}

func maxInt(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// step is one XyloSim time step: this step's input spikes, then the hidden
// neurons' spikes of the step before (to hidden and readout neurons), then
// the hidden and the readout neurons evolve. It returns the spike counts.
func (x *xyNet) step(in []bool) (hid, out []int64) {
	for a := range x.nIn {
		if !in[a] {
			continue
		}
		for c := range 2 {
			for j := range x.nH {
				if w := x.win[c][j][a]; w != 0 {
					x.deliver(&x.h[j], c, w, 1)
				}
			}
		}
	}
	for a := range x.nH {
		if x.cnt[a] == 0 {
			continue
		}
		for j := range x.nH {
			if w := x.wrec[j][a]; w != 0 {
				x.deliver(&x.h[j], 0, w, x.cnt[a])
			}
		}
		for j := range x.nO {
			if w := x.wout[j][a]; w != 0 {
				x.deliver(&x.o[j], 0, w, x.cnt[a])
			}
		}
	}
	hid, out = make([]int64, x.nH), make([]int64, x.nO)
	for j := range x.h {
		hid[j] = x.evolve(&x.h[j], xyMaxSpikes)
	}
	for j := range x.o {
		out[j] = x.evolve(&x.o[j], xyMaxOut)
	}
	x.cnt = hid
	return hid, out
}

const xyModel = `
neuron XN {
    parameters {
        tau_a = 8 ms
        tau_b = 32 ms
        tau_mem = 16 ms
        v_th = 10 mV
        b = %s
    }
    state {
        ia = 0 mV
        ib = 0 mV
        v = 0 mV
    }
    equations {
        method exact
        ia' = -ia / tau_a
        ib' = -ib / tau_b
        v' = (ia + ib + b - v) / tau_mem
    }
    inputs {
        a: ia += weight
        bb: ib += weight
    }
    on threshold v > v_th {
        v = 0 mV
    }
}

network Net {
    dt = 1 ms
    input In = spikes("in.csv", n = %d)
    population H = XN[%d]
    population O = XN[%d]
    project In -> H : a { connect = matrix("win_a.csv")  weight = 1 mV }
    project In -> H : bb { connect = matrix("win_b.csv")  weight = 1 mV }
    project H -> H : a { connect = matrix("wrec.csv")  weight = 1 mV }
    project H -> O : a { connect = matrix("wout.csv")  weight = 1 mV }
    record spikes(H)
    record spikes(O)
    record H.v every 1 ms
}

run Net for %d ms
`

// xyMatrix writes a random [post][pre] matrix of whole millivolts in
// [-lim, lim] with density p (a nonzero entry is a synapse).
func xyMatrix(t *testing.T, dir, name string, r *rand.Rand, post, pre int, p float64, lo, hi int) [][]float64 {
	m := make([][]float64, post)
	var b strings.Builder
	for j := range post {
		m[j] = make([]float64, pre)
		for a := range pre {
			if r.Float64() < p {
				for m[j][a] == 0 {
					m[j][a] = float64(lo + r.IntN(hi-lo+1))
				}
			}
			if a > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "%g", m[j][a])
		}
		b.WriteByte('\n')
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestXyloSimReference: random networks (mixed-sign weights, recurrence,
// weights up to many thresholds, so that hidden neurons spike several times
// a step, currents saturate and, on xylo, v2's dv saturates) run on the
// xylo (XyloSim v2) and xylo1 (v1) profiles give, step for step, the spike
// counts and membrane integers of the reference above. snnc's input spike
// at step n is XyloSim's input of step n+1 (docs/hardware.md).
func TestXyloSimReference(t *testing.T) {
	var dvClipped, maxSeen int64
	for seed := range 12 {
		for _, target := range []string{"xylo", "xylo1"} {
			c1, c2 := xyloCase(t, uint64(seed), target)
			if target == "xylo" {
				dvClipped += c1
			}
			maxSeen = maxInt(maxSeen, c2)
		}
	}
	if dvClipped == 0 {
		t.Error("no network saturated v2's −decay(v) + Σ i_syn: the corner case is not covered")
	}
	if maxSeen < xyMaxSpikes {
		t.Errorf("at most %d spikes of one neuron in one step: the cap of %d is not covered", maxSeen, xyMaxSpikes)
	}
}

func xyloCase(t *testing.T, seed uint64, target string) (dvClipped, maxSeen int64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 17))
	dir := t.TempDir()
	nIn, nH, nO, steps := 6, 10, 3, 80
	bias := "0 mV"
	if target == "xylo" && seed%2 == 1 {
		bias = "0.5 mV"
	}
	// the largest weight sets the threshold's integer: weights beyond
	// 8-bit mantissas << 7 in the currents' LSB (seeds ≥ 8: up to 2.4 V
	// against a 10 mV threshold) make it small enough for 31 spikes a step
	lim := 30
	if seed >= 8 {
		lim = 2400
	}
	fa := xyMatrix(t, dir, "win_a.csv", r, nH, nIn, 0.5, -lim/3, lim)
	fb := xyMatrix(t, dir, "win_b.csv", r, nH, nIn, 0.3, -lim, lim/2)
	frec := xyMatrix(t, dir, "wrec.csv", r, nH, nH, 0.3, -lim, lim)
	fout := xyMatrix(t, dir, "wout.csv", r, nO, nH, 0.5, -lim/2, lim)
	in := make([][]bool, steps)
	var csv strings.Builder
	for n := range steps {
		in[n] = make([]bool, nIn)
		for a := range nIn {
			if r.Float64() < 0.3 {
				in[n][a] = true
				fmt.Fprintf(&csv, "%d,%d\n", a, n)
			}
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "in.csv"), []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "net.snn")
	if err := os.WriteFile(path, []byte(fmt.Sprintf(xyModel, bias, nIn, nH, nO, steps)), 0o644); err != nil {
		t.Fatal(err)
	}
	// DataDir: the matrices' largest factors size the weight formats
	p, _, diags := snnc.CompileIR(path, snnc.Options{DataDir: dir})
	if p == nil {
		t.Fatal(diags)
	}
	q := lower(t, p, target)
	res := run(t, p, q, fixed.Options{BaseDir: dir})

	// the reference's integers: the lowered constants and weights
	params := func(m *iir.Model) *xyParams {
		x := &xyParams{dash: [2]int{int(constant(t, m, "decay of ia")), int(constant(t, m, "decay of ib"))},
			dashMem: int(constant(t, m, "decay of v")), thr: constant(t, m, "threshold")}
		if bias != "0 mV" {
			x.bias = constant(t, m, "bias of v")
		}
		return x
	}
	hp, op := params(q.Models[0]), params(q.Models[1])
	x := &xyNet{v2: target == "xylo", nIn: nIn, nH: nH, nO: nO, h: make([]xyNeuron, nH), o: make([]xyNeuron, nO), cnt: make([]int64, nH)}
	for j := range x.h {
		x.h[j].xyParams = hp
	}
	for j := range x.o {
		x.o[j].xyParams = op
	}
	ints := func(name string, f [][]float64) [][]int64 {
		var pj *iir.Proj
		for _, y := range q.Projs {
			if y.Name == name {
				pj = y
			}
		}
		if pj == nil {
			t.Fatalf("no projection %s", name)
		}
		out := make([][]int64, len(f))
		for j, row := range f {
			out[j] = make([]int64, len(row))
			for a, w := range row {
				if w != 0 {
					out[j][a], _ = pj.Quantize(w*1e-3, q.Profile.WeightBits)
				}
			}
		}
		return out
	}
	x.win = [2][][]int64{ints("In->H:a", fa), ints("In->H:bb", fb)}
	x.wrec, x.wout = ints("H->H:a", frec), ints("H->O:a", fout)

	// snnc's counts per step and neuron
	counts := func(name string, n int) [][]int64 {
		c := make([][]int64, steps)
		for s := range c {
			c[s] = make([]int64, n)
		}
		for _, m := range res.Spikes {
			if m.Name != name {
				continue
			}
			for k, tm := range m.T {
				c[int(tm*1e3+0.5)][m.I[k]]++
			}
			return c
		}
		t.Fatalf("no spike recording of %s", name)
		return nil
	}
	gotH, gotO := counts("H", nH), counts("O", nO)
	var vrec *fixed.RawMonitor
	for _, m := range res.Raw {
		if m.Pop == "H" && m.Var == "v" {
			vrec = m
		}
	}
	if vrec == nil {
		t.Fatal("no recording of H.v")
	}
	none := make([]bool, nIn)
	for n := range steps {
		// the state at the start of step n is XyloSim's after step n−1
		for j := range nH {
			if vrec.V[n][j] != x.h[j].v {
				t.Fatalf("%s seed %d: H[%d].v at step %d = %d, XyloSim %d", target, seed, j, n, vrec.V[n][j], x.h[j].v)
			}
		}
		prev := none
		if n > 0 {
			prev = in[n-1]
		}
		hid, out := x.step(prev)
		for j := range nH {
			if gotH[n][j] != hid[j] {
				t.Fatalf("%s seed %d: H[%d] spikes %d times at step %d, XyloSim %d", target, seed, j, gotH[n][j], n, hid[j])
			}
		}
		for j := range nO {
			if gotO[n][j] != out[j] {
				t.Fatalf("%s seed %d: O[%d] spikes %d times at step %d, XyloSim %d", target, seed, j, gotO[n][j], n, out[j])
			}
		}
	}
	return x.dvClipped, x.maxSeen
}
