package gocode

import (
	"fmt"
	"strings"

	"github.com/snnc/snnc/internal/simdops"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/plan"
)

// SIMD kernels. A population loop (update, update+threshold, fused
// update+threshold+reset) whose equations are plain arithmetic is also
// written with package simd/archsimd, 8 lanes (AVX-512) and 4 lanes (AVX2),
// into SIMDFile, which builds only with GOEXPERIMENT=simd on amd64. main.go
// declares one function variable per kernel; SIMDFile's init sets it when
// the CPU has the instructions and SNNC_SIMD is not "off". The scalar loop
// then starts where the kernel stopped (the last len%lanes neurons), so
// main.go alone still builds and runs with plain `go build`.
//
// Every lane computes the scalar expression: the same operations in the
// same order (separate Mul and Add, never MulAdd; the Go compiler does not
// fuse archsimd operations), negation as a sign flip, additions of 0 kept.
// Refractoriness is a mask (n >= ref[i] as float64(ref[i]) <= float64(n),
// exact for int32) that selects between new and held values. Lanes that
// spike take a scalar slow path: the spike list in index order and, when
// fused, the reset, as the scalar loop runs them.
//
// Not vectorised (the loop stays scalar, decided per loop): calls other
// than sqrt (exp, log, sin, ... have no vector form that gives package
// math's bits; min, max, clip and abs would need math.Min's rules for NaN
// and -0 spelt out), conditionals and comparisons as values (both branches
// would have to be computed and masked: not done yet), % and ^ (math.Mod,
// math.Pow), and random draws (white noise: rt.DrawNormal per neuron).
// Thresholds other than `variable op constant` and loops with dendrites
// test the threshold in a separate scalar pass, as before. The finite
// check's scan of exact variables (every 64 steps) runs a SIMD test first.

// SIMDFile is the name of the generated file that holds the SIMD kernels.
const SIMDFile = "simd_amd64.go"

// vecGen writes one population loop as archsimd code of one width.
type vecGen struct {
	pg          *popGen
	w           int
	f           *fnb
	b           *buf
	consts      map[string]string  // Go scalar expression -> broadcast local
	cur         map[*ir.Var]string // current vector value of a field in this block
	time        string             // Go scalar expression of t for the right sides
	over        map[*ir.Var]string // stage values of the system being written
	read        map[string]bool    // stage values the right sides read
	tmp         int
	act         bool // the block uses the not-refractory mask
	bad         bool // the block checks for NaN or Inf
	unsupported error
}

// simdMinLen is the fewest neurons a loop hands to its SIMD kernel; below
// it the scalar loop runs them all (a kernel call with its broadcasts costs
// more than a few scalar neurons: Song 2000's single neuron, 1 million
// steps, ran in 0.44 s through the kernel and 0.24 s without it).
const simdMinLen = 32

func (v *vecGen) fail(format string, args ...any) string {
	if v.unsupported == nil {
		v.unsupported = fmt.Errorf(format, args...)
	}
	return "x"
}

// konst returns a local holding Go scalar expression s in every lane.
func (v *vecGen) konst(s string) string {
	if name, ok := v.consts[s]; ok {
		return name
	}
	name := fmt.Sprintf("k_%d", len(v.consts))
	v.consts[s] = name
	v.f.decl = append(v.f.decl, fmt.Sprintf("%s := archsimd.BroadcastFloat64x%d(%s)", name, v.w, s))
	return name
}

func (v *vecGen) temp(prefix, value string) string {
	v.tmp++
	name := fmt.Sprintf("%s_%d", prefix, v.tmp)
	v.b.line("%s := %s", name, value)
	return name
}

// load returns the block's current value of a field.
func (v *vecGen) load(x *ir.Var, slice string) string {
	if s, ok := v.cur[x]; ok {
		return s
	}
	name, ok := v.pg.field[x]
	if !ok {
		return v.fail("no storage for %s", x.Name)
	}
	arr := v.f.local(name, "s."+name+slice)
	s := v.temp("x", fmt.Sprintf("archsimd.LoadFloat64x%d((*[%d]float64)(%s[i : i+%d]))", v.w, v.w, arr, v.w))
	v.cur[x] = s
	return s
}

func (v *vecGen) store(x *ir.Var, val string) {
	v.b.line("%s.Store((*[%d]float64)(%s[i : i+%d]))", val, v.w, v.pg.field[x], v.w)
	v.cur[x] = val
}

// num is e in every lane, operation by operation as env.num writes it.
func (v *vecGen) num(e ir.Expr, slice string) string {
	if c, ok := constValue(true, e); ok {
		return v.konst(v.pg.g.litStr(c))
	}
	switch x := e.(type) {
	case *ir.Ref:
		if x.Var.Kind == ir.Param {
			return v.num(x.Var.Value, slice)
		}
		if x.Side != ir.Own {
			return v.fail("%s.%s", sideName(x.Side), x.Var.Name)
		}
		if s, ok := v.over[x.Var]; ok {
			v.read[s] = true
			return s
		}
		return v.load(x.Var, slice)
	case *ir.Time:
		return v.konst(v.time)
	case *ir.WeightRef, *ir.InputRef:
		return v.konst("0.0") // as env.num in the vector compiler
	case *ir.Unary:
		if x.Op == "-" {
			a := v.num(x.X, slice)
			// a sign flip, as Go's scalar negation (0 - a would turn -0 into +0)
			sign := fmt.Sprintf("archsimd.BroadcastUint64x%d(1 << 63)", v.w)
			if n, ok := v.consts[sign]; ok {
				return fmt.Sprintf("%s.AsUint64x%d().Xor(%s).AsFloat64x%d()", a, v.w, n, v.w)
			}
			v.consts[sign] = "signBit"
			v.f.decl = append(v.f.decl, "signBit := "+sign)
			return fmt.Sprintf("%s.AsUint64x%d().Xor(signBit).AsFloat64x%d()", a, v.w, v.w)
		}
	case *ir.Binary:
		op := simdops.Method[x.Op]
		if op != "" {
			a := v.num(x.X, slice)
			b := v.num(x.Y, slice)
			return fmt.Sprintf("%s.%s(%s)", a, op, b)
		}
	case *ir.Call:
		if x.Fn == "sqrt" && len(x.Args) == 1 { // correctly rounded, as math.Sqrt
			return v.num(x.Args[0], slice) + ".Sqrt()"
		}
	}
	return v.fail("%T not vectorised", e)
}

// exact mirrors popGen.exact.
func (v *vecGen) exact(sys *ir.System, slice string) {
	g := v.pg.g
	rows := ir.Rows(sys.P, sys.Q, sys.R)
	var rowsRef []ir.Row
	if sys.PRef != nil {
		rowsRef = ir.Rows(sys.PRef, sys.QRef, sys.RRef)
	}
	order := ir.InPlaceOrder(sys)
	read := map[int]bool{}
	used := [][]ir.Row{rows}
	if order == nil {
		used = append(used, rowsRef)
	}
	for _, rs := range used {
		for _, rw := range rs {
			for _, c := range rw.Xi {
				read[c] = true
			}
		}
	}
	if order == nil && len(sys.Vars) == 1 && len(sys.Inputs) == 0 && rowsRef == nil {
		read[0] = true
	}
	olds := make([]string, len(sys.Vars))
	old := func(j int) string {
		if olds[j] == "" {
			olds[j] = v.load(sys.Vars[j], slice)
		}
		return olds[j]
	}
	for j := range sys.Vars {
		if read[j] {
			old(j)
		}
	}
	sum := func(rw ir.Row, lead bool) string {
		var terms []string
		if lead {
			terms = append(terms, v.konst("0.0"))
		}
		for k, c := range rw.Xi {
			terms = append(terms, v.konst(g.litStr(rw.Xc[k]))+".Mul("+old(c)+")")
		}
		for k, c := range rw.Ui {
			terms = append(terms, v.konst(g.litStr(rw.Uc[k]))+".Mul("+v.load(sys.Inputs[c], slice)+")")
		}
		if len(terms) == 0 {
			return v.konst(g.litStr(0 + rw.R))
		}
		s := terms[0]
		for _, t := range terms[1:] {
			s += ".Add(" + t + ")"
		}
		return s + ".Add(" + v.konst(g.litStr(rw.R)) + ")"
	}
	news := make([]string, len(sys.Vars))
	switch {
	case order != nil:
		for _, j := range order {
			rw := rows[j]
			held := sys.Clamped[j] && rowsRef != nil
			lead := rowLead(rw, held)
			expr := sum(rw, lead)
			if held {
				v.act = true
				expr = expr + ".Merge(" + old(j) + ", act)"
			}
			news[j] = v.temp("e", expr)
		}
	case len(sys.Vars) == 1 && len(sys.Inputs) == 0 && rowsRef == nil:
		rw := rows[0]
		c := 0.0
		if len(rw.Xc) == 1 {
			c = rw.Xc[0]
		}
		news[0] = v.temp("e", v.konst(g.litStr(c))+".Mul("+old(0)+").Add("+v.konst(g.litStr(rw.R))+")")
	default:
		for j := range rows {
			expr := sum(rows[j], true)
			if rowsRef != nil {
				v.act = true
				expr += ".Merge(" + sum(rowsRef[j], true) + ", act)"
			}
			news[j] = v.temp("e", expr)
		}
	}
	for j, x := range sys.Vars {
		if news[j] != "" {
			v.store(x, news[j])
		}
	}
}

// rk mirrors popGen.rk.
func (v *vecGen) rk(sys *ir.System, slice string) {
	g := v.pg.g
	dt := g.p.Schedule.Dt
	euler := sys.Method == ir.Euler
	for _, o := range sys.ODEs {
		if len(o.Noise) > 0 {
			v.fail("white noise in the equation of %s (a random draw per lane)", o.Var.Name)
			return
		}
	}
	y := make([]string, len(sys.Vars))
	for j, x := range sys.Vars {
		y[j] = v.load(x, slice)
	}
	anyClamped := false
	for _, c := range sys.Clamped {
		anyClamped = anyClamped || c
	}
	if anyClamped {
		v.act = true
	}
	zero := v.konst("0.0")
	stage := func(vals []string, tm string) []string {
		v.over = map[*ir.Var]string{}
		for j, x := range sys.Vars {
			v.over[x] = vals[j]
		}
		v.time = tm
		ks := make([]string, len(sys.ODEs))
		for j, o := range sys.ODEs {
			ks[j] = v.temp("d", v.num(plan.InlineAliases(o.Rhs), slice))
		}
		v.over = nil
		for j, c := range sys.Clamped {
			if c { // k = 0 while refractory
				ks[j] = v.temp("d", ks[j]+".Merge("+zero+", act)")
			}
		}
		return ks
	}
	news := make([]string, len(sys.Vars))
	if euler {
		k := stage(y, "s.t")
		for j := range sys.Vars {
			news[j] = v.temp("e", y[j]+".Add("+v.konst(g.litStr(dt))+".Mul("+k[j]+"))")
		}
	} else {
		// which stage values the right sides read (z of a variable none
		// reads is not computed, as in popGen.rk)
		zs := make([]string, len(sys.Vars))
		for j := range zs {
			zs[j] = fmt.Sprintf("zprobe%d", j)
		}
		saveB, saveTmp, saveCur := v.b, v.tmp, v.cur
		v.b = &buf{} // a dry run, thrown away
		v.read = map[string]bool{}
		v.cur = map[*ir.Var]string{}
		for x, s := range saveCur {
			v.cur[x] = s
		}
		stage(zs, "s.t")
		reads := v.read
		v.b, v.tmp, v.cur = saveB, saveTmp, saveCur
		k := stage(y, "s.t")
		c := make([]string, len(sys.Vars))
		for j := range sys.Vars {
			c[j] = v.temp("c", v.konst(g.litStr(1.0/6))+".Mul("+k[j]+")")
		}
		third, sixth := g.litStr(2.0/6), g.litStr(1.0/6)
		for _, st := range []struct {
			frac   float64
			tm     string
			weight string
		}{{0.5, "s.t + " + g.litStr(dt/2), third}, {0.5, "s.t + " + g.litStr(dt/2), third}, {1, "s.t + " + g.litStr(dt), sixth}} {
			z := make([]string, len(sys.Vars))
			for j := range sys.Vars {
				if reads[zs[j]] {
					z[j] = v.temp("z", y[j]+".Add("+v.konst(g.litStr(st.frac*dt))+".Mul("+k[j]+"))")
				} else {
					z[j] = "unread"
				}
			}
			k = stage(z, st.tm)
			for j := range sys.Vars {
				c[j] = v.temp("c", c[j]+".Add("+v.konst(st.weight)+".Mul("+k[j]+"))")
			}
		}
		for j := range sys.Vars {
			news[j] = v.temp("e", y[j]+".Add("+v.konst(g.litStr(dt))+".Mul("+c[j]+"))")
		}
	}
	// NaN or Inf among the new values: their sum over the variables and
	// blocks is then NaN or Inf (a NaN or Inf stays); finite values whose sum
	// overflows raise a false alarm, which the finite check's scan clears
	sumS := news[0]
	for _, n := range news[1:] {
		sumS += ".Add(" + n + ")"
	}
	v.bad = true
	v.b.line("bad = bad.Add(%s)", sumS)
	for j, x := range sys.Vars {
		v.store(x, news[j])
	}
}

// vecKernel writes the kernel of a loop (see popGen.loop) at both widths
// into g.simd and returns the name of its function variable, or "" when the
// loop is not vectorised.
func (pg *popGen) vecKernel(slice string, thresh, reset bool) (string, error) {
	kind := "U"
	if thresh && reset {
		kind = "F"
	} else if thresh {
		kind = "T"
	}
	hook := fmt.Sprintf("vec%s%d", kind, pg.k)
	if pg.g.vecHooks[hook] {
		return hook, nil
	}
	var bodies []string
	for _, w := range []int{8, 4} {
		body, err := pg.vecBody(w, slice, thresh, reset)
		if err != nil || body == "" {
			return "", err
		}
		bodies = append(bodies, fmt.Sprintf("// %s_%d is the %d-lane kernel of population loop %s (%s): it runs\n// neurons [lo, lo+m) for the largest multiple m of %d and returns m.\nfunc (s *sim) %s_%d(lo, hi int, spk []int32) (int, []int32) {\n%s}\n", hook, w, w, comment(pg.ip.Name), map[string]string{"U": "update", "T": "update, threshold", "F": "update, threshold, reset"}[kind], w, hook, w, body))
	}
	pg.g.vecHooks[hook] = true
	pg.g.vecOrder = append(pg.g.vecOrder, hook)
	for _, b := range bodies {
		pg.g.simd.WriteString(b)
		pg.g.simd.line("")
	}
	pg.g.funcs.line("// %s is the SIMD kernel of a loop of %s (%s sets it): it runs", hook, comment(pg.ip.Name), SIMDFile)
	pg.g.funcs.line("// the first neurons of [lo, hi), the scalar loop the rest.")
	pg.g.funcs.line("var %s func(s *sim, lo, hi int, spk []int32) (int, []int32)", hook)
	pg.g.funcs.line("")
	return hook, nil
}

// vecBody is the body of a kernel of w lanes ("" when not vectorisable).
func (pg *popGen) vecBody(w int, slice string, thresh, reset bool) (string, error) {
	k := pg.k
	f := newFn()
	v := &vecGen{pg: pg, w: w, f: f, b: &buf{}, consts: map[string]string{}, cur: map[*ir.Var]string{}, read: map[string]bool{}}
	ref := f.local("ref", fmt.Sprintf("s.p%dref%s", k, slice))
	f.local("n", "int32(s.n)")
	for _, sys := range pg.m.Update {
		if sys.Method == ir.Exact {
			v.exact(sys, slice)
		} else {
			v.rk(sys, slice)
		}
		if v.unsupported != nil {
			return "", nil // stays scalar
		}
	}
	if v.b.Len() == 0 {
		return "", nil
	}
	var tail buf
	if thresh {
		th := pg.m.Threshold.(*ir.Binary) // simpleThreshold
		c, _ := constValue(true, th.Y)
		op := simdops.Compare[th.Op]
		x := v.load(th.X.(*ir.Ref).Var, slice)
		if v.unsupported != nil {
			return "", nil
		}
		v.act = true
		tail.line("if bm := %s.%s(%s).ToBits() & act.ToBits(); bm != 0 { // the spikes' slow path", x, op, v.konst(pg.g.litStr(c)))
		tail.line("for ; bm != 0; bm &= bm - 1 {")
		tail.line("j := i + bits.TrailingZeros8(bm)")
		if slice != "" {
			tail.line("spk = append(spk, int32(lo+j))")
		} else {
			tail.line("spk = append(spk, int32(j))")
		}
		if reset {
			rf := newFn()
			rf.have = f.have
			if err := pg.printReset(rf, &rf.buf, "j"); err != nil {
				return "", err
			}
			f.decl = append(f.decl, rf.decl...)
			tail.Write(rf.Bytes())
		}
		tail.line("}")
		tail.line("}")
	}
	var out buf
	for _, d := range f.decl {
		out.line("%s", d)
	}
	// capacities equal to the loop's length: no bounds checks in the loop
	out.line("%s = %s[:len(%s):len(%s)]", ref, ref, ref, ref)
	for _, x := range pg.m.Vars {
		if name, ok := pg.field[x]; ok && f.have[name] {
			out.line("%s = %s[:len(%s):len(%s)]", name, name, ref, ref)
		}
	}
	if v.act {
		out.line("nf := archsimd.BroadcastFloat64x%d(float64(n))", w)
	} else {
		out.line("_ = n")
	}
	if v.bad {
		out.line("bad := %s // sums of the new values: NaN or Inf where one was", v.konst("0.0"))
	}
	out.line("for i := 0; i <= len(%s)-%d; i += %d {", ref, w, w)
	if v.act {
		out.line("act := archsimd.LoadInt32x%d((*[%d]int32)(%s[i : i+%d])).ConvertToFloat64().LessEqual(nf) // not refractory", w, w, ref, w)
	}
	out.Write(v.b.Bytes())
	out.Write(tail.Bytes())
	out.line("}")
	if v.bad {
		out.line("if bad.Sub(bad).NotEqual(%s).ToBits() != 0 { // x-x is 0 for every finite x", v.konst("0.0"))
		out.line("s.p%dbad.Store(true)", k)
		out.line("}")
	}
	if slice == "" {
		out.line("_, _ = lo, hi")
	}
	out.line("return len(%s) &^ %d, spk", ref, w-1)
	return out.String(), nil
}

// useVecFinite declares vecFinite, the SIMD test of the finite check.
func (g *gen) useVecFinite() {
	if g.vecFinite {
		return
	}
	g.vecFinite = true
	g.funcs.line("// vecFinite reports whether every value is finite, with SIMD (%s sets it).", SIMDFile)
	g.funcs.line("var vecFinite func(x []float64) bool")
	g.funcs.line("")
}

// finiteText is the SIMD test of the finite check at w lanes: x-x is 0 for
// every finite x and NaN otherwise, and a sum with a NaN stays NaN.
const finiteText = `// finiteW reports whether every value of x is finite.
func finiteW(x []float64) bool {
	x = x[:len(x):len(x)]
	zero := archsimd.BroadcastFloat64xW(0)
	sum := zero
	i := 0
	for ; i <= len(x)-W; i += W {
		v := archsimd.LoadFloat64xW((*[W]float64)(x[i : i+W]))
		sum = sum.Add(v.Sub(v))
	}
	for _, v := range x[i:] {
		if v-v != 0 {
			return false
		}
	}
	return sum.NotEqual(zero).ToBits() == 0
}

`

// simdFile assembles SIMDFile ("" when there is nothing to vectorise).
func (g *gen) simdFile() string {
	if len(g.vecOrder) == 0 && !g.vecFinite {
		return ""
	}
	if g.vecFinite {
		for _, w := range []string{"8", "4"} {
			g.simd.WriteString(strings.ReplaceAll(finiteText, "W", w))
		}
	}
	var o buf
	o.line("// Code generated by snnc build. DO NOT EDIT.")
	o.line("//")
	o.line("// The SIMD kernels of the population loops (see main.go): every lane")
	o.line("// computes the scalar loop's operations in the same order.")
	o.line("")
	o.line("//go:build goexperiment.simd && amd64")
	o.line("")
	o.line("package main")
	o.line("")
	o.line("import (")
	body := g.simd.String()
	for _, imp := range []string{"math", "math/bits", "os", "simd/archsimd"} {
		if imp == "os" || imp == "simd/archsimd" || strings.Contains(body, imp[strings.LastIndex(imp, "/")+1:]+".") {
			o.line("%q", imp)
		}
	}
	if strings.Contains(body, "rt.Draw") { // a fused reset's random draws (rt.DrawUniform)
		o.line("rt %q", "github.com/snnc/snnc/runtime")
	}
	o.line(")")
	o.line("")
	o.line("// init selects the kernels the CPU can run: 8 lanes with AVX-512, 4 with")
	o.line("// AVX2; SNNC_SIMD=off keeps the scalar loops, SNNC_SIMD=avx2 forces 4 lanes.")
	o.line("func init() {")
	o.line("mode := os.Getenv(\"SNNC_SIMD\")")
	o.line("switch {")
	o.line("case mode == \"off\":")
	o.line("case mode != \"avx2\" && archsimd.X86.AVX512():")
	for _, h := range g.vecOrder {
		o.line("%s = (*sim).%s_8", h, h)
	}
	if g.vecFinite {
		o.line("vecFinite = finite8")
	}
	o.line("case archsimd.X86.AVX2():")
	for _, h := range g.vecOrder {
		o.line("%s = (*sim).%s_4", h, h)
	}
	if g.vecFinite {
		o.line("vecFinite = finite4")
	}
	o.line("}")
	o.line("}")
	o.line("")
	o.WriteString(body)
	return o.String()
}
