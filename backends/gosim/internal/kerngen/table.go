// Package kerngen generates the interpreter's element-wise kernels from one
// operator table: the scalar loops (kern_ops.go), the vector bodies of 8
// and 4 lanes written with simd/archsimd for GOEXPERIMENT=simd builds
// (kern_simd.go, kern_simd4.go), and AVX2 assembly for every other amd64
// build (kern_amd64.s with its Go declarations, kern_amd64.go). Each kernel
// is written once, here, as the Go expression of one element; every target
// evaluates that expression's tree operation by operation, in the same
// order, without fused multiply-add, so all of them give the same bits.
//
// Run `go generate ./backends/gosim` after editing; TestKernGenerated fails
// while a generated file is stale.
package kerngen

// Shape is how a kernel's value reaches its output.
type Shape int

const (
	// Map: o[i] = Expr.
	Map Shape = iota
	// Held: o[i] = Expr for neurons that are not refractory (n >= ref[i]);
	// refractory ones keep o[i]. Parameters: o, Vecs, ref, n, Ks.
	Held
	// Euler: o[i] += dt * d with d = Expr, or 0 for refractory neurons when
	// ref is not nil; reports whether a new value is NaN or infinite.
	// Parameters: o, Vecs, Ks, Flags, ref, n, dt.
	Euler
)

// Kernel is one row of the table.
type Kernel struct {
	Name  string   // the Go function kern.go's callers use
	Doc   string   // the rest of its comment, after the name
	Shape Shape    //
	Vecs  []string // the []float64 inputs, in parameter order after o
	Ks    []string // the float64 parameters
	Flags []string // bool parameters (flip(f, e) is -e when f is true)
	Expr  string   // one element's value: Go syntax over Vecs, Ks, Flags
}

// Table is every element-wise kernel. Expressions use + - * /, unary -,
// parentheses and flip(flag, e); the parse tree is the order of evaluation.
var Table = []Kernel{
	{Name: "addVV", Doc: "sets o = x + y.", Vecs: v("x", "y"), Expr: "x + y"},
	{Name: "addVK", Doc: "sets o = x + k.", Vecs: v("x"), Ks: v("k"), Expr: "x + k"},
	{Name: "addKV", Doc: "sets o = k + x.", Vecs: v("x"), Ks: v("k"), Expr: "k + x"},
	{Name: "subVV", Doc: "sets o = x - y.", Vecs: v("x", "y"), Expr: "x - y"},
	{Name: "subVK", Doc: "sets o = x - k.", Vecs: v("x"), Ks: v("k"), Expr: "x - k"},
	{Name: "subKV", Doc: "sets o = k - x.", Vecs: v("x"), Ks: v("k"), Expr: "k - x"},
	{Name: "mulVV", Doc: "sets o = x * y.", Vecs: v("x", "y"), Expr: "x * y"},
	{Name: "mulVK", Doc: "sets o = x * k.", Vecs: v("x"), Ks: v("k"), Expr: "x * k"},
	{Name: "mulKV", Doc: "sets o = k * x.", Vecs: v("x"), Ks: v("k"), Expr: "k * x"},
	{Name: "divVV", Doc: "sets o = x / y.", Vecs: v("x", "y"), Expr: "x / y"},
	{Name: "divVK", Doc: "sets o = x / k.", Vecs: v("x"), Ks: v("k"), Expr: "x / k"},
	{Name: "divKV", Doc: "sets o = k / x.", Vecs: v("x"), Ks: v("k"), Expr: "k / x"},
	{Name: "subKVMulV", Doc: "sets o = (k - x) * y.", Vecs: v("x", "y"), Ks: v("k"), Expr: "(k - x) * y"},
	{Name: "mulVSubKV", Doc: "sets o = y * (k - x).", Vecs: v("x", "y"), Ks: v("k"), Expr: "y * (k - x)"},
	{Name: "mulKSubKV", Doc: "sets o = c * (k - x).", Vecs: v("x"), Ks: v("c", "k"), Expr: "c * (k - x)"},
	{Name: "mulKVAddV", Doc: "sets o = c*x + y.", Vecs: v("x", "y"), Ks: v("c"), Expr: "c*x + y"},
	{Name: "addVMulKV", Doc: "sets o = y + c*x.", Vecs: v("x", "y"), Ks: v("c"), Expr: "y + c*x"},
	{Name: "negMulK", Doc: "sets o = (-x) * k.", Vecs: v("x"), Ks: v("k"), Expr: "(-x) * k"},
	{Name: "negV", Doc: "sets o = -x.", Vecs: v("x"), Expr: "-x"},
	{Name: "row1", Doc: "sets o = c0*a + r.", Vecs: v("a"), Ks: v("c0", "r"), Expr: "c0*a + r"},
	{Name: "row2", Doc: "sets o = c0*a + c1*b + r.", Vecs: v("a", "b"), Ks: v("c0", "c1", "r"), Expr: "c0*a + c1*b + r"},
	{Name: "row3", Doc: "sets o = c0*a + c1*b + c2*c + r.", Vecs: v("a", "b", "c"), Ks: v("c0", "c1", "c2", "r"), Expr: "c0*a + c1*b + c2*c + r"},
	{Name: "addVMulVSubKV", Doc: "sets o = a + y*(k - x).", Vecs: v("a", "x", "y"), Ks: v("k"), Expr: "a + y*(k-x)"},
	{Name: "mulVSubKVAddV", Doc: "sets o = y*(k - x) + a.", Vecs: v("a", "x", "y"), Ks: v("k"), Expr: "y*(k-x) + a"},
	{Name: "qPlusM", Doc: "sets o = c*(k - x) + y*(k2 - z): two conductance terms.", Vecs: v("x", "y", "z"), Ks: v("c", "k", "k2"), Expr: "c*(k-x) + y*(k2-z)"},
	{Name: "row3Held", Shape: Held, Doc: "is row3 for neurons that are not refractory (n >= ref[i]);\n// refractory ones keep their value.",
		Vecs: v("a", "b", "c"), Ks: v("c0", "c1", "c2", "r"), Expr: "c0*a + c1*b + c2*c + r"},
	{Name: "euler", Shape: Euler, Doc: "takes the Euler step o += dt*k, with k taken as 0 for refractory\n// neurons (n < ref[i]) when ref is not nil. It reports whether a new value\n// is NaN or infinite.",
		Vecs: v("k"), Expr: "k"},
	{Name: "eulerScaled", Shape: Euler, Doc: "is euler with k = x*c, or (-x)*c when neg: the right side's\n// last multiplication done in the same loop.",
		Vecs: v("x"), Ks: v("c"), Flags: v("neg"), Expr: "flip(neg, x) * c"},
	{Name: "eulerAddM", Shape: Euler, Doc: "is euler with k = (a + y*(k - x)) * c: the last conductance\n// term, the scaling and the step in one loop.",
		Vecs: v("a", "x", "y"), Ks: v("k", "c"), Expr: "(a + y*(k-x)) * c"},
	{Name: "eulerQMM", Shape: Euler, Doc: "is euler with k = ((c*(k1 - x) + y*(k2 - z)) + y2*(k3 - x2)) * s:\n// a conductance-based membrane with three terms (COBA's), its scaling and\n// the step in one loop.",
		Vecs: v("x", "y", "z", "x2", "y2"), Ks: v("c", "k1", "k2", "k3", "s"), Expr: "((c*(k1-x) + y*(k2-z)) + y2*(k3-x2)) * s"},
}

func v(names ...string) []string { return names }
