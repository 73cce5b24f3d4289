package rt

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"codeberg.org/sbinet/npyio"
	"gonum.org/v1/gonum/mat"

	"github.com/snnc/snnc/internal/outname"
	"github.com/snnc/snnc/lang/units"
)

// Output files (all in the run's out directory; <name> and <var> are the
// model's names made file-safe by outname.Safe, which also lists the files
// for the checker):
//
//	spikes_<name>_i.npy   int32 [spikes]        neuron index of each spike
//	spikes_<name>_t.npy   float64 [spikes]      spike time in seconds
//	spikes_<name>.csv     index,time_s
//	<name>_<var>.npy      float64 [samples, k]  recorded values (SI units)
//	<name>_<var>_t.npy    float64 [samples]     sample times in seconds
//	<name>_<var>_index.npy int64 [k]            recorded neuron (or synapse) indices
//	<name>_<var>.csv      t_s, then one column per recorded index, in the
//	                      unit its header names ("v[0] (mV)")
//	<name>_<var>_pre.npy, <name>_<var>_post.npy int32 [k]  (weights only)
//	summary.json
//
// Weight CSVs are in long form (t_s,synapse,pre,post,value): one row per
// synapse per sample. The .npy files hold SI values (V, A, S, s); a CSV
// column and a plot axis hold values in the unit their label names (the
// unit the model wrote the variable in), SI where they name none.

// OutputDir writes outputs into Dir and remembers the files written (paths
// relative to Dir), e.g. for Summary.Outputs.
type OutputDir struct {
	Dir   string
	Files []string
}

// WriteSpikes writes m's spikes to dir (see OutputDir for the files).
func WriteSpikes(dir string, m *SpikeMonitor) error {
	return (&OutputDir{Dir: dir}).Spikes(m)
}

// WriteState writes m's samples to dir.
func WriteState(dir string, m *StateMonitor) error {
	return (&OutputDir{Dir: dir}).State(m)
}

// WriteWeights writes m's samples to dir.
func WriteWeights(dir string, m *WeightMonitor) error {
	return (&OutputDir{Dir: dir}).Weights(m)
}

// WriteSummary writes dir/summary.json (indented).
func WriteSummary(dir string, s *Summary) error {
	return (&OutputDir{Dir: dir}).Summary(s)
}

// WriteRun writes a run's recordings, with plot raster.png and traces.png,
// and summary.json into dir (both backends call it, so that their outputs
// and summaries agree byte for byte). sum.Outputs and the result list
// exactly the files this call wrote, sorted: files left in dir by earlier
// runs are neither listed nor removed (they may be the user's).
func WriteRun(dir string, spikes []*SpikeMonitor, states []*StateMonitor, weights []*WeightMonitor, plot bool, sum *Summary) ([]string, error) {
	if plot && !CanPlot() {
		return nil, ErrNoPlot
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	o := &OutputDir{Dir: dir}
	for _, m := range spikes {
		if err := o.Spikes(m); err != nil {
			return nil, err
		}
	}
	for _, m := range states {
		if err := o.State(m); err != nil {
			return nil, err
		}
	}
	for _, m := range weights {
		if err := o.Weights(m); err != nil {
			return nil, err
		}
	}
	if plot {
		if len(spikes) > 0 {
			if err := PlotRaster(filepath.Join(dir, "raster.png"), spikes, sum.Duration); err != nil {
				return nil, fmt.Errorf("raster plot: %w", err)
			}
			o.Files = append(o.Files, "raster.png")
		}
		if len(states) > 0 {
			if err := PlotTraces(filepath.Join(dir, "traces.png"), states); err != nil {
				return nil, fmt.Errorf("trace plot: %w", err)
			}
			o.Files = append(o.Files, "traces.png")
		}
	}
	files := slices.Clone(o.Files)
	slices.Sort(files)
	files = slices.Compact(files) // two monitors of one name write one file
	sum.Outputs = files
	if err := WriteSummary(dir, sum); err != nil {
		return nil, err
	}
	return append(slices.Clone(files), "summary.json"), nil
}

// WriteFile writes path through a buffer and syncs it, so that it is on
// disk before the output directory is renamed into place (see Out); every
// output file of a run goes through it.
func WriteFile(path string, write func(w *bufio.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	err = write(w)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// ReplaceFile writes data to path atomically: into a synced temporary file
// beside it, then renamed over it, so a reader (or a crash) sees the old
// file or the new one, never half of one.
func ReplaceFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".snnc-tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// SafeName maps a model name to a file-name part (outname.Safe).
func SafeName(s string) string { return outname.Safe(s) }

func (o *OutputDir) create(name string, write func(w *bufio.Writer) error) error {
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return err
	}
	if err := WriteFile(filepath.Join(o.Dir, name), write); err != nil {
		return err
	}
	o.Files = append(o.Files, name)
	return nil
}

// npy writes a 1-D slice ([]int32, []int64 or []float64).
func (o *OutputDir) npy(name string, v any) error {
	descr := ""
	switch x := v.(type) {
	case []int32:
		if len(x) == 0 {
			descr = "<i4"
		}
	case []int64:
		if len(x) == 0 {
			descr = "<i8"
		}
	case []float64:
		if len(x) == 0 {
			descr = "<f8"
		}
	}
	if descr != "" {
		// npyio writes an empty slice with shape (): write shape (0,) by hand
		return o.create(name, func(w *bufio.Writer) error { return writeEmptyNpy(w, descr, "(0,)") })
	}
	return o.create(name, func(w *bufio.Writer) error { return writeNpy1D(w, v) })
}

// npyHeader is the header npyio.Write gives a 1-D array of n descr.
func npyHeader(descr string, n int) []byte {
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%d,), }", descr, n)
	const hdrSize = 6 + 6 // magic, version, uint32 length
	dict += strings.Repeat(" ", (hdrSize+len(dict)+1)%16) + "\n"
	head := append([]byte("\x93NUMPY\x02\x00"), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(head[8:], uint32(len(dict)))
	return append(head, dict...)
}

// writeNpy1D writes a non-empty 1-D []int32, []int64 or []float64 as
// npyio.Write does, byte for byte (format 2.0, its header padding), without
// its reflection: npyio builds strings per element, which made writing a
// large spike recording the peak of a run's memory.
func writeNpy1D(w io.Writer, v any) error {
	var descr string
	var n int
	switch x := v.(type) {
	case []int32:
		descr, n = "<i4", len(x)
	case []int64:
		descr, n = "<i8", len(x)
	case []float64:
		descr, n = "<f8", len(x)
	default:
		return npyio.Write(w, v)
	}
	if _, err := w.Write(npyHeader(descr, n)); err != nil {
		return err
	}
	var buf [4096]byte
	b := buf[:0]
	flush := func() error {
		_, err := w.Write(b)
		b = buf[:0]
		return err
	}
	for i := range n {
		if len(b) > len(buf)-8 {
			if err := flush(); err != nil {
				return err
			}
		}
		switch x := v.(type) {
		case []int32:
			b = binary.LittleEndian.AppendUint32(b, uint32(x[i]))
		case []int64:
			b = binary.LittleEndian.AppendUint64(b, uint64(x[i]))
		case []float64:
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x[i]))
		}
	}
	return flush()
}

// npy2D writes rows as a float64 array of shape [len(rows), cols].
func (o *OutputDir) npy2D(name string, rows [][]float64, cols int) error {
	if len(rows) == 0 || cols == 0 {
		// gonum's Dense cannot be empty: write the header by hand
		return o.create(name, func(w *bufio.Writer) error {
			return writeEmptyNpy(w, "<f8", fmt.Sprintf("(%d, %d)", len(rows), cols))
		})
	}
	flat := make([]float64, 0, len(rows)*cols)
	for s, r := range rows {
		if len(r) != cols {
			return fmt.Errorf("writing %s: sample %d has %d values, expected %d", name, s, len(r), cols)
		}
		flat = append(flat, r...)
	}
	return o.npy(name, mat.NewDense(len(rows), cols, flat))
}

// writeEmptyNpy writes a version 1.0 .npy file holding an empty array
// (header only, padded to 64 bytes as numpy does).
func writeEmptyNpy(w io.Writer, descr, shape string) error {
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shape)
	total := 10 + len(dict) + 1
	pad := (64 - total%64) % 64
	dict += strings.Repeat(" ", pad) + "\n"
	if _, err := w.Write([]byte("\x93NUMPY\x01\x00")); err != nil {
		return err
	}
	if err := binary.Write(w, binary.LittleEndian, uint16(len(dict))); err != nil {
		return err
	}
	_, err := io.WriteString(w, dict)
	return err
}

func appendFloat(b []byte, v float64) []byte {
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// Spikes writes spikes_<name>_i.npy, spikes_<name>_t.npy and spikes_<name>.csv.
func (o *OutputDir) Spikes(m *SpikeMonitor) error {
	if m.npend > 0 {
		return o.spikeSteps(m) // not flushed: stream them
	}
	m.Flush()
	if len(m.I) != len(m.T) {
		return fmt.Errorf("spike monitor %s: %d indices but %d times", m.Name, len(m.I), len(m.T))
	}
	base := outname.SpikesBase(m.Name)
	i := m.I
	if i == nil {
		i = []int32{}
	}
	t := m.T
	if t == nil {
		t = []float64{}
	}
	if err := o.npy(base+"_i.npy", i); err != nil {
		return err
	}
	if err := o.npy(base+"_t.npy", t); err != nil {
		return err
	}
	return o.create(base+".csv", func(w *bufio.Writer) error {
		w.WriteString("index,time_s\n")
		var b []byte
		for k := range m.I {
			b = strconv.AppendInt(b[:0], int64(m.I[k]), 10)
			b = append(b, ',')
			b = appendFloat(b, m.T[k])
			b = append(b, '\n')
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
		return nil
	})
}

// spikeSteps writes m's spikes as Spikes does, byte for byte, streaming
// the ones not flushed (SpikeMonitor.each) instead of flushing them, which
// would hold the recording twice at the end of the run.
func (o *OutputDir) spikeSteps(m *SpikeMonitor) error {
	base := outname.SpikesBase(m.Name)
	n := int(m.Count())
	var b [8]byte
	err := o.create(base+"_i.npy", func(w *bufio.Writer) error {
		if _, err := w.Write(npyHeader("<i4", n)); err != nil {
			return err
		}
		return m.each(func(i int32, _ float64) error {
			binary.LittleEndian.PutUint32(b[:4], uint32(i))
			_, err := w.Write(b[:4])
			return err
		})
	})
	if err != nil {
		return err
	}
	err = o.create(base+"_t.npy", func(w *bufio.Writer) error {
		if _, err := w.Write(npyHeader("<f8", n)); err != nil {
			return err
		}
		return m.each(func(_ int32, t float64) error {
			binary.LittleEndian.PutUint64(b[:], math.Float64bits(t))
			_, err := w.Write(b[:])
			return err
		})
	})
	if err != nil {
		return err
	}
	return o.create(base+".csv", func(w *bufio.Writer) error {
		w.WriteString("index,time_s\n")
		var line []byte
		return m.each(func(i int32, t float64) error {
			line = strconv.AppendInt(line[:0], int64(i), 10)
			line = append(line, ',')
			line = appendFloat(line, t)
			line = append(line, '\n')
			_, err := w.Write(line)
			return err
		})
	})
}

// UnitScale is the SI value of one unit ("mV": 1e-3): CSV values and plots
// are divided by it, to be in the unit their header names. 1 for no unit
// (or one that does not parse: the header then names it as written).
func UnitScale(unit string) float64 {
	if unit == "" {
		return 1
	}
	u, err := units.ParseExpr(unit)
	if err != nil || !(u.Scale > 0) {
		return 1
	}
	return u.Scale
}

func header(v string, unit string, idx int) string {
	h := v + "[" + strconv.Itoa(idx) + "]"
	if unit != "" {
		h += " (" + unit + ")"
	}
	return h
}

func toInt64(xs []int) []int64 {
	out := make([]int64, len(xs))
	for k, x := range xs {
		out[k] = int64(x)
	}
	return out
}

func (o *OutputDir) samples(name, v string, index []int, t []float64, vals [][]float64) (string, error) {
	if len(t) != len(vals) {
		return "", fmt.Errorf("monitor %s.%s: %d times but %d samples", name, v, len(t), len(vals))
	}
	base := outname.SamplesBase(name, v)
	if err := o.npy2D(base+".npy", vals, len(index)); err != nil {
		return "", err
	}
	tt := t
	if tt == nil {
		tt = []float64{}
	}
	if err := o.npy(base+"_t.npy", tt); err != nil {
		return "", err
	}
	if err := o.npy(base+"_index.npy", toInt64(index)); err != nil {
		return "", err
	}
	return base, nil
}

// State writes <name>_<var>.npy [samples, k], <name>_<var>_t.npy,
// <name>_<var>_index.npy and <name>_<var>.csv.
func (o *OutputDir) State(m *StateMonitor) error {
	base, err := o.samples(m.Name, m.Var, m.Index, m.T, m.V)
	if err != nil {
		return err
	}
	return o.create(base+".csv", func(w *bufio.Writer) error {
		w.WriteString("t_s")
		for _, i := range m.Index {
			w.WriteByte(',')
			w.WriteString(header(m.Var, m.Unit, i))
		}
		w.WriteByte('\n')
		var b []byte
		scale := UnitScale(m.Unit)
		for s, t := range m.T {
			b = appendFloat(b[:0], t)
			for _, v := range m.V[s] {
				b = append(b, ',')
				b = appendFloat(b, v/scale)
			}
			b = append(b, '\n')
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
		return nil
	})
}

// Weights writes <name>_<var>.npy [samples, synapses], _t.npy, _index.npy,
// _pre.npy, _post.npy and a long-form CSV.
func (o *OutputDir) Weights(m *WeightMonitor) error {
	if len(m.Pre) != len(m.Index) || len(m.Post) != len(m.Index) {
		return fmt.Errorf("weight monitor %s: %d synapses but %d pre and %d post indices", m.Name, len(m.Index), len(m.Pre), len(m.Post))
	}
	base, err := o.samples(m.Name, m.Var, m.Index, m.T, m.V)
	if err != nil {
		return err
	}
	pre, post := m.Pre, m.Post
	if pre == nil {
		pre, post = []int32{}, []int32{}
	}
	if err := o.npy(base+"_pre.npy", pre); err != nil {
		return err
	}
	if err := o.npy(base+"_post.npy", post); err != nil {
		return err
	}
	return o.create(base+".csv", func(w *bufio.Writer) error {
		w.WriteString("t_s,synapse,pre,post," + m.Var)
		if m.Unit != "" {
			w.WriteString(" (" + m.Unit + ")")
		}
		w.WriteByte('\n')
		var b []byte
		scale := UnitScale(m.Unit)
		for s, t := range m.T {
			for k, v := range m.V[s] {
				b = appendFloat(b[:0], t)
				b = append(b, ',')
				b = strconv.AppendInt(b, int64(m.Index[k]), 10)
				b = append(b, ',')
				b = strconv.AppendInt(b, int64(m.Pre[k]), 10)
				b = append(b, ',')
				b = strconv.AppendInt(b, int64(m.Post[k]), 10)
				b = append(b, ',')
				b = appendFloat(b, v/scale)
				b = append(b, '\n')
				if _, err := w.Write(b); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// Summary describes a finished (or interrupted) run.
type Summary struct {
	Model       string            `json:"model"`
	Network     string            `json:"network"`
	Seed        uint64            `json:"seed"`
	Dt          float64           `json:"dt_s"`
	Duration    float64           `json:"duration_s"`
	Threads     int               `json:"threads"`
	WallSeconds float64           `json:"wall_s"`
	Populations []PopSummary      `json:"populations"`
	Projections []ProjSummary     `json:"projections"`
	Dendrites   []DendriteSummary `json:"dendrites,omitempty"`
	Outputs     []string          `json:"outputs"`
	// Partial: the run stopped before its end (Interrupted by SIGINT or
	// SIGTERM, or an Error); the outputs hold what was simulated up to then.
	Partial     bool   `json:"partial"`
	Interrupted bool   `json:"interrupted"`
	Error       string `json:"error,omitempty"`
}

// DendriteSummary: segments and synapses of one dendrite of one population
// at the end of the run. Bytes is the memory of its segments and synapses
// (segment dendrites: 6 bytes per synapse slot plus segment headers;
// continuous: the segments' inputs); PoolBytes that of the candidate pools.
type DendriteSummary struct {
	Population      string  `json:"population"`
	Name            string  `json:"name"`
	Kind            string  `json:"kind"` // segments | continuous
	Segments        int64   `json:"segments"`
	Synapses        int64   `json:"synapses"`
	Bytes           float64 `json:"bytes"`
	BytesPerSynapse float64 `json:"bytes_per_synapse"`
	PoolBytes       float64 `json:"pool_bytes,omitempty"`
}

// PopSummary: spikes and mean rate of one population.
type PopSummary struct {
	Name   string  `json:"name"`
	N      int     `json:"n"`
	Spikes int64   `json:"spikes"`
	RateHz float64 `json:"rate_hz"`
}

// ProjSummary: size and storage of one projection.
type ProjSummary struct {
	Name              string  `json:"name"`
	Synapses          int64   `json:"synapses"`
	Storage           string  `json:"storage"`
	ConnectivityBytes float64 `json:"connectivity_bytes"`
	BytesPerSynapse   float64 `json:"bytes_per_synapse"`
}

// MeanRate is spikes / (n · duration) in Hz (0 when undefined).
func MeanRate(spikes int64, n int, duration float64) float64 {
	if n <= 0 || !(duration > 0) {
		return 0
	}
	return float64(spikes) / (float64(n) * duration)
}

// Summary writes summary.json.
func (o *OutputDir) Summary(s *Summary) error {
	c := *s
	if c.Populations == nil {
		c.Populations = []PopSummary{}
	}
	if c.Projections == nil {
		c.Projections = []ProjSummary{}
	}
	if c.Outputs == nil {
		c.Outputs = []string{}
	}
	for k := range c.Projections { // NaN and Inf are not JSON
		if math.IsNaN(c.Projections[k].BytesPerSynapse) || math.IsInf(c.Projections[k].BytesPerSynapse, 0) {
			c.Projections[k].BytesPerSynapse = 0
		}
	}
	return o.create("summary.json", func(w *bufio.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(&c)
	})
}

// Text writes a short readable report for the terminal.
func (s *Summary) Text(w io.Writer) {
	name := s.Network
	if s.Model != "" {
		name = s.Model + ": " + s.Network
	}
	threads := "1 thread"
	if s.Threads > 1 {
		threads = fmt.Sprintf("%d threads", s.Threads)
	}
	fmt.Fprintf(w, "%s — %s simulated at dt = %s, seed %d, in %s wall (%s)\n",
		name, fmtDuration(s.Duration), fmtDuration(s.Dt), s.Seed, fmtDuration(s.WallSeconds), threads)
	if len(s.Populations) > 0 {
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "population\tneurons\tspikes\trate (Hz)\t\n")
		var n, sp int64
		for _, p := range s.Populations {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%.2f\t\n", p.Name, p.N, p.Spikes, p.RateHz)
			n += int64(p.N)
			sp += p.Spikes
		}
		if len(s.Populations) > 1 {
			fmt.Fprintf(tw, "total\t%d\t%d\t%.2f\t\n", n, sp, MeanRate(sp, int(n), s.Duration))
		}
		tw.Flush()
	}
	if len(s.Projections) > 0 {
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "projection\tsynapses\tstorage\tmemory\tbytes/synapse\t\n")
		for _, p := range s.Projections {
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%.2f\t\n", p.Name, p.Synapses, p.Storage, fmtBytes(p.ConnectivityBytes), p.BytesPerSynapse)
		}
		tw.Flush()
	}
	if len(s.Dendrites) > 0 {
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "dendrite\tkind\tsegments\tsynapses\tmemory\tbytes/synapse\tpools\t\n")
		for _, d := range s.Dendrites {
			fmt.Fprintf(tw, "%s.%s\t%s\t%d\t%d\t%s\t%.2f\t%s\t\n", d.Population, d.Name, d.Kind, d.Segments, d.Synapses, fmtBytes(d.Bytes), d.BytesPerSynapse, fmtBytes(d.PoolBytes))
		}
		tw.Flush()
	}
	if len(s.Outputs) > 0 {
		fmt.Fprintf(w, "\noutputs: %s\n", strings.Join(s.Outputs, ", "))
	}
}

func fmtDuration(sec float64) string {
	switch a := math.Abs(sec); {
	case a == 0:
		return "0 s"
	case a < 1e-4:
		return strconv.FormatFloat(sec*1e6, 'g', 4, 64) + " µs"
	case a < 1:
		return strconv.FormatFloat(sec*1e3, 'g', 4, 64) + " ms"
	default:
		return strconv.FormatFloat(sec, 'g', 4, 64) + " s"
	}
}

func fmtBytes(b float64) string {
	switch {
	case b < 1<<10:
		return fmt.Sprintf("%.0f B", b)
	case b < 1<<20:
		return fmt.Sprintf("%.1f KiB", b/(1<<10))
	case b < 1<<30:
		return fmt.Sprintf("%.1f MiB", b/(1<<20))
	default:
		return fmt.Sprintf("%.2f GiB", b/(1<<30))
	}
}
