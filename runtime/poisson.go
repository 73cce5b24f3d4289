package rt

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
)

// Poisson inputs as NEST's poisson_generator: at each step every source
// emits a Poisson-distributed number of spikes with mean rate·dt, so a
// rate above 1/dt is kept (20 kHz at dt = 0.1 ms is two spikes a step on
// average, not one). A source spiking k times in a step appears k times in
// Step's list, so each of its synapses delivers k·weight. The rate is a
// constant, a constant per source, an expression of the time t (and of
// the source index i) or a time series (Rate).
//
// The count of source i at step n is a counter-based draw keyed by (i, n)
// (DrawBlock), never carried from one draw to the next: the same for every
// thread count, backend and rank. Static rates below one spike per step
// first find the (step, source) points with at least one spike by
// geometric skipping over the lattice (O(spikes), as NewPoisson), then
// draw each point's count, at least one, keyed by (i, n).

// Rate is the rate of a Poisson input, as plan.InputRate lowers it: one of
// the forms below (Hz, s).
type Rate struct {
	Hz        float64   // the same constant rate for every source
	PerSource []float64 // a constant rate per source
	// Expr is an expression of t (and of i when PerI): the rate at each step.
	Expr []RateOp
	PerI bool
	// Times and Values: a time series, the rates Values[k·Cols:(k+1)·Cols]
	// from Times[k] on (0 before Times[0]); Cols is 1 (every source) or n.
	Times  []float64
	Values []float64
	Cols   int
	// File names a CSV file of per-source rates or a time series, read by
	// LoadRates before the source is made.
	File string
}

// RateCode is an operation of a rate expression.
type RateCode uint8

const (
	RConst  RateCode = iota // push K
	RTime                   // push t
	RIndex                  // push i
	RUnary                  // Fn "-" or "not" of the top
	RBinary                 // Fn (+ - * / % ^ < <= > >= == != and or) of the two top values
	RSelect                 // c ? a : b, popping b, a, c
	RCall                   // Fn of the K top values (Builtin)
)

// RateOp is one operation of a rate expression in postfix order.
type RateOp struct {
	Code RateCode
	K    float64
	Fn   string
}

// evalRate computes a postfix rate expression at time t for source i.
func evalRate(ops []RateOp, t float64, i int, st []float64) ([]float64, float64) {
	st = st[:0]
	for _, op := range ops {
		switch op.Code {
		case RConst:
			st = append(st, op.K)
		case RTime:
			st = append(st, t)
		case RIndex:
			st = append(st, float64(i))
		case RUnary:
			x := st[len(st)-1]
			if op.Fn == "not" {
				st[len(st)-1] = b2f(x == 0)
			} else {
				st[len(st)-1] = -x
			}
		case RBinary:
			a, b := st[len(st)-2], st[len(st)-1]
			st = st[:len(st)-1]
			st[len(st)-1] = Binary(op.Fn, a, b)
		case RSelect:
			c, a, b := st[len(st)-3], st[len(st)-2], st[len(st)-1]
			st = st[:len(st)-2]
			if c != 0 {
				st[len(st)-1] = a
			} else {
				st[len(st)-1] = b
			}
		case RCall:
			k := len(st) - int(op.K)
			v, _ := Builtin(op.Fn, st[k:])
			st = append(st[:k], v)
		}
	}
	return st, st[len(st)-1]
}

// EvalRate is the value of a postfix rate expression at time t (s) for
// source i.
func EvalRate(ops []RateOp, t float64, i int) float64 {
	_, v := evalRate(ops, t, i, nil)
	return v
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// Binary applies a binary operator of the language to two values.
func Binary(op string, a, b float64) float64 {
	switch op {
	case "+":
		return a + b
	case "-":
		return a - b
	case "*":
		return a * b
	case "/":
		return a / b
	case "%":
		return math.Mod(a, b)
	case "^":
		return math.Pow(a, b)
	case "<":
		return b2f(a < b)
	case "<=":
		return b2f(a <= b)
	case ">":
		return b2f(a > b)
	case ">=":
		return b2f(a >= b)
	case "==":
		return b2f(a == b)
	case "!=":
		return b2f(a != b)
	case "and":
		return b2f(a != 0 && b != 0)
	case "or":
		return b2f(a != 0 || b != 0)
	}
	return math.NaN()
}

// Builtin applies a deterministic built-in function of the language (the
// one table constant folding, the plan and the rate expressions share); ok
// is false for another name.
func Builtin(fn string, a []float64) (float64, bool) {
	if f := builtins1[fn]; f != nil {
		return f(a[0]), true
	}
	switch fn {
	case "pow":
		return math.Pow(a[0], a[1]), true
	case "min":
		m := a[0]
		for _, v := range a[1:] {
			m = math.Min(m, v)
		}
		return m, true
	case "max":
		m := a[0]
		for _, v := range a[1:] {
			m = math.Max(m, v)
		}
		return m, true
	case "clip":
		return math.Min(math.Max(a[0], a[1]), a[2]), true
	}
	return 0, false
}

// builtins1 are the built-ins of one argument.
var builtins1 = map[string]func(float64) float64{"exp": math.Exp, "log": math.Log, "sqrt": math.Sqrt, "abs": math.Abs,
	"sin": math.Sin, "cos": math.Cos, "tanh": math.Tanh, "sigmoid": func(x float64) float64 { return 1 / (1 + math.Exp(-x)) },
	"floor": math.Floor, "ceil": math.Ceil, "round": math.Round}

// Builtin1 is the built-in fn of one argument, nil if fn takes another
// number: Builtin's own definition, for executors that resolve a call once.
func Builtin1(fn string) func(float64) float64 { return builtins1[fn] }

// poissonChunk bounds the mean of one inversion: e^-500 is still a normal
// float64, and a larger mean is drawn as the sum of chunks (a sum of
// independent Poisson counts is Poisson with the summed mean).
const poissonChunk = 500

// PoissonCount is a Poisson-distributed count of mean lam (negative or NaN:
// 0) for source index at step: a pure function of (key, index, step), by
// inversion of one uniform per chunk of mean (draw numbers 0, 1, ...).
func PoissonCount(key uint64, index, step int, lam float64) int {
	if !(lam > 0) {
		return 0
	}
	m := int(math.Ceil(lam / poissonChunk))
	lam /= float64(m)
	c := math.Exp(-lam)
	k := 0
	for j := range m {
		u := DrawUniform(key, index, step, j)
		if u >= c {
			k += poissonFrom1(lam, u-c)
		}
	}
	return k
}

// poissonFrom1 is the k ≥ 1 at which P(1 ≤ K ≤ k) of a Poisson(lam) count
// first exceeds target (0 ≤ target < P(K ≥ 1)): inversion from 1 on.
func poissonFrom1(lam, target float64) int {
	pk := math.Exp(-lam) * lam
	cum := pk
	k := 1
	for cum <= target {
		k++
		pk *= lam / float64(k)
		if pk == 0 && float64(k) > lam { // rounding left target out of reach
			break
		}
		cum += pk
	}
	return k
}

// NewPoissonInput makes the poisson input named name of n sources with
// rate r, its rate file (if any) read through path, with the lattice
// stream and the count key every executor uses.
func NewPoissonInput(name string, n int, r Rate, seed uint64, dt float64, path func(string) string) (Source, error) {
	if r.File != "" {
		var err error
		if r, err = LoadRates(path(r.File), n); err != nil {
			return nil, err
		}
	}
	return NewPoissonCounts(n, r, dt, NewStream(seed, Hash("input", name)), DrawKey(seed, "input "+name))
}

type poissonCounts struct {
	n   int
	dt  float64
	r   Rate
	key uint64
	lam []float64 // static rates: each source's mean per step
	st  []float64
	lat *lattice // static rates below one spike a step: the points with a spike
	buf []int32
}

// NewPoissonCounts returns n Poisson sources of rate r on the dt grid, each
// emitting a Poisson count of spikes per step (NEST's poisson_generator).
// rng is the stream of the lattice of static low rates, key the key of the
// counts (DrawKey).
func NewPoissonCounts(n int, r Rate, dt float64, rng *Stream, key uint64) (Source, error) {
	if r.File != "" {
		return nil, fmt.Errorf("%s: the rate file is not loaded (LoadRates)", r.File)
	}
	if r.PerSource != nil && len(r.PerSource) != n {
		return nil, fmt.Errorf("%d rates for %d sources", len(r.PerSource), n)
	}
	if r.Times != nil && (r.Cols != 1 && r.Cols != n || len(r.Values) != len(r.Times)*r.Cols) {
		return nil, fmt.Errorf("a rate series of %d columns for %d sources", r.Cols, n)
	}
	p := &poissonCounts{n: n, dt: dt, r: r, key: key}
	if r.Expr != nil || r.Times != nil {
		return p, nil
	}
	p.lam = make([]float64, n)
	lmax := 0.0
	for i := range p.lam {
		hz := r.Hz
		if r.PerSource != nil {
			hz = r.PerSource[i]
		}
		if hz < 0 || math.IsNaN(hz) || math.IsInf(hz, 0) {
			return nil, fmt.Errorf("rate %g Hz of source %d: rates must be finite and >= 0", hz, i)
		}
		p.lam[i] = hz * dt
		lmax = max(lmax, p.lam[i])
	}
	if lmax < 1 {
		// P(at least one spike) = 1 - e^-lam
		pmax := -math.Expm1(-lmax)
		l := &lattice{n: n, p: pmax}
		if rng != nil {
			l.rng0 = *rng
		}
		if r.PerSource != nil {
			l.thin = func(i int, _ int64) float64 { return -math.Expm1(-p.lam[i]) / pmax }
		}
		l.reset()
		p.lat = l
	}
	return p, nil
}

func (p *poissonCounts) Size() int { return p.n }

func (p *poissonCounts) Step(step int) []int32 {
	p.buf = p.buf[:0]
	if p.lat != nil {
		for _, i := range p.lat.Step(step) {
			lam := p.lam[i]
			// the count given at least one spike
			k := poissonFrom1(lam, DrawUniform(p.key, int(i), step, 0)*-math.Expm1(-lam))
			p.emit(i, k)
		}
		return p.buf
	}
	t := float64(step) * p.dt
	shared, uniform := false, 0.0 // the mean of every source, when they share it
	var row []float64
	switch {
	case p.lam != nil:
	case p.r.Expr != nil && !p.r.PerI:
		var v float64
		p.st, v = evalRate(p.r.Expr, t, 0, p.st)
		shared, uniform = true, v*p.dt
	case p.r.Times != nil:
		k := p.seriesRow(step)
		if k < 0 {
			return p.buf
		}
		row = p.r.Values[k*p.r.Cols : (k+1)*p.r.Cols]
		if p.r.Cols == 1 {
			shared, uniform = true, row[0]*p.dt
		}
	}
	for i := range p.n {
		lam := uniform
		switch {
		case shared:
		case p.lam != nil:
			lam = p.lam[i]
		case row != nil:
			lam = row[i] * p.dt
		default:
			var v float64
			p.st, v = evalRate(p.r.Expr, t, i, p.st)
			lam = v * p.dt
		}
		// a negative rate counts as 0 (checked where it is constant)
		p.emit(int32(i), PoissonCount(p.key, i, step, lam))
	}
	return p.buf
}

// seriesRow is the row of the time series in force at step n (-1 before
// the first time): the last k whose time falls in a step <= n.
func (p *poissonCounts) seriesRow(n int) int {
	k := -1
	for j, t := range p.r.Times {
		if spikeTimeStep(t, p.dt) > int64(n) {
			break
		}
		k = j
	}
	return k
}

func (p *poissonCounts) emit(i int32, k int) {
	for range k {
		p.buf = append(p.buf, i)
	}
}

// LoadRates reads a rate file for n sources: one rate in Hz per line (n
// lines: a rate per source), or lines `time_ms,rate_Hz` (one series for
// every source) or `time_ms,r_0,...,r_{n-1}` (one per source), times
// increasing, each rate holding from its time until the next (0 before
// the first). An optional header line, blank lines and '#' comments are
// allowed. Errors name file:line.
func LoadRates(path string, n int) (Rate, error) {
	f, err := os.Open(path)
	if err != nil {
		return Rate{}, err
	}
	defer f.Close()
	var r Rate
	cols, line, first := -1, 0, 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 64<<20)
	seenData := false
	for sc.Scan() {
		line++
		text := stripComment(sc.Text())
		if text == "" {
			continue
		}
		fields := splitCSV(text)
		if !seenData && isHeader(fields) {
			seenData = true
			continue
		}
		seenData = true
		if cols < 0 {
			cols, first = len(fields), line
			if cols > 2 && cols != n+1 {
				return Rate{}, fmt.Errorf("%s:%d: a time series of %d rates for %d sources; expected time_ms,rate_Hz or time_ms and %d rates", path, line, cols-1, n, n)
			}
		}
		if len(fields) != cols {
			return Rate{}, fmt.Errorf("%s:%d: expected %d values (as on line %d), got %d", path, line, cols, first, len(fields))
		}
		for c, fs := range fields {
			v, err := strconv.ParseFloat(fs, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return Rate{}, fmt.Errorf("%s:%d: column %d: expected a number, got %q", path, line, c+1, fs)
			}
			if v < 0 {
				what := "rate"
				if c == 0 && cols > 1 {
					what = "time"
				}
				return Rate{}, fmt.Errorf("%s:%d: negative %s %s; %ss must be >= 0", path, line, what, fs, what)
			}
			if c == 0 && cols > 1 {
				t := v * 1e-3
				if k := len(r.Times); k > 0 && t <= r.Times[k-1] {
					return Rate{}, fmt.Errorf("%s:%d: time %s ms is not after the previous line's; times must increase", path, line, fs)
				}
				r.Times = append(r.Times, t)
				continue
			}
			r.Values = append(r.Values, v)
		}
	}
	if err := sc.Err(); err != nil {
		return Rate{}, fmt.Errorf("%s:%d: %v", path, line+1, err)
	}
	switch {
	case cols < 0:
		return Rate{}, fmt.Errorf("%s: no rates", path)
	case cols == 1:
		if len(r.Values) != n {
			return Rate{}, fmt.Errorf("%s: %d rates for %d sources (one rate per line, one line per source)", path, len(r.Values), n)
		}
		r.PerSource = r.Values
		r.Values = nil
	default:
		r.Cols = cols - 1
	}
	return r, nil
}

// AtMostOnce returns src with each source listed at most once a step.
func AtMostOnce(src Source) Source { return &onceSource{src: src} }

type onceSource struct {
	src Source
	buf []int32
}

func (o *onceSource) Size() int { return o.src.Size() }

func (o *onceSource) Step(n int) []int32 {
	o.buf = append(o.buf[:0], o.src.Step(n)...)
	return slices.Compact(o.buf) // ascending: repeats are adjacent
}
