// Package simdops spells the float64 operations of package simd/archsimd
// that both writers of archsimd code use: the interpreter's kernel
// generator (backends/gosim/internal/kerngen) and gocode's SIMD emitter.
// One operator, one method, in one place; neither writer imports the other.
package simdops

// Method is the archsimd method of each arithmetic operator: one IEEE
// operation per call, never fused (there is no MulAdd among them).
var Method = map[string]string{"+": "Add", "-": "Sub", "*": "Mul", "/": "Div"}

// Compare is the archsimd method of each comparison operator; like Go's,
// they are false when either side is NaN.
var Compare = map[string]string{">": "Greater", ">=": "GreaterEqual", "<": "Less", "<=": "LessEqual"}
