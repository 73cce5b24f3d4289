package snnc_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/fixed"
	"github.com/snnc/snnc/backends/gosim"
	"github.com/snnc/snnc/ir/iir"
	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/passes"
	"github.com/snnc/snnc/quantize"
	"github.com/snnc/snnc/runtime"
	_ "github.com/snnc/snnc/runtime/plots" // a quarter of the cases write plots; the engine does not link them
)

// fuzzBytes hands out the fuzzer's bytes as small choices; once they run
// out every choice is 0, so any input makes a model.
type fuzzBytes struct{ b []byte }

func (f *fuzzBytes) next() int {
	if len(f.b) == 0 {
		return 0
	}
	x := f.b[0]
	f.b = f.b[1:]
	return int(x)
}

// pick returns a number in [0, n).
func (f *fuzzBytes) pick(n int) int { return f.next() % n }

// one returns one of xs.
func one[T any](f *fuzzBytes, xs ...T) T { return xs[f.pick(len(xs))] }

// fuzzCell is a standard-library neuron: its spike ports, whether it has
// the continuous port I_ext, and whether v_reset (mV) can start v.
type fuzzCell struct {
	name    string
	ports   []fuzzPort
	current bool
	vReset  bool
}

// fuzzPort is a spike port and the unit of its weight; inh ports take
// negative weights where the unit is a voltage or a current, dendrite
// ports no plasticity.
type fuzzPort struct {
	name, unit    string
	inh, dendrite bool
}

var (
	fuzzMV = []fuzzPort{{"exc", "mV", false, false}, {"inh", "mV", true, false}}
	fuzzNS = []fuzzPort{{"exc", "nS", false, false}, {"inh", "nS", true, false}}
)

var fuzzCells = []fuzzCell{
	{"LIF", fuzzMV, true, true}, {"CondLIF", fuzzNS, true, true},
	{"AdaptiveLIF", []fuzzPort{{"exc", "", false, false}, {"inh", "", true, false}}, false, true},
	{"Izhikevich", fuzzMV, true, false}, {"AdEx", fuzzNS, true, true}, {"IF", fuzzMV, true, true},
	{"TwoCompartment", []fuzzPort{{"exc", "pA", false, false}, {"inh", "pA", true, false}, {"apical", "pA", false, false}}, true, true},
	{"ActiveDendriteCell", []fuzzPort{{"ff", "mV", false, false}, {"context", "", false, true}}, false, true},
}

// fuzzRules are the standard plasticity rules (RSTDP gets a modulator).
var fuzzRules = []string{"PairSTDP", "NearestSTDP", "MultSTDP", "TripletSTDP", "SymSTDP", "RSTDP", "Hebb", "Oja", "BCM"}

// genModel writes a small network from fuzz bytes: 1-3 populations of
// standard neurons, dendrites among them (at most 8 neurons, sometimes a
// 2-D grid), 0-2 spike
// inputs and a current step, up to 4 projections with random connectors,
// weights, delays and plasticity (modulated, normalized), a few records,
// sometimes a wta and a phase; it runs for at most 5 ms. Choices that
// cannot check (one_to_one between unequal sizes, a grid connector on a
// flat population) are avoided, so most models run.
func genModel(f *fuzzBytes) string {
	var b strings.Builder
	b.WriteString("import \"std/neurons\"\nimport \"std/dendrites\"\nimport \"std/plasticity\"\n\nnetwork Net {\n")
	fmt.Fprintf(&b, "    dt = %s ms\n    seed = %d\n", one(f, "0.1", "0.05", "0.5", "0.1"), f.next())
	type node struct {
		name string
		n    int
		cell *fuzzCell // nil: an input
		grid bool
	}
	var pops, srcs []node
	for k := range 1 + f.pick(3) {
		c := &fuzzCells[f.pick(len(fuzzCells))]
		nd := node{name: fmt.Sprintf("P%d", k), n: 1 + f.pick(8), cell: c}
		shape := fmt.Sprint(nd.n)
		if f.pick(4) == 0 {
			w, h := 1+f.pick(3), 1+f.pick(3)
			nd.n, nd.grid, shape = w*h, true, fmt.Sprintf("%d, %d", w, h)
		}
		fmt.Fprintf(&b, "    population %s = %s[%s]", nd.name, c.name, shape)
		if f.pick(3) == 0 && c.vReset {
			b.WriteString(" { v = v_reset + rand() * 10 mV }")
		}
		b.WriteString("\n")
		pops = append(pops, nd)
		srcs = append(srcs, nd)
	}
	for k := range f.pick(3) {
		nd := node{name: fmt.Sprintf("In%d", k), n: 1 + f.pick(8)}
		switch f.pick(3) {
		case 0:
			fmt.Fprintf(&b, "    input %s = poisson(%d, rate = %d Hz)\n", nd.name, nd.n, 50*f.pick(40))
		case 1:
			fmt.Fprintf(&b, "    input %s = spike_times(%d, times = [%s ms, %s ms])\n", nd.name, nd.n,
				one(f, "0", "0.5", "1", "2"), one(f, "1", "2.5", "4", "10"))
		default:
			fmt.Fprintf(&b, "    input %s = spike_times(%d, times = [0.2 ms], period = %s ms)\n", nd.name, nd.n, one(f, "0.3", "1", "2"))
		}
		srcs = append(srcs, nd)
	}
	if p := pops[f.pick(len(pops))]; p.cell.current && f.pick(3) == 0 {
		fmt.Fprintf(&b, "    input C = current_step(amplitude = %d pA, start = %s ms) -> %s : I_ext\n", 100*f.pick(20)-300, one(f, "0", "1"), p.name)
	}
	var plastic []string
	for k := range f.pick(5) {
		pre, post := srcs[f.pick(len(srcs))], pops[f.pick(len(pops))]
		pt := post.cell.ports[f.pick(len(post.cell.ports))]
		port, sign, unit := pt.name, "", pt.unit
		if pt.inh && (unit == "mV" || unit == "pA") {
			sign = "-"
		}
		if unit != "" {
			unit = " " + unit
		}
		var conn string
		switch f.pick(6) {
		case 0:
			conn = "all_to_all"
		case 1:
			conn = "one_to_one"
			if pre.n != post.n {
				conn = "all_to_all"
			}
		case 2:
			conn = fmt.Sprintf("bernoulli(%s)", one(f, "0", "0.3", "0.7", "1"))
		case 3:
			conn = fmt.Sprintf("fan_in(%d)", 1+f.pick(pre.n))
		case 4:
			conn = fmt.Sprintf("fan_out(%d)", 1+f.pick(post.n))
		default:
			conn = fmt.Sprintf("gaussian(sigma = %s, p = 0.8)", one(f, "0.5", "1", "3"))
			if !pre.grid || !post.grid {
				conn = "bernoulli(0.5)"
			}
		}
		if pre.name == post.name && f.pick(2) == 0 && conn != "one_to_one" {
			conn += " except self"
		}
		weight := fmt.Sprintf("%s%d%s", sign, 1+f.pick(20), unit)
		if f.pick(2) == 0 {
			weight = fmt.Sprintf("uniform(%s0%s, %s%d%s)", sign, unit, sign, 1+f.pick(20), unit)
		}
		name := fmt.Sprintf("c%d", k)
		fmt.Fprintf(&b, "    project %s = %s -> %s : %s", name, pre.name, post.name, port)
		rule := ""
		if f.pick(3) == 0 && !pt.dendrite {
			rule = fuzzRules[f.pick(len(fuzzRules))]
			fmt.Fprintf(&b, " using %s", rule)
			plastic = append(plastic, name)
			if strings.HasPrefix(weight, "uniform") {
				weight = fmt.Sprintf("%s%d%s", sign, 1+f.pick(20), unit) // the rule's w carries the spread
			}
		}
		fmt.Fprintf(&b, " { connect = %s", conn)
		if f.pick(2) == 0 {
			fmt.Fprintf(&b, "  delay = %s ms", one(f, "0.1", "0.5", "1", "2.5"))
		}
		if rule == "RSTDP" {
			fmt.Fprintf(&b, "  modulator dopamine = %s", srcs[f.pick(len(srcs))].name)
		}
		if rule != "" && f.pick(3) == 0 {
			fmt.Fprintf(&b, "  normalize %s(w) = %s every %s ms", one(f, "sum", "l2"), one(f, "0", "0.5", "3"), one(f, "0.1", "1", "2"))
		}
		fmt.Fprintf(&b, "  weight = %s }\n", weight) // last: a bare name after a number would be its unit
	}
	var recs []string
	for _, p := range pops {
		switch f.pick(4) {
		case 0:
			recs = append(recs, "spikes("+p.name+")")
		case 1:
			recs = append(recs, p.name+".v")
		case 2:
			recs = append(recs, p.name+".v every 1 ms")
		}
	}
	for _, c := range plastic {
		if f.pick(2) == 0 {
			recs = append(recs, "weights("+c+")")
		}
	}
	for _, r := range recs {
		fmt.Fprintf(&b, "    record %s\n", r)
	}
	if p := pops[f.pick(len(pops))]; f.pick(4) == 0 {
		fmt.Fprintf(&b, "    wta %s { k = %d; by = v }\n", p.name, 1+f.pick(p.n))
	}
	dur := 1 + f.pick(5)
	fmt.Fprintf(&b, "}\n\nrun Net for %d ms", dur)
	if p := pops[f.pick(len(pops))]; f.pick(4) == 0 {
		fmt.Fprintf(&b, " {\n    phase late at %s ms {\n        %s.v = %d mV\n    }\n}", one(f, "0", "0.5", "0.9"), p.name, -80+5*f.pick(10))
	}
	b.WriteString("\n")
	return b.String()
}

// FuzzRun: small generated models go through check and a few milliseconds
// of simulation without a panic or a hang (a case is stopped after 10 s
// and fails), every error is positioned, two threads give the spikes of
// one, and the outputs (sometimes with plots) are written. Memory is
// bounded by the models' size (at most 24 neurons, 5 ms).
func FuzzRun(f *testing.F) {
	for _, seed := range [][]byte{
		{},
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
		{2, 7, 2, 1, 7, 0, 5, 7, 3, 1, 2, 9, 1, 0, 0, 1, 2, 2, 1, 3, 1, 0, 4},
		{1, 200, 2, 3, 7, 3, 4, 1, 9, 2, 2, 2, 0, 2, 2, 0, 1, 1, 3, 0, 0, 2, 1, 1, 0, 5, 0, 0},
		[]byte("STDP on a grid with delays and a current step, recorded"),
		[]byte("\x00\x00\x02\x05\x03\x00\x01\x04\x07\x01\x02\x02\x06\x00\x01\x02\x01\x00\x01\x00\x00\x04"),
	} {
		f.Add(seed)
	}
	f.Fuzz(fuzzRunCase)
}

// fuzzRunCase checks and runs the model genModel makes of data.
func fuzzRunCase(t *testing.T, data []byte) {
	src := genModel(&fuzzBytes{data})
	done := make(chan struct{})
	defer close(done)
	go func() { // check hangs; a run is stopped by its Interrupt below
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			panic(fmt.Sprintf("check and run took over 30 s on\n%s", src))
		}
	}()
	p, _, diags := snnc.CompileSource("fuzz.snn", []byte(src), snnc.Options{Passes: passes.Options{Verify: true}})
	for _, d := range diags {
		if d.Severity == lang.Error && !d.Pos.IsValid() {
			t.Fatalf("error without a position: %s\n%s", d.Msg, src)
		}
	}
	if p == nil || diags.HasErrors() {
		return
	}
	run := func(threads int) *gosim.Result {
		stop := make(chan struct{})
		timer := time.AfterFunc(10*time.Second, func() { close(stop) })
		defer timer.Stop()
		res, err := gosim.Run(p, gosim.Options{Threads: threads, Interrupt: stop, MemLimit: rt.MemLimit{Bytes: 64 << 20, Source: "FuzzRun"}})
		if res != nil && res.Interrupted {
			t.Fatalf("%d thread(s): the run took over 10 s\n%s", threads, src)
		}
		if err != nil {
			if strings.Contains(err.Error(), "goroutine") || strings.Contains(err.Error(), "runtime error") {
				t.Fatalf("%d thread(s): %v\n%s", threads, err, src)
			}
			return nil
		}
		return res
	}
	r1 := run(1)
	r2 := run(2)
	if (r1 == nil) != (r2 == nil) {
		t.Fatalf("1 thread ran: %v, 2 threads ran: %v\n%s", r1 != nil, r2 != nil, src)
	}
	if r1 == nil {
		return
	}
	plot := len(data) > 0 && data[len(data)-1]%4 == 0 // plots are slow: a quarter of the cases
	if _, err := r1.Write(t.TempDir(), plot); err != nil {
		t.Fatalf("writing the outputs: %v\n%s", err, src)
	}
	for k := range r1.Spikes {
		a, b := r1.Spikes[k], r2.Spikes[k]
		if !reflect.DeepEqual(a.I, b.I) || !reflect.DeepEqual(a.T, b.T) {
			t.Fatalf("spikes of %s differ between 1 and 2 threads\n%s", a.Name, src)
		}
	}
	if len(data) > 0 && data[len(data)-1]%4 == 1 { // and a quarter on the q16 simulator
		stop := make(chan struct{})
		timer := time.AfterFunc(10*time.Second, func() { close(stop) })
		defer timer.Stop()
		prof, err := iir.LoadProfile("q16")
		if err != nil {
			t.Fatal(err)
		}
		q, _ := quantize.Lower(p, prof)
		if q == nil { // a feature the integer lowering refuses, with its diagnostics
			return
		}
		res, err := fixed.Run(p, q, fixed.Options{Interrupt: stop, MemLimit: rt.MemLimit{Bytes: 64 << 20, Source: "FuzzRun"}})
		if res != nil && res.Interrupted {
			t.Fatalf("q16: the run took over 10 s\n%s", src)
		}
		if err != nil && strings.Contains(err.Error(), "runtime error") {
			t.Fatalf("q16: %v\n%s", err, src)
		}
	}
}
