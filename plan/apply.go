package plan

// Apply computes a pure op (Neg … Call) of its argument values with the
// plan's own IEEE semantics: for executors, so that the operators they do
// not spell out themselves cannot drift from Eval.
func Apply(c Code, fn string, a []float64) (float64, error) { return apply(c, fn, a) }

// Pure reports whether c is a pure operation of its arguments (Apply's).
func Pure(c Code) bool { return c >= Neg && c <= Call }
