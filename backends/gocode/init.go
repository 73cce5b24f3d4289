package gocode

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/snnc/snnc/plan"
)

// The plan's initialisation loops (plan.Init: initial values, random
// weights, per-synapse delays) are printed element by element, as the
// interpreter runs them: the Draw ops from the loop's sequential stream
// (a local rng), the Result as the caller says.

// initsOf are the plan's initialisation loops of kind into target.
func (g *gen) initsOf(kind plan.InitKind, target string) []*plan.Init {
	var out []*plan.Init
	for _, in := range g.plan.Inits {
		if in.Kind == kind && in.Target == target {
			out = append(out, in)
		}
	}
	return out
}

// streamOf is the Go expression creating an initialisation loop's stream.
func streamOf(in *plan.Init) string {
	keys := make([]string, len(in.Stream))
	for k, s := range in.Stream {
		keys[k] = strconv.Quote(s)
	}
	return "rt.NewStream(seed, rt.Hash(" + strings.Join(keys, ", ") + "))"
}

// draws reports whether a loop has sequential draws.
func draws(l *plan.Loop) bool {
	for _, op := range l.Ops {
		if op.Code == plan.Draw {
			return true
		}
	}
	return false
}

// initBlock writes f's locals and body into the build function as one
// block (its locals its own), headed by comment.
func (g *gen) initBlock(f *fnb, comment string) {
	b := &g.build
	b.line("{ // %s", comment)
	for _, d := range f.decl {
		b.line("%s", d)
	}
	b.Write(f.Bytes())
	b.line("}")
}

// readsNothing is the array function of a loop that reads no array.
func readsNothing(what string) func(int) (string, bool, error) {
	return func(id int) (string, bool, error) { return "", false, fmt.Errorf("%s cannot read a%d", what, id) }
}
