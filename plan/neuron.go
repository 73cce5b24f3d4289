package plan

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/snnc/snnc/ir"
)

// The neuron update: one loop per ODE system of a population, in the
// model's order, each computing exactly the interpreter's operations per
// neuron (the vector kernels do the same operations lane by lane).

// updateLoop lowers one system.
func (b *builder) updateLoop(pp *Pop, m *ir.Model, sys *ir.System) (*Loop, error) {
	refr := b.refrArr[pp]
	l := newLowerer(b.neuronVars(pp), refr, b.p.Dt)
	names := make([]string, len(sys.Vars))
	for j, v := range sys.Vars {
		names[j] = v.Name
	}
	loop := &Loop{Name: fmt.Sprintf("%s %s (%s)", pp.Name, strings.Join(names, ","), sys.Method), Over: pp.Name, Space: Neurons, N: pp.N}
	var err error
	switch sys.Method {
	case ir.Exact:
		loop.Kernel, err = b.exact(l, pp, sys)
	case ir.RK4:
		err = b.rk4(l, pp, sys)
	case ir.Euler:
		loop.Kernel, err = b.euler(l, pp, sys, m.NoiseNames())
		if l.draws > 0 {
			loop.Stream = NoiseStream(pp.Name)
		}
	default:
		err = fmt.Errorf("unknown method %s", sys.Method)
	}
	if err != nil {
		return nil, fmt.Errorf("population %s: %w", pp.Name, err)
	}
	loop.Ops = l.finish()
	return loop, nil
}

// neuronVars resolves a population's own variables to its arrays.
func (b *builder) neuronVars(pp *Pop) func(*ir.Var, ir.Side) (slot, error) {
	return func(v *ir.Var, side ir.Side) (slot, error) {
		if side != ir.Own {
			return slot{}, fmt.Errorf("%s.%s in a neuron equation", sideName(side), v.Name)
		}
		a, ok := b.popArr[pp][v]
		if !ok {
			return slot{}, fmt.Errorf("no storage for %s in %s", v.Name, pp.Name)
		}
		return slot{arr: a, b: v.Bool}, nil
	}
}

func sideName(s ir.Side) string {
	if s == ir.Pre {
		return "pre"
	}
	return "post"
}

// row is Σ Xc[k]·x[Xi[k]] + Σ Uc[k]·u[Ui[k]] + R, summed from the left;
// lead adds the sum to 0 first (the interpreter's general row loop),
// which only differs from the short forms for a sum of -0.
func (l *lowerer) row(rw ir.Row, x, u []int, lead bool) int {
	acc := -1
	if lead {
		acc = l.konst(0)
	}
	add := func(t int) {
		if acc < 0 {
			acc = t
		} else {
			acc = l.pure(Add, "", acc, t)
		}
	}
	for k, c := range rw.Xi {
		add(l.pure(Mul, "", l.konst(rw.Xc[k]), x[c]))
	}
	for k, c := range rw.Ui {
		add(l.pure(Mul, "", l.konst(rw.Uc[k]), u[c]))
	}
	if acc < 0 {
		return l.konst(rw.R)
	}
	return l.pure(Add, "", acc, l.konst(rw.R))
}

// exact lowers x <- P·x + Q·u + r (PRef while refractory) and names the
// kernels the interpreter runs it with.
func (b *builder) exact(l *lowerer, pp *Pop, sys *ir.System) (string, error) {
	x := make([]int, len(sys.Vars))
	slots := make([]slot, len(sys.Vars))
	for j, v := range sys.Vars {
		s, err := l.vars(v, ir.Own)
		if err != nil {
			return "", err
		}
		slots[j] = s
		x[j] = l.read(s)
	}
	u := make([]int, len(sys.Inputs))
	for k, v := range sys.Inputs {
		if sys.InputSides != nil && sys.InputSides[k] != ir.Own {
			return "", fmt.Errorf("neuron equations cannot read pre./post. variables")
		}
		s, err := l.vars(v, ir.Own)
		if err != nil {
			return "", fmt.Errorf("input %s of the system of %s has no storage", v.Name, sys.Vars[0].Name)
		}
		u[k] = l.read(s)
	}
	rows := ir.Rows(sys.P, sys.Q, sys.R)
	var ref []ir.Row
	if sys.PRef != nil {
		ref = ir.Rows(sys.PRef, sys.QRef, sys.RRef)
	}
	var kern []string
	refr := func() int { id, _ := l.refractory(); return id }
	if order := ir.InPlaceOrder(sys); order != nil {
		// row by row, in place: each row's loop reads old values only
		held := -1
		for _, j := range order {
			rw := rows[j]
			hold := sys.Clamped[j] && ref != nil
			short := len(rw.Ui) == 0 && (len(rw.Xi) == 3 || !hold && (len(rw.Xi) == 1 || len(rw.Xi) == 2))
			v := l.row(rw, x, u, !short)
			name := "row"
			switch {
			case short && hold:
				name = "row3Held"
			case short:
				name = fmt.Sprintf("row%d", len(rw.Xi))
			}
			if hold { // a clamped variable keeps its value while refractory
				if held < 0 {
					held = refr()
				}
				v = l.pure(Select, "", held, x[j], v)
				if name == "row" {
					name = "rowHeld"
				}
			}
			kern = append(kern, name+" "+sys.Vars[j].Name)
			l.write(slots[j], v)
		}
		l.flush()
		return strings.Join(kern, "; "), nil
	}
	if len(x) == 1 && len(u) == 0 && ref == nil {
		// one decaying variable: c*x + r, c = 0 without a term
		c := 0.0
		if len(rows[0].Xc) == 1 {
			c = rows[0].Xc[0]
		}
		l.write(slots[0], l.pure(Add, "", l.pure(Mul, "", l.konst(c), x[0]), l.konst(rows[0].R)))
		l.flush()
		return "row1 " + sys.Vars[0].Name, nil
	}
	// neuron by neuron from the old values, with PRef's rows while refractory
	held := -1
	for j := range rows {
		v := l.row(rows[j], x, u, true)
		if ref != nil && !ir.SameRow(rows[j], ref[j]) {
			if held < 0 {
				held = refr()
			}
			v = l.pure(Select, "", held, l.row(ref[j], x, u, true), v)
		}
		l.write(slots[j], v)
	}
	l.flush()
	return "", nil
}

// rhs lowers the right sides of a system at the point vals (the system's
// variables' values) and time t + at; a clamped variable's derivative is 0
// while the neuron is refractory.
func (b *builder) rhs(l *lowerer, sys *ir.System, vals []int, at float64, held func() int) ([]int, error) {
	l.over = map[*ir.Var]int{}
	for j, v := range sys.Vars {
		l.over[v] = vals[j]
	}
	l.timeK = at
	defer func() { l.over, l.timeK = nil, 0 }()
	ks := make([]int, len(sys.ODEs))
	for j, o := range sys.ODEs {
		k, err := l.expr(o.Rhs)
		if err != nil {
			return nil, fmt.Errorf("equation of %s: %w", o.Var.Name, err)
		}
		if sys.Clamped != nil && sys.Clamped[j] {
			k = l.pure(Select, "", held(), l.konst(0), k)
		}
		ks[j] = k
	}
	return ks, nil
}

// loadSystem reads the system's variables.
func loadSystem(l *lowerer, sys *ir.System) ([]int, []slot, error) {
	x := make([]int, len(sys.Vars))
	slots := make([]slot, len(sys.Vars))
	for j, v := range sys.Vars {
		s, err := l.vars(v, ir.Own)
		if err != nil {
			return nil, nil, err
		}
		slots[j], x[j] = s, l.read(s)
	}
	return x, slots, nil
}

func (l *lowerer) heldOnce() func() int {
	id := -1
	return func() int {
		if id < 0 {
			id, _ = l.refractory()
		}
		return id
	}
}

// NoiseStream is the random stream of a population's white noise: one for
// all its update loops, so a noise named in two equations is one noise.
func NoiseStream(pop string) string { return pop + " noise" }

// euler lowers x <- x + dt·f(x): every right side at the old values, then
// each variable's step. With white noise (Euler–Maruyama, Itô) each term
// g·xi adds (g·sqrt(dt))·z after it, g at the old values, z = randn draw number of xi in noises (the
// model's noise names): x + dt·f + (g1·sqrt(dt))·z1 + ...; held like f
// while a clamped variable's neuron is refractory.
func (b *builder) euler(l *lowerer, pp *Pop, sys *ir.System, noises []string) (string, error) {
	x, slots, err := loadSystem(l, sys)
	if err != nil {
		return "", err
	}
	if b.refrArr[pp] < 0 && slices.Contains(sys.Clamped, true) {
		return "", fmt.Errorf("clamped variables without refractory state")
	}
	ks, err := b.rhs(l, sys, x, 0, l.heldOnce())
	if err != nil {
		return "", err
	}
	dt := l.konst(b.p.Dt)
	z := map[string]int{}
	held := l.heldOnce()
	// every new value first, then the writes: a noise coefficient that
	// reads the system's variables (multiplicative noise, Itô) reads their
	// old values, as the drift does
	news := make([]int, len(sys.ODEs))
	for j, o := range sys.ODEs {
		v := l.pure(Add, "", x[j], l.pure(Mul, "", dt, ks[j]))
		for _, n := range o.Noise {
			g, err := l.expr(n.Coef)
			if err != nil {
				return "", fmt.Errorf("noise of %s: %w", o.Var.Name, err)
			}
			if _, ok := z[n.Name]; !ok {
				z[n.Name] = l.emit(Op{Code: Rand, Type: Float, Fn: "randn", K: float64(slices.Index(noises, n.Name)), Arr: -1})
				l.draws++
			}
			w := l.pure(Mul, "", l.pure(Mul, "", g, l.konst(math.Sqrt(b.p.Dt))), z[n.Name])
			if sys.Clamped != nil && sys.Clamped[j] {
				w = l.pure(Select, "", held(), l.konst(0), w)
			}
			v = l.pure(Add, "", v, w)
		}
		news[j] = v
	}
	for j, v := range news {
		l.write(slots[j], v)
	}
	l.flush()
	return eulerKernels(sys), nil
}

// rk4 lowers the classical Runge-Kutta step as the interpreter computes
// it: acc = k1/6 + 2k2/6 + 2k3/6 + k4/6, each stage at x0 + (frac·dt)·k,
// then x0 + dt·acc.
func (b *builder) rk4(l *lowerer, pp *Pop, sys *ir.System) error {
	x0, slots, err := loadSystem(l, sys)
	if err != nil {
		return err
	}
	held := l.heldOnce()
	dt := b.p.Dt
	stages := []struct{ at, weight, next float64 }{{0, 1.0 / 6, 0.5}, {dt / 2, 2.0 / 6, 0.5}, {dt / 2, 2.0 / 6, 1}, {dt, 1.0 / 6, 0}}
	stage := x0
	acc := make([]int, len(x0))
	for s, st := range stages {
		ks, err := b.rhs(l, sys, stage, st.at, held)
		if err != nil {
			return err
		}
		next := make([]int, len(x0))
		for j, k := range ks {
			w := l.pure(Mul, "", l.konst(st.weight), k)
			if s == 0 {
				acc[j] = w
			} else {
				acc[j] = l.pure(Add, "", acc[j], w)
			}
			if st.next != 0 {
				next[j] = l.pure(Add, "", x0[j], l.pure(Mul, "", l.konst(st.next*dt), k))
			}
		}
		stage = next
	}
	for j := range x0 {
		l.write(slots[j], l.pure(Add, "", x0[j], l.pure(Mul, "", l.konst(dt), acc[j])))
	}
	l.flush()
	return nil
}
