package rt

// FileFanIn is the most synapses a from_file connector's edge list makes
// onto one postsynaptic neuron: every line is a synapse, so an edge listed
// k times is a multapse of k (what a fixed-point range proof must count).
func FileFanIn(spec ConnSpec, pre, post Geometry) (int64, error) {
	c, err := connectFile(spec, pre, post)
	if err != nil {
		return 0, err
	}
	in := make([]int64, post.N)
	var most int64
	for _, j := range c.Col {
		in[j]++
		most = max(most, in[j])
	}
	return most, nil
}
