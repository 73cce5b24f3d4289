package rt

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
)

// Source is a spike input. Step(n) returns the indices spiking at step n
// (t = n·dt), ascending, in a buffer reused by the next call. Steps are
// meant to be asked in order 0, 1, 2, ...; skipping ahead gives the same
// spikes as asking every step, and going back replays from the start.
type Source interface {
	Size() int
	Step(n int) []int32
}

// spikeTimeStep is the step a spike at time t (s) falls in: Brian2's
// SpikeGeneratorGroup rule, floor((t + 1e-3·dt)/dt), so that times on the
// grid are not pushed to the previous step by rounding.
func spikeTimeStep(t, dt float64) int64 {
	return int64(math.Floor(t/dt + 1e-3))
}

// ---------------------------------------------------------------- Poisson

// lattice generates accepted events on the (step, neuron) lattice, flattened
// as pos = step·n + neuron, with one stream: candidates are found by
// geometric skipping with probability p (each lattice point independently),
// then optionally thinned. The events therefore depend only on the stream,
// never on thread count or on how the steps are asked for.
type lattice struct {
	n    int
	p    float64
	rng0 Stream
	rng  Stream
	pos  int64 // last accepted event, or -1
	next int   // the step expected next
	buf  []int32
	// thin, if set, returns the acceptance probability of the candidate
	// (neuron i, step); gate, if set, returns (false, resume step) for steps
	// where no spikes can occur.
	thin func(i int, step int64) float64
	gate func(step int64) (bool, int64)
}

func (l *lattice) reset() {
	l.rng = l.rng0
	l.pos = -1
	l.next = 0
	if l.p > 0 && l.n > 0 {
		l.advance()
	} else {
		l.pos = math.MaxInt64
	}
}

// advance moves pos to the next accepted event.
func (l *lattice) advance() {
	n := int64(l.n)
	for {
		l.pos += 1 + l.rng.Geometric(l.p)
		if l.pos >= 1<<62 {
			l.pos = math.MaxInt64
			return
		}
		step := l.pos / n
		if l.gate != nil {
			if ok, resume := l.gate(step); !ok {
				// memoryless: restart the skipping at the resume step
				l.pos = resume*n - 1
				continue
			}
		}
		if l.thin != nil {
			a := l.thin(int(l.pos-step*n), step)
			if a < 1 && !(l.rng.Float64() < a) {
				continue
			}
		}
		return
	}
}

func (l *lattice) Size() int { return l.n }

func (l *lattice) Step(step int) []int32 {
	if step < l.next {
		l.reset()
	}
	n := int64(l.n)
	lo := int64(step) * n
	hi := lo + n
	for l.pos < lo {
		l.advance()
	}
	l.buf = l.buf[:0]
	for l.pos < hi {
		l.buf = append(l.buf, int32(l.pos-lo))
		l.advance()
	}
	l.next = step + 1
	return l.buf
}

// NewPoisson returns n independent Poisson trains of the given rate (Hz)
// sampled on the dt grid: as in Brian2's PoissonGroup, neuron i spikes at a
// step with probability min(1, rate·dt), independently. Instead of one
// uniform per neuron per step, the gaps between spikes on the flattened
// (step, neuron) lattice are drawn as geometric deviates (inversion of one
// uniform each) from the single stream rng: the same distribution, O(spikes)
// work, and results that depend only on the seed.
func NewPoisson(n int, rate, dt float64, rng *Stream) Source {
	p := math.Min(1, rate*dt)
	if !(p > 0) {
		p = 0
	}
	l := &lattice{n: n, p: p}
	if rng != nil {
		l.rng0 = *rng
	}
	l.reset()
	return l
}

// ------------------------------------------------------------ spike times

type timedSpike struct {
	t    float64 // seconds
	i    int32
	line int // source line, 0 if none
}

type spikeTimes struct {
	n      int
	dt     float64
	period float64
	ev     []timedSpike // sorted by t, then i
	cycle  int64
	e      int
	next   int
	buf    []int32
}

// NewSpikeTimes returns a source that spikes at the given times (seconds):
// with indices nil, all n neurons at each time; otherwise neuron indices[k]
// at times[k]. With period > 0 the pattern repeats every period (all times
// must then be < period); period 0 plays it once. A time t falls in step
// floor(t/dt + 0.001) (Brian2's rule). A neuron spiking twice in one step is
// an error.
func NewSpikeTimes(n int, times []float64, indices []int, period, dt float64) (Source, error) {
	if n < 0 {
		return nil, fmt.Errorf("spike_times: n must be >= 0, got %d", n)
	}
	if !(dt > 0) {
		return nil, fmt.Errorf("spike_times: dt must be > 0, got %g", dt)
	}
	if !(period >= 0) || math.IsInf(period, 0) {
		return nil, fmt.Errorf("spike_times: period must be >= 0, got %g", period)
	}
	if indices != nil && len(indices) != len(times) {
		return nil, fmt.Errorf("spike_times: %d indices for %d times", len(indices), len(times))
	}
	var ev []timedSpike
	for k, t := range times {
		if !(t >= 0) || math.IsInf(t, 0) {
			return nil, fmt.Errorf("spike_times: time %d is %g s; times must be finite and >= 0", k, t)
		}
		if period > 0 && t >= period {
			return nil, fmt.Errorf("spike_times: time %g s is not before the period %g s", t, period)
		}
		if indices == nil {
			for i := 0; i < n; i++ {
				ev = append(ev, timedSpike{t: t, i: int32(i)})
			}
			continue
		}
		i := indices[k]
		if i < 0 || i >= n {
			return nil, fmt.Errorf("spike_times: index %d out of range 0..%d", i, n-1)
		}
		ev = append(ev, timedSpike{t: t, i: int32(i)})
	}
	return newSpikeTimes(n, ev, period, dt, "spike_times")
}

func newSpikeTimes(n int, ev []timedSpike, period, dt float64, where string) (*spikeTimes, error) {
	slices.SortStableFunc(ev, func(a, b timedSpike) int {
		if a.t != b.t {
			if a.t < b.t {
				return -1
			}
			return 1
		}
		return int(a.i) - int(b.i)
	})
	// a neuron may spike once per step
	last := map[int32]int{} // neuron -> index in ev of its last spike
	for k, e := range ev {
		if j, ok := last[e.i]; ok {
			if spikeTimeStep(ev[j].t, dt) == spikeTimeStep(e.t, dt) {
				pos := where
				if e.line > 0 {
					pos = fmt.Sprintf("%s:%d", where, e.line)
				}
				return nil, fmt.Errorf("%s: neuron %d spikes twice in time step %d (at %s and %s, dt = %s); a neuron spikes at most once per step",
					pos, e.i, spikeTimeStep(e.t, dt), fmtMS(ev[j].t), fmtMS(e.t), fmtMS(dt))
			}
		}
		last[e.i] = k
	}
	s := &spikeTimes{n: n, dt: dt, period: period, ev: ev}
	return s, nil
}

func fmtMS(t float64) string { return strconv.FormatFloat(t*1e3, 'g', -1, 64) + " ms" }

func (s *spikeTimes) Size() int { return s.n }

func (s *spikeTimes) Step(n int) []int32 {
	if n < s.next {
		s.cycle, s.e = 0, 0
	}
	s.next = n + 1
	s.buf = s.buf[:0]
	if len(s.ev) == 0 {
		return s.buf
	}
	for {
		if s.e == len(s.ev) {
			if s.period == 0 {
				break
			}
			s.cycle++
			s.e = 0
		}
		st := spikeTimeStep(s.ev[s.e].t+float64(s.cycle)*s.period, s.dt)
		if st > int64(n) {
			break
		}
		if st == int64(n) {
			s.buf = append(s.buf, s.ev[s.e].i)
		}
		s.e++
	}
	if len(s.buf) > 1 {
		slices.Sort(s.buf)
		s.buf = slices.Compact(s.buf)
	}
	return s.buf
}

// LoadSpikeFile reads a spike file: CSV rows "index,time" with the time in
// ms (docs/language.md), one spike per row, an optional header line, blank
// lines and '#' comments allowed. n = 0 means the largest index + 1.
// Errors name file:line and what was expected.
func LoadSpikeFile(path string, n int, dt float64) (Source, error) {
	if !(dt > 0) {
		return nil, fmt.Errorf("%s: dt must be > 0, got %g", path, dt)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var ev []timedSpike
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	seenData := false
	maxIdx := int64(-1)
	for sc.Scan() {
		line++
		text := stripComment(sc.Text())
		if text == "" {
			continue
		}
		first := !seenData
		seenData = true
		fields := splitCSV(text)
		if len(fields) != 2 {
			return nil, fmt.Errorf("%s:%d: expected index,time (e.g. 3,12.5), got %q", path, line, text)
		}
		idx, err1 := strconv.ParseInt(fields[0], 10, 32)
		t, err2 := strconv.ParseFloat(fields[1], 64)
		if err1 != nil || err2 != nil {
			if first && isHeader(fields) {
				continue
			}
			return nil, fmt.Errorf("%s:%d: expected index,time (e.g. 3,12.5), got %q", path, line, text)
		}
		if idx < 0 || (n > 0 && idx >= int64(n)) {
			return nil, fmt.Errorf("%s:%d: index %d out of range 0..%d (n = %d)", path, line, idx, n-1, n)
		}
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return nil, fmt.Errorf("%s:%d: expected a finite time in ms, got %q", path, line, fields[1])
		}
		if t < 0 {
			return nil, fmt.Errorf("%s:%d: negative time %s ms; spike times must be >= 0", path, line, fields[1])
		}
		maxIdx = max(maxIdx, idx)
		ev = append(ev, timedSpike{t: t * 1e-3, i: int32(idx), line: line})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %v", path, line+1, err)
	}
	if n == 0 {
		if maxIdx < 0 {
			return nil, fmt.Errorf("%s: no spikes in the file, so its size is unknown; give n", path)
		}
		n = int(maxIdx) + 1
	}
	return newSpikeTimes(n, ev, 0, dt, path)
}

// ----------------------------------------------------------------- dataset

// LoadDataset reads a CSV data set: one row per sample, one column per
// input neuron, values in [0, 1] (an optional header line, blank lines and
// '#' comments allowed). Rows are presented in order, cycling: during
// `present` (s) neuron i fires as a Poisson train of rate value_i·rate (Hz),
// then all are silent for `rest`. Presentation and rest are rounded to whole
// steps. It returns the source and its size (the number of columns).
// Spikes come from one stream by geometric skipping on the (step, neuron)
// lattice at the full rate, thinned with probability value_i.
func LoadDataset(path string, present, rest, rate, dt float64, rng *Stream) (Source, int, error) {
	if !(dt > 0) {
		return nil, 0, fmt.Errorf("%s: dt must be > 0, got %g", path, dt)
	}
	if !(present > 0) {
		return nil, 0, fmt.Errorf("%s: present must be > 0, got %g s", path, present)
	}
	if !(rest >= 0) {
		return nil, 0, fmt.Errorf("%s: rest must be >= 0, got %g s", path, rest)
	}
	if !(rate >= 0) || math.IsInf(rate, 0) {
		return nil, 0, fmt.Errorf("%s: rate must be >= 0, got %g Hz", path, rate)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	var vals []float32
	cols, rows := -1, 0
	firstLine := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 64<<20)
	line := 0
	seenData := false
	for sc.Scan() {
		line++
		text := stripComment(sc.Text())
		if text == "" {
			continue
		}
		first := !seenData
		seenData = true
		fields := splitCSV(text)
		if first && isHeader(fields) {
			continue
		}
		if cols >= 0 && len(fields) != cols {
			return nil, 0, fmt.Errorf("%s:%d: expected %d values (as on line %d), got %d", path, line, cols, firstLine, len(fields))
		}
		for c, fs := range fields {
			v, err := strconv.ParseFloat(fs, 64)
			if err != nil || !(v >= 0 && v <= 1) {
				return nil, 0, fmt.Errorf("%s:%d: column %d: expected a number in [0, 1], got %q", path, line, c+1, fs)
			}
			vals = append(vals, float32(v))
		}
		if cols < 0 {
			cols, firstLine = len(fields), line
		}
		rows++
	}
	if err := sc.Err(); err != nil {
		return nil, 0, fmt.Errorf("%s:%d: %v", path, line+1, err)
	}
	if rows == 0 {
		return nil, 0, fmt.Errorf("%s: no samples (expected rows of values in [0, 1])", path)
	}
	d := &dataset{
		rows: rows, cols: cols, vals: vals,
		present: max(1, int64(math.Round(present/dt))),
		rest:    int64(math.Round(rest / dt)),
	}
	p := rate * dt
	pmax := math.Min(1, p)
	l := &lattice{n: cols, p: pmax}
	if rng != nil {
		l.rng0 = *rng
	}
	cycle := d.present + d.rest
	if d.rest > 0 {
		l.gate = func(step int64) (bool, int64) {
			k := step / cycle
			if step-k*cycle < d.present {
				return true, 0
			}
			return false, (k + 1) * cycle
		}
	}
	l.thin = func(i int, step int64) float64 {
		row := (step / cycle) % int64(d.rows)
		x := float64(d.vals[row*int64(d.cols)+int64(i)])
		if pmax >= 1 {
			return math.Min(1, x*p)
		}
		return x
	}
	l.reset()
	d.lattice = l
	return d, cols, nil
}

type dataset struct {
	*lattice
	rows, cols    int
	vals          []float32 // rows × cols
	present, rest int64     // steps
}

// Sample returns the data-set row presented at step n, or -1 during rest.
func (d *dataset) Sample(n int) int {
	cycle := d.present + d.rest
	k := int64(n) / cycle
	if int64(n)-k*cycle >= d.present {
		return -1
	}
	return int(k % int64(d.rows))
}

// ------------------------------------------------------------- currents

// CurrentStep is a current injected on a continuous port: Amplitude during
// [Start, Stop), times in seconds; Stop 0 means until the end of the run.
// With Expr set, the amplitude is that expression of t (a ramp, a sine),
// evaluated at each step.
type CurrentStep struct {
	Amplitude, Start, Stop float64
	Expr                   []RateOp
}

// At returns the current at time t (s).
func (c CurrentStep) At(t float64) float64 {
	if t >= c.Start && (c.Stop == 0 || t < c.Stop) {
		return c.amplitude(t)
	}
	return 0
}

func (c CurrentStep) amplitude(t float64) float64 {
	if c.Expr != nil {
		return EvalRate(c.Expr, t, 0)
	}
	return c.Amplitude
}

// AtStep returns the current at step n, with Start and Stop rounded to
// whole steps, so that t = n·dt rounding never moves an edge by one step.
func (c CurrentStep) AtStep(n int, dt float64) float64 {
	start := int64(math.Round(c.Start / dt))
	if int64(n) < start {
		return 0
	}
	if c.Stop != 0 && int64(n) >= int64(math.Round(c.Stop/dt)) {
		return 0
	}
	return c.amplitude(float64(n) * dt)
}
