// Package gocode is the backend behind `snnc build`: it emits one Go main
// package specialised to a model — constants and propagator coefficients
// inlined as literals, one fused loop per population kernel, synaptic
// delivery written for the storage the sparsity pass chose — that imports
// only the standard library and github.com/snnc/snnc/runtime, and builds
// it with the local Go toolchain (build.go).
//
// The neuron update, threshold, reset, port handler, `on dendrite active`
// and synapse model loops are printed from the execution plan (package
// plan, ops.go, plastic.go): the op lists the interpreter runs and
// plan.Eval defines, so the binary and `snnc run` give bit-identical
// spikes for the same seed by construction. The rest (initial values,
// continuous dendrites' activations, winner-take-all, monitors) still
// follows the interpreter (backends/gosim) step for step: the same step order,
// random streams and floating-point operations in the same order. Where
// the interpreter refuses a model, Emit returns the interpreter's error.
//
// Names from the model never become Go identifiers: populations are p0, p1,
// ..., their variables p0v0, p0v1, ..., projections c0, c1, ...; model names
// appear only in comments (sanitised) and in quoted string literals.
package gocode

import (
	"bytes"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/lang/units"
	"github.com/snnc/snnc/plan"
)

// Options control the generated program.
type Options struct {
	// Model is the model file as the user named it: it names the default
	// output directory (MODEL_out) and appears in the header comment.
	Model string
	// BaseDir is the directory the model's relative input files (spike
	// files, data sets) are read from, as `snnc run` reads them from the
	// model's directory; "" means the working directory of the binary.
	BaseDir string
	// NoLines leaves out the //line directives that map the generated
	// code back to the model's source lines.
	NoLines bool
	// Plot links the PNG plots (gonum/plot) into the program, for its
	// --plot flag: snnc build --plot. Without it the program is smaller and
	// builds faster, and --plot says how to get them.
	Plot bool
	// Plan is the execution plan of the program (nil: Emit builds it):
	// the neuron loops and port handlers are printed from it (ops.go).
	Plan *plan.Plan
}

// GeneratedFile is the name Emit's source is written under; //line
// directives that return to the generated code name it.
const GeneratedFile = "main.go"

// Emit returns the Go source of a standalone program that simulates p
// (GeneratedFile alone: the scalar program, without the SIMD kernels).
func Emit(p *ir.Program, opt Options) ([]byte, error) {
	files, err := EmitFiles(p, opt)
	if err != nil {
		return nil, err
	}
	return files[GeneratedFile], nil
}

// EmitFiles returns the program's source files by name: GeneratedFile (the
// model code), DriverFile, PlotFile with Options.Plot and, when some
// population loop is vectorised, SIMDFile (see simd.go).
func EmitFiles(p *ir.Program, opt Options) (map[string][]byte, error) {
	if p.Network == "" {
		return nil, fmt.Errorf("the model has no network to run; add `network` and `run NET for T`")
	}
	pl := opt.Plan
	if pl == nil {
		var err error
		if pl, err = plan.Build(p, plan.Options{}); err != nil {
			return nil, err
		}
	}
	g := &gen{p: p, plan: pl, opt: opt, nodes: map[string]node{}, vecHooks: map[string]bool{}, rankFull: map[int]bool{}}
	if err := g.program(); err != nil {
		return nil, err
	}
	src, err := format.Source(g.out.Bytes())
	if err != nil {
		if debugDump != "" {
			_ = os.WriteFile(debugDump, g.out.Bytes(), 0o644)
		}
		return nil, fmt.Errorf("gocode: generated code does not parse (a bug in snnc): %v", err)
	}
	files := withDriver(map[string][]byte{GeneratedFile: fixLines(src, GeneratedFile)}, opt.Plot)
	if s := g.simdFile(); s != "" {
		// //line directives return to SIMDFile there
		s = strings.ReplaceAll(s, "//line "+GeneratedFile+":", "//line "+SIMDFile+":")
		src, err := format.Source([]byte(s))
		if err != nil {
			if debugDump != "" {
				_ = os.WriteFile(debugDump, []byte(s), 0o644)
			}
			return nil, fmt.Errorf("gocode: generated SIMD code does not parse (a bug in snnc): %v", err)
		}
		files[SIMDFile] = fixLines(src, SIMDFile)
	}
	return files, nil
}

// debugDump, if set (SNNC_GOCODE_DUMP), receives unformatted source that
// does not parse.
var debugDump = os.Getenv("SNNC_GOCODE_DUMP")

// gen holds the program being generated.
type gen struct {
	p      *ir.Program
	plan   *plan.Plan
	opt    Options
	pops   []*popGen
	inputs []*inGen
	conts  []*contGen
	projs  []*projGen
	mons   []*monGen
	nodes  map[string]node

	fields    buf // fields of type sim
	build     buf // body of newSim
	step      buf // body of (*sim).step
	synPhases buf // phase sets on synapse state (placed in step after the synapse tick)
	funcs     buf // methods and functions
	out       buf
	negZero   bool
	simd      buf             // SIMD kernels (simd.go)
	vecHooks  map[string]bool // their function variables
	vecOrder  []string
	vecFinite bool // vecFinite is declared
	runSets   []runSet
	rankFull  map[int]bool // projections that keep their rank's synapses (ranks.go)
}

// runSet is a value the program reads from a package variable that
// --set NAME=VALUE may change before the network is built.
type runSet struct {
	name, unit, ptr string
	nonNeg          bool
	def             float64
}

// runSet registers a run-time settable value held in variable ptr.
func (g *gen) runSet(name string, d units.Dim, nonNeg bool, def float64, ptr string) {
	unit := ""
	if !d.IsDimensionless() {
		if u, ok := units.Preferred(d); ok {
			unit = u.Symbol
		} else {
			return // no unit to read a value in: stays compiled in
		}
	}
	g.runSets = append(g.runSets, runSet{name: name, unit: unit, ptr: ptr, nonNeg: nonNeg, def: def})
}

// runSetTable writes the settable variables and the table the driver
// applies --set with.
func (g *gen) runSetTable(o *buf) {
	o.line("// runSets are the values --set NAME=VALUE may change when the program")
	o.line("// starts; everything else is compiled into the code.")
	if len(g.runSets) > 0 {
		o.line("var (")
		for _, r := range g.runSets {
			if !strings.Contains(r.ptr, ".") { // cur<k>.Amplitude: a field of the current's variable
				o.line("%s = %s // %s", r.ptr, g.litStr(r.def), comment(r.name))
			}
		}
		o.line(")")
	}
	o.line("var runSets = []rt.RunSet{")
	for _, r := range g.runSets {
		o.line("{Name: %s, Unit: %s, NonNeg: %t, Default: %s, Ptr: &%s},", quote(r.name), quote(r.unit), r.nonNeg, g.litStr(r.def), r.ptr)
	}
	o.line("}")
	o.line("")
}

// buf is a code buffer written line by line (go/format indents it).
type buf struct{ bytes.Buffer }

func (b *buf) line(format string, args ...any) {
	fmt.Fprintf(b, format, args...)
	b.WriteByte('\n')
}

// node is a projection end: a population (part of a loop) or a spike input.
type node struct {
	part *partGen
	in   *inGen
}

func (n node) name() string {
	if n.part != nil {
		return n.part.ip.Name
	}
	return n.in.in.Name
}

// size is a Go expression for the node's size.
func (n node) size() string {
	if n.part != nil {
		return strconv.Itoa(n.part.n)
	}
	return fmt.Sprintf("s.in%dn", n.in.k)
}

// fired is a Go expression for the node's spikes this step.
func (n node) fired() string {
	if n.part != nil {
		return n.part.fired()
	}
	return fmt.Sprintf("s.in%dspk", n.in.k)
}

func (n node) geometry() string {
	if n.part != nil {
		if n.part.ip.Shape != nil {
			dims := make([]string, len(n.part.ip.Shape))
			for i, d := range n.part.ip.Shape {
				dims[i] = strconv.Itoa(d)
			}
			return fmt.Sprintf("rt.Geometry{N: %d, Shape: []int{%s}}", n.part.n, strings.Join(dims, ", "))
		}
		return fmt.Sprintf("rt.Geometry{N: %d}", n.part.n)
	}
	return fmt.Sprintf("rt.Geometry{N: s.in%dn}", n.in.k)
}

type inGen struct {
	k  int
	in *ir.Input
}

type contGen struct {
	k    int
	in   *ir.Input
	port string    // field of the target's port accumulator
	dim  units.Dim // the port's dimension (of the amplitude)
}

// comment makes text safe inside a // comment: one line, no control
// characters, no comment terminators.
func comment(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == 0x2028 || r == 0x2029 || r == 0xfeff {
			b.WriteRune('?')
			continue
		}
		b.WriteRune(r)
	}
	return strings.ReplaceAll(strings.ReplaceAll(b.String(), "*/", "*?"), "/*", "?*")
}

func quote(s string) string { return strconv.Quote(s) }

// lineTo writes a //line directive naming the model position of the code
// that follows, and returns the directive that goes back to the generated
// file (fixed to the right line number after formatting, see fixLines).
func (g *gen) lineTo(b *buf, file string, line int) func() {
	if g.opt.NoLines || file == "" || line <= 0 || !safeFile(file) {
		return func() {}
	}
	b.line("//line %s:%d", file, line)
	return func() { b.line("//line %s:1", GeneratedFile) }
}

func safeFile(f string) bool {
	for _, r := range f {
		if r < 0x20 || r == 0x7f || r > 0x7e {
			return false
		}
	}
	return !strings.Contains(f, "*/")
}

// fixLines sets the line numbers of the directives that return to the
// generated file name: each names the line that follows it.
func fixLines(src []byte, name string) []byte {
	prefix := []byte("//line " + name + ":")
	lines := bytes.Split(src, []byte("\n"))
	for i, l := range lines {
		if bytes.HasPrefix(l, prefix) {
			lines[i] = []byte(fmt.Sprintf("//line %s:%d", name, i+2))
		}
	}
	return bytes.Join(lines, []byte("\n"))
}

// msScale is the SI scale of "ms", for messages that print times.
func msScale() float64 {
	u, err := units.ParseExpr("ms")
	if err != nil {
		return 1e-3
	}
	return u.Scale
}

func (g *gen) program() error {
	p := g.p
	dt := p.Schedule.Dt
	for k, ip := range p.Pops {
		if ip.Group != nil && ip.Group != ip {
			continue // runs in its group's loop
		}
		pg, err := g.newPop(k, ip)
		if err != nil {
			return err
		}
		g.pops = append(g.pops, pg)
		for _, pt := range pg.parts {
			g.nodes[pt.ip.Name] = node{part: pt}
		}
	}
	for k, in := range p.Inputs {
		if in.Kind == "current_step" {
			target := g.partOf(in.Target)
			if target == nil {
				continue
			}
			v, ok := target.pop.ports[in.Port]
			if !ok {
				return fmt.Errorf("input %s: %s has no continuous port %s", in.Name, in.Target.Name, in.Port)
			}
			g.conts = append(g.conts, &contGen{k: k, in: in, port: target.pop.field[v], dim: v.Dim})
			continue
		}
		switch in.Kind {
		case "poisson", "poisson_group", "spikes", "spike_times", "dataset", "patterns":
		default:
			return fmt.Errorf("input %s: unknown input kind %s", in.Name, in.Kind)
		}
		ig := &inGen{k: k, in: in}
		g.inputs = append(g.inputs, ig)
		g.nodes[in.Name] = node{in: ig}
	}
	if err := g.inputFields(); err != nil {
		return err
	}
	for k, ip := range p.Projs {
		pr, err := g.newProj(k, ip)
		if err != nil {
			return fmt.Errorf("projection %s: %w", ip.Name, err)
		}
		g.projs = append(g.projs, pr)
	}
	g.finishDendrites()
	if err := g.monitors(); err != nil {
		return err
	}
	if err := g.phases(); err != nil {
		return err
	}
	if err := g.wtas(); err != nil {
		return err
	}
	g.rankFields()
	g.rankBuild()
	g.exchangeMethod()
	g.stepBody()

	// ---- assemble ----
	o := &g.out
	model := g.opt.Model
	if model == "" {
		model = "a model"
	}
	o.line("// Code generated by snnc build from %s (network %s). DO NOT EDIT.", comment(model), comment(p.Network))
	o.line("//")
	o.line("// This program simulates the network exactly as `snnc run` does (same")
	o.line("// step order, random streams and floating-point operations, so the same")
	o.line("// spikes for the same seed) and takes the same flags. Sums keep the")
	o.line("// interpreter's order of operations, including additions of 0 (which")
	o.line("// turn -0 into +0), and float64(x*y) keeps products from being fused")
	o.line("// into multiply-adds. The command line, run loop and outputs, the same")
	o.line("// for every model, are in %s.", DriverFile)
	o.line("")
	o.line("package main")
	o.line("")
	head := o
	o = &buf{} // the body, whose uses decide the imports
	o.line("// The model.")
	o.line("const (")
	o.line("dt = %s // s", g.litStr(dt))
	o.line("runDuration = %s // s: the run's duration", g.litStr(p.Schedule.Duration))
	o.line("networkSeed = %d", p.Schedule.Seed)
	o.line("networkName = %s", quote(p.Network))
	out := p.Schedule.Out
	base := strings.TrimSuffix(filepath.Base(g.opt.Model), ".snn")
	if g.opt.Model == "" {
		base = "model"
	}
	o.line("runOut = %s // the run's out setting", quote(out))
	o.line("modelOut = %s // the default output directory", quote(base+"_out"))
	o.line("modelFile = %s // the model as snnc build was given it", quote(g.opt.Model))
	o.line("baseDir = %s // relative input files are read from here", quote(g.opt.BaseDir))
	o.line("msScale = %s // the SI scale of ms, for times in messages", g.litStr(msScale()))
	o.line(")")
	o.line("")
	o.line("// networkFiles are the files the network reads (outputs never replace them).")
	var files []string
	for _, f := range p.Files() {
		files = append(files, quote(f))
	}
	o.line("var networkFiles = []string{%s}", strings.Join(files, ", "))
	o.line("")
	if g.negZero {
		o.line("var negZero = math.Copysign(0, -1)")
		o.line("")
	}
	g.memItems(o)
	g.runSetTable(o)
	o.line("// sim is the network's state.")
	o.line("type sim struct {")
	o.line("n int // current step")
	o.line("t float64 // current time (s)")
	o.line("tp float64 // time of the last update, which recorded aliases read")
	o.line("steps int")
	o.line("seed uint64")
	o.line("threads int")
	o.Write(g.fields.Bytes())
	o.line("}")
	o.line("")
	o.line("// newSim builds the network: state, initial values, inputs, connectivity.")
	o.line("// comm: the ranks the run is split over (nil: one process; ranks.go).")
	o.line("func newSim(seed uint64, threads int, steps int, comm rt.Comm) (*sim, error) {")
	o.line("s := &sim{seed: seed, threads: max(1, threads), steps: steps}")
	o.line("if err := rt.CheckMemory(memItems, steps, memLimit); err != nil {")
	o.line("return nil, err")
	o.line("}")
	o.Write(g.build.Bytes())
	o.line("return s, nil")
	o.line("}")
	o.line("")
	o.line("// step advances the network by one time step, in the interpreter's order.")
	o.line("func (s *sim) step() error {")
	o.Write(g.step.Bytes())
	o.line("return nil")
	o.line("}")
	o.line("")
	o.Write(g.funcs.Bytes())
	imps, err := importBlock(o.Bytes())
	if err != nil {
		return err
	}
	head.WriteString(imps + "\n")
	head.Write(o.Bytes())
	return nil
}

// loops returns the loops of the plan's phase of a kind for a target
// (population or projection).
func (g *gen) loops(kind plan.PhaseKind, target string) []*plan.Loop {
	for _, ph := range g.plan.Step {
		if ph.Kind == kind && ph.Target == target {
			return ph.Loops
		}
	}
	return nil
}

// sortedKeys returns a map's keys in order (generated code must not depend
// on map iteration).
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
