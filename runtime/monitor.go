package rt

// SpikeMonitor records the spikes of one population: spike k is neuron
// I[k] at time T[k] (seconds), in recording order (time ascending, and
// index ascending within a step when the caller records sorted indices).
// While recording, indices go into fixed-size chunks and a step's time is
// kept once, not per spike: growing I and T by reallocation held each
// recording about three times over in memory (CUBA at N = 40000: 3.5 MB
// of peak RSS for 2.7 MB of spikes). Flush moves them into I and T; the
// runners flush when the run ends, and the outputs stream unflushed spikes.
type SpikeMonitor struct {
	Name string
	N    int // population size (for rates and plots; 0 = unknown)
	// Lo, Hi: a view, only neurons [Lo, Hi) are recorded (by their index
	// in the population); Hi 0: all
	Lo, Hi int32
	view   []int32 // Record's buffer for a view's spikes
	I      []int32
	T      []float64
	pend   [][]int32   // indices recorded since the last Flush, in chunks
	steps  []spikeStep // their steps
	npend  int
}

// spikeStep: n spikes recorded at time t.
type spikeStep struct {
	t float64
	n int
}

// spikeChunk is the size of an index chunk (64 kB).
const spikeChunk = 1 << 14

// Record appends the spikes idx at time t.
func (m *SpikeMonitor) Record(t float64, idx []int32) {
	if m.Hi > 0 {
		m.view = m.view[:0]
		for _, i := range idx {
			if i >= m.Lo && i < m.Hi {
				m.view = append(m.view, i)
			}
		}
		idx = m.view
	}
	if len(idx) == 0 {
		return
	}
	m.steps = append(m.steps, spikeStep{t, len(idx)})
	m.npend += len(idx)
	for len(idx) > 0 {
		if len(m.pend) == 0 || len(m.pend[len(m.pend)-1]) == spikeChunk {
			m.pend = append(m.pend, make([]int32, 0, spikeChunk))
		}
		last := &m.pend[len(m.pend)-1]
		n := min(len(idx), spikeChunk-len(*last))
		*last = append(*last, idx[:n]...)
		idx = idx[n:]
	}
}

// Flush moves the spikes recorded since the last Flush into I and T.
// Outputs and plots flush before they read I and T (or stream them).
func (m *SpikeMonitor) Flush() {
	if m.npend == 0 {
		return
	}
	n := len(m.I) + m.npend
	I := make([]int32, len(m.I), n)
	copy(I, m.I)
	for _, c := range m.pend {
		I = append(I, c...)
	}
	T := make([]float64, len(m.T), n)
	copy(T, m.T)
	for _, st := range m.steps {
		for range st.n {
			T = append(T, st.t)
		}
	}
	m.I, m.T, m.pend, m.steps, m.npend = I, T, nil, nil, 0
}

// each calls f for every spike in order, flushed or not.
func (m *SpikeMonitor) each(f func(i int32, t float64) error) error {
	for k := range m.I {
		if err := f(m.I[k], m.T[k]); err != nil {
			return err
		}
	}
	c, off := 0, 0
	for _, st := range m.steps {
		for range st.n {
			if off == len(m.pend[c]) {
				c, off = c+1, 0
			}
			if err := f(m.pend[c][off], st.t); err != nil {
				return err
			}
			off++
		}
	}
	return nil
}

// Count is the number of spikes recorded.
func (m *SpikeMonitor) Count() int64 { return int64(len(m.I) + m.npend) }

// StateMonitor records a state variable of the neurons in Index: V[s][k] is
// the value of neuron Index[k] at time T[s] (seconds, SI values; Unit names
// the SI unit, e.g. "V", for headers and plots).
type StateMonitor struct {
	Name, Var, Unit string
	Index           []int
	T               []float64
	V               [][]float64
	chunk           []float64
}

// Record appends one sample; values are the variable at Index (copied).
func (m *StateMonitor) Record(t float64, values []float64) {
	m.T = append(m.T, t)
	m.V = append(m.V, carve(&m.chunk, values))
}

// carve copies values into a slice cut from a shared backing chunk, so
// that recording many small samples does not allocate each time.
func carve(chunk *[]float64, values []float64) []float64 {
	n := len(values)
	if n == 0 {
		return []float64{}
	}
	if cap(*chunk)-len(*chunk) < n {
		size := max(n, 4096)
		if n > 1<<16 {
			size = n // large samples (weights): one allocation each
		}
		*chunk = make([]float64, 0, size)
	}
	c := *chunk
	start := len(c)
	c = append(c, values...)
	*chunk = c
	return c[start : start+n : start+n]
}

// WeightMonitor records a synaptic variable (normally w) of the synapses in
// Index: V[s][k] is the value of synapse Index[k] at time T[s]; Pre[k] and
// Post[k] are its neurons.
type WeightMonitor struct {
	Name, Var, Unit string
	Index           []int
	Pre, Post       []int32
	T               []float64
	V               [][]float64
	chunk           []float64
}

// Record appends one sample; values are the variable at Index (copied).
func (m *WeightMonitor) Record(t float64, values []float64) {
	m.T = append(m.T, t)
	m.V = append(m.V, carve(&m.chunk, values))
}
