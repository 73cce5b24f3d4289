package iir

// Set is one assignment of a run phase (`phase NAME at T { Pop.var = c }`)
// in integers: at the start of step Step, before anything else of the step,
// every neuron's Var becomes Value (the constant in Var's format). Only
// `=` of a constant to neuron state has an integer form; the lowering
// refuses the rest.
type Set struct {
	Phase string
	Step  int
	Var   *Var
	Value int64
}
