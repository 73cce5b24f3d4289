// Package passes holds snnc's optimisation and lowering passes over the IR.
//
// Passes are named values in one ordered table (as in Go's
// cmd/compile/internal/ssa/compile.go); the ordering constraints carry their
// reason and are checked when the package loads. Each pass lives in its own
// file with its own golden test.
package passes

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/lang"
)

// Pass is one transformation of the IR.
type Pass struct {
	Name     string
	Doc      string
	Run      func(*Context)
	Required bool // backends depend on its result: it cannot be switched off
	// Always: the pass also runs when switched off, with Context.Off set,
	// to lower the slow but simple way (e.g. every projection stored csr).
	Always bool
}

// Table lists the passes in the order they run.
var Table = []*Pass{
	{Name: "fold", Doc: "constant folding; parameters become constants", Run: fold, Always: true},
	{Name: "ode", Doc: "choose exact propagators or RK4/Euler per ODE system", Run: ode, Required: true},
	{Name: "prune", Doc: "drop projections from silent sources and (with --prune-weights) tiny static weights", Run: prune},
	{Name: "dce", Doc: "remove state, kernels, populations and projections no recording depends on", Run: dce},
	{Name: "recip", Doc: "RK4/Euler right sides multiply by reciprocals of constants instead of dividing", Run: recip},
	{Name: "fuse", Doc: "one pass for update+threshold+reset; merge parallel projections", Run: fuse},
	{Name: "lazy", Doc: "event-driven synaptic traces, stored per neuron where they depend on one side", Run: lazy, Always: true},
	{Name: "sparsity", Doc: "choose dense, csr or procedural connectivity per projection", Run: sparsity, Always: true},
}

// Constraint says pass Before must run before pass After, and why.
type Constraint struct {
	Before, After, Reason string
}

// Constraints are checked against Table at start-up (see CheckOrder).
var Constraints = []Constraint{
	{"fold", "ode", "propagators need numeric coefficients; parameters must be constants"},
	{"fold", "dce", "a threshold or condition that folds to a constant decides what is dead"},
	{"ode", "dce", "dce drops the systems of removed variables, so they must exist"},
	{"dce", "lazy", "classify only the synapse state that survives"},
	{"ode", "recip", "only RK4/Euler right sides are rewritten; ode chooses the methods"},
	{"recip", "fuse", "fuse groups populations by their printed (rewritten) models"},
	{"fold", "prune", "a threshold that folds to false marks a population that can never spike"},
	{"prune", "dce", "what prune cuts off, dce then removes"},
	{"dce", "fuse", "fuse looks at the kernels and projections that remain"},
	{"fuse", "sparsity", "merged projections get one storage"},
	{"fold", "sparsity", "a weight is constant (stored once) only once folded"},
	{"dce", "sparsity", "removed projections need no storage"},
}

func init() {
	if err := CheckOrder(Table, Constraints); err != nil {
		panic(err) // a programming error in this file, caught by every test
	}
}

// CheckOrder reports a constraint the table violates.
func CheckOrder(table []*Pass, cons []Constraint) error {
	index := map[string]int{}
	for i, p := range table {
		index[p.Name] = i
	}
	for _, c := range cons {
		b, ok1 := index[c.Before]
		a, ok2 := index[c.After]
		if !ok1 || !ok2 {
			return fmt.Errorf("pass constraint names unknown pass: %s before %s", c.Before, c.After)
		}
		if b >= a {
			return fmt.Errorf("pass %s must run before %s: %s", c.Before, c.After, c.Reason)
		}
	}
	return nil
}

// Options select and instrument passes (the CLI's -d, --after, --time-passes).
type Options struct {
	Off        map[string]bool // passes switched off: -d dce=off
	Dump       map[string]bool // print the IR after these: -d ode=dump
	After      string          // stop after this pass: --after ode
	TimePasses bool            // report each pass's time
	Verify     bool            // run the verifier before the first pass and after every pass (tests, -d check=on)
	// CheckPlan, with Verify, also checks that the IR after each pass from
	// ode on (the first that leaves it executable) lowers to a valid
	// execution plan (set by the driver, which knows the plan package).
	CheckPlan  func(*ir.Program) error
	PruneBelow float64 // prune static synapses with |w| below this (0: keep all)
	// Target is the fixed-point profile the program is compiled for (q16,
	// loihi, xylo or a JSON file; "" = none): recip then keeps the model's
	// divisions. The quantize stage after the passes lowers to it
	// (snnc.CompileTarget).
	Target string
	Out    io.Writer // dumps and timings
}

// ParseDebug reads -d flags: "NAME=off", "NAME=on", "NAME=dump", and
// "check=on" (verify the IR, and the plan built from it, before and after
// every pass, like Go's -d=ssa/check/on).
func ParseDebug(flags []string, o *Options) error {
	if o.Off == nil {
		o.Off = map[string]bool{}
	}
	if o.Dump == nil {
		o.Dump = map[string]bool{}
	}
	for _, f := range flags {
		for _, item := range strings.Split(f, ",") {
			name, val, ok := strings.Cut(item, "=")
			if name == "check" && (val == "on" || val == "off") {
				o.Verify = val == "on"
				continue
			}
			p := Lookup(name)
			if !ok || p == nil {
				return fmt.Errorf("-d %s: expected PASS=off|on|dump with PASS one of %s, or check=on", item, Names())
			}
			switch val {
			case "off":
				if p.Required {
					return fmt.Errorf("-d %s: pass %s is required (%s) and cannot be switched off", item, name, p.Doc)
				}
				o.Off[name] = true
			case "on":
				delete(o.Off, name)
			case "dump":
				o.Dump[name] = true
			default:
				return fmt.Errorf("-d %s: expected off, on or dump after %s=", item, name)
			}
		}
	}
	if o.After != "" && Lookup(o.After) == nil {
		return fmt.Errorf("--after %s: no such pass; passes are %s", o.After, Names())
	}
	return nil
}

// Lookup finds a pass by name.
func Lookup(name string) *Pass {
	for _, p := range Table {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// Names lists the passes in order.
func Names() string {
	var ns []string
	for _, p := range Table {
		ns = append(ns, p.Name)
	}
	return strings.Join(ns, ", ")
}

// Context is what a pass sees.
type Context struct {
	Prog  *ir.Program
	Diags *lang.Diagnostics
	Off   bool // the pass was switched off (only Always passes run then)
	Opts  Options
}

// Run applies the passes to prog in table order and returns what they
// reported (warnings, notes, and errors such as an overflowing propagator).
func Run(prog *ir.Program, o Options) lang.Diagnostics {
	var diags lang.Diagnostics
	ctx := &Context{Prog: prog, Diags: &diags, Opts: o}
	type timing struct {
		name string
		d    time.Duration
	}
	var times []timing
	if o.Verify {
		for _, err := range ir.Verify(prog) {
			diags.Errorf(lang.Pos{}, lang.Pos{}, "internal: IR invalid before the first pass: %v", err)
		}
	}
	executable := false // the ode pass has run: the IR can be planned
	for _, p := range Table {
		if o.Off[p.Name] && !p.Always {
			continue
		}
		ctx.Off = o.Off[p.Name]
		start := time.Now()
		p.Run(ctx)
		times = append(times, timing{p.Name, time.Since(start)})
		lostRecords(prog, p.Name, &diags)
		executable = executable || p.Name == "ode"
		if o.Verify {
			errs := ir.Verify(prog)
			for _, err := range errs {
				diags.Errorf(lang.Pos{}, lang.Pos{}, "internal: IR invalid after pass %s: %v", p.Name, err)
			}
			if len(errs) == 0 && executable && o.CheckPlan != nil && !diags.HasErrors() && prog.Network != "" {
				if err := o.CheckPlan(prog); err != nil {
					diags.Errorf(lang.Pos{}, lang.Pos{}, "internal: no valid plan after pass %s: %v", p.Name, err)
				}
			}
		}
		if o.Dump[p.Name] && o.Out != nil {
			fmt.Fprintf(o.Out, "# after %s\n", p.Name)
			ir.Print(o.Out, prog)
		}
		if p.Name == o.After || diags.HasErrors() {
			break
		}
	}
	if o.TimePasses && o.Out != nil {
		for _, t := range times {
			fmt.Fprintf(o.Out, "pass %-6s %10.3f ms\n", t.name, float64(t.d.Microseconds())/1000)
		}
	}
	diags.Sort()
	return diags
}

// lostRecords reports a recording whose variable a pass removed: the run
// could not produce it, so it is a positioned error, not a silent gap.
func lostRecords(p *ir.Program, pass string, diags *lang.Diagnostics) {
	for _, r := range p.Records {
		if r.Kind == ir.RecWeights && !slices.Contains(p.Projs, r.Proj) {
			diags.Errorf(r.Pos.Pos, r.Pos.End, "weights(%s) cannot be recorded: pass %s removed projection %s", r.Proj.Name, pass, r.Proj.Name).Hint =
				fmt.Sprintf("switch the pass off with -d %s=off", pass)
			continue
		}
		if r.Kind != ir.RecState || r.Var == nil {
			continue
		}
		var m *ir.Model
		if r.Pop != nil {
			m = r.Pop.Model
		} else if r.Proj != nil {
			m = r.Proj.Synapse
		}
		found := false
		if m != nil {
			for _, v := range m.Vars {
				found = found || v == r.Var
			}
		}
		if !found {
			diags.Errorf(r.Pos.Pos, r.Pos.End, "%s cannot be recorded: pass %s removed it", r.Var.Name, pass).Hint =
				fmt.Sprintf("switch the pass off with -d %s=off", pass)
		}
	}
}
