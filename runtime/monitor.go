package runtime

// SpikeMonitor records the spikes of one population: spike k is neuron
// I[k] at time T[k] (seconds), in recording order (time ascending, and
// index ascending within a step when the caller records sorted indices).
// While recording, a step's time is kept once, not per spike (T would be
// two thirds of the records, and growing it doubles them in memory);
// Flush fills T, and the runners call it when the run ends.
type SpikeMonitor struct {
	Name  string
	N     int // population size (for rates and plots; 0 = unknown)
	I     []int32
	T     []float64
	steps []spikeStep // recorded steps not yet in T
}

// spikeStep: n spikes recorded at time t.
type spikeStep struct {
	t float64
	n int
}

// Record appends the spikes idx at time t.
func (m *SpikeMonitor) Record(t float64, idx []int32) {
	if len(idx) == 0 {
		return
	}
	m.I = append(m.I, idx...)
	m.steps = append(m.steps, spikeStep{t, len(idx)})
}

// Flush writes the times of the spikes recorded since the last Flush into
// T. Outputs and plots flush before they read T.
func (m *SpikeMonitor) Flush() {
	if len(m.steps) == 0 {
		return
	}
	if m.T == nil {
		m.T = make([]float64, 0, len(m.I))
	}
	for _, st := range m.steps {
		for range st.n {
			m.T = append(m.T, st.t)
		}
	}
	m.steps = nil
}

// Count is the number of spikes recorded.
func (m *SpikeMonitor) Count() int64 { return int64(len(m.I)) }

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
