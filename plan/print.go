package plan

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// Print writes the plan as text (`snnc ir --plan`): deterministic, for
// golden tests; numbers are printed exactly (shortest round-trip form).
func Print(w io.Writer, p *Plan) {
	pf := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	pf("plan %s: dt %s s, %d steps, seed %d\n", p.Network, fmtFloat(p.Dt), p.Steps, p.Seed)
	pf("\narrays:\n")
	for _, a := range p.Arrays {
		n := strconv.Itoa(a.Len)
		if a.Len < 0 {
			n = "synapses"
		}
		b := ""
		if a.Bool {
			b = " bool"
		}
		pf("  a%d %s %s[%s]%s\n", a.ID, a.Name, a.Kind, n, b)
	}
	pf("\npopulations:\n")
	for _, pp := range p.Pops {
		pf("  %s: %s, %d neurons", pp.Name, pp.Model, pp.N)
		if len(pp.Members) > 1 {
			var ms []string
			for _, m := range pp.Members {
				ms = append(ms, fmt.Sprintf("%s [%d,%d)", m.Name, m.Off, m.Off+m.N))
			}
			pf(", members %s", strings.Join(ms, " "))
		}
		if pp.Simple != nil {
			pf(", threshold %s %s %s", pp.Simple.Var.Name, pp.Simple.Op, fmtFloat(pp.Simple.K))
		}
		if pp.Fused {
			pf(", fused")
		}
		if pp.Kernel != "" {
			pf(" (%s)", pp.Kernel)
		}
		pf(", finite check every %d steps\n", pp.FiniteEvery)
	}
	if len(p.Inputs) > 0 {
		pf("\ninputs:\n")
		for _, in := range p.Inputs {
			pf("  %s: %s", in.Name, in.Kind)
			if in.N > 0 {
				pf(", %d", in.N)
			}
			if in.Target != "" {
				pf(", into %s.%s", in.Target, in.Port)
			}
			if r := in.Rate; r != nil {
				pf(", %s", rateForm(r))
			}
			pf("\n")
		}
	}
	if len(p.Projs) > 0 {
		pf("\nprojections:\n")
		for _, pr := range p.Projs {
			pf("  %s: %s -> %s.%s, %s", pr.Name, pr.Pre, pr.Post, pr.Port, pr.Storage)
			if pr.SynDelays {
				pf(", a delay per synapse")
			}
			if pr.DelaySteps > 0 {
				pf(", delay %d steps", pr.DelaySteps)
			}
			if pr.Weight != nil {
				pf(", weight %s", fmtFloat(*pr.Weight))
			}
			if pr.Direct != nil {
				pf(", direct %s %+g", pr.Direct.Var.Name, pr.Direct.Sign)
			}
			if pr.Handler != nil {
				pf(", handler")
			}
			if pr.Plastic {
				pf(", plastic")
			}
			if pr.Summed {
				pf(", summed")
			}
			if pr.Dend != "" {
				pf(", dendrite %s", pr.Dend)
			}
			if len(pr.Merged) > 0 {
				pf(", merged %s", strings.Join(pr.Merged, " "))
			}
			if len(pr.Lazy) > 0 {
				pf(", lazy %s", strings.Join(pr.Lazy, " "))
			}
			if pr.NormalizeEvery > 0 {
				pf(", normalize every %d steps", pr.NormalizeEvery)
			}
			if pr.Parallel {
				pf(", parallel")
			}
			pf("\n")
		}
	}
	if len(p.Records) > 0 {
		pf("\nrecords:\n")
		for _, r := range p.Records {
			pf("  %s %s", r.Kind, r.Source)
			if r.Hi > 0 {
				pf("[%d:%d]", r.Lo, r.Hi)
			}
			if r.Var != "" {
				pf(".%s", r.Var)
			}
			pf(" every %d steps", r.Every)
			if r.AtEnd {
				pf(" at end")
			}
			pf("\n")
		}
	}
	if len(p.RunPhases) > 0 {
		pf("\nrun phases:\n")
		for _, rp := range p.RunPhases {
			pf("  %s at step %d:", rp.Name, rp.At)
			for _, s := range rp.Sets {
				pf(" %s.%s %s %s;", s.Target, s.Var, s.Op, fmtFloat(s.Value))
			}
			pf("\n")
		}
	}
	if len(p.Inits) > 0 {
		pf("\ninit:\n")
		for k, in := range p.Inits {
			pf("  %d %s", k, in.Kind)
			if in.Kind == InitState {
				pf(" %s", p.Arrays[in.Arr].Name)
				if in.Off > 0 {
					pf(" from %d", in.Off)
				}
			} else {
				pf(" %s", in.Target)
			}
			pf(", stream %q\n", strings.Join(in.Stream, " "))
			PrintLoop(w, in.Loop, p.Arrays, "      ")
		}
	}
	printPhases(w, "step", p.Step, p.Arrays)
	if len(p.Finish) > 0 {
		printPhases(w, "finish", p.Finish, p.Arrays)
	}
}

// printPhases writes a list of phases and their loops.
func printPhases(w io.Writer, title string, phases []*Phase, arrays []*Array) {
	pf := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	pf("\n%s:\n", title)
	for k, ph := range phases {
		pf("  %d %s", k, ph.Kind)
		if ph.Target != "" {
			pf(" %s", ph.Target)
		}
		if ph.Every > 1 {
			pf(" every %d", ph.Every)
		}
		if ph.Parallel {
			pf(" [parallel]")
		}
		if ph.Note != "" {
			pf(": %s", ph.Note)
		}
		pf("\n")
		for _, l := range ph.Loops {
			PrintLoop(w, l, arrays, "      ")
		}
	}
}

// PrintLoop writes one loop and its ops.
func PrintLoop(w io.Writer, l *Loop, arrays []*Array, indent string) {
	n := strconv.Itoa(l.N)
	if l.N < 0 {
		n = "synapses"
	}
	fmt.Fprintf(w, "%sloop %s: %s of %s[%s]", indent[:max(0, len(indent)-2)], l.Name, l.Space, l.Over, n)
	if l.Kernel != "" {
		fmt.Fprintf(w, ", kernels %s", l.Kernel)
	}
	if l.Stream != "" {
		fmt.Fprintf(w, ", stream %q", l.Stream)
	}
	fmt.Fprintln(w)
	for k, op := range l.Ops {
		fmt.Fprintf(w, "%s%s\n", indent, OpString(k, op, arrays))
	}
}

// OpString is one op as text: "%3 = mul %1 %2".
func OpString(k int, op Op, arrays []*Array) string {
	var b strings.Builder
	if op.Type != Void {
		fmt.Fprintf(&b, "%%%d = ", k)
	}
	b.WriteString(op.Code.String())
	if op.Type == Bool {
		b.WriteString(".b")
	}
	switch op.Code {
	case Const:
		fmt.Fprintf(&b, " %s", fmtFloat(op.K))
	case Time:
		if op.K != 0 {
			fmt.Fprintf(&b, " +%s", fmtFloat(op.K))
		}
	case Load, Store, Refr:
		name := fmt.Sprintf("a%d", op.Arr)
		if op.Arr >= 0 && op.Arr < len(arrays) && arrays[op.Arr] != nil {
			name = arrays[op.Arr].Name
		}
		fmt.Fprintf(&b, " %s[%s", name, op.Idx)
		if op.Off != 0 {
			fmt.Fprintf(&b, "+%d", op.Off)
		}
		b.WriteString("]")
	case Call:
		fmt.Fprintf(&b, " %s", op.Fn)
	case Rand:
		fmt.Fprintf(&b, " %s #%d", op.Fn, int(op.K))
	case Draw:
		fmt.Fprintf(&b, " %s", op.Fn)
	}
	for _, a := range op.Args {
		fmt.Fprintf(&b, " %%%d", a)
	}
	return b.String()
}

// JSON is the plan as plain data for encoding/json (`snnc ir --plan
// --json`): variables by name, ops with their codes spelled out, and
// numbers that JSON cannot hold (±Inf, NaN) as strings.
func JSON(p *Plan) any {
	type jop struct {
		Op   string `json:"op"`
		Type string `json:"type"`
		Args []int  `json:"args,omitempty"`
		Arr  *int   `json:"arr,omitempty"`
		Idx  string `json:"index,omitempty"`
		Off  int    `json:"off,omitempty"`
		K    any    `json:"k,omitempty"`
		Fn   string `json:"fn,omitempty"`
	}
	type jloop struct {
		Name   string `json:"name"`
		Over   string `json:"over"`
		Space  string `json:"space"`
		N      int    `json:"n"`
		Kernel string `json:"kernel,omitempty"`
		Stream string `json:"stream,omitempty"`
		Ops    []jop  `json:"ops"`
	}
	type jphase struct {
		Kind     string  `json:"kind"`
		Target   string  `json:"target,omitempty"`
		Every    int     `json:"every,omitempty"`
		Parallel bool    `json:"parallel,omitempty"`
		Note     string  `json:"note,omitempty"`
		Source   string  `json:"source,omitempty"`
		Loops    []jloop `json:"loops,omitempty"`
	}
	type jinit struct {
		Kind   string   `json:"kind"`
		Target string   `json:"target"`
		Var    string   `json:"var,omitempty"`
		Arr    *int     `json:"arr,omitempty"`
		Off    int      `json:"off,omitempty"`
		Stream []string `json:"stream"`
		Loop   jloop    `json:"loop"`
	}
	type jarray struct {
		Name  string `json:"name"`
		Kind  string `json:"kind"`
		Len   int    `json:"len"`
		Bool  bool   `json:"bool,omitempty"`
		Owner string `json:"owner"`
	}
	type jpop struct {
		Name        string   `json:"name"`
		Model       string   `json:"model"`
		N           int      `json:"n"`
		Members     []Member `json:"members"`
		Fused       bool     `json:"fused,omitempty"`
		Kernel      string   `json:"kernel,omitempty"`
		Threshold   string   `json:"simple_threshold,omitempty"`
		FiniteEvery int      `json:"finite_every"`
	}
	type jproj struct {
		Name           string   `json:"name"`
		Pre            string   `json:"pre"`
		Post           string   `json:"post"`
		Port           string   `json:"port"`
		Storage        string   `json:"storage"`
		DelaySteps     int      `json:"delay_steps"`
		SynDelays      bool     `json:"syn_delays,omitempty"`
		Direct         string   `json:"direct,omitempty"`
		Weight         any      `json:"weight,omitempty"`
		Plastic        bool     `json:"plastic,omitempty"`
		Summed         bool     `json:"summed,omitempty"`
		Dendrite       string   `json:"dendrite,omitempty"`
		Merged         []string `json:"merged,omitempty"`
		Parallel       bool     `json:"parallel"`
		Lazy           []string `json:"lazy,omitempty"`
		NormalizeEvery int      `json:"normalize_every,omitempty"`
	}
	num := func(v float64) any {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return fmtFloat(v)
		}
		return v
	}
	loop := func(l *Loop) jloop {
		jl := jloop{Name: l.Name, Over: l.Over, Space: l.Space.String(), N: l.N, Kernel: l.Kernel, Stream: l.Stream, Ops: []jop{}}
		for _, op := range l.Ops {
			o := jop{Op: op.Code.String(), Type: op.Type.String(), Args: op.Args, Fn: op.Fn, Off: op.Off}
			switch op.Code {
			case Load, Store, Refr:
				a := op.Arr
				o.Arr, o.Idx = &a, op.Idx.String()
			case Const, Time:
				if op.K != 0 || op.Code == Const {
					o.K = num(op.K)
				}
			}
			jl.Ops = append(jl.Ops, o)
		}
		return jl
	}
	out := struct {
		Network   string      `json:"network"`
		Dt        float64     `json:"dt"`
		Steps     int         `json:"steps"`
		Seed      uint64      `json:"seed"`
		Arrays    []jarray    `json:"arrays"`
		Pops      []jpop      `json:"populations"`
		Inputs    []*Input    `json:"inputs"`
		Projs     []jproj     `json:"projections"`
		Records   []*Record   `json:"records"`
		RunPhases []*RunPhase `json:"run_phases"`
		Inits     []jinit     `json:"init,omitempty"`
		Step      []jphase    `json:"step"`
		Finish    []jphase    `json:"finish,omitempty"`
	}{Network: p.Network, Dt: p.Dt, Steps: p.Steps, Seed: p.Seed, Inputs: p.Inputs, Records: p.Records, RunPhases: p.RunPhases,
		Arrays: []jarray{}, Pops: []jpop{}, Projs: []jproj{}, Step: []jphase{}}
	for _, a := range p.Arrays {
		out.Arrays = append(out.Arrays, jarray{a.Name, a.Kind.String(), a.Len, a.Bool, a.Owner})
	}
	for _, pp := range p.Pops {
		jp := jpop{Name: pp.Name, Model: pp.Model, N: pp.N, Members: pp.Members, Fused: pp.Fused, Kernel: pp.Kernel, FiniteEvery: pp.FiniteEvery}
		if pp.Simple != nil {
			jp.Threshold = pp.Simple.Var.Name + " " + pp.Simple.Op + " " + fmtFloat(pp.Simple.K)
		}
		out.Pops = append(out.Pops, jp)
	}
	for _, pr := range p.Projs {
		jp := jproj{Name: pr.Name, Pre: pr.Pre, Post: pr.Post, Port: pr.Port, Storage: string(pr.Storage), DelaySteps: pr.DelaySteps, SynDelays: pr.SynDelays,
			Plastic: pr.Plastic, Summed: pr.Summed, Dendrite: pr.Dend, Merged: pr.Merged, Parallel: pr.Parallel, Lazy: pr.Lazy,
			NormalizeEvery: pr.NormalizeEvery}
		if pr.Direct != nil {
			jp.Direct = fmt.Sprintf("%s %+g", pr.Direct.Var.Name, pr.Direct.Sign)
		}
		if pr.Weight != nil {
			jp.Weight = num(*pr.Weight)
		}
		out.Projs = append(out.Projs, jp)
	}
	phase := func(ph *Phase) jphase {
		jp := jphase{Kind: ph.Kind.String(), Target: ph.Target, Every: ph.Every, Parallel: ph.Parallel, Note: ph.Note, Source: ph.Source}
		for _, l := range ph.Loops {
			jp.Loops = append(jp.Loops, loop(l))
		}
		return jp
	}
	for _, in := range p.Inits {
		ji := jinit{Kind: in.Kind.String(), Target: in.Target, Var: in.Var, Off: in.Off, Stream: in.Stream, Loop: loop(in.Loop)}
		if in.Arr >= 0 {
			a := in.Arr
			ji.Arr = &a
		}
		out.Inits = append(out.Inits, ji)
	}
	for _, ph := range p.Step {
		out.Step = append(out.Step, phase(ph))
	}
	for _, ph := range p.Finish {
		out.Finish = append(out.Finish, phase(ph))
	}
	return out
}
