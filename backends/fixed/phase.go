package fixed

// applySets runs the run phases due at this step (iir.Set): before
// anything else of the step, as the float interpreter does, so a state
// sample of the step sees the new values.
func (s *sim) applySets() {
	for _, p := range s.pops {
		for _, st := range p.m.Sets {
			if st.Step != s.n {
				continue
			}
			vals := p.vals[p.index[st.Var]]
			for i := range vals {
				vals[i] = st.Value
			}
		}
	}
}
