package fixed_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/fixed"
	"github.com/snnc/snnc/passes"
)

// genRangeModel writes a small random model for the range property into
// dir and returns its path: 1-3 populations of random LIF variants (their
// v held or not while refractory, inputs dropped or kept there, a port
// writing v directly beside one writing ge, half of them with a square
// root of ge that v reads), spike inputs that fire every
// step or at random, and projections with every connector that needs no
// geometry, from_file edge lists with repeated edges (multapses) included,
// delays of 0-3 steps and pair or triplet STDP on some (their kernels,
// weights and traces checked too); a third of the populations
// are standard-library cells.
//
// On loihi and xylo every population is the profile's cell (testdata/fixed)
// with its one port, weights in the range that makes it fire.
func genRangeModel(t testing.TB, seed uint64, dir, target string) string {
	r := rand.New(rand.NewPCG(seed, 17))
	var b, net strings.Builder
	b.WriteString("import \"std/neurons\"\nimport \"std/plasticity\"\n\n")
	chip := map[string]struct {
		file, cell string
		lo, hi     float64
	}{"loihi": {"loihi_lif.snn", "LoihiLIF", 10, 40}, "xylo": {"xylo_lif.snn", "XyloLIF", 4, 16}}
	hw, onChip := chip[target]
	if onChip {
		src, err := os.ReadFile(filepath.Join("../../testdata/fixed", hw.file))
		if err != nil {
			t.Fatal(err)
		}
		defs, _, _ := strings.Cut(string(src), "\nnetwork ")
		b.WriteString(defs + "\n")
	}
	dt := []float64{0.1, 0.5, 1}[r.IntN(3)]
	fmt.Fprintf(&net, "network Net {\n    dt = %g ms\n    seed = %d\n", dt, seed)
	type node struct {
		name string
		size int
		pop  bool
	}
	var pops, srcs []node
	ports := map[string][2]string{} // a population's two ports
	for k := range 1 + r.IntN(3) {
		if onChip {
			p := node{fmt.Sprintf("P%d", k), 1 + r.IntN(6), true}
			pops = append(pops, p)
			ports[p.name] = [2]string{"exc", "exc"}
			fmt.Fprintf(&net, "    population %s = %s[%d]\n", p.name, hw.cell, p.size)
			continue
		}
		if r.IntN(3) == 0 { // a standard-library cell: exc and inh ports
			c := []string{"LIF", "IF", "Izhikevich"}[r.IntN(3)]
			p := node{fmt.Sprintf("P%d", k), 1 + r.IntN(6), true}
			pops = append(pops, p)
			ports[p.name] = [2]string{"exc", "inh"}
			args := fmt.Sprintf(" { t_ref = %g ms }", []float64{dt, 1.2, 2}[r.IntN(3)])
			if c == "Izhikevich" { // no refractory period
				args = ""
			}
			fmt.Fprintf(&net, "    population %s = %s[%d]%s\n", p.name, c, p.size, args)
			continue
		}
		el := -70 + 10*r.Float64()
		th := el + 5 + 15*r.Float64()
		hold := []string{"", " unless refractory", " unless refractory except inputs"}[r.IntN(3)]
		ref := ""
		if hold != "" || r.IntN(2) == 0 {
			ref = fmt.Sprintf("\n        refractory %g ms", []float64{dt, 1.2, 2, 5}[r.IntN(4)])
		}
		// half of them take a square root of ge at each input event, which
		// v reads
		sq, sqState, sqIn := "", "", "ge += weight"
		if r.IntN(2) == 0 {
			sq, sqState, sqIn = " + s * 1 mV", "\n        s  = 0", "{ ge += weight; s = sqrt(max(ge / 1 mV, 0)) }"
		}
		fmt.Fprintf(&b, `neuron N%d {
    parameters {
        tau_m = %.1f ms
        tau_e = %.1f ms
    }
    state {
        v  = %.1f mV
        ge = 0 mV%s
    }
    equations {
        v'  = (ge%s - (v - (%.1f mV))) / tau_m%s
        ge' = -ge / tau_e
    }
    inputs {
        exc: %s
        dir: v += weight
    }
    on threshold v > %.1f mV {
        v = %.1f mV%s
    }
}

`, k, 5+25*r.Float64(), 1+9*r.Float64(), el, sqState, sq, el, hold, sqIn, th, el, ref)
		p := node{fmt.Sprintf("P%d", k), 1 + r.IntN(6), true}
		pops = append(pops, p)
		ports[p.name] = [2]string{"exc", "dir"}
		fmt.Fprintf(&net, "    population %s = N%d[%d]\n", p.name, k, p.size)
	}
	for k := range 1 + r.IntN(2) {
		s := node{fmt.Sprintf("In%d", k), 1 + r.IntN(6), false}
		if r.IntN(2) == 0 { // every step, as the refractory case
			fmt.Fprintf(&net, "    input %s = spike_times(%d, times = [0 ms], period = %g ms)\n", s.name, s.size, dt)
		} else {
			fmt.Fprintf(&net, "    input %s = poisson(%d, rate = %d Hz)\n", s.name, s.size, 20+r.IntN(400))
		}
		srcs = append(srcs, s)
	}
	srcs = append(srcs, pops...)
	nfile := 0
	project := func(pre, post node) {
		conn := "all_to_all"
		switch r.IntN(5) {
		case 0:
			conn = fmt.Sprintf("bernoulli(%.2f)", 0.2+0.7*r.Float64())
		case 1:
			conn = fmt.Sprintf("fan_in(%d)", 1+r.IntN(pre.size))
		case 2:
			if pre.size == post.size {
				conn = "one_to_one"
			}
		case 3: // an edge list; an edge may repeat up to 20 times
			name := fmt.Sprintf("edges%d.csv", nfile)
			nfile++
			var e strings.Builder
			for range 1 + r.IntN(8) {
				i, j := r.IntN(pre.size), r.IntN(post.size)
				for range 1 + r.IntN(20) {
					fmt.Fprintf(&e, "%d,%d\n", i, j)
				}
			}
			if err := os.WriteFile(filepath.Join(dir, name), []byte(e.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			conn = fmt.Sprintf("from_file(%q)", name)
		}
		port, w := ports[post.name][0], 0.5+4*r.Float64()
		if r.IntN(3) == 0 {
			port = ports[post.name][1]
		}
		if r.IntN(4) == 0 {
			w = -w
		}
		if r.IntN(4) == 0 { // strong enough to cross the threshold in one event
			w *= 8
		}
		if port == "inh" {
			w = -math.Abs(w)
		}
		if onChip {
			w = math.Copysign(hw.lo+(hw.hi-hw.lo)*r.Float64(), w)
		}
		extra := ""
		if d := r.IntN(4); d > 0 {
			extra = fmt.Sprintf("  delay = %g ms", float64(d)*dt)
		}
		using := ""
		if port == "exc" && w > 0 && !onChip && r.IntN(4) == 0 {
			using = []string{" using PairSTDP", " using NearestSTDP", " using TripletSTDP"}[r.IntN(3)]
		}
		fmt.Fprintf(&net, "    project %s -> %s : %s%s { connect = %s  weight = %.2f mV%s }\n", pre.name, post.name, port, using, conn, w, extra)
	}
	for k, p := range pops {
		project(srcs[k%(len(srcs)-len(pops))], p)
	}
	for range r.IntN(4) {
		project(srcs[r.IntN(len(srcs))], pops[r.IntN(len(pops))])
	}
	fmt.Fprintf(&net, "}\n\nrun Net for %g ms\n", dt*float64(100+r.IntN(300)))
	b.WriteString(net.String())
	path := filepath.Join(dir, "m.snn")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// checkRangeModel lowers a model file to q16 and runs it with every value
// checked against the range analysis; it reports whether the model lowered
// (a profile may refuse a random model: no proof to check).
func checkRangeModel(t testing.TB, path, target string) bool {
	t.Helper()
	dir := filepath.Dir(path)
	o := snnc.Options{DataDir: dir, Passes: passes.Options{Off: map[string]bool{}, Target: target}}
	p, q, _, diags := snnc.CompileTarget(path, o)
	if p == nil || q == nil {
		t.Logf("%s: not lowered: %v", path, diags[0].Msg)
		return false
	}
	bad, err := fixed.CheckRanges(p, q, fixed.Options{BaseDir: dir})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(bad) > 0 {
		if d := os.Getenv("SNNC_KEEP_RANGE_MODELS"); d != "" { // debugging: keep the failing model
			_ = os.CopyFS(filepath.Join(d, filepath.Base(dir)), os.DirFS(dir))
		}
		src, _ := os.ReadFile(path)
		t.Errorf("%s: the run leaves the proved ranges:\n  %s\nmodel:\n%s", path, strings.Join(bad, "\n  "), src)
	}
	return true
}

// TestRangeProofsHold: the range analysis is sound. Every value the
// bit-accurate run computes (64-bit integers, wider than any op) lies in
// the interval the analysis gave it, for the two cases and for
// random small models; a violated proof is a failure, not a saturation.
func TestRangeProofsHold(t *testing.T) {
	for _, f := range []string{"refractory_inputs.snn", "stdlib_if.snn", "multapse.snn", "dendrite.snn"} {
		if !checkRangeModel(t, filepath.Join("../../testdata/fixed/soundness", f), "q16") {
			t.Errorf("%s does not lower to q16", f)
		}
	}
	for _, c := range []struct {
		target string
		n      uint64
	}{{"q16", 100}, {"loihi", 30}, {"xylo", 30}} {
		lowered, triplets, roots := uint64(0), 0, 0
		for seed := range c.n {
			path := genRangeModel(t, seed, t.TempDir(), c.target)
			if checkRangeModel(t, path, c.target) {
				lowered++
				src, _ := os.ReadFile(path)
				if strings.Contains(string(src), "TripletSTDP") {
					triplets++
				}
				if strings.Contains(string(src), "sqrt(") {
					roots++
				}
			}
		}
		if c.target == "q16" && (triplets < 3 || roots < 3) {
			t.Errorf("only %d random q16 models with triplet STDP and %d with square roots lowered", triplets, roots)
		}
		if lowered < c.n/2 {
			t.Errorf("only %d of %d random models lowered to %s", lowered, c.n, c.target)
		}
		t.Logf("%s: %d of %d random models lowered and checked (%d with triplet STDP, %d with square roots)", c.target, lowered, c.n, triplets, roots)
	}
}

// FuzzRangeProofs is TestRangeProofsHold's random models for any seed
// (make fuzz).
func FuzzRangeProofs(f *testing.F) {
	f.Add(uint64(1), uint8(0))
	f.Fuzz(func(t *testing.T, seed uint64, target uint8) {
		tg := []string{"q16", "loihi", "xylo"}[target%3]
		checkRangeModel(t, genRangeModel(t, seed, t.TempDir(), tg), tg)
	})
}
