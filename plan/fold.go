package plan

// Binary computes the IR's binary operator op ("+", "<", "and", ...) on two
// values with the plan's own definition of the operators (the one Eval
// uses), for code generators that fold constants outside a loop; ok is
// false for an unknown operator.
func Binary(op string, a, b float64) (float64, bool) {
	c, ok := binCodes[op]
	if !ok {
		return 0, false
	}
	v, err := apply(c, "", []float64{a, b})
	return v, err == nil
}

// Unary computes the IR's unary operator op ("-" or "not") as Eval does.
func Unary(op string, x float64) float64 {
	c := Neg
	if op == "not" {
		c = Not
	}
	v, _ := apply(c, "", []float64{x})
	return v
}
