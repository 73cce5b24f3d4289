package fixed

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strconv"
	"text/tabwriter"

	"github.com/snnc/snnc/engine"
	"github.com/snnc/snnc/ir/iir"
	"github.com/snnc/snnc/runtime"
)

// Report is the quantization error of a bit-accurate run against the
// float64 run of the same model (same seed, connectivity and inputs).
type Report struct {
	Target      string          `json:"target"`
	BinMS       float64         `json:"bin_ms"`   // bin of the per-neuron spike-count correlation
	MatchMS     float64         `json:"match_ms"` // tolerance of spike matching
	Populations []PopError      `json:"populations"`
	Overflow    []OverflowCount `json:"overflow"`
	neurons     map[string][]NeuronError
}

// PopError compares one population. Correlations are null when undefined
// (no spikes, or the same count everywhere).
type PopError struct {
	Name      string   `json:"name"`
	N         int      `json:"n"`
	FloatRate float64  `json:"float_rate_hz"`
	FixedRate float64  `json:"fixed_rate_hz"`
	RateDiff  float64  `json:"rate_diff_hz"`
	RateRel   *float64 `json:"rate_rel"`
	// Pearson correlation, over the neurons, of their spike counts
	CountCorr *float64 `json:"count_corr"`
	// mean over neurons of the correlation of each neuron's binned spike
	// counts in the two runs
	NeuronCorr *float64 `json:"neuron_corr_mean"`
	// fraction of the float run's spikes that the fixed-point run has on
	// the same neuron within ±MatchMS
	Match    *float64 `json:"spike_match"`
	Recorded bool     `json:"recorded"` // false: only rates (the spikes were not recorded)
}

// NeuronError compares one neuron.
type NeuronError struct {
	Float, Fixed int
	Corr         float64 // NaN when undefined
}

func ptr(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// Compare sets res.Report: the quantization error against fres, the
// float64 run of the same model (same seed, inputs and duration: run it with
// Duration set to res.Summary.Duration).
func (r *Result) Compare(fres *engine.Result) {
	r.Report = compare(r.Program, r, fres)
}

func compare(q *iir.Program, res *Result, fres *engine.Result) *Report {
	r := &Report{Target: q.Profile.Name, BinMS: 10, MatchMS: 1, Overflow: res.Overflow, neurons: map[string][]NeuronError{}}
	if r.Overflow == nil {
		r.Overflow = []OverflowCount{}
	}
	dur := res.Summary.Duration
	floatMon := map[string]*rt.SpikeMonitor{}
	for _, m := range fres.Spikes {
		floatMon[m.Name] = m
	}
	fixedMon := map[string]*rt.SpikeMonitor{}
	for _, m := range res.Spikes {
		fixedMon[m.Name] = m
	}
	floatSum := map[string]rt.PopSummary{}
	for _, ps := range fres.Summary.Populations {
		floatSum[ps.Name] = ps
	}
	for _, ps := range res.Summary.Populations {
		fs := floatSum[ps.Name]
		e := PopError{Name: ps.Name, N: ps.N, FloatRate: fs.RateHz, FixedRate: ps.RateHz, RateDiff: ps.RateHz - fs.RateHz}
		if fs.RateHz > 0 {
			e.RateRel = ptr((ps.RateHz - fs.RateHz) / fs.RateHz)
		}
		fm, xm := floatMon[ps.Name], fixedMon[ps.Name]
		if fm != nil && xm != nil && ps.N > 0 {
			e.Recorded = true
			ne, cc, nc, match := neuronErrors(ps.N, fm, xm, dur, r.BinMS*1e-3, r.MatchMS*1e-3)
			r.neurons[ps.Name] = ne
			e.CountCorr, e.NeuronCorr, e.Match = ptr(cc), ptr(nc), ptr(match)
		}
		r.Populations = append(r.Populations, e)
	}
	return r
}

func neuronErrors(n int, fm, xm *rt.SpikeMonitor, dur, bin, tol float64) ([]NeuronError, float64, float64, float64) {
	nb := max(1, int(math.Ceil(dur/bin)))
	times := func(m *rt.SpikeMonitor) [][]float64 {
		out := make([][]float64, n)
		for k, i := range m.I {
			if int(i) < n {
				out[i] = append(out[i], m.T[k])
			}
		}
		return out
	}
	ft, xt := times(fm), times(xm)
	ne := make([]NeuronError, n)
	fc, xc := make([]float64, n), make([]float64, n)
	sum, cnt := 0.0, 0
	matched, total := 0, 0
	fb, xb := make([]float64, nb), make([]float64, nb)
	for i := 0; i < n; i++ {
		ne[i].Float, ne[i].Fixed = len(ft[i]), len(xt[i])
		fc[i], xc[i] = float64(len(ft[i])), float64(len(xt[i]))
		clear(fb)
		clear(xb)
		for _, t := range ft[i] {
			fb[min(nb-1, int(t/bin))]++
		}
		for _, t := range xt[i] {
			xb[min(nb-1, int(t/bin))]++
		}
		c := pearson(fb, xb)
		ne[i].Corr = c
		if !math.IsNaN(c) {
			sum += c
			cnt++
		}
		// greedy matching of sorted spike trains within ±tol
		a, b := ft[i], xt[i]
		j := 0
		for _, t := range a {
			for j < len(b) && b[j] < t-tol-1e-12 {
				j++
			}
			if j < len(b) && math.Abs(b[j]-t) <= tol+1e-12 {
				matched++
				j++
			}
		}
		total += len(a)
	}
	nc := math.NaN()
	if cnt > 0 {
		nc = sum / float64(cnt)
	}
	match := math.NaN()
	if total > 0 {
		match = float64(matched) / float64(total)
	}
	return ne, pearson(fc, xc), nc, match
}

func pearson(a, b []float64) float64 {
	n := float64(len(a))
	if n < 2 {
		return math.NaN()
	}
	var ma, mb float64
	for i := range a {
		ma += a[i]
		mb += b[i]
	}
	ma /= n
	mb /= n
	var sab, saa, sbb float64
	for i := range a {
		da, db := a[i]-ma, b[i]-mb
		sab += da * db
		saa += da * da
		sbb += db * db
	}
	if saa == 0 || sbb == 0 {
		return math.NaN()
	}
	return sab / math.Sqrt(saa*sbb)
}

// Text prints the report for the terminal.
func (r *Report) Text(w io.Writer) {
	fmt.Fprintf(w, "\nquantization error: %s vs float64 (same seed, synapses and inputs)\n\n", r.Target)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "population\trate float (Hz)\trate fixed (Hz)\tdifference\tcount corr\tneuron corr (%g ms)\tspikes matched (±%g ms)\t\n", r.BinMS, r.MatchMS)
	opt := func(x *float64, pct bool) string {
		if x == nil {
			return "—"
		}
		if pct {
			return fmt.Sprintf("%.1f %%", 100**x)
		}
		return fmt.Sprintf("%.3f", *x)
	}
	for _, p := range r.Populations {
		diff := fmt.Sprintf("%+.2f Hz", p.RateDiff)
		if p.RateRel != nil {
			diff = fmt.Sprintf("%+.1f %%", 100**p.RateRel)
		}
		fmt.Fprintf(tw, "%s\t%.2f\t%.2f\t%s\t%s\t%s\t%s\t\n", p.Name, p.FloatRate, p.FixedRate, diff, opt(p.CountCorr, false), opt(p.NeuronCorr, false), opt(p.Match, true))
	}
	tw.Flush()
	for _, o := range r.Overflow {
		verb := "saturated"
		if o.Kind == iir.Wrap || o.Kind == iir.Modulo {
			verb = "wrapped around"
		}
		fmt.Fprintf(w, "%s.%s %s %d times\n", o.Pop, o.Var, verb, o.Count)
	}
}

// Finish writes the per-neuron comparison (quantization_POP.csv) and
// rewrites summary.json with the target and the report; call it after
// Result.Write. It returns the files it wrote.
func (r *Result) Finish(dir string) ([]string, error) {
	var files []string
	if r.Report != nil {
		names := make([]string, 0, len(r.Report.neurons))
		for n := range r.Report.neurons {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, name := range names {
			f := "quantization_" + rt.SafeName(name) + ".csv"
			if err := writeNeurons(filepath.Join(dir, f), r.Report.neurons[name]); err != nil {
				return nil, err
			}
			files = append(files, f)
		}
	}
	r.Summary.Outputs = append(r.Summary.Outputs, files...)
	sort.Strings(r.Summary.Outputs)
	sum := *r.Summary
	if sum.Populations == nil {
		sum.Populations = []rt.PopSummary{}
	}
	if sum.Projections == nil {
		sum.Projections = []rt.ProjSummary{}
	}
	out := struct {
		rt.Summary
		Target       string  `json:"target"`
		Quantization *Report `json:"quantization"`
	}{sum, r.Program.Profile.Name, r.Report}
	b, err := json.MarshalIndent(&out, "", "  ")
	if err != nil {
		return nil, err
	}
	err = rt.WriteFile(filepath.Join(dir, "summary.json"), func(w *bufio.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
	if err != nil {
		return nil, err
	}
	return files, nil
}

func writeNeurons(path string, ne []NeuronError) error {
	return rt.WriteFile(path, func(w *bufio.Writer) error {
		fmt.Fprintln(w, "neuron,float_spikes,fixed_spikes,binned_corr")
		for i, e := range ne {
			c := ""
			if !math.IsNaN(e.Corr) {
				c = strconv.FormatFloat(e.Corr, 'g', 6, 64)
			}
			fmt.Fprintf(w, "%d,%d,%d,%s\n", i, e.Float, e.Fixed, c)
		}
		return nil
	})
}
