package iir

// Div is x / y rounded as mode says, and 0 when y is 0 (the lowering emits
// a division only by a value its range excludes 0 from; the definition
// keeps every executor's result the same anyway):
//
//	trunc       toward zero
//	floor       toward −∞
//	nearest     to nearest, ties toward +∞ (as ShiftRight's nearest)
//	stochastic  as nearest (a division has no random source)
func Div(x, y int64, mode Rounding) int64 {
	if y == 0 {
		return 0
	}
	if y < 0 {
		x, y = -x, -y
	}
	switch mode {
	case Trunc:
		return x / y
	case Nearest, Stochastic:
		x, y = 2*x+y, 2*y
	}
	q := x / y
	if x%y != 0 && x < 0 {
		q--
	}
	return q
}
