package lang

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/snnc/snnc/lang/units"
)

// env is the scope an expression is checked in.
type env struct {
	c     *checker
	typ   *TypeInfo          // enclosing neuron, synapse or compartment
	local map[string]*Symbol // weight, input, function parameters
	net   *NetInfo
	// synapse bodies are checked once per type with pre./post. deferred,
	// then once per projection with the bound neuron types.
	pre, post *TypeInfo
	noRandom  string // why random draws are not allowed here ("" = allowed)
	// drew, if set, records the first random draw (where draws are allowed
	// only under a condition checked later: `on modulator`)
	drew   **CallExpr
	noTime bool  // `t` is not available (parameters, functions)
	noise  bool  // white noise (xi) is allowed: a neuron equation's right side
	weight *Type // a synapse's `weight` bound to a projection
	// initOf is "parameters" or "state" while checking an initializer;
	// later maps names declared further down to their kind.
	initOf string
	later  map[string]string
	// perNeuron: a neuron's initializer (its type's parameters and state,
	// a population override), where `i` and `N` are defined
	perNeuron bool
}

// initScope says why an initializer may not read s ("" if it may).
func (e *env) initScope(s *Symbol) string {
	switch {
	case s.Kind == ParamSym:
		return ""
	case e.initOf == "parameters" && s.Kind == StateSym:
		return fmt.Sprintf("a parameter can only use other parameters; %s is a state variable", s.Name)
	case s.Kind == StateSym:
		return ""
	case s.Kind == AliasSym:
		return fmt.Sprintf("named expression %s cannot be used in %s: it is computed from the state while the model runs", s.Name, e.initOf)
	case s.Kind == PortSym || s.Kind == DendriteSym:
		return fmt.Sprintf("%s (a %s) has no value before the run starts", s.Name, s.describe())
	}
	return ""
}

var timeSym = &Symbol{Name: "t", Kind: TimeSym, Type: timeT}

// The neuron index `i`, the population size `N` (in a neuron's
// initializers) and `pi` (everywhere); a variable of the same name shadows
// them.
var (
	indexSym = &Symbol{Name: "i", Kind: IndexSym, Type: dimless}
	sizeSym  = &Symbol{Name: "N", Kind: SizeSym, Type: dimless}
	piSym    = &Symbol{Name: "pi", Kind: ConstSym, Type: dimless}
)

func (e *env) lookup(name string) *Symbol {
	if s, ok := e.local[name]; ok {
		return s
	}
	for t := e.typ; t != nil; t = t.Parent {
		if s, ok := t.Scope[name]; ok {
			return s
		}
	}
	if e.net != nil {
		if s, ok := e.net.Scope[name]; ok {
			return s
		}
	}
	if name == "t" && !e.noTime {
		return timeSym
	}
	if name == "pi" {
		return piSym
	}
	if e.perNeuron && name == "i" {
		return indexSym
	}
	if e.perNeuron && name == "N" {
		return sizeSym
	}
	return nil
}

// visible lists the names in scope, for did-you-mean hints.
func (e *env) visible() []string {
	var out []string
	for n := range e.local {
		out = append(out, n)
	}
	for t := e.typ; t != nil; t = t.Parent {
		for n := range t.Scope {
			out = append(out, n)
		}
	}
	if e.net != nil {
		for n := range e.net.Scope {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

func (e *env) record(x Expr, t Type) Type {
	e.c.prog.Exprs[x] = t
	return t
}

// expr checks x and returns its type.
func (e *env) expr(x Expr) Type {
	if x == nil {
		return invalidT
	}
	return e.record(x, e.expr1(x))
}

// spoiled returns the type that an operation on ts yields when one of them
// is invalid (already reported) or deferred.
func spoiled(ts ...Type) (Type, bool) {
	deferred := false
	for _, t := range ts {
		if t.Kind == Invalid {
			return invalidT, true
		}
		if t.Kind == Deferred {
			deferred = true
		}
	}
	if deferred {
		return Type{Kind: Deferred}, true
	}
	return Type{}, false
}

func (e *env) expr1(x Expr) Type {
	c := e.c
	switch x := x.(type) {
	case *NumberLit:
		u, ok := e.unitOfLit(x)
		if !ok {
			return invalidT
		}
		if math.IsInf(x.Value, 0) {
			return invalidT
		}
		return num(u.Dim)
	case *StringLit:
		return stringT
	case *BoolLit:
		return boolT
	case *Ident:
		return e.ident(x)
	case *ParenExpr:
		return e.expr(x.X)
	case *UnaryExpr:
		t := e.expr(x.X)
		if s, bad := spoiled(t); bad {
			return s
		}
		if x.Op == "not" {
			if t.Kind != Bool {
				c.errorf(x, "not needs a boolean, not %s", t)
				return invalidT
			}
			return boolT
		}
		if t.Kind != Number {
			c.errorf(x, "%s needs a number, not %s", x.Op, t)
			return invalidT
		}
		return t
	case *BinaryExpr:
		return e.binary(x)
	case *CallExpr:
		return e.call(x)
	case *FieldExpr:
		return e.field(x)
	case *IndexExpr:
		e.expr(x.X)
		c.errorf(x, "indexing is only allowed in record targets, as in record E.v[0:10]")
		return invalidT
	case *IfExpr:
		ct := e.expr(x.Cond)
		a, b := e.expr(x.Then), e.expr(x.Else)
		if ct.Kind != Bool && ct.Kind != Invalid && ct.Kind != Deferred {
			c.errorf(x.Cond, "the condition of if must be boolean, not %s", ct)
		}
		if s, bad := spoiled(a, b); bad {
			return s
		}
		if a.Kind != b.Kind {
			c.errorf(x, "the branches of if differ: %s and %s", a, b)
			return invalidT
		}
		if !c.sameDim(x, "the branches of if have different units:", a, b) {
			return invalidT
		}
		return a
	case *ListExpr:
		var t Type
		for i, el := range x.Elems {
			et := e.expr(el)
			if s, bad := spoiled(et); bad {
				return s
			}
			if et.Kind != Number {
				c.errorf(el, "list elements must be numbers, not %s", et)
				return invalidT
			}
			if i == 0 {
				t = et
			} else if !c.sameDim(el, "list elements must share one unit:", t, et) {
				return invalidT
			}
		}
		return Type{Kind: List, Dim: t.Dim}
	}
	c.errorf(x, "unexpected expression")
	return invalidT
}

// unitOfLit resolves the unit written after a number literal. A unit atom
// that is also a name in scope is an error that says which is which.
func (e *env) unitOfLit(x *NumberLit) (units.Unit, bool) {
	u := units.One
	if x.Unit == nil {
		return u, true
	}
	ok := true
	for _, f := range x.Unit.Factors {
		a, found := units.Lookup(f.Name)
		sym := e.lookup(f.Name)
		switch {
		case !found && sym != nil:
			d := e.c.errorf(f, "%s after a number is read as a unit, but %s is a %s, not a unit", f.Name, f.Name, sym.describe())
			d.Hint = fmt.Sprintf("to multiply, write %s * %s", x.Text, f.Name)
			ok = false
			continue
		case !found:
			d := e.c.errorf(f, "unknown unit %s", f.Name)
			if s := units.Suggest(f.Name); s != "" && (strings.EqualFold(s, f.Name) || len(f.Name) > 3) {
				d.Hint = fmt.Sprintf("did you mean %s?", s)
			} else {
				d.Hint = "a name after a number is read as its unit; separate two items on one line with ';'"
			}
			ok = false
			continue
		case sym != nil:
			d := e.c.errorf(f, "%s after a number is read as the unit %s, but %s is also a %s here", f.Name, f.Name, f.Name, sym.describe())
			d.Hint = fmt.Sprintf("write (%s) * %s to use the %s, or rename it", litBefore(x, f), f.Name, sym.describe())
			ok = false
			continue
		}
		if _, inRange := a.Dim.PowChecked(f.Exp); !inRange {
			e.c.errorf(f, "unit exponent out of range in %s^%d", f.Name, f.Exp)
			ok = false
			continue
		}
		a = a.Pow(f.Exp)
		d, inRange := u.Dim.MulChecked(a.Dim)
		if f.Div {
			d, inRange = u.Dim.DivChecked(a.Dim)
		}
		if !inRange {
			e.c.errorf(x.Unit, "unit exponent out of range")
			ok = false
			continue
		}
		if f.Div {
			u = u.Div(a)
		} else {
			u = u.Mul(a)
		}
		u.Dim = d
	}
	return u, ok
}

// litBefore renders a literal with the unit factors before f ("1 mV").
func litBefore(x *NumberLit, f *UnitFactor) string {
	s := x.Text
	for i, g := range x.Unit.Factors {
		if g == f {
			break
		}
		switch {
		case g.Div && i == 0:
			s += "/" // 4/ms: "4 1/ms" would not parse
		case g.Div:
			s += "/"
		case i == 0:
			s += " "
		default:
			s += "*"
		}
		s += g.Name
		if g.Exp != 1 {
			s += fmt.Sprintf("^%d", g.Exp)
		}
	}
	return s
}

func (e *env) ident(x *Ident) Type {
	c := e.c
	s := e.lookup(x.Name)
	if s != nil && e.initOf != "" {
		if msg := e.initScope(s); msg != "" {
			c.errorf(x, "%s", msg)
			return invalidT
		}
	}
	if s == nil {
		if e.initOf != "" {
			if kind, ok := e.later[x.Name]; ok {
				c.errorf(x, "%s is used before it is declared (a %s declared below)", x.Name, kind).Hint = "declare it first, or reorder the declarations"
				return invalidT
			}
		}
		if IsNoiseName(x.Name) {
			if e.noise {
				return num(NoiseDim)
			}
			d := c.errorf(x, "white noise %s is only allowed in the right side of a neuron's differential equation", x.Name)
			d.Hint = "write it in an equation, v' = ... + sigma*sqrt(2/tau)*xi; for a random draw elsewhere use normal(mu, sigma) or uniform(a, b)"
			return invalidT
		}
		if x.Name == "t" && e.noTime {
			c.errorf(x, "t (the simulation time) is not available here: parameters, functions and network settings are fixed before the run starts")
			return invalidT
		}
		if x.Name == "i" || x.Name == "N" {
			what := "i (the neuron's index in its population)"
			if x.Name == "N" {
				what = "N (the population's size)"
			}
			d := c.errorf(x, "%s is only defined in a neuron's parameter and state initializers and in population overrides", what)
			d.Hint = "compute a per-neuron parameter from it, e.g. `I0 = i * 10 pA` in parameters, and use that here"
			if e.typ != nil && e.typ.Kind == SynapseKind {
				d.Hint = "a synapse has no index of its own; read the neurons' values as pre.<name> or post.<name>"
			}
			return invalidT
		}
		if (x.Name == "pre" || x.Name == "post") && (e.typ == nil || e.typ.Kind != SynapseKind) {
			c.errorf(x, "%s.<variable> reads the %ssynaptic neuron and is only available in a synapse", x.Name, x.Name)
			return invalidT
		}
		if g, ok := c.global[x.Name]; ok {
			switch g.decl.(type) {
			case *FuncDecl:
				c.errorf(x, "function %s used as a value; call it: %s(...)", x.Name, x.Name)
			case *TypeDecl:
				c.errorf(x, "%s is a type, not a value", x.Name)
			default:
				c.errorf(x, "%s is a network, not a value", x.Name)
			}
			return invalidT
		}
		if builtins[x.Name] != nil {
			c.errorf(x, "built-in function %s used as a value; call it: %s(...)", x.Name, x.Name)
			return invalidT
		}
		if _, isUnit := units.Lookup(x.Name); isUnit {
			d := c.errorf(x, "%s is a unit, not a value", x.Name)
			d.Hint = fmt.Sprintf("a unit goes right after a number: write 1 %s", x.Name)
			return invalidT
		}
		if x.Name == "weight" {
			if e.typ != nil && e.typ.Kind == SynapseKind && e.typ.Parent == nil && !e.noTime {
				// A synapse's `weight` is its projection's weight setting,
				// in the unit of the target port: known per projection.
				e.typ.UsesWeight = true
				if e.weight != nil {
					return *e.weight
				}
				c.deferredSyn[e.typ] = true
				return Type{Kind: Deferred}
			}
			c.errorf(x, "weight is only defined inside an event input port (`exc: ge += weight`) or a synapse's handlers")
			return invalidT
		}
		c.unknown(x, "name", e.visible())
		return invalidT
	}
	if e.noise && IsNoiseName(x.Name) {
		c.errorf(x, "%s is declared as a variable, but in an equation it names white noise", x.Name).Hint = "rename the variable (xi and xi_<name> are white noises in equations)"
		return invalidT
	}
	c.prog.Uses[x] = s
	switch s.Kind {
	case AliasSym:
		if c.aliasHook != nil {
			c.aliasHook(s)
		}
	case CompSym:
		c.errorf(x, "%s is a compartment; read its variables as %s.<name>", x.Name, x.Name)
		return invalidT
	case PopSym, ProjSym:
		c.errorf(x, "%s is a %s, not a value", x.Name, s.describe())
		return invalidT
	}
	return s.Type
}

func (e *env) field(x *FieldExpr) Type {
	c := e.c
	id, ok := x.X.(*Ident)
	if !ok {
		e.expr(x.X)
		c.errorf(x, "a field can only follow a name (compartment, pre or post)")
		return invalidT
	}
	if e.typ != nil && e.typ.Kind == SynapseKind && (id.Name == "pre" || id.Name == "post") {
		side := e.pre
		if id.Name == "post" {
			side = e.post
		}
		if side == nil {
			c.deferredSyn[e.typ] = true
			if id.Name == "pre" {
				c.deferredPre[e.typ] = true
			}
			return Type{Kind: Deferred}
		}
		s, ok := side.Scope[x.Name.Name]
		if !ok || (s.Kind != ParamSym && s.Kind != StateSym && s.Kind != AliasSym && s.Kind != PortSym) {
			d := c.errorf(x.Name, "the %s neuron type %s has no variable %s", id.Name, side.Name, x.Name.Name)
			if m := DidYouMean(x.Name.Name, varNames(side)); m != "" {
				d.Hint = fmt.Sprintf("did you mean %s.%s?", id.Name, m)
			}
			return invalidT
		}
		c.prog.Uses[x.Name] = s
		return s.Type
	}
	s := e.lookup(id.Name)
	if s == nil {
		c.unknown(id, "name", e.visible())
		return invalidT
	}
	c.prog.Uses[id] = s
	if s.Kind != CompSym {
		c.errorf(x, "%s is a %s and has no fields", id.Name, s.describe())
		return invalidT
	}
	m, ok := s.Comp.Scope[x.Name.Name]
	if !ok {
		d := c.errorf(x.Name, "compartment %s has no variable %s", id.Name, x.Name.Name)
		if h := DidYouMean(x.Name.Name, varNames(s.Comp)); h != "" {
			d.Hint = fmt.Sprintf("did you mean %s.%s?", id.Name, h)
		}
		return invalidT
	}
	c.prog.Uses[x.Name] = m
	return m.Type
}

func varNames(t *TypeInfo) []string {
	var out []string
	for n := range t.Scope {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

var opWords = map[string]string{"+": "cannot add", "-": "cannot subtract", "%": "cannot take the remainder of"}

func (e *env) binary(x *BinaryExpr) Type {
	c := e.c
	a, b := e.expr(x.X), e.expr(x.Y)
	if s, bad := spoiled(a, b); bad {
		return s
	}
	switch x.Op {
	case "and", "or":
		for _, p := range []struct {
			t Type
			n Expr
		}{{a, x.X}, {b, x.Y}} {
			if p.t.Kind != Bool {
				c.errorf(p.n, "%s needs booleans, not %s", x.Op, p.t)
				return invalidT
			}
		}
		return boolT
	case "==", "!=":
		if a.Kind == Bool && b.Kind == Bool {
			return boolT
		}
		fallthrough
	case "<", "<=", ">", ">=":
		if a.Kind != Number || b.Kind != Number {
			c.errorf(x, "cannot compare %s and %s with %s", a, b, x.Op)
			return invalidT
		}
		if !c.sameDim(x, "cannot compare", a, b) {
			return invalidT
		}
		return boolT
	}
	if a.Kind != Number || b.Kind != Number {
		c.errorf(x, "%s needs numbers, not %s and %s", x.Op, a, b)
		return invalidT
	}
	switch x.Op {
	case "+", "-", "%":
		if !c.sameDim(x, opWords[x.Op], a, b) {
			return invalidT
		}
		return a
	case "*", "/":
		d, ok := a.Dim.MulChecked(b.Dim)
		if x.Op == "/" {
			d, ok = a.Dim.DivChecked(b.Dim)
		}
		if !ok {
			c.errorf(x, "unit exponent out of range in this %s", map[string]string{"*": "product", "/": "quotient"}[x.Op])
			return invalidT
		}
		return num(d)
	case "^":
		return e.power(x, x.Y, a, b)
	}
	c.errorf(x, "unknown operator %s", x.Op)
	return invalidT
}

// power types base^exp: a quantity with units needs a constant integer
// exponent so the result has a dimension.
func (e *env) power(n Node, expNode Expr, base, exp Type) Type {
	c := e.c
	if !exp.Dim.IsDimensionless() {
		c.errorf(expNode, "an exponent must be dimensionless, not %s", exp)
		return invalidT
	}
	if base.Dim.IsDimensionless() {
		return dimless
	}
	v, ok := constValue(expNode)
	if !ok || v != math.Trunc(v) || math.Abs(v) > 16 {
		d := c.errorf(expNode, "%s can only be raised to a constant whole power", base)
		d.Hint = "divide by a unit first to make it dimensionless, e.g. (v / 1 mV)^1.5"
		return invalidT
	}
	d, inRange := base.Dim.PowChecked(int(v))
	if !inRange {
		c.errorf(n, "unit exponent out of range")
		return invalidT
	}
	return num(d)
}

// ---- calls ----

// builtin checks a call of a built-in function given its argument types.
type builtin func(e *env, x *CallExpr, args []Type) Type

var builtins map[string]builtin

func init() {
	dimlessFn := func(e *env, x *CallExpr, args []Type) Type {
		if !e.arity(x, args, 1, 1) {
			return invalidT
		}
		if !e.c.expect(x.Args[0].Value, args[0], dimless, "the argument of "+x.Fun.Name) {
			return invalidT
		}
		return dimless
	}
	sameFn := func(min, max int) builtin {
		return func(e *env, x *CallExpr, args []Type) Type {
			if !e.arity(x, args, min, max) {
				return invalidT
			}
			return e.sameArgs(x, args)
		}
	}
	random := func(min, max int) builtin {
		return func(e *env, x *CallExpr, args []Type) Type {
			if e.noRandom != "" {
				e.c.errorf(x, "random draw %s() is not allowed %s", x.Fun.Name, e.noRandom)
				return invalidT
			}
			if e.drew != nil && *e.drew == nil {
				*e.drew = x
			}
			if !e.arity(x, args, min, max) {
				return invalidT
			}
			if len(args) == 0 {
				return dimless
			}
			return e.sameArgs(x, args)
		}
	}
	builtins = map[string]builtin{
		"exp": dimlessFn, "log": dimlessFn, "sin": dimlessFn, "cos": dimlessFn,
		"tanh": dimlessFn, "sigmoid": dimlessFn,
		"abs": sameFn(1, 1), "floor": sameFn(1, 1), "ceil": sameFn(1, 1), "round": sameFn(1, 1),
		"min": sameFn(2, 16), "max": sameFn(2, 16), "clip": sameFn(3, 3),
		"sqrt": func(e *env, x *CallExpr, args []Type) Type {
			if !e.arity(x, args, 1, 1) || !e.isNumber(x.Args[0].Value, args[0]) {
				return invalidT
			}
			d, ok := args[0].Dim.Root(2)
			if !ok {
				e.c.errorf(x, "sqrt of %s has no unit (odd powers)", args[0])
				return invalidT
			}
			return num(d)
		},
		"pow": func(e *env, x *CallExpr, args []Type) Type {
			if !e.arity(x, args, 2, 2) || !e.isNumber(x.Args[0].Value, args[0]) || !e.isNumber(x.Args[1].Value, args[1]) {
				return invalidT
			}
			return e.power(x, x.Args[1].Value, args[0], args[1])
		},
		"uniform": random(2, 2), "normal": random(2, 2), "rand": random(0, 0),
		// bernoulli(p): a trial, true with probability p (rand() < p)
		"bernoulli": func(e *env, x *CallExpr, args []Type) Type {
			if random(1, 1)(e, x, args) == invalidT {
				return invalidT
			}
			if !e.c.expect(x.Args[0].Value, args[0], dimless, "the probability of bernoulli") {
				return invalidT
			}
			if p, ok := constValue(x.Args[0].Value); ok && !(p >= 0 && p <= 1) {
				e.c.errorf(x.Args[0].Value, "bernoulli's probability %g is not in [0, 1]", p).Hint = "p = 1 is always true, p = 0 never"
				return invalidT
			}
			return boolT
		},
	}
}

func (e *env) arity(x *CallExpr, args []Type, min, max int) bool {
	for _, a := range x.Args {
		if a.Name != nil {
			e.c.errorf(a.Name, "%s takes no named arguments", x.Fun.Name)
			return false
		}
	}
	if len(args) < min || len(args) > max {
		want := fmt.Sprint(min)
		if max > min {
			want = fmt.Sprintf("%d to %d", min, max)
		}
		e.c.errorf(x, "%s takes %s argument(s), got %d", x.Fun.Name, want, len(args))
		return false
	}
	return true
}

func (e *env) isNumber(n Node, t Type) bool {
	if t.Kind != Number {
		e.c.errorf(n, "expected a number, not %s", t)
		return false
	}
	return true
}

// sameArgs requires all arguments to be numbers of one dimension.
func (e *env) sameArgs(x *CallExpr, args []Type) Type {
	for i, a := range args {
		if !e.isNumber(x.Args[i].Value, a) {
			return invalidT
		}
		if i > 0 && !e.c.sameDim(x.Args[i].Value, "the arguments of "+x.Fun.Name+" must share one unit:", args[0], a) {
			return invalidT
		}
	}
	return args[0]
}

// network-level callables, named so that using one in an expression gets a
// useful message.
var netCallables = map[string]string{
	"poisson": "an input", "poisson_group": "an input", "spikes": "an input", "spike_times": "an input", "current_step": "an input",
	"dataset": "an input", "patterns": "an input", "all_to_all": "a connector", "one_to_one": "a connector",
	"fan_in": "a connector", "fan_out": "a connector",
	"fixed_total_number": "a connector",
	"gaussian":           "a connector", "from_file": "a connector", "file": "a rate file", "weights": "a recording", "spikes_of": "a recording",
	"matrix": "a connector", "conv1d": "a connector", "conv2d": "a connector", "pool2d": "a connector",
}

func (e *env) call(x *CallExpr) Type {
	c := e.c
	args := make([]Type, len(x.Args))
	for i, a := range x.Args {
		args[i] = e.expr(a.Value)
	}
	name := x.Fun.Name
	if b := builtins[name]; b != nil {
		if s, bad := spoiled(args...); bad {
			return s
		}
		return b(e, x, args)
	}
	if g, ok := c.global[name]; ok {
		fn, isFn := g.decl.(*FuncDecl)
		if !isFn {
			c.errorf(x.Fun, "%s is not a function", name)
			return invalidT
		}
		return e.callUser(x, fn, args)
	}
	if what, ok := netCallables[name]; ok {
		c.errorf(x.Fun, "%s is %s and belongs in a network, not in an expression", name, what)
		return invalidT
	}
	cands := []string{}
	for n := range builtins {
		cands = append(cands, n)
	}
	cands = append(cands, c.globalNames(func(d Decl) bool { _, ok := d.(*FuncDecl); return ok })...)
	c.unknown(x.Fun, "function", cands)
	return invalidT
}

// callUser checks a call of a user function by checking its body with the
// argument types bound to unannotated parameters (functions are unit
// polymorphic templates).
func (e *env) callUser(x *CallExpr, fn *FuncDecl, args []Type) Type {
	c := e.c
	if len(args) != len(fn.Params) {
		c.errorf(x, "%s takes %d argument(s), got %d", fn.Name.Name, len(fn.Params), len(args))
		return invalidT
	}
	for _, a := range x.Args {
		if a.Name != nil {
			c.errorf(a.Name, "%s takes no named arguments", fn.Name.Name)
			return invalidT
		}
	}
	for _, n := range c.funcStk {
		if n == fn.Name.Name {
			c.errorf(x, "recursive call of %s: functions cannot call themselves", n)
			return invalidT
		}
	}
	bound := make([]Type, len(args))
	for i, p := range fn.Params {
		bound[i] = args[i]
		if p.Unit != nil {
			want, ok := e.unitAnn(p.Unit)
			if !ok {
				return invalidT
			}
			if args[i].Kind != Invalid && args[i].Kind != Deferred && !c.expect(x.Args[i].Value, args[i], num(want.Dim), "argument "+p.Name.Name+" of "+fn.Name.Name) {
				return invalidT
			}
			bound[i] = num(want.Dim)
		}
	}
	if s, bad := spoiled(bound...); bad {
		return s
	}
	if c.funcTooBig(fn) { // reported at fn
		return invalidT
	}
	if e.drew != nil && *e.drew == nil && c.funcDraws(fn, map[*FuncDecl]bool{}) {
		*e.drew = x
	}
	before := len(c.diags)
	t := c.funcBody(fn, bound, e.noRandom)
	if len(c.diags) > before && c.diags[before].Severity == Error {
		// The body is checked per call, with these argument units: the
		// error belongs to this call, pointing into the body.
		first := c.diags[before]
		c.diags = c.diags[:before]
		args := make([]string, len(args))
		for i, a := range bound {
			args[i] = a.String()
		}
		d := c.errorf(x, "%s (in %s, called here with %s)", first.Msg, fn.Name.Name, strings.Join(args, ", "))
		d.Hint = fmt.Sprintf("inside %s at %s", fn.Name.Name, first.Pos)
	} else if len(c.funcStk) == 0 && t.Kind != Invalid && c.callTooBig(x) {
		return invalidT
	}
	return t
}

// funcDraws reports whether fn's body makes a random draw, itself or in a
// function it calls.
func (c *checker) funcDraws(fn *FuncDecl, seen map[*FuncDecl]bool) bool {
	if seen[fn] {
		return false
	}
	seen[fn] = true
	draws := false
	WalkExpr(fn.Body, func(x Expr) {
		call, ok := x.(*CallExpr)
		if !ok || call.Fun == nil || draws {
			return
		}
		if g := c.prog.Funcs[call.Fun.Name]; g != nil {
			draws = c.funcDraws(g, seen)
			return
		}
		switch call.Fun.Name {
		case "uniform", "normal", "rand", "bernoulli":
			draws = true
		}
	})
	return draws
}

type bodyKey struct {
	fn       *FuncDecl
	params   string // the parameter types, printed
	noRandom string
}

type bodyResult struct {
	t     Type
	diags Diagnostics
}

// funcBody checks fn's body with the given parameter types. It remembers
// the result and diagnostics per call signature, so that each body is
// checked once per signature and not once per call: with functions that
// call the previous one twice, that was exponential.
func (c *checker) funcBody(fn *FuncDecl, params []Type, noRandom string) Type {
	key := bodyKey{fn, fmt.Sprint(params), noRandom}
	if r, ok := c.bodies[key]; ok {
		for _, d := range r.diags {
			copied := *d
			c.diags = append(c.diags, &copied)
		}
		return r.t
	}
	before := len(c.diags)
	t := c.funcBody1(fn, params, noRandom)
	if c.bodies == nil {
		c.bodies = map[bodyKey]bodyResult{}
	}
	r := bodyResult{t: t}
	for _, d := range c.diags[before:] {
		copied := *d
		r.diags = append(r.diags, &copied)
	}
	c.bodies[key] = r
	return t
}

func (c *checker) funcBody1(fn *FuncDecl, params []Type, noRandom string) Type {
	c.funcStk = append(c.funcStk, fn.Name.Name)
	defer func() { c.funcStk = c.funcStk[:len(c.funcStk)-1] }()
	fe := &env{c: c, local: map[string]*Symbol{}, noRandom: noRandom, noTime: true}
	for i, p := range fn.Params {
		fe.local[p.Name.Name] = &Symbol{Name: p.Name.Name, Kind: FuncParamSym, Type: params[i], Decl: p}
	}
	t := fe.expr(fn.Body)
	if fn.Result != nil && t.Kind == Number {
		if want, ok := fe.unitAnn(fn.Result); ok {
			c.expect(fn.Body, t, num(want.Dim), "the result of "+fn.Name.Name)
		}
	}
	return t
}

func (c *checker) checkFuncDecl(fn *FuncDecl) {
	e := &env{c: c}
	seen := map[string]bool{}
	params := make([]Type, len(fn.Params))
	for i, p := range fn.Params {
		if seen[p.Name.Name] {
			c.errorf(p.Name, "parameter %s is declared twice", p.Name.Name)
		}
		seen[p.Name.Name] = true
		params[i] = Type{Kind: Deferred}
		if p.Unit != nil {
			if u, ok := e.unitAnn(p.Unit); ok {
				params[i] = num(u.Dim)
			} else {
				params[i] = invalidT
			}
		}
	}
	c.funcBody(fn, params, "")
}

// unitAnn resolves a unit annotation such as `: mV/ms`.
func (e *env) unitAnn(u *UnitExpr) (units.Unit, bool) {
	out := units.One
	for _, f := range u.Factors {
		if f.Name == "1" {
			continue
		}
		a, ok := units.Lookup(f.Name)
		if !ok {
			d := e.c.errorf(f, "unknown unit %s", f.Name)
			if s := units.Suggest(f.Name); s != "" {
				d.Hint = fmt.Sprintf("did you mean %s?", s)
			}
			return out, false
		}
		a = a.Pow(f.Exp)
		if f.Div {
			out = out.Div(a)
		} else {
			out = out.Mul(a)
		}
	}
	return out, true
}

// ---- literal arithmetic for range checks ----

// constValue evaluates an expression built from literals only, in SI units.
func constValue(x Expr) (float64, bool) { return constValueWith(x, nil) }

// constValueWith is constValue where a name has the value ident gives it
// (ident nil, or ok false: not a constant).
func constValueWith(x Expr, ident func(*Ident) (float64, bool)) (float64, bool) {
	switch x := x.(type) {
	case *Ident:
		if ident == nil {
			return 0, false
		}
		return ident(x)
	case *NumberLit:
		v := x.Value
		if x.Unit != nil {
			for _, f := range x.Unit.Factors {
				u, ok := units.Lookup(f.Name)
				if !ok {
					return 0, false
				}
				s := math.Pow(u.Scale, float64(f.Exp))
				if f.Div {
					v /= s
				} else {
					v *= s
				}
			}
		}
		return v, true
	case *ParenExpr:
		return constValueWith(x.X, ident)
	case *UnaryExpr:
		v, ok := constValueWith(x.X, ident)
		if x.Op == "-" {
			v = -v
		}
		return v, ok && x.Op != "not"
	case *BinaryExpr:
		a, ok1 := constValueWith(x.X, ident)
		b, ok2 := constValueWith(x.Y, ident)
		if !ok1 || !ok2 {
			return 0, false
		}
		switch x.Op {
		case "+":
			return a + b, true
		case "-":
			return a - b, true
		case "*":
			return a * b, true
		case "/":
			return a / b, true
		case "^":
			return math.Pow(a, b), true
		}
	}
	return 0, false
}

// WalkExpr calls f for x and each sub-expression, parents first.
func WalkExpr(x Expr, f func(Expr)) {
	if x == nil {
		return
	}
	f(x)
	switch x := x.(type) {
	case *ParenExpr:
		WalkExpr(x.X, f)
	case *UnaryExpr:
		WalkExpr(x.X, f)
	case *BinaryExpr:
		WalkExpr(x.X, f)
		WalkExpr(x.Y, f)
	case *CallExpr:
		for _, a := range x.Args {
			WalkExpr(a.Value, f)
		}
	case *FieldExpr:
		WalkExpr(x.X, f)
	case *IndexExpr:
		WalkExpr(x.X, f)
		WalkExpr(x.Lo, f)
		WalkExpr(x.Hi, f)
	case *IfExpr:
		WalkExpr(x.Cond, f)
		WalkExpr(x.Then, f)
		WalkExpr(x.Else, f)
	case *ListExpr:
		for _, e := range x.Elems {
			WalkExpr(e, f)
		}
	}
}

// checkRecursion reports call cycles among user functions (they are
// inlined, so recursion could never terminate), at the call closing a cycle.
func (c *checker) checkRecursion(order []string) {
	const (
		unseen = iota
		active
		done
	)
	state := map[string]int{}
	var visit func(name string)
	visit = func(name string) {
		state[name] = active
		WalkExpr(c.prog.Funcs[name].Body, func(x Expr) {
			call, ok := x.(*CallExpr)
			if !ok || c.prog.Funcs[call.Fun.Name] == nil {
				return
			}
			switch state[call.Fun.Name] {
			case active:
				c.errorf(call, "recursive call of %s: functions cannot call themselves", call.Fun.Name)
			case unseen:
				visit(call.Fun.Name)
			}
		})
		state[name] = done
	}
	for _, n := range order {
		if c.prog.Funcs[n] != nil && state[n] == unseen {
			visit(n)
		}
	}
}
