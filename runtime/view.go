package rt

// Embed places the connectivity c, built between two population views
// (c.NPre and c.NPost neurons), into the whole populations: the view's
// neuron k is neuron lo+k of its population. The rows of presynaptic
// neurons outside the view are empty, targets are shifted by postLo, and
// synapses keep their order (so per-synapse draws and weight factors stay
// with their synapse).
func Embed(c *CSR, preLo, nPre, postLo, nPost int) *CSR {
	out := &CSR{NPre: nPre, NPost: nPost, RowPtr: make([]int64, nPre+1), Col: make([]int32, len(c.Col)), W: c.W}
	for i := 0; i < nPre; i++ {
		n := int64(0)
		if k := i - preLo; k >= 0 && k < c.NPre {
			n = c.RowPtr[k+1] - c.RowPtr[k]
		}
		out.RowPtr[i+1] = out.RowPtr[i] + n
	}
	for s, j := range c.Col {
		out.Col[s] = j + int32(postLo)
	}
	return out
}
