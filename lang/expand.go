package lang

import (
	"fmt"
	"math"
)

// Expansion bounds. Later stages inline every call of a user function (each
// use of a parameter copies the argument) and substitute named expressions
// where they are used, as trees. So `function f1(x) = f0(x) + f0(x)`,
// `function f2(x) = f1(x) + f1(x)`, ... doubles at every level, and 30 such
// lines would make an expression of a billion nodes. The checker measures the
// expanded size of every function, named expression and call, and refuses
// one over maxExpanded with an error at the declaration or call, once.

// maxExpanded is far above any real model: TestExpansionLimitFarAbove
// checks examples/ and stdlib/ with a limit a hundred times lower. A var
// only for that test.
var maxExpanded = 100_000

// size is the node count of an expression once expanded. Inside a function
// body, n counts the nodes of the body itself and p[i] how many copies of
// argument i the expansion holds, so a call costs n + Σ p[i]·size(arg i).
type size struct {
	n   float64   // float: counts may exceed any integer type; they saturate to +Inf
	p   []float64 // per parameter of the function being sized; may be shorter
	bad bool      // holds a function or named expression already reported as too big
}

func (a *size) add(b size, k float64) {
	a.bad = a.bad || b.bad
	a.n += k * b.n
	if len(b.p) > len(a.p) {
		a.p = append(a.p, make([]float64, len(b.p)-len(a.p))...)
	}
	for i, v := range b.p {
		a.p[i] += k * v
	}
}

// total is the size with every argument counted as one node.
func (a size) total() float64 {
	t := a.n
	for _, v := range a.p {
		t += v
	}
	return t
}

type sizer struct {
	c       *checker
	funcs   map[*FuncDecl]*size
	aliases map[*Symbol]*size
}

func (c *checker) sizes() *sizer {
	if c.sizer == nil {
		c.sizer = &sizer{c: c, funcs: map[*FuncDecl]*size{}, aliases: map[*Symbol]*size{}}
	}
	return c.sizer
}

// expr sizes x; params are those of the function whose body x is in.
func (s *sizer) expr(x Expr, params []*Param) size {
	one := size{n: 1}
	switch x := x.(type) {
	case nil:
		return size{}
	case *ParenExpr:
		return s.expr(x.X, params)
	case *Ident:
		for i, p := range params {
			if p.Name.Name == x.Name {
				r := size{p: make([]float64, i+1)}
				r.p[i] = 1
				return r
			}
		}
		return s.ident(x)
	case *FieldExpr: // pre.v, or pre.a for an alias of the presynaptic neuron
		return s.ident(x.Name)
	case *UnaryExpr:
		one.add(s.expr(x.X, params), 1)
	case *BinaryExpr:
		one.add(s.expr(x.X, params), 1)
		one.add(s.expr(x.Y, params), 1)
	case *CallExpr:
		fn := s.c.prog.Funcs[x.Fun.Name]
		var body *size
		if fn != nil {
			body = s.fn(fn)
		}
		if body == nil { // a builtin, or a call closing a recursion (an error)
			for _, a := range x.Args {
				one.add(s.expr(a.Value, params), 1)
			}
			return one
		}
		// Each argument is lowered once, even for an unused parameter (this
		// also keeps 0 · +Inf from making NaN).
		r := size{n: body.n, bad: body.bad}
		for i, a := range x.Args {
			k := 1.0
			if i < len(body.p) {
				k = max(k, body.p[i])
			}
			if a != nil {
				r.add(s.expr(a.Value, params), k)
			}
		}
		return r
	case *IndexExpr:
		one.add(s.expr(x.X, params), 1)
		one.add(s.expr(x.Lo, params), 1)
		one.add(s.expr(x.Hi, params), 1)
	case *IfExpr:
		one.add(s.expr(x.Cond, params), 1)
		one.add(s.expr(x.Then, params), 1)
		one.add(s.expr(x.Else, params), 1)
	case *ListExpr:
		for _, e := range x.Elems {
			one.add(s.expr(e, params), 1)
		}
	}
	return one
}

// ident sizes a name outside function parameters: a named expression
// counts as its definition, anything else as one node.
func (s *sizer) ident(x *Ident) size {
	if sym := s.c.prog.Uses[x]; sym != nil && sym.Kind == AliasSym {
		if r := s.alias(sym); r != nil {
			return size{n: r.n, bad: r.bad}
		}
	}
	return size{n: 1}
}

// alias sizes a named expression's definition, once; nil while it is being
// sized (a cycle, reported by resolveAlias).
func (s *sizer) alias(sym *Symbol) *size {
	if r, ok := s.aliases[sym]; ok {
		return r
	}
	a, ok := sym.Decl.(*Alias)
	if !ok {
		return nil
	}
	s.aliases[sym] = nil
	r := s.expr(a.Value, nil)
	s.aliases[sym] = &r
	return &r
}

// fn sizes a function's body, once; nil while it is being sized (recursion,
// reported by checkRecursion).
func (s *sizer) fn(fn *FuncDecl) *size {
	if r, ok := s.funcs[fn]; ok {
		return r
	}
	s.funcs[fn] = nil
	r := s.expr(fn.Body, fn.Params)
	if !r.bad && r.total() > float64(maxExpanded) {
		r.bad = true
		d := s.c.errorf(fn.Name, "function %s expands to %s nodes when the functions it calls are inlined, more than the limit of %d",
			fn.Name.Name, count(r.total()), maxExpanded)
		d.Hint = s.biggestUse(fn.Name.Name, fn.Body, "each call of a function is replaced by its body")
	}
	s.funcs[fn] = &r
	return &r
}

// checkFuncSizes sizes every function before any is checked, so that each
// too big one is reported once, at its declaration.
func (c *checker) checkFuncSizes(names []string) {
	for _, n := range names {
		if fn := c.prog.Funcs[n]; fn != nil {
			c.sizes().fn(fn)
		}
	}
}

// funcTooBig reports whether fn was refused for its expanded size.
func (c *checker) funcTooBig(fn *FuncDecl) bool {
	r := c.sizes().fn(fn)
	return r != nil && r.bad
}

// callTooBig checks the expanded size of a call outside function bodies:
// arguments are copied into every use of the parameter, so nested calls
// multiply. It reports the call and returns true when it is too big.
func (c *checker) callTooBig(x *CallExpr) bool {
	r := c.sizes().expr(x, nil)
	if r.bad || r.n <= float64(maxExpanded) {
		return false
	}
	d := c.errorf(x, "this call of %s expands to %s nodes when it is inlined, more than the limit of %d",
		x.Fun.Name, count(r.n), maxExpanded)
	d.Hint = "each use of a parameter copies the argument, so nested calls multiply the size: nest fewer calls, or use each parameter fewer times (2 * x rather than x + x)"
	return true
}

// aliasTooBig checks a named expression's size with the named expressions
// it uses substituted. It reports the alias and returns true when too big.
func (c *checker) aliasTooBig(sym *Symbol, a *Alias) bool {
	s := c.sizes()
	r := s.alias(sym)
	if r == nil || r.bad || r.n <= float64(maxExpanded) {
		return false
	}
	r.bad = true
	d := c.errorf(a.Name, "named expression %s expands to %s nodes when the named expressions it uses are substituted, more than the limit of %d",
		sym.Name, count(r.n), maxExpanded)
	d.Hint = s.biggestUse(sym.Name, a.Value, "each use of a named expression copies its definition")
	return true
}

// biggestUse explains where the size of name's definition e comes from:
// the function or named expression that e uses most often.
func (s *sizer) biggestUse(name string, e Expr, why string) string {
	uses := map[string]int{}
	sizes := map[string]float64{}
	WalkExpr(e, func(x Expr) {
		switch x := x.(type) {
		case *CallExpr:
			if fn := s.c.prog.Funcs[x.Fun.Name]; fn != nil {
				if r := s.funcs[fn]; r != nil {
					uses[x.Fun.Name]++
					sizes[x.Fun.Name] = r.total()
				}
			}
		case *Ident:
			if sym := s.c.prog.Uses[x]; sym != nil && sym.Kind == AliasSym {
				if r := s.aliases[sym]; r != nil {
					uses[x.Name]++
					sizes[x.Name] = r.n
				}
			}
		}
	})
	best := ""
	for u, n := range uses {
		if best == "" || n > uses[best] || n == uses[best] && (sizes[u] > sizes[best] || sizes[u] == sizes[best] && u < best) {
			best = u
		}
	}
	if best == "" {
		return why
	}
	return fmt.Sprintf("%s; %s uses %s %d times, and %s alone expands to %s nodes", why, name, best, uses[best], best, count(sizes[best]))
}

// count prints a node count; huge ones as a power of ten.
func count(n float64) string {
	if n < 1e15 {
		return fmt.Sprintf("%.0f", n)
	}
	if math.IsInf(n, 0) {
		return "over 10^308"
	}
	return fmt.Sprintf("about 10^%.0f", math.Floor(math.Log10(n)))
}
