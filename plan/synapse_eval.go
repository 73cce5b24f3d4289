package plan

import "fmt"

// Conn is a projection's connectivity as its synapse loops see it: the
// synapses of presynaptic neuron i are First(i), First(i)+1, ... onto
// Row(i)'s postsynaptic neurons.
type Conn struct {
	NPre, NPost int
	Row         func(i int) (first int, targets []int32)
	cols        [][]int32 // synapses by postsynaptic neuron, filled on first use
	colPre      [][]int32
}

// columns indexes the synapses by postsynaptic neuron, each column in row
// order (Pre ascending), as the interpreter's on_post walks them.
func (c *Conn) columns() {
	if c.cols != nil {
		return
	}
	c.cols, c.colPre = make([][]int32, c.NPost), make([][]int32, c.NPost)
	for i := 0; i < c.NPre; i++ {
		first, targets := c.Row(i)
		for k, j := range targets {
			c.cols[j] = append(c.cols[j], int32(first+k))
			c.colPre[j] = append(c.colPre[j], int32(i))
		}
	}
}

// EvalSynapseLoop runs a loop that needs no event: over Synapses (row by
// row), PreNeurons or PostNeurons, setting Env.Pre and Env.Post.
func EvalSynapseLoop(l *Loop, env *Env, c *Conn) error {
	vals := make([]float64, len(l.Ops))
	at := func(i, pre, post int) error {
		env.Pre, env.Post = pre, post
		if err := Eval(l, env, i, vals); err != nil {
			return fmt.Errorf("%s, index %d: %w", l.Name, i, err)
		}
		return nil
	}
	switch l.Space {
	case Synapses:
		for i := 0; i < c.NPre; i++ {
			first, targets := c.Row(i)
			for k, j := range targets {
				if err := at(first+k, i, int(j)); err != nil {
					return err
				}
			}
		}
	case PreNeurons:
		for i := 0; i < c.NPre; i++ {
			if err := at(i, i, -1); err != nil {
				return err
			}
		}
	case PostNeurons:
		for j := 0; j < c.NPost; j++ {
			if err := at(j, -1, j); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("%s runs over %s, which needs an event", l.Name, l.Space)
	}
	return nil
}

// EvalSpike runs an event's loops (on_pre's for presynaptic neuron n, or
// on_post's for postsynaptic neuron n) in order: the spike's own loops at
// n, the synapse loops over its row (or column).
func EvalSpike(loops []*Loop, env *Env, c *Conn, n int) error {
	for _, l := range loops {
		vals := make([]float64, len(l.Ops))
		at := func(i, pre, post int) error {
			env.Pre, env.Post = pre, post
			if err := Eval(l, env, i, vals); err != nil {
				return fmt.Errorf("%s, index %d: %w", l.Name, i, err)
			}
			return nil
		}
		var err error
		switch l.Space {
		case PreSpikes:
			err = at(n, n, -1)
		case PostSpikes:
			err = at(n, -1, n)
		case PreSynapses:
			first, targets := c.Row(n)
			for k, j := range targets {
				if err = at(first+k, n, int(j)); err != nil {
					break
				}
			}
		case PostSynapses:
			c.columns()
			for k, syn := range c.cols[n] {
				if err = at(int(syn), int(c.colPre[n][k]), n); err != nil {
					break
				}
			}
		default:
			err = fmt.Errorf("%s runs over %s, not over an event's synapses", l.Name, l.Space)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
