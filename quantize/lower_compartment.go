package quantize

import (
	"fmt"
	"math"
	"strconv"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/ir/iir"
	"github.com/snnc/snnc/lang"
)

// The compartment lowering (loihi, xylo): the model must be a neuromorphic
// core's leaky integrate-and-fire neuron. Its exact propagator must have
// the shape
//
//	c_k ← P_kk·c_k                       (synaptic currents, only spikes add to them)
//	v   ← P_vv·v + Σ_k P_vk·c_k + r      (the membrane)
//
// with a threshold v > θ (or >=), a reset v = v_r and optionally a
// refractory period. The lowering maps it exactly onto the hardware's
// update, in which the membrane adds the currents *after* they decayed:
//
//	v is stored relative to the reset, V = (v − v_r)/LSB, with LSB chosen
//	so that θ − v_r is exactly the hardware threshold (Loihi: vth << 6,
//	strictly greater; Xylo: >=, adjusted by one LSB for the model's >);
//	the bias is the leak's pull ((P_vv − 1)·v_r + r)/LSB;
//
//	each current c_k becomes a current U_k in the membrane's LSB that adds
//	to V with weight 1: with an input accumulator (Loihi's a_in, read by
//	the next update: U(n+1) = P·U(n) + a_in) U holds P_vk·c_k of the step
//	before, so synaptic weights are scaled by P_vk; without one (Xylo's
//	spikes add straight into I_syn, which decays before it is added)
//	U = (P_vk/P_kk)·c_k.
//
// Decays become the profile's 12-bit multipliers or bit shifts; because
// the quantized decay P' differs from P, the bias and the weights are
// scaled by (1 − P')/(1 − P), which keeps the steady state and the charge
// a spike delivers (the DC gain) of the float model.

type comp struct {
	l    *lowerer
	out  *iir.Model
	src  *ir.Model
	v    *ir.Var
	vv   *iir.Var
	curs []*current
	pvv  float64
	r    float64
	sys  []*ir.System
	vvPq float64
	// integers of the membrane
	thrInt, dvInt, bias int64
}

type current struct {
	src   *ir.Var
	x     *iir.Var
	p     float64 // float decay
	pq    float64 // quantized decay
	d     int64   // multiply: 2^B − d is the multiplier; shift: dash
	pv    float64 // P[v][c]
	gain  float64 // U = gain·c (in the membrane's LSB)
	ports []*iir.Port
}

func (l *lowerer) compartment(out *iir.Model, pop *ir.Population, m *ir.Model) bool {
	c := &comp{l: l, out: out, src: m}
	pf := l.prof
	ins := l.inputs(pop)
	ok := true
	// 1. linear systems only
	for _, s := range m.Update {
		if s.Method == ir.Exact {
			c.sys = append(c.sys, s)
			continue
		}
		o, what := s.ODEs[0], ""
		for _, od := range s.ODEs {
			if w := firstNonlinear(od.Rhs, s); w != nil {
				o, what = od, w.what
				break
			}
		}
		if what == "" {
			what = fmt.Sprintf("the %s system [%s]", s.Method, varNames(s.Vars))
		} else {
			what = fmt.Sprintf("%s (%s system [%s])", what, s.Method, varNames(s.Vars))
		}
		l.errorf(o.Pos, "%s cannot be computed on %s: its neurons integrate linear decays only", what, pf.Name).Hint = hintFor(pf)
		ok = false
	}
	// 2. threshold v > θ
	var thr float64
	var op string
	if b, isB := m.Threshold.(*ir.Binary); isB {
		r, okR := b.X.(*ir.Ref)
		k, okK := ir.ConstValue(b.Y)
		if okR && okK && r.Var.Kind == ir.State && r.Side == ir.Own && (b.Op == ">" || b.Op == ">=") {
			c.v, thr, op = r.Var, k, b.Op
		}
	}
	if m.Threshold == nil {
		l.errorf(m.Pos, "%s never spikes: %s neurons need a threshold", m.Name, pf.Name)
		return false
	}
	if c.v == nil {
		l.errorf(m.ThreshPos, "threshold %s cannot be expressed on %s: its neurons compare the membrane potential with a constant (v > c or v >= c)",
			ir.ExprString(m.Threshold), pf.Name)
		return false
	}
	// 3. reset v = v_r (and refractory)
	vr, haveReset := 0.0, false
	for _, s := range m.Reset {
		switch s := s.(type) {
		case *ir.Assign:
			if k, isK := ir.ConstValue(s.Value); isK && s.Var == c.v && s.Op == "=" && !haveReset {
				vr, haveReset = k, true
				continue
			}
			l.errorf(s.Pos, "the reset statement %s %s %s cannot be expressed on %s: its neurons reset only %s (%s)",
				s.Var.Name, s.Op, ir.ExprString(s.Value), pf.Name, c.v.Name, map[string]string{"zero": "to a constant", "subtract": "by subtracting the threshold"}[pf.Reset])
			ok = false
		case *ir.Refractory:
		default:
			l.errorf(m.ThreshPos, "a conditional reset cannot be expressed on %s", pf.Name)
			ok = false
		}
	}
	if !haveReset {
		l.errorf(m.ThreshPos, "%s neurons reset %s to a constant on a spike; add `%s = ...` to the reset", pf.Name, c.v.Name, c.v.Name)
		ok = false
	}
	if !l.refractory(out, m) || !ok {
		return false
	}
	// 4. the shape of the propagator
	if !c.shape(ins) {
		return false
	}
	// 5. decays
	if !c.decays() {
		return false
	}
	if l.prof.ZeroInit && !c.zeroInit() {
		return false
	}
	// 6. the membrane's scale and the threshold, bias, currents
	return c.scales(thr, op, vr) && c.kernels(thr, op)
}

// shape finds the membrane row and the current rows.
func (c *comp) shape(ins *popInputs) bool {
	l, pf, m := c.l, c.l.prof, c.src
	ok := true
	inSys := map[*ir.Var]bool{}
	var vsys *ir.System
	vrow := -1
	for _, s := range c.sys {
		for i, v := range s.Vars {
			inSys[v] = true
			if v == c.v {
				vsys, vrow = s, i
			}
		}
	}
	if vsys == nil {
		l.errorf(m.ThreshPos, "%s has no equation: %s neurons integrate their membrane potential", c.v.Name, pf.Name)
		return false
	}
	for _, v := range m.Vars {
		if v.Kind == ir.State && !inSys[v] {
			l.errorf(v.Pos, "state variable %s cannot be expressed on %s: its neurons hold only %s and synaptic currents", v.Name, pf.Name, c.v.Name)
			ok = false
		}
		if v.Kind == ir.ContinuousPort && len(ins.currents[v.Name]) > 0 {
			in := ins.currents[v.Name][0]
			l.errorf(in.Pos, "the current input %s into %s cannot be expressed on %s: its neurons take spikes only", in.Name, v.Name, pf.Name)
			ok = false
		}
	}
	c.pvv, c.r = vsys.P[vrow][vrow], vsys.R[vrow]
	for _, s := range c.sys {
		for i, v := range s.Vars {
			if v == c.v {
				continue
			}
			row := s.P[i]
			pos := s.ODEs[i].Pos
			diag := true
			for j, x := range row {
				if j != i && x != 0 {
					diag = false
				}
			}
			if !diag || s.R[i] != 0 || nonzeroDriven(s.Q[i], s, ins) || s.Clamped[i] {
				l.errorf(pos, "%s' = %s cannot be expressed on %s: a synaptic current only decays (x' = −x/τ)", v.Name, ir.ExprString(s.ODEs[i].Rhs), pf.Name)
				ok = false
				continue
			}
			cur := &current{src: v, p: row[i]}
			if s == vsys {
				cur.pv = s.P[vrow][i]
			}
			if cur.pv == 0 {
				l.errorf(pos, "%s does not drive %s: %s neurons' synaptic currents add into the membrane potential", v.Name, c.v.Name, pf.Name)
				ok = false
				continue
			}
			c.curs = append(c.curs, cur)
		}
	}
	if nonzeroDriven(vsys.Q[vrow], vsys, ins) {
		l.errorf(vsys.ODEs[vrow].Pos, "a continuous input of %s' cannot be expressed on %s", c.v.Name, pf.Name)
		ok = false
	}
	if len(c.curs) > pf.Currents {
		var names []*ir.Var
		for _, cu := range c.curs {
			names = append(names, cu.src)
		}
		extra := c.curs[pf.Currents].src
		sp := m.Pos
		for _, o := range m.ODEs {
			if o.Var == extra {
				sp = o.Pos
			}
		}
		l.errorf(sp, "%s has %d synaptic currents (%s) but a %s neuron has %d", m.Name, len(c.curs), varNames(names), pf.Name, pf.Currents).Hint =
			"merge currents with the same time constant into one, or use the q16 profile"
		ok = false
	}
	// ports: c += weight or c -= weight on a current
	for _, p := range m.Ports {
		if p.Kind != ir.EventPort {
			continue
		}
		var a *ir.Assign
		if len(p.Body) == 1 {
			a, _ = p.Body[0].(*ir.Assign)
		}
		var cur *current
		if a != nil {
			for _, cu := range c.curs {
				if cu.src == a.Var {
					cur = cu
				}
			}
		}
		_, isW := (ir.Expr)(nil), false
		if a != nil {
			_, isW = a.Value.(*ir.WeightRef)
		}
		if a == nil || cur == nil || !isW || (a.Op != "+=" && a.Op != "-=") {
			sp := p.Pos
			if len(p.Body) > 0 {
				if as, isA := p.Body[0].(*ir.Assign); isA {
					sp = as.Pos
				}
			}
			l.errorf(sp, "port %s cannot be expressed on %s: spikes must add their weight to a synaptic current (x += weight)", p.Name, pf.Name)
			ok = false
			continue
		}
		cur.ports = append(cur.ports, &iir.Port{Name: p.Name, WeightDim: p.Weight})
		if a.Op == "-=" {
			cur.ports[len(cur.ports)-1].Why = "-="
		}
	}
	return ok
}

// nonzeroDriven: a Q row has a nonzero coefficient on an input that is a
// state variable or a driven continuous port.
func nonzeroDriven(q []float64, s *ir.System, ins *popInputs) bool {
	for k, x := range q {
		if x == 0 {
			continue
		}
		u := s.Inputs[k]
		if u.Kind == ir.ContinuousPort && len(ins.currents[u.Name]) == 0 {
			continue
		}
		return true
	}
	return false
}

// quantDecay returns the hardware decay for P and the decay it computes.
func (c *comp) quantDecay(p float64, membrane bool, what string, sp lang.Span) (int64, float64, bool) {
	pf := c.l.prof
	dt := c.l.out.Dt
	tau := func(p float64) string {
		if p <= 0 {
			return "0"
		}
		if p >= 1 {
			return "∞"
		}
		t := -dt / math.Log(p)
		if t >= 1 {
			return strconv.FormatFloat(t, 'g', 6, 64) + " s"
		}
		return strconv.FormatFloat(t*1e3, 'g', 6, 64) + " ms"
	}
	switch pf.Decay.Form {
	case "multiply":
		unit := int64(1) << uint(pf.Decay.Bits)
		lo, hi := int64(0), unit
		rg := pf.Decay.Current
		if membrane {
			rg = pf.Decay.Membrane
		}
		if rg != [2]int{} {
			lo, hi = int64(rg[0]), int64(rg[1])
		}
		exact := float64(unit) * (1 - p)
		d := iir.RoundHalfAway(exact)
		got := iir.Clamp(d, lo, hi)
		if got != d || (d == 0 && exact > 0) {
			if d == 0 {
				got = max(lo, 1)
			}
			c.l.errorf(sp, "the decay of %s per step, %.10g (τ = %s), cannot be held by %s's %d-bit decay constants: it needs d = %.4g; the closest representable is d = %d (decay %.10g, τ = %s)",
				what, p, tau(p), pf.Name, pf.Decay.Bits, exact, got, 1-float64(got)/float64(unit), tau(1-float64(got)/float64(unit))).Hint =
				"choose a time constant the target can represent, or use the q16 profile"
			return 0, 0, false
		}
		pq := 1 - float64(d)/float64(unit)
		c.out.Consts = append(c.out.Consts, iir.Quantized{What: "decay of " + what, Value: p, Int: d, Got: pq,
			Detail: fmt.Sprintf("x·(%d − %d) >> %d: τ %s → %s", unit, d, pf.Decay.Bits, tau(p), tau(pq))})
		return d, pq, true
	default: // shift
		if p >= 1 || p <= 0 {
			best := int64(pf.Decay.MaxShift)
			if p <= 0 {
				best = 0
			}
			c.l.errorf(sp, "the decay of %s per step, %.10g (τ = %s), cannot be held by %s's bitshift decays: the closest representable is dash %d (decay %.10g, τ = %s)",
				what, p, tau(p), pf.Name, best, 1-math.Ldexp(1, -int(best)), tau(1-math.Ldexp(1, -int(best)))).Hint = "a bitshift decay is 1 − 2^-dash"
			return 0, 0, false
		}
		exact := -math.Log2(1 - p)
		d := iir.RoundHalfAway(exact)
		if d > int64(pf.Decay.MaxShift) || (d == 0 && !membrane) {
			best := iir.Clamp(d, 1, int64(pf.Decay.MaxShift))
			c.l.errorf(sp, "the decay of %s per step, %.10g (τ = %s), cannot be held by %s's bitshift decays: it needs dash = %.3g; the closest representable is dash %d (decay %.10g, τ = %s)",
				what, p, tau(p), pf.Name, exact, best, 1-math.Ldexp(1, -int(best)), tau(1-math.Ldexp(1, -int(best)))).Hint =
				"a bitshift decay is 1 − 2^-dash: choose τ ≈ dt·2^dash, or use the q16 profile"
			return 0, 0, false
		}
		pq := 1 - math.Ldexp(1, -int(d))
		c.out.Consts = append(c.out.Consts, iir.Quantized{What: "decay of " + what, Value: p, Int: d, Got: pq,
			Detail: fmt.Sprintf("x − (x >> %d): τ %s → %s", d, tau(p), tau(pq))})
		return d, pq, true
	}
}

func (c *comp) decays() bool {
	ok := true
	for _, cu := range c.curs {
		d, pq, good := c.quantDecay(cu.p, false, cu.src.Name, c.odeSpan(cu.src))
		cu.d, cu.pq = d, pq
		ok = ok && good
		if good && cu.pq == 0 && c.l.prof.InputBits == 0 {
			c.l.errorf(c.odeSpan(cu.src), "%s decays within one step: %s adds a current to the membrane after it decayed, so nothing would arrive", cu.src.Name, c.l.prof.Name)
			ok = false
		}
	}
	d, pq, good := c.quantDecay(c.pvv, true, c.v.Name, c.odeSpan(c.v))
	c.dvInt, c.vvPq = d, pq
	return ok && good
}

// curGain is what one unit of a current adds to the membrane per step
// (in the membrane's units): U = gain·c.
func (c *comp) curGain(cu *current, gv float64) float64 {
	gc := dcGain(cu.p, cu.pq)
	if c.l.prof.InputBits > 0 {
		return cu.pv * gc * gv
	}
	return cu.pv / cu.pq * gc * gv
}

// dcGain is (1 − P')/(1 − P): the correction that keeps a decay's integral.
func dcGain(p, pq float64) float64 {
	if p >= 1 {
		return 1
	}
	return (1 - pq) / (1 - p)
}

func (c *comp) scales(thr float64, op string, vr float64) bool {
	l, pf, m := c.l, c.l.prof, c.src
	pvq := c.vvPq
	theta := thr - vr
	if !(theta > 0) {
		l.errorf(m.ThreshPos, "the threshold %s must lie above the reset %s on %s (the membrane is stored relative to the reset)",
			iir.SIString(thr, c.v.Dim), iir.SIString(vr, c.v.Dim), pf.Name)
		return false
	}
	vmax := float64(iir.MaxOf(pf.StateBits, true))
	// design magnitude of v − v_r
	mag := 2 * theta
	why := "2 × (threshold − reset)"
	if c.pvv < 1 {
		if e := math.Abs(c.r/(1-c.pvv) - vr); 2*e > mag {
			mag, why = 2*e, "2 × |rest − reset|"
		}
	}
	{
		// the largest weight must fit a mantissa << the largest shift
		// (Loihi: and its input shift) in the current's LSB, lsb/gain: a
		// floor on the LSB (trained networks have weights well above the
		// threshold)
		shift := pf.WeightShiftMax
		if pf.WeightShiftAt == "input" {
			shift += pf.InputShift
		}
		steps := float64(iir.MaxOf(pf.WeightBits, true)) * math.Ldexp(1, shift)
		for _, cu := range c.curs {
			g := c.curGain(cu, dcGain(c.pvv, pvq))
			for _, p := range cu.ports {
				w := maxWeight(c.l.inputs(c.out.SrcPop).ports[p.Name])
				if e := w * g / steps * vmax; e > mag && !math.IsInf(e, 0) && !math.IsNaN(e) {
					mag, why = e, fmt.Sprintf("the largest weight onto %s, %s", p.Name, iir.SIString(w, p.WeightDim))
				}
			}
		}
	}
	if c.v.Init != nil {
		lo, hi, _ := siInterval(c.v.Init)
		if e := math.Max(math.Abs(lo-vr), math.Abs(hi-vr)); e > mag && !math.IsInf(e, 0) {
			mag, why = e, "initial values"
		}
	}
	// hardware threshold T = mantissa << shift; the model's θ is k LSB
	adj := int64(0)
	switch {
	case op == ">=" && pf.ThresholdOp == ">":
		adj = 1 // V >= k  ⟺  V > k − 1 = T
	case op == ">" && pf.ThresholdOp == ">=":
		adj = -1 // V > k  ⟺  V >= k + 1 = T
	}
	tmax := min(int64(1)<<uint(pf.ThresholdBits)-1, iir.MaxOf(pf.StateBits, true)>>uint(pf.ThresholdShift))
	want := theta*vmax/mag - float64(adj)
	mant := iir.Clamp(int64(math.Floor(want/math.Ldexp(1, pf.ThresholdShift))), 1, tmax)
	T := mant << uint(pf.ThresholdShift)
	k := T + adj
	lsb := theta / float64(k)
	// the membrane variable
	gv := dcGain(c.pvv, pvq)
	v := newVar(c.v.Name, iir.StateVar, pf.StateBits, true, pf.SymmetricClip)
	v.Src, v.Dim, v.Unit, v.Init = c.v, c.v.Dim, c.v.Unit, c.v.Init
	v.Scale, v.Offset = lsb, vr
	c.vv = c.out.AddVar(v)
	c.out.Notes = append(c.out.Notes, fmt.Sprintf("%s is stored relative to its reset %s with LSB %s (threshold %s − reset = %d LSB; %s = %s)",
		v.Name, iir.SIString(vr, v.Dim), iir.SIString(lsb, v.Dim), iir.SIString(thr, v.Dim), k, why, iir.SIString(mag, v.Dim)))
	c.out.Consts = append(c.out.Consts, iir.Quantized{What: "threshold", Value: thr, Int: T, Got: thr, Dim: v.Dim,
		Detail: fmt.Sprintf("%s %s %s ⟺ %s %s %d (mantissa %d << %d)", c.v.Name, op, iir.SIString(thr, v.Dim), v.Name, pf.ThresholdOp, T, mant, pf.ThresholdShift)})
	c.thrInt = T
	// bias: the leak's pull toward the rest, per step
	beta := gv * ((c.pvv-1)*vr + c.r) / lsb
	if beta != 0 {
		if pf.BiasBits == 0 {
			l.errorf(c.odeSpan(c.v), "%s decays toward %s, not toward its reset %s: that needs a bias, which %s neurons do not have",
				c.v.Name, iir.SIString(c.r/(1-c.pvv), v.Dim), iir.SIString(vr, v.Dim), pf.Name)
			return false
		}
		mlim := iir.MaxOf(pf.BiasBits, true)
		e := 0
		for e < pf.BiasExpMax && math.Abs(math.Round(math.Ldexp(beta, -e))) > float64(mlim) {
			e++
		}
		bm := iir.RoundHalfAway(math.Ldexp(beta, -e))
		if bm > mlim || bm < -mlim-1 {
			best := iir.Clamp(bm, -mlim-1, mlim) << uint(e)
			l.errorf(c.odeSpan(c.v), "the bias of %s (its pull toward %s), %s per step = %.6g LSB, cannot be held by %s's %d-bit bias << %d: the closest representable value is %s per step",
				c.v.Name, iir.SIString(c.r/(1-c.pvv), v.Dim), iir.SIString(beta*lsb, v.Dim), beta, pf.Name, pf.BiasBits, pf.BiasExpMax, iir.SIString(float64(best)*lsb, v.Dim)).Hint =
				"the membrane's LSB follows from the threshold: a larger threshold − reset or a profile with a wider bias helps"
			return false
		}
		if bm == 0 {
			l.errorf(c.odeSpan(c.v), "the bias of %s (its pull toward %s), %s per step, rounds to 0 on %s (LSB %s): the closest representable values are 0 and %s",
				c.v.Name, iir.SIString(c.r/(1-c.pvv), v.Dim), iir.SIString(beta*lsb, v.Dim), pf.Name, iir.SIString(lsb, v.Dim), iir.SIString(math.Copysign(lsb, beta), v.Dim))
			return false
		}
		c.bias = bm << uint(e)
		c.out.Consts = append(c.out.Consts, iir.Quantized{What: "bias of " + c.v.Name, Value: beta * lsb, Int: c.bias, Got: float64(c.bias) * lsb, Dim: v.Dim,
			Detail: fmt.Sprintf("mantissa %d << %d per step", bm, e)})
	}
	// the currents: U = gain·c in the membrane's LSB
	for _, cu := range c.curs {
		cu.gain = c.curGain(cu, gv)
		x := newVar(cu.src.Name, iir.StateVar, pf.StateBits, true, false)
		x.Src, x.Dim, x.Unit, x.Init = cu.src, cu.src.Dim, cu.src.Unit, cu.src.Init
		x.Scale = lsb / cu.gain // SI of the model's current per LSB
		x.Lag = pf.InputBits > 0
		cu.x = c.out.AddVar(x)
		for _, p := range cu.ports {
			if pf.InputBits > 0 {
				// the port's exponent: the smallest that holds the largest weight
				in := newVar(p.Name+".in", iir.InputVar, pf.InputBits, true, false)
				in.Dim = p.WeightDim
				p.Input = c.out.AddVar(in)
				prjs := c.l.inputs(c.out.SrcPop).ports[p.Name]
				w := maxWeight(prjs)
				p.Unsigned = pf.SignModes && oneSign(prjs)
				mantMax := float64(iir.MaxOf(pf.WeightBits, !p.Unsigned))
				e := pf.WeightShiftMin
				for e < pf.WeightShiftMax && w/math.Abs(x.Scale)/math.Ldexp(1, e+pf.InputShift) > mantMax {
					e++
				}
				p.Exp = e
				p.WeightScale = x.Scale * math.Ldexp(1, e+pf.InputShift)
				in.Scale = p.WeightScale
				// the accumulator holds the mantissa sum; what is bounded is
				// a_in = sum << exp (sum >> -exp), Lava's 16-bit a_in
				// (a_buff, precision 16): the sum gets input_bits − exp bits,
				// so that saturating it saturates a_in
				in.Width = pf.InputBits - e
				in.Lo, in.Hi = iir.MinOf(in.Width, true), iir.MaxOf(in.Width, true)
				if e != 0 {
					c.out.Notes = append(c.out.Notes, fmt.Sprintf("%s holds the sum of weight mantissas (%d bits): a_in = sum << %d is the %d-bit input of %s",
						in.Name, in.Width, e, pf.InputBits, pf.Name))
				}
			} else {
				p.WeightScale = x.Scale
			}
		}
		if x.Lag {
			c.out.Notes = append(c.out.Notes, fmt.Sprintf("%s holds %.6g × %s of the step before (%s adds the updated current to %s): spikes are scaled by P[%s,%s]",
				x.Name, cu.pv, x.Name, c.l.prof.Name, c.v.Name, c.v.Name, x.Name))
		}
	}
	return true
}

func (c *comp) odeSpan(v *ir.Var) lang.Span {
	for _, o := range c.src.ODEs {
		if o.Var == v {
			return o.Pos
		}
	}
	return v.Pos
}

func (c *comp) kernels(thr float64, op string) bool {
	pf := c.l.prof
	m := c.out
	b := newKernel(m, "update")
	var sum *iir.Op
	var ports []*iir.Port
	for _, cu := range c.curs {
		u := b.load(cu.x)
		var dec *iir.Op
		if pf.Decay.Form == "multiply" {
			unit := int64(1) << uint(pf.Decay.Bits)
			k := b.konst(unit-cu.d, 0, fmt.Sprintf("%d − d_%s (d = %d)", unit, cu.x.Name, cu.d))
			p := b.bin(iir.OpMul, u, k)
			dec = b.shr(p, pf.Decay.Bits, pf.DecayRounding())
			dec.Scale = cu.x.Scale
			dec.Note = "decay of " + cu.x.Name
		} else {
			dec = b.add(&iir.Op{Code: iir.OpShiftDecay, Args: []*iir.Op{u}, Imm: cu.d, MinStep: pf.Decay.MinStep, Scale: cu.x.Scale, Note: "decay of " + cu.x.Name})
		}
		nu := dec
		for _, p := range cu.ports {
			if p.Input == nil {
				continue
			}
			a := b.load(p.Input)
			if p.Exp >= 0 {
				a = b.shl(a, p.Exp)
			} else {
				a = b.shr(a, -p.Exp, iir.Floor)
			}
			a = b.shl(a, pf.InputShift)
			a.Note = fmt.Sprintf("input of port %s: a_in << %d << %d", p.Name, p.Exp, pf.InputShift)
			nu = b.bin(iir.OpAdd, nu, a)
			ports = append(ports, p)
		}
		nu = b.resize(nu, cu.x, pf.CurrentsOverflow())
		b.store(cu.x, nu, false)
		if sum == nil {
			sum = nu
		} else {
			sum = b.bin(iir.OpAdd, sum, nu)
		}
	}
	for _, p := range ports {
		b.store(p.Input, b.konst(0, 0, ""), false)
	}
	v := b.load(c.vv)
	var dec *iir.Op
	if pf.Decay.Form == "multiply" {
		unit := int64(1) << uint(pf.Decay.Bits)
		k := b.konst(unit-c.dvInt, 0, fmt.Sprintf("%d − d_%s (d = %d)", unit, c.vv.Name, c.dvInt))
		dec = b.shr(b.bin(iir.OpMul, v, k), pf.Decay.Bits, pf.DecayRounding())
	} else {
		dec = b.add(&iir.Op{Code: iir.OpShiftDecay, Args: []*iir.Op{v}, Imm: c.dvInt, MinStep: pf.Decay.MinStep})
	}
	dec.Scale, dec.Note = c.vv.Scale, "decay of "+c.vv.Name
	var nv *iir.Op
	if pf.SaturateDelta {
		// XyloSim v2: dv = sat(sat(−decay(v) + Σ currents) + bias), v = sat(v + dv)
		dv := b.bin(iir.OpSub, dec, v)
		dv.Scale, dv.Note = c.vv.Scale, "−decay of "+c.vv.Name
		if sum != nil {
			dv = b.resize(b.bin(iir.OpAdd, dv, sum), c.vv, pf.Overflow)
		}
		if c.bias != 0 {
			dv = b.resize(b.bin(iir.OpAdd, dv, b.konst(c.bias, c.vv.Scale, "bias")), c.vv, pf.Overflow)
		}
		nv = b.bin(iir.OpAdd, v, dv)
	} else {
		nv = dec
		if sum != nil {
			nv = b.bin(iir.OpAdd, nv, sum)
		}
		if c.bias != 0 {
			nv = b.bin(iir.OpAdd, nv, b.konst(c.bias, c.vv.Scale, "bias"))
		}
	}
	nv = b.resize(nv, c.vv, pf.Overflow)
	hold := false
	for _, o := range c.src.ODEs {
		if o.Var == c.v && o.UnlessRefractory && m.Ref != nil {
			hold = true
		}
	}
	b.store(c.vv, nv, hold)
	m.Update = b.k

	t := newKernel(m, "threshold")
	cmp := t.cmp(pf.ThresholdOp, t.load(c.vv), t.konst(c.thrInt, c.vv.Scale, fmt.Sprintf("%s − reset", iir.SIString(thr-c.vv.Offset, c.vv.Dim))))
	if m.Ref != nil {
		cmp = t.and(t.not(t.add(&iir.Op{Code: iir.OpRefractory})), cmp)
	}
	t.k.Out = cmp
	m.Threshold = t.k
	if pf.MaxSpikes > 1 && c.l.projects(c.out.SrcPop) {
		m.MaxSpikes = pf.MaxSpikes
		m.Notes = append(m.Notes, fmt.Sprintf("%s emits up to %d spikes a step: while %s %s %d it subtracts the threshold (XyloSim's hidden neurons; a population no projection leaves is a readout and emits one)",
			m.Pop, pf.MaxSpikes, c.vv.Name, pf.ThresholdOp, c.thrInt))
	}

	r := newKernel(m, "reset")
	switch pf.Reset {
	case "zero":
		r.store(c.vv, r.konst(0, c.vv.Scale, "the reset"), false)
	case "subtract":
		x := r.bin(iir.OpSub, r.load(c.vv), r.konst(c.thrInt, c.vv.Scale, "threshold"))
		r.store(c.vv, r.resize(x, c.vv, pf.Overflow), false)
		m.Notes = append(m.Notes, fmt.Sprintf("%s resets by subtracting the threshold: %s = %s becomes %s −= %s (what exceeded the threshold is kept)",
			pf.Name, c.v.Name, iir.SIString(c.vv.Offset, c.vv.Dim), c.v.Name, iir.SIString(float64(c.thrInt)*c.vv.Scale, c.vv.Dim)))
	}
	for _, s := range c.src.Reset {
		if rs, ok := s.(*ir.Refractory); ok {
			r.add(&iir.Op{Code: iir.OpRefract, Imm: c.l.steps(rs.Duration), Note: "refractory " + ir.ExprString(rs.Duration)})
			m.Notes = append(m.Notes, fmt.Sprintf("the refractory period is a counter per neuron: %s is held and the threshold masked while it runs (Loihi's refractory delay; Lava's PyLifModelBitAcc has none)", c.v.Name))
		}
	}
	m.Reset = r.k

	for _, cu := range c.curs {
		for _, p := range cu.ports {
			k := newKernel(m, "port "+p.Name)
			w := k.add(&iir.Op{Code: iir.OpWeight, Scale: p.WeightScale})
			code := iir.OpAdd
			if p.Why == "-=" {
				code = iir.OpSub
			}
			p.Why = ""
			if p.Input != nil {
				k.store(p.Input, k.resize(k.bin(code, k.load(p.Input), w), p.Input, pf.Overflow), false)
			} else {
				k.store(cu.x, k.resize(k.bin(code, k.load(cu.x), w), cu.x, pf.CurrentsOverflow()), false)
			}
			p.Kernel = k.k
			m.Ports = append(m.Ports, p)
		}
	}
	return true
}

// projects: a projection leaves pop (its neurons are hidden, not readouts).
func (l *lowerer) projects(pop *ir.Population) bool {
	for _, pr := range l.p.Projs {
		if pr.Pre.Pop == pop {
			return true
		}
	}
	return false
}

// zeroInit refuses a nonzero initial value of the membrane or a current on
// a profile whose device starts every neuron at 0 (XyloSim's state after
// reset).
func (c *comp) zeroInit() bool {
	ok := true
	vars := []*ir.Var{c.v}
	for _, cu := range c.curs {
		vars = append(vars, cu.src)
	}
	for _, v := range vars {
		if v.Init == nil {
			continue
		}
		if x, isConst := ir.ConstValue(v.Init); isConst && x == 0 {
			continue
		}
		c.l.errorf(v.Pos, "the initial value of %s (%s) cannot be expressed on %s: its neurons start at 0", v.Name, ir.ExprString(v.Init), c.l.prof.Name).Hint =
			"start the state at 0 for this target (a run may begin with a settling period), or use the q16 profile"
		ok = false
	}
	return ok
}
