package quantize

import (
	"errors"
	"fmt"
	"math"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/ir/iir"
	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/lang/units"
)

// The general lowering (q16 and other Q-format profiles).
//
// Every variable is a signed Q-format integer: x = X·2^-frac in SI units,
// frac chosen per variable so that its design magnitude (Headroom × the
// largest constant it meets, or WeightHeadroom × the largest weight added
// to it) fills StateBits bits; the Frac map of the profile overrides it.
//
// An exact propagator row x_i ← Σ_j P_ij x_j + Σ_k Q_ik u_k + r_i becomes
// one multiply-accumulate: each coefficient (in LSB of x_i per LSB of x_j)
// is a ConstBits mantissa with its own power-of-two exponent, a diagonal
// coefficient near 1 is split into 1 + (P_ii − 1) so that slow decays keep
// their precision, the products are aligned to one accumulator exponent E
// (the largest that keeps the sum within AccumBits), the bias is added at
// that exponent, and the sum is rounded once (profile rounding) by E bits.
// Refractory neurons use the clamped propagator: a held variable's store is
// skipped, another row that differs selects between the two sums.
//
// RK4 and Euler systems (profile Nonlinear) lower their right-hand sides
// as fixed-point expressions: every intermediate gets the format its
// interval needs within AccumBits (computed from the full ranges of the
// variables it reads, so no intermediate can overflow), stage values are
// rounded to the variables' formats, the final x + (k1+2k2+2k3+k4)/6 is
// rounded once.

type gen struct {
	l     *lowerer
	out   *iir.Model
	src   *ir.Model
	b     *kb
	loads map[*iir.Var]*iir.Op
	env   map[*ir.Var]val // RK4 stage values, statement-local values
	ref   *iir.Op         // the refractory flag in this kernel
	wt    *val            // the event weight (port kernels)
	frac  map[*iir.Var]int
}

// val is a fixed-point value during lowering: X·2^-f in SI units, within
// [lo, hi] (SI); a constant is not materialized until its format is known.
type val struct {
	op     *iir.Op
	konst  bool
	c      float64
	f      int
	lo, hi float64
	isBool bool
}

func (l *lowerer) general(out *iir.Model, pop *ir.Population, m *ir.Model) bool {
	g := &gen{l: l, out: out, src: m, frac: map[*iir.Var]int{}}
	ins := l.inputs(pop)
	if pop == nil {
		ins = &popInputs{ports: map[string][]*ir.Projection{}, currents: map[string][]*ir.Input{}}
	}
	if !l.refractory(out, m) {
		return false
	}
	// variables
	for _, v := range m.Vars {
		switch v.Kind {
		case ir.State:
			x := out.AddVar(newVar(v.Name, iir.StateVar, l.prof.StateBits, true, false))
			x.Src, x.Dim, x.Unit, x.Init = v, v.Dim, v.Unit, v.Init
		case ir.ContinuousPort:
			x := out.AddVar(newVar(v.Name, iir.InputVar, l.prof.StateBits, true, false))
			x.Src, x.Dim, x.Unit, x.Cleared = v, v.Dim, v.Unit, true
			x.Driven = len(ins.currents[v.Name]) > 0
		case ir.DendriteOut:
			l.errorf(v.Pos, "dendrite output %s cannot be expressed on %s", v.Name, l.prof.Name)
			return false
		}
	}
	for _, x := range out.Vars {
		if x.Kind != iir.StateVar && x.Kind != iir.InputVar {
			continue
		}
		f, ok := g.chooseFrac(x, ins)
		if !ok {
			return false
		}
		x.Frac, x.Pow2, x.Scale = f, true, math.Ldexp(1, -f)
		if x.Kind == iir.InputVar && x.Driven {
			for _, in := range ins.currents[x.Name] {
				a := iir.RoundHalfAway(math.Ldexp(in.Num["amplitude"], f))
				x.Drive = addI(x.Drive, iir.Interval{Lo: min(a, 0), Hi: max(a, 0)})
			}
		}
	}
	ok := g.update() && g.threshold() && g.reset() && g.ports(ins) && g.dendrites()
	if ok && out.LFSR == nil && l.usesStochastic(out) {
		out.LFSR = out.AddVar(newVar("lfsr", iir.LFSRVar, l.prof.LFSR.Bits, false, false))
	}
	return ok
}

func (l *lowerer) usesStochastic(m *iir.Model) bool {
	for _, k := range m.Kernels() {
		for _, o := range k.Ops {
			if o.Code == iir.OpShr && o.Round == iir.Stochastic {
				return true
			}
		}
	}
	return false
}

// chooseFrac picks the fractional bits of a variable from its design
// magnitude (or the profile's Frac map).
func (g *gen) chooseFrac(x *iir.Var, ins *popInputs) (int, bool) {
	pf := g.l.prof
	for _, key := range []string{g.out.Name + "." + x.Name, g.src.Type + "." + x.Name, x.Name} {
		if f, ok := pf.Frac[key]; ok {
			return f, true
		}
	}
	mag, why := g.design(x, ins)
	if !(mag > 0) || math.IsInf(mag, 0) {
		mag, why = 1, "no constant or input"
		if u, err := units.ParseExpr(x.Unit); err == nil && u.Dim == x.Dim {
			mag = u.Scale
		}
	}
	lim := float64(iir.MaxOf(x.Width, true))
	f := int(math.Floor(math.Log2(lim / mag)))
	for mag*math.Ldexp(1, f) > lim {
		f--
	}
	if fc, ok := g.counterFrac(x, f); ok {
		f, why = fc, "a counter: the coarsest LSB that holds the steps its `on dendrite` handlers add"
		g.out.Notes = append(g.out.Notes, fmt.Sprintf("%s: LSB 2^%d (%s): %s", x.Name, -f, iir.SIString(math.Ldexp(1, -f), x.Dim), why))
		return f, true
	}
	g.out.Notes = append(g.out.Notes, fmt.Sprintf("%s: LSB 2^%d (%s) from the design magnitude %s (%s)", x.Name, -f,
		iir.SIString(math.Ldexp(1, -f), x.Dim), iir.SIString(mag, x.Dim), why))
	return f, true
}

// design is the magnitude a variable's format must hold: Headroom × the
// largest constant it meets, or WeightHeadroom × the largest weight a port
// adds to it.
func (g *gen) design(x *iir.Var, ins *popInputs) (float64, string) {
	pf := g.l.prof
	best, why := 0.0, ""
	consider := func(v float64, w string) {
		if v = math.Abs(v); v > best && !math.IsInf(v, 0) {
			best, why = v, w
		}
	}
	m := g.src
	if x.Kind == iir.InputVar {
		sum := 0.0
		for _, in := range ins.currents[x.Name] {
			sum += math.Abs(in.Num["amplitude"])
		}
		return pf.Headroom * sum, fmt.Sprintf("%g × the current inputs", pf.Headroom)
	}
	if x.Init != nil {
		lo, hi, _ := siInterval(x.Init)
		consider(lo, "initial value")
		consider(hi, "initial value")
	}
	ir.WalkStmts(m.Reset, func(s ir.Stmt) {
		if a, ok := s.(*ir.Assign); ok && a.Var == x.Src {
			if c, ok := ir.ConstValue(a.Value); ok {
				if a.Op == "=" {
					consider(c, "reset value")
				} else if a.Op == "+=" || a.Op == "-=" {
					consider(2*c, "2 × the reset's step")
				}
			}
		}
	})
	if m.Threshold != nil && refers(m.Threshold, x.Src) {
		ir.Walk(m.Threshold, func(e ir.Expr) bool {
			if c, ok := e.(*ir.Const); ok {
				consider(c.V, "threshold")
			}
			return true
		})
	}
	for _, s := range m.Update {
		if s.Method != ir.Exact {
			continue
		}
		if fp, ok := fixedPoint(s); ok {
			for i, v := range s.Vars {
				if v == x.Src {
					consider(fp[i], "fixed point of its equation")
				}
			}
		}
	}
	best *= pf.Headroom
	if best > 0 {
		why = fmt.Sprintf("%g × %s", pf.Headroom, why)
	}
	for _, port := range m.Ports {
		if port.Kind != ir.EventPort || !writes(port.Body, x.Src) {
			continue
		}
		if w := maxWeight(ins.ports[port.Name]) * pf.WeightHeadroom; w > best {
			best, why = w, fmt.Sprintf("%g × the largest weight on port %s", pf.WeightHeadroom, port.Name)
		}
		if load := poissonLoad(m, x.Src, ins.ports[port.Name]) * pf.Headroom; load > best {
			best, why = load, fmt.Sprintf("%g × the mean its Poisson inputs drive on port %s", pf.Headroom, port.Name)
		}
	}
	return best, why
}

// poissonLoad is the stationary mean of a variable that decays with time
// constant τ (x' = −x/τ + ...) under events from Poisson inputs (Campbell's
// theorem): Σ over its projections of mean fan-in · rate · |weight| · τ.
// Many sources at a modest rate add up to far more than a few weights.
func poissonLoad(m *ir.Model, x *ir.Var, prjs []*ir.Projection) float64 {
	tau := 0.0
	for _, o := range m.ODEs {
		if o.Var != x {
			continue
		}
		if lin, _, ok := ir.Linearize([]*ir.Var{x}, []ir.Expr{o.Rhs}); ok && lin.A[0][0] < 0 {
			tau = -1 / lin.A[0][0]
		}
	}
	load := 0.0
	for _, prj := range prjs {
		in := prj.Pre.Input
		if tau == 0 || in == nil || in.Kind != "poisson" && in.Kind != "poisson_group" {
			continue
		}
		w, _ := weightBound(weightOf(prj))
		load += meanFanIn(prj) * in.Num["rate"] * w * tau
	}
	return load
}

// meanFanIn is the expected number of synapses onto one neuron.
func meanFanIn(prj *ir.Projection) float64 {
	n := float64(prj.Pre.Size())
	c := prj.Connector
	switch c.Kind {
	case "one_to_one":
		return 1
	case "fan_in":
		return c.Num["k"]
	case "bernoulli":
		return c.Num["p"] * n
	case "fan_out", "fixed_total_number":
		if post := float64(prj.Post.Size); post > 0 {
			k := c.Num["k"] // fixed_total_number: k synapses in all
			if c.Kind == "fan_out" {
				k *= n
			}
			return k / post
		}
	}
	return n
}

func refers(e ir.Expr, v *ir.Var) bool {
	found := false
	ir.Walk(e, func(x ir.Expr) bool {
		if r, ok := x.(*ir.Ref); ok && r.Var == v {
			found = true
		}
		return !found
	})
	return found
}

func writes(ss []ir.Stmt, v *ir.Var) bool {
	found := false
	ir.WalkStmts(ss, func(s ir.Stmt) {
		if a, ok := s.(*ir.Assign); ok && a.Var == v {
			found = true
		}
	})
	return found
}

// fixedPoint solves x = P·x + r (inputs at 0) by Gaussian elimination.
func fixedPoint(s *ir.System) ([]float64, bool) {
	n := len(s.Vars)
	a := make([][]float64, n)
	for i := range a {
		a[i] = make([]float64, n+1)
		for j := 0; j < n; j++ {
			a[i][j] = -s.P[i][j]
		}
		a[i][i]++
		a[i][n] = s.R[i]
	}
	for c := 0; c < n; c++ {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		if math.Abs(a[p][c]) < 1e-12 {
			return nil, false
		}
		a[c], a[p] = a[p], a[c]
		for r := 0; r < n; r++ {
			if r != c {
				k := a[r][c] / a[c][c]
				for j := c; j <= n; j++ {
					a[r][j] -= k * a[c][j]
				}
			}
		}
	}
	x := make([]float64, n)
	for i := range x {
		x[i] = a[i][n] / a[i][i]
	}
	return x, true
}

// ---- kernels ----

func (g *gen) begin(name string) {
	g.b = newKernel(g.out, name)
	g.loads = map[*iir.Var]*iir.Op{}
	g.env = map[*ir.Var]val{}
	g.ref = nil
	g.wt = nil
}

func (g *gen) refFlag() *iir.Op {
	if g.ref == nil {
		g.ref = g.b.add(&iir.Op{Code: iir.OpRefractory})
	}
	return g.ref
}

func (g *gen) load(x *iir.Var) *iir.Op {
	if o, ok := g.loads[x]; ok {
		return o
	}
	o := g.b.load(x)
	g.loads[x] = o
	return o
}

func (g *gen) update() bool {
	g.begin("update")
	type pending struct {
		x    *iir.Var
		v    *iir.Op
		hold bool
	}
	var stores []pending
	ok := true
	for _, s := range g.src.Update {
		switch s.Method {
		case ir.Exact:
			for i, v := range s.Vars {
				x := g.out.VarOf(v)
				o, hold, err := g.exactRow(s, i, x)
				if err != nil {
					g.l.errorf(s.ODEs[i].Pos, "%v", err)
					ok = false
					continue
				}
				stores = append(stores, pending{x, o, hold})
			}
		default:
			st, err := g.nonlinear(s)
			if err != nil {
				sp := s.ODEs[0].Pos
				var u *unsupportedAt
				if errors.As(err, &u) {
					sp = u.at
				}
				g.l.errorf(sp, "%v", err).Hint = hintFor(g.l.prof)
				ok = false
				continue
			}
			for i, v := range s.Vars {
				stores = append(stores, pending{g.out.VarOf(v), st[i], s.Clamped[i]})
			}
		}
	}
	for _, st := range stores {
		g.b.store(st.x, st.v, st.hold)
	}
	g.out.Update = g.b.k
	return ok
}

func hintFor(p *iir.Profile) string {
	if p.Structure == "compartment" {
		return "this target's neurons only decay linearly and add their synaptic currents; the q16 profile lowers general models"
	}
	return "the integer IR computes +, −, ×, ÷ by a value bounded away from 0 (max(x, c)), √ of a value bounded below by 0 (max(x, 0)), comparisons, min/max/abs and integer powers; rewrite the equation with those, or run it in floating point"
}

// exactRow lowers row i of an exact system. hold: the store is skipped
// while refractory.
func (g *gen) exactRow(s *ir.System, i int, x *iir.Var) (*iir.Op, bool, error) {
	terms := func(P, Q [][]float64, R []float64) ([]float64, []*iir.Var, float64, error) {
		var cs []float64
		var xs []*iir.Var
		for j, c := range P[i] {
			if c != 0 {
				cs, xs = append(cs, c), append(xs, g.out.VarOf(s.Vars[j]))
			}
		}
		for k, c := range Q[i] {
			if c == 0 {
				continue
			}
			if s.InputSides != nil && s.InputSides[k] != ir.Own {
				return nil, nil, 0, fmt.Errorf("%s reads a pre./post. variable: not in a neuron", x.Name)
			}
			u := g.out.VarOf(s.Inputs[k])
			if u == nil {
				return nil, nil, 0, fmt.Errorf("input %s of %s' has no storage on %s", s.Inputs[k].Name, x.Name, g.l.prof.Name)
			}
			if u.Kind == iir.InputVar && !u.Driven {
				continue // a continuous port nothing drives is 0
			}
			cs, xs = append(cs, c), append(xs, u)
		}
		return cs, xs, R[i], nil
	}
	cs, xs, r, err := terms(s.P, s.Q, s.R)
	if err != nil {
		return nil, false, err
	}
	norm, err := g.mac(x, cs, xs, r)
	if err != nil {
		return nil, false, err
	}
	if s.PRef == nil {
		return norm, false, nil
	}
	if s.Clamped[i] {
		return norm, true, nil // held: the clamped propagator's row is the identity
	}
	cr, xr, rr, err := terms(s.PRef, s.QRef, s.RRef)
	if err != nil {
		return nil, false, err
	}
	if sameTerms(cs, xs, r, cr, xr, rr) {
		return norm, false, nil
	}
	ref, err := g.mac(x, cr, xr, rr)
	if err != nil {
		return nil, false, err
	}
	return g.b.sel(g.refFlag(), ref, norm), false, nil
}

func sameTerms(a []float64, ax []*iir.Var, ar float64, b []float64, bx []*iir.Var, br float64) bool {
	if len(a) != len(b) || ar != br {
		return false
	}
	for i := range a {
		if a[i] != b[i] || ax[i] != bx[i] {
			return false
		}
	}
	return true
}

// splitConst writes x ≈ m·2^-e with |m| ≤ 2^(bits−1)−1.
func splitConst(x float64, bits int) (int64, int) {
	if x == 0 {
		return 0, 0
	}
	lim := float64(iir.MaxOf(bits, true))
	e := int(math.Floor(math.Log2(lim / math.Abs(x))))
	m := math.Round(math.Ldexp(x, e))
	for math.Abs(m) > lim {
		e--
		m = math.Round(math.Ldexp(x, e))
	}
	return int64(m), e
}

// mac lowers Σ c_j·x_j + r into the format of x (see the file comment).
func (g *gen) mac(x *iir.Var, cs []float64, xs []*iir.Var, r float64) (*iir.Op, error) {
	pf := g.l.prof
	type term struct {
		m    int64
		e    int
		src  *iir.Var
		kap  float64
		diag bool
	}
	var ts []term
	inc := false
	for j, c := range cs {
		kap := c * xs[j].Scale / x.Scale
		t := term{kap: kap, src: xs[j]}
		if xs[j] == x && math.Abs(kap-1) <= 0.5 {
			inc, t.diag = true, true
			kap -= 1
		}
		if kap == 0 {
			continue
		}
		t.m, t.e = splitConst(kap, pf.ConstBits)
		if t.m == 0 {
			continue
		}
		if t.diag && kap < 0 && kap > -1 && pf.Rounding != iir.Stochastic {
			// x + round((P−1)·x) stops changing once |(P−1)·x| < ½ LSB
			dead := 0.5 / -kap
			if pf.Rounding != iir.Nearest {
				dead = 1 / -kap
			}
			g.out.Notes = append(g.out.Notes, fmt.Sprintf("%s: with %s rounding its decay stops within ±%.0f LSB (%s) of its fixed point",
				x.Name, pf.Rounding, dead, iir.SIString(dead*x.Scale, x.Dim)))
		}
		ts = append(ts, t)
	}
	beta := r / x.Scale
	// the accumulator exponent: as fine as the finest term, as long as
	// the sum of the terms' magnitudes stays within AccumBits
	E := math.MinInt32
	for _, t := range ts {
		E = max(E, t.e)
	}
	if len(ts) == 0 {
		E = 0
	}
	if beta != 0 {
		_, eb := splitConst(beta, pf.ConstBits)
		E = max(E, min(eb, 62))
	}
	limit := math.Ldexp(1, pf.AccumBits-1)
	mag := func(E int) float64 {
		s := math.Abs(beta) * math.Ldexp(1, E)
		for _, t := range ts {
			s += math.Abs(float64(t.m)) * float64(iir.MaxOf(t.src.Width, true)+1) * math.Ldexp(1, E-t.e)
		}
		if inc {
			s += float64(iir.MaxOf(x.Width, true)+1) * math.Ldexp(1, E)
		}
		return s
	}
	for E > -64 && mag(E) >= limit {
		E--
	}
	var acc *iir.Op
	for _, t := range ts {
		ld := g.load(t.src)
		k := g.b.konst(t.m, 0, fmt.Sprintf("%s·2^-%d ≈ %.10g (coefficient of %s%s)", fmt.Sprint(t.m), t.e, math.Ldexp(float64(t.m), -t.e), t.src.Name, map[bool]string{true: " − 1", false: ""}[t.diag]))
		p := g.b.bin(iir.OpMul, ld, k)
		p.Scale = x.Scale * math.Ldexp(1, -t.e)
		if t.e > E {
			p = g.b.shr(p, t.e-E, pf.Rounding)
		} else {
			p = g.b.shl(p, E-t.e)
		}
		if acc == nil {
			acc = p
		} else {
			acc = g.b.bin(iir.OpAdd, acc, p)
		}
	}
	if b := iir.RoundHalfAway(math.Ldexp(beta, E)); b != 0 {
		k := g.b.konst(b, x.Scale*math.Ldexp(1, -E), fmt.Sprintf("bias %s", iir.SIString(r, x.Dim)))
		if acc == nil {
			acc = k
		} else {
			acc = g.b.bin(iir.OpAdd, acc, k)
		}
	}
	if acc == nil {
		acc = g.b.konst(0, x.Scale, "")
	}
	out := acc
	if E != 0 {
		out = g.b.shr(acc, E, pf.Rounding)
	}
	out.Scale = x.Scale
	if inc {
		out = g.b.bin(iir.OpAdd, g.load(x), out)
	}
	return g.b.resize(out, x, pf.Overflow), nil
}

// ---- nonlinear systems ----

type unsupportedAt struct {
	at  lang.Span
	msg string
}

func (u *unsupportedAt) Error() string { return u.msg }

func (g *gen) nonlinear(s *ir.System) ([]*iir.Op, error) {
	pf := g.l.prof
	if !pf.Nonlinear {
		o := s.ODEs[0]
		what := s.Why
		for _, od := range s.ODEs {
			if w := firstNonlinear(od.Rhs, s); w != nil {
				o, what = od, w.what
				break
			}
		}
		return nil, &unsupportedAt{o.Pos, fmt.Sprintf("%s (%s system [%s]) cannot be computed on %s: its neurons integrate linear decays only",
			what, s.Method, varNames(s.Vars), pf.Name)}
	}
	dt := g.l.out.Dt
	xs := make([]*iir.Var, len(s.Vars))
	for i, v := range s.Vars {
		xs[i] = g.out.VarOf(v)
		if xs[i] == nil {
			return nil, fmt.Errorf("%s has no storage", v.Name)
		}
	}
	state := func(i int) val { return g.varVal(xs[i], g.load(xs[i])) }
	// k_i = dt·f_i at the stage point held in g.env
	stage := func() ([]val, error) {
		ks := make([]val, len(s.ODEs))
		for i, o := range s.ODEs {
			k, err := g.expr(ir.NewBinary("*", &ir.Const{V: dt, D: ir.TimeDim}, o.Rhs))
			if err != nil {
				var u *unsupported
				if errors.As(err, &u) {
					return nil, &unsupportedAt{o.Pos, fmt.Sprintf("%s cannot be computed on %s", u.what, pf.Name)}
				}
				return nil, err
			}
			if s.Clamped[i] && g.out.Ref != nil {
				zero := val{konst: true, f: k.f}
				k = g.choose(val{op: g.refFlag(), isBool: true, lo: 0, hi: 1}, zero, k)
			}
			ks[i] = k
		}
		return ks, nil
	}
	for i, v := range s.Vars {
		g.env[v] = state(i)
	}
	k1, err := stage()
	if err != nil {
		return nil, err
	}
	out := make([]*iir.Op, len(xs))
	if s.Method == ir.Euler {
		for i := range xs {
			out[i] = g.toVar(g.add(state(i), k1[i], false), xs[i])
		}
		g.env = map[*ir.Var]val{}
		return out, nil
	}
	at := func(ks []val, a float64) {
		for i, v := range s.Vars {
			g.env[v] = g.varVal(xs[i], g.toVar(g.add(state(i), g.scale(ks[i], a), false), xs[i]))
		}
	}
	at(k1, 0.5)
	k2, err := stage()
	if err != nil {
		return nil, err
	}
	at(k2, 0.5)
	k3, err := stage()
	if err != nil {
		return nil, err
	}
	at(k3, 1)
	k4, err := stage()
	if err != nil {
		return nil, err
	}
	for i := range xs {
		sum := g.add(g.add(k1[i], g.scale(k2[i], 2), false), g.add(g.scale(k3[i], 2), k4[i], false), false)
		out[i] = g.toVar(g.add(state(i), g.mulConst(sum, 1.0/6), false), xs[i])
	}
	g.env = map[*ir.Var]val{}
	return out, nil
}

func varNames(vs []*ir.Var) string {
	s := ""
	for i, v := range vs {
		if i > 0 {
			s += ", "
		}
		s += v.Name
	}
	return s
}

// firstNonlinear names the first operation of e that is not linear in the
// system's variables: a product of two of them, a function of one.
func firstNonlinear(e ir.Expr, s *ir.System) *unsupported {
	set := map[*ir.Var]bool{}
	for _, v := range s.Vars {
		set[v] = true
	}
	reads := func(x ir.Expr) bool {
		found := false
		ir.Walk(x, func(y ir.Expr) bool {
			if r, ok := y.(*ir.Ref); ok && (set[r.Var] || (r.Var.Kind == ir.Alias && readsAny(r.Var.Value, set))) {
				found = true
			}
			return !found
		})
		return found
	}
	var bad *unsupported
	ir.Walk(e, func(x ir.Expr) bool {
		if bad != nil {
			return false
		}
		switch x := x.(type) {
		case *ir.Binary:
			if (x.Op == "*" && reads(x.X) && reads(x.Y)) || (x.Op == "/" && reads(x.Y)) || (x.Op == "^" && reads(x.X)) {
				bad = &unsupported{fmt.Sprintf("the product %s of state variables", describe(x))}
				if x.Op != "*" {
					bad.what = fmt.Sprintf("%s of a state variable (%s)", map[string]string{"/": "division", "^": "a power"}[x.Op], describe(x))
				}
			}
		case *ir.Call:
			if !ir.IsRandom(x.Fn) && reads(x) {
				bad = &unsupported{fmt.Sprintf("%s of a state variable (%s)", x.Fn, describe(x))}
			}
		case *ir.Ref:
			if x.Var.Kind == ir.Alias {
				if b := firstNonlinear(x.Var.Value, s); b != nil {
					bad = b
				}
			}
		}
		return true
	})
	return bad
}

func readsAny(e ir.Expr, set map[*ir.Var]bool) bool {
	found := false
	ir.Walk(e, func(y ir.Expr) bool {
		if r, ok := y.(*ir.Ref); ok && (set[r.Var] || (r.Var.Kind == ir.Alias && readsAny(r.Var.Value, set))) {
			found = true
		}
		return !found
	})
	return found
}

// ---- threshold, reset, ports ----

func (g *gen) threshold() bool {
	m := g.src
	if m.Threshold == nil {
		return true
	}
	g.begin("threshold")
	c, err := g.expr(m.Threshold)
	if err != nil {
		g.l.errorf(m.ThreshPos, "the threshold's %v cannot be computed on %s", err, g.l.prof.Name).Hint = hintFor(g.l.prof)
		return false
	}
	c = g.materialize(c, 0)
	out := c.op
	if g.out.Ref != nil {
		out = g.b.and(g.b.not(g.refFlag()), out)
	}
	g.b.k.Out = out
	g.out.Threshold = g.b.k
	return true
}

func (g *gen) reset() bool {
	if len(g.src.Reset) == 0 {
		return true
	}
	g.begin("reset")
	if err := g.block(g.src.Reset); err != nil {
		return false
	}
	g.out.Reset = g.b.k
	return true
}

func (g *gen) ports(ins *popInputs) bool {
	ok := true
	for _, p := range g.src.Ports {
		if p.Kind != ir.EventPort {
			continue
		}
		port := &iir.Port{Name: p.Name, WeightDim: p.Weight}
		// the weight integer is in the LSB of the variable the port adds
		// it to; otherwise a format of WeightBits for the largest weight
		f := math.MinInt32
		ir.WalkStmts(p.Body, func(s ir.Stmt) {
			if a, ok := s.(*ir.Assign); ok && (a.Op == "+=" || a.Op == "-=") && f == math.MinInt32 {
				if _, isW := a.Value.(*ir.WeightRef); isW {
					f = g.out.VarOf(a.Var).Frac
				}
			}
		})
		if f == math.MinInt32 {
			w := maxWeight(ins.ports[p.Name])
			if w == 0 {
				w = 1
			}
			f = int(math.Floor(math.Log2(float64(iir.MaxOf(g.l.prof.WeightBits, true)) / w)))
		}
		port.WeightScale = math.Ldexp(1, -f)
		g.begin("port " + p.Name)
		wlim := float64(iir.MaxOf(g.l.prof.WeightBits, true)) * math.Ldexp(1, g.l.prof.WeightShiftMax)
		wop := g.b.add(&iir.Op{Code: iir.OpWeight, Scale: port.WeightScale})
		g.wt = &val{op: wop, f: f, lo: -wlim * port.WeightScale, hi: wlim * port.WeightScale}
		if err := g.block(p.Body); err != nil {
			ok = false
			continue
		}
		port.Kernel = g.b.k
		g.out.Ports = append(g.out.Ports, port)
	}
	return ok
}

// block lowers a statement list (reset, port) with sequential semantics:
// assignments update an environment, branches merge by selection, and
// the changed variables are stored at the end.
func (g *gen) block(ss []ir.Stmt) error {
	changed := map[*iir.Var]bool{}
	var order []*iir.Var
	if err := g.stmts(ss, nil, changed, &order); err != nil {
		return err
	}
	for _, x := range order {
		g.b.store(x, g.env[x.Src].op, false)
	}
	return nil
}

func (g *gen) current(x *iir.Var) val {
	if v, ok := g.env[x.Src]; ok {
		return v
	}
	return g.varVal(x, g.load(x))
}

func (g *gen) varVal(x *iir.Var, o *iir.Op) val {
	return val{op: o, f: x.Frac, lo: x.SI(x.Lo), hi: x.SI(x.Hi)}
}

func (g *gen) stmts(ss []ir.Stmt, cond *iir.Op, changed map[*iir.Var]bool, order *[]*iir.Var) error {
	for _, s := range ss {
		if err := g.stmt(s, cond, changed, order); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) stmt(s ir.Stmt, cond *iir.Op, changed map[*iir.Var]bool, order *[]*iir.Var) error {
	report := func(sp lang.Span, err error) error {
		g.l.errorf(sp, "%v", err).Hint = hintFor(g.l.prof)
		return err
	}
	switch s := s.(type) {
	case *ir.Assign:
		x := g.out.VarOf(s.Var)
		if x == nil || x.Kind != iir.StateVar {
			return report(s.Pos, fmt.Errorf("%s is not state of %s", s.Var.Name, g.out.Name))
		}
		rhs, err := g.expr(s.Value)
		if err != nil {
			return report(s.Pos, fmt.Errorf("%s cannot be computed on %s", err, g.l.prof.Name))
		}
		var cur val
		if s.Op != "=" || cond != nil || s.Held {
			cur = g.current(x)
		}
		var nv val
		switch s.Op {
		case "=":
			nv = rhs
		case "+=":
			nv = g.add(cur, rhs, false)
		case "-=":
			nv = g.add(cur, rhs, true)
		case "*=":
			nv = g.mul(cur, rhs)
		case "/=":
			if !rhs.konst {
				return report(s.Pos, unsup("division by %s cannot be computed on %s", describe(s.Value), g.l.prof.Name))
			}
			nv = g.mul(cur, val{konst: true, c: 1 / rhs.c, lo: 1 / rhs.c, hi: 1 / rhs.c})
		}
		if nv.konst {
			if err := g.checkConst(x, nv.c, fmt.Sprintf("%s %s %s", s.Var.Name, s.Op, describe(s.Value))); err != nil {
				g.l.errorf(s.Pos, "%v", err).Hint = "the value is outside the variable's format; widen it with the profile's frac setting"
				return err
			}
		}
		o := g.toVar(nv, x)
		if cond != nil {
			o = g.b.sel(cond, o, cur.opOr(g, x))
		}
		if s.Held { // an input dropped while the neuron is refractory
			o = g.b.sel(g.b.add(&iir.Op{Code: iir.OpRefractory}), cur.opOr(g, x), o)
		}
		g.env[s.Var] = g.varVal(x, o)
		if !changed[x] {
			changed[x] = true
			*order = append(*order, x)
		}
	case *ir.Refractory:
		if g.out.Ref == nil {
			return report(s.Pos, fmt.Errorf("refractory periods cannot be expressed on %s", g.l.prof.Name))
		}
		o := &iir.Op{Code: iir.OpRefract, Imm: g.l.steps(s.Duration), Note: "refractory " + ir.ExprString(s.Duration)}
		if cond != nil {
			o.Args = []*iir.Op{cond}
		}
		g.b.add(o)
	case *ir.If:
		c, err := g.expr(s.Cond)
		if err != nil {
			return report(s.Pos, fmt.Errorf("%s cannot be computed on %s", err, g.l.prof.Name))
		}
		c = g.materialize(c, 0)
		then, els := c.op, g.b.not(c.op)
		if cond != nil {
			then, els = g.b.and(cond, then), g.b.and(cond, els)
		}
		if err := g.stmts(s.Then, then, changed, order); err != nil {
			return err
		}
		if err := g.stmts(s.Else, els, changed, order); err != nil {
			return err
		}
	case *ir.Deliver:
		return report(s.Pos, fmt.Errorf("deliver outside a synapse"))
	}
	return nil
}

// opOr materializes a value already in x's format.
func (v val) opOr(g *gen, x *iir.Var) *iir.Op {
	if v.op != nil {
		return v.op
	}
	return g.materialize(v, x.Frac).op
}

// checkConst reports a constant that x's format cannot hold.
func (g *gen) checkConst(x *iir.Var, c float64, what string) error {
	n := math.Ldexp(c, x.Frac)
	if n <= float64(x.Hi)+0.5 && n >= float64(x.Lo)-0.5 {
		i := iir.RoundHalfAway(n)
		g.out.Consts = append(g.out.Consts, iir.Quantized{What: what, Value: c, Int: i, Got: x.SI(i), Dim: x.Dim})
		return nil
	}
	best := x.Hi
	if n < 0 {
		best = x.Lo
	}
	return fmt.Errorf("%s: the constant %s cannot be held by %s (%s, range %s .. %s): the closest representable value is %s",
		what, iir.SIString(c, x.Dim), x.Name, x.FormatString(), iir.SIString(x.SI(x.Lo), x.Dim), iir.SIString(x.SI(x.Hi), x.Dim), iir.SIString(x.SI(best), x.Dim))
}

// ---- expressions ----

func (g *gen) konst(c float64) val { return val{konst: true, c: c, lo: c, hi: c} }

// intMag is the largest |integer| of v in its format.
func intMag(v val) float64 {
	return math.Max(math.Abs(v.lo), math.Abs(v.hi)) * math.Ldexp(1, v.f)
}

// capFrac lowers f until a value of magnitude mag fits AccumBits.
func (g *gen) capFrac(f int, mag float64) int {
	lim := math.Ldexp(1, g.l.prof.AccumBits-2)
	for f > -1000 && mag*math.Ldexp(1, f) >= lim {
		f--
	}
	return f
}

// materialize turns a constant into an op at frac f (or, f < -999, at its
// own ConstBits precision); an op is returned unchanged.
func (g *gen) materialize(v val, f int) val {
	if !v.konst {
		return v
	}
	if v.isBool {
		o := g.b.konst(map[bool]int64{true: 1, false: 0}[v.c != 0], 0, "")
		return val{op: o, isBool: true, lo: v.c, hi: v.c}
	}
	if f < -999 {
		_, f = splitConst(v.c, g.l.prof.ConstBits)
	}
	f = g.capFrac(f, math.Abs(v.c))
	i := iir.RoundHalfAway(math.Ldexp(v.c, f))
	o := g.b.konst(i, math.Ldexp(1, -f), fmt.Sprintf("%.10g", v.c))
	return val{op: o, f: f, lo: v.c, hi: v.c}
}

// align brings v to frac f (exact left shift, or a rounded right shift).
func (g *gen) align(v val, f int) val {
	if v.konst {
		return g.materialize(v, f)
	}
	if f == v.f {
		return v
	}
	o := v.op
	if f > v.f {
		o = g.b.shl(o, f-v.f)
	} else {
		o = g.b.shr(o, v.f-f, g.l.prof.Rounding)
	}
	return val{op: o, f: f, lo: v.lo, hi: v.hi, isBool: v.isBool}
}

// fit rounds v to stay within AccumBits.
func (g *gen) fit(v val) val {
	if v.konst {
		return v
	}
	f := g.capFrac(v.f, math.Max(math.Abs(v.lo), math.Abs(v.hi)))
	if f < v.f {
		return g.align(v, f)
	}
	return v
}

func (g *gen) commonFrac(a, b val, lo, hi float64) int {
	fa, fb := a.f, b.f
	if a.konst {
		_, fa = splitConst(a.c, g.l.prof.ConstBits)
		if !b.konst {
			fa = min(fa, b.f)
		}
	}
	if b.konst {
		_, fb = splitConst(b.c, g.l.prof.ConstBits)
		if !a.konst {
			fb = min(fb, a.f)
		}
	}
	m := max(math.Abs(lo), math.Abs(hi), math.Abs(a.lo), math.Abs(a.hi), math.Abs(b.lo), math.Abs(b.hi))
	return g.capFrac(max(fa, fb), m)
}

func (g *gen) add(a, b val, sub bool) val {
	if b.konst && b.c == 0 {
		return a
	}
	if a.konst && a.c == 0 && !sub {
		return b
	}
	if a.konst && b.konst {
		if sub {
			return g.konst(a.c - b.c)
		}
		return g.konst(a.c + b.c)
	}
	lo, hi := a.lo+b.lo, a.hi+b.hi
	if sub {
		lo, hi = a.lo-b.hi, a.hi-b.lo
	}
	f := g.commonFrac(a, b, lo, hi)
	x, y := g.align(a, f), g.align(b, f)
	code := iir.OpAdd
	if sub {
		code = iir.OpSub
	}
	o := g.b.bin(code, x.op, y.op)
	o.Scale = math.Ldexp(1, -f)
	return val{op: o, f: f, lo: lo, hi: hi}
}

// safeOperand rounds v so that a product with a factor of bits bits stays
// within AccumBits.
func (g *gen) safeOperand(v val, bits int) val {
	lim := g.l.prof.AccumBits - 1 - bits
	for intMag(v) >= math.Ldexp(1, lim) {
		v = g.align(v, v.f-(int(math.Ceil(math.Log2(intMag(v))))-lim)-1)
	}
	return v
}

func (g *gen) mulConst(a val, c float64) val {
	if a.konst {
		return g.konst(a.c * c)
	}
	if c == 0 {
		return g.konst(0)
	}
	if c == 1 {
		return a
	}
	m, e := splitConst(c, g.l.prof.ConstBits)
	a = g.safeOperand(a, g.l.prof.ConstBits)
	k := g.b.konst(m, math.Ldexp(1, -e), fmt.Sprintf("%.10g", c))
	o := g.b.bin(iir.OpMul, a.op, k)
	o.Scale = math.Ldexp(1, -(a.f + e))
	lo, hi := a.lo*c, a.hi*c
	if c < 0 {
		lo, hi = hi, lo
	}
	return g.fit(val{op: o, f: a.f + e, lo: lo, hi: hi})
}

// scale multiplies by a small exact constant (RK4's 1/2 and 2).
func (g *gen) scale(a val, c float64) val {
	if a.konst {
		return g.konst(a.c * c)
	}
	switch c {
	case 1:
		return a
	case 0.5:
		return val{op: a.op, f: a.f + 1, lo: a.lo / 2, hi: a.hi / 2}
	case 2:
		return val{op: a.op, f: a.f - 1, lo: a.lo * 2, hi: a.hi * 2}
	}
	return g.mulConst(a, c)
}

func (g *gen) mul(a, b val) val {
	switch {
	case a.konst && b.konst:
		return g.konst(a.c * b.c)
	case b.konst:
		return g.mulConst(a, b.c)
	case a.konst:
		return g.mulConst(b, a.c)
	}
	ps := []float64{a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi}
	for intMag(a)*intMag(b) >= math.Ldexp(1, g.l.prof.AccumBits-1) {
		if intMag(a) > intMag(b) {
			a = g.align(a, a.f-1)
		} else {
			b = g.align(b, b.f-1)
		}
	}
	o := g.b.bin(iir.OpMul, a.op, b.op)
	o.Scale = math.Ldexp(1, -(a.f + b.f))
	return g.fit(val{op: o, f: a.f + b.f, lo: minf(ps), hi: maxf(ps)})
}

func (g *gen) neg(a val) val {
	if a.konst {
		return g.konst(-a.c)
	}
	o := g.b.add(&iir.Op{Code: iir.OpNeg, Args: []*iir.Op{a.op}, Scale: a.op.Scale})
	return val{op: o, f: a.f, lo: -a.hi, hi: -a.lo}
}

func (g *gen) choose(c, a, b val) val {
	if a.konst && b.konst && a.c == b.c {
		return a
	}
	lo, hi := math.Min(a.lo, b.lo), math.Max(a.hi, b.hi)
	f := g.commonFrac(a, b, lo, hi)
	x, y := g.align(a, f), g.align(b, f)
	c = g.materialize(c, 0)
	o := g.b.sel(c.op, x.op, y.op)
	return val{op: o, f: f, lo: lo, hi: hi, isBool: a.isBool}
}

func (g *gen) compare(op string, a, b val) val {
	if a.konst && !b.konst {
		flip := map[string]string{"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
		return g.compare(flip[op], b, a)
	}
	if b.konst && !a.konst {
		// x op c on integers X = x·2^f: exact with floor/ceil
		n := math.Ldexp(b.c, a.f)
		var k float64
		switch op {
		case ">", "<=":
			k = math.Floor(n)
		case ">=", "<":
			k = math.Ceil(n)
		default:
			k = math.Round(n)
		}
		lim := math.Ldexp(1, g.l.prof.AccumBits)
		k = math.Max(-lim, math.Min(lim, k))
		note := fmt.Sprintf("%.10g", b.c)
		if a.op.Code == iir.OpLoad && a.op.Var.Dim != (units.Dim{}) {
			note = iir.SIString(b.c, a.op.Var.Dim)
		}
		c := g.b.konst(int64(k), math.Ldexp(1, -a.f), note)
		return val{op: g.b.cmp(op, a.op, c), isBool: true, lo: 0, hi: 1}
	}
	f := g.commonFrac(a, b, 0, 0)
	x, y := g.align(a, f), g.align(b, f)
	return val{op: g.b.cmp(op, x.op, y.op), isBool: true, lo: 0, hi: 1}
}

func (g *gen) minmax(code iir.Opcode, a, b val) val {
	lo, hi := math.Min(a.lo, b.lo), math.Min(a.hi, b.hi)
	if code == iir.OpMax {
		lo, hi = math.Max(a.lo, b.lo), math.Max(a.hi, b.hi)
	}
	f := g.commonFrac(a, b, lo, hi)
	x, y := g.align(a, f), g.align(b, f)
	o := g.b.bin(code, x.op, y.op)
	o.Scale = math.Ldexp(1, -f)
	return val{op: o, f: f, lo: lo, hi: hi}
}

// toVar rounds v to x's format and applies the profile's overflow.
func (g *gen) toVar(v val, x *iir.Var) *iir.Op {
	if v.konst {
		n := iir.Clamp(iir.RoundHalfAway(math.Ldexp(v.c, x.Frac)), x.Lo, x.Hi)
		return g.b.konst(n, x.Scale, iir.SIString(v.c, x.Dim))
	}
	a := g.align(v, x.Frac)
	return g.b.resize(a.op, x, g.l.prof.Overflow)
}

func (g *gen) expr(e ir.Expr) (val, error) {
	switch x := e.(type) {
	case *ir.Const:
		return g.konst(x.V), nil
	case *ir.BoolConst:
		v := g.konst(map[bool]float64{true: 1, false: 0}[x.V])
		v.isBool = true
		return v, nil
	case *ir.Time:
		return val{}, unsup("the time t")
	case *ir.InputRef:
		return val{}, unsup("a dendrite's input")
	case *ir.WeightRef:
		if g.wt == nil {
			return val{}, unsup("weight outside a port")
		}
		return *g.wt, nil
	case *ir.Ref:
		if x.Side != ir.Own {
			return val{}, unsup("a pre./post. variable")
		}
		v := x.Var
		switch v.Kind {
		case ir.Param, ir.Alias:
			return g.expr(v.Value)
		case ir.DendriteOut:
			return val{}, unsup("dendrite output %s", v.Name)
		}
		if sv, ok := g.env[v]; ok {
			return sv, nil
		}
		xv := g.out.VarOf(v)
		if xv == nil {
			return val{}, unsup("%s (no storage)", v.Name)
		}
		if xv.Kind == iir.InputVar && !xv.Driven {
			return g.konst(0), nil
		}
		return g.varVal(xv, g.load(xv)), nil
	case *ir.Unary:
		a, err := g.expr(x.X)
		if err != nil {
			return val{}, err
		}
		if x.Op == "not" {
			if a.konst {
				v := g.konst(map[bool]float64{true: 0, false: 1}[a.c != 0])
				v.isBool = true
				return v, nil
			}
			return val{op: g.b.not(a.op), isBool: true, lo: 0, hi: 1}, nil
		}
		return g.neg(a), nil
	case *ir.Binary:
		a, err := g.expr(x.X)
		if err != nil {
			return val{}, err
		}
		b, err := g.expr(x.Y)
		if err != nil {
			return val{}, err
		}
		switch x.Op {
		case "+":
			return g.add(a, b, false), nil
		case "-":
			return g.add(a, b, true), nil
		case "*":
			return g.mul(a, b), nil
		case "/":
			if !b.konst {
				return g.div(a, b, x)
			}
			if b.c == 0 {
				return val{}, unsup("division by zero")
			}
			return g.mulConst(a, 1/b.c), nil
		case "^":
			return g.power(a, b, x)
		case "<", "<=", ">", ">=", "==", "!=":
			if a.konst && b.konst {
				r, _ := ir.ConstValue(x)
				v := g.konst(r)
				v.isBool = true
				return v, nil
			}
			return g.compare(x.Op, a, b), nil
		case "and", "or":
			a, b = g.materialize(a, 0), g.materialize(b, 0)
			code := iir.OpAnd
			if x.Op == "or" {
				code = iir.OpOr
			}
			return val{op: g.b.bin(code, a.op, b.op), isBool: true, lo: 0, hi: 1}, nil
		}
		return val{}, unsup("the operator %s (%s)", x.Op, describe(x))
	case *ir.Cond:
		c, err := g.expr(x.C)
		if err != nil {
			return val{}, err
		}
		a, err := g.expr(x.A)
		if err != nil {
			return val{}, err
		}
		b, err := g.expr(x.B)
		if err != nil {
			return val{}, err
		}
		if c.konst {
			if c.c != 0 {
				return a, nil
			}
			return b, nil
		}
		return g.choose(c, a, b), nil
	case *ir.Call:
		if v, ok := ir.ConstValue(x); ok {
			return g.konst(v), nil
		}
		if ir.IsRandom(x.Fn) {
			return g.draw(x)
		}
		args := make([]val, len(x.Args))
		for i, a := range x.Args {
			v, err := g.expr(a)
			if err != nil {
				return val{}, err
			}
			args[i] = v
		}
		switch x.Fn {
		case "abs":
			a := args[0]
			o := g.b.add(&iir.Op{Code: iir.OpAbs, Args: []*iir.Op{g.materialize(a, a.f).op}, Scale: math.Ldexp(1, -a.f)})
			return val{op: o, f: a.f, lo: 0, hi: math.Max(math.Abs(a.lo), math.Abs(a.hi))}, nil
		case "min", "max":
			code := iir.OpMin
			if x.Fn == "max" {
				code = iir.OpMax
			}
			r := args[0]
			for _, a := range args[1:] {
				r = g.minmax(code, r, a)
			}
			return r, nil
		case "clip":
			return g.minmax(iir.OpMin, g.minmax(iir.OpMax, args[0], args[1]), args[2]), nil
		case "pow":
			return g.power(args[0], args[1], x)
		case "sqrt":
			return g.sqrt(args[0], x)
		}
		return val{}, unsup("%s of a state variable (%s)", x.Fn, describe(x))
	}
	return val{}, unsup("%T", e)
}

func (g *gen) power(a, b val, e ir.Expr) (val, error) {
	if !b.konst || b.c != math.Trunc(b.c) || b.c < 0 || b.c > 8 {
		return val{}, unsup("the power %s (only small whole constant exponents are computed)", describe(e))
	}
	r := g.konst(1)
	for i := 0; i < int(b.c); i++ {
		r = g.mul(r, a)
	}
	return r, nil
}
