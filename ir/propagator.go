package ir

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Propagator returns the exact one-step map of a linear system over dt:
//
//	x(t+dt) = P·x(t) + Q·u + r
//
// It is the matrix exponential of the augmented matrix M = [[A, B, c],
// [0, 0, 0]]·dt: the inputs and the 1 that multiplies c are constant
// state, so exp(M) carries ∫exp(A·s)ds·B·dt and ∫exp(A·s)ds·c·dt in its
// last columns and a singular A (a pure integrator x' = I/C) needs no
// inverse. clamp[i] true holds x_i constant (its row of M is zeroed), as
// during refractoriness; clamp may be nil.
//
// Accuracy matters because an error δ in P's diagonal grows to n·δ after n
// steps, and an error in P - I moves the fixed point (I - P)⁻¹·r. Measured
// against closed forms, P's diagonal is within one ulp (correctly rounded
// in every test here):
//   - Uncoupled variables (the common case) use the closed form
//     exp(a·dt) and expm1(a·dt)/a instead of a matrix exponential.
//   - Otherwise M is balanced first by a power-of-two diagonal similarity:
//     SI units put couplings such as 1/C = 5e9 F⁻¹ next to decay rates of
//     50 s⁻¹; unbalanced, gonum's Padé scaling and squaring then squares
//     17 times more and P loses about 1e5 ulp (measured).
//   - Padé returns exp(A·dt) = I + O(dt) with an error of some ulp of 1;
//     P - I is instead computed as A·dt·φ(A·dt), see expAffine.
//   - Without cycles, exp(A·dt)_ii = exp(a_ii·dt) exactly: the diagonal is
//     set so (Padé alone is 1 ulp off for ~2% of such entries at 0.1 ms).
//
// It fails with a descriptive error when dt is not positive and finite or
// an entry is Inf or NaN (overflow: a positive eigenvalue λ with a huge
// λ·dt).
func Propagator(l *Linear, dt float64, clamp []bool) (P, Q [][]float64, r []float64, err error) {
	n, m := len(l.Xs), len(l.Inputs)
	if !(dt > 0) || math.IsInf(dt, 1) {
		return nil, nil, nil, fmt.Errorf("propagator: time step dt = %g s must be positive and finite", dt)
	}
	if clamp != nil && len(clamp) != n {
		return nil, nil, nil, fmt.Errorf("propagator: %d clamp flags for %d variables", len(clamp), n)
	}
	if len(l.A) != n || len(l.B) != n || len(l.C) != n {
		return nil, nil, nil, fmt.Errorf("propagator: malformed system: %d variables, %d×%d rows of A, B, c", n, len(l.A), len(l.B))
	}

	// M = [[A B c]; [0 0 0]]·dt, size N; column n+m is c.
	N := n + m + 1
	M := make([][]float64, N)
	for i := range M {
		M[i] = make([]float64, N)
	}
	for i := 0; i < n; i++ {
		if len(l.A[i]) != n || len(l.B[i]) != m {
			return nil, nil, nil, fmt.Errorf("propagator: malformed row %d of A or B", i)
		}
		if clamp != nil && clamp[i] {
			continue
		}
		for j := 0; j < n; j++ {
			M[i][j] = l.A[i][j] * dt
		}
		for k := 0; k < m; k++ {
			M[i][n+k] = l.B[i][k] * dt
		}
		M[i][n+m] = l.C[i] * dt
		for j, v := range M[i] {
			if math.IsInf(v, 0) || math.IsNaN(v) {
				return nil, nil, nil, fmt.Errorf("propagator: coefficient of %s in %s' times dt is %g", l.colName(j), l.Xs[i].Name, v)
			}
		}
	}

	var E [][]float64
	if isDiagonal(M, n) {
		E = expDiagonal(M, n)
	} else {
		E = expAffine(M, n)
		if !hasCycle(reachable(M, n)) {
			for i := 0; i < n; i++ {
				E[i][i] = math.Exp(M[i][i])
			}
		}
	}

	P, Q, r = make([][]float64, n), make([][]float64, n), make([]float64, n)
	for i := 0; i < n; i++ {
		P[i], Q[i] = make([]float64, n), make([]float64, m)
		for j := 0; j < N; j++ {
			v := E[i][j]
			if math.IsInf(v, 0) || math.IsNaN(v) {
				return nil, nil, nil, fmt.Errorf("propagator: %s' overflows: its dependence on %s over dt = %g s is %g; the system grows too fast for an exact propagator (largest rate·dt on the diagonal: %.3g)",
					l.Xs[i].Name, l.colName(j), dt, v, growth(M, n))
			}
			switch {
			case j < n:
				P[i][j] = v
			case j < n+m:
				Q[i][j-n] = v
			default:
				r[i] = v
			}
		}
	}
	return P, Q, r, nil
}

// colName names column j of the augmented matrix for messages.
func (l *Linear) colName(j int) string {
	switch n := len(l.Xs); {
	case j < n:
		return l.Xs[j].Name
	case j < n+len(l.Inputs):
		return l.Inputs[j-n].Name
	}
	return "the constant term"
}

// growth is the largest diagonal entry of A·dt, a lower bound of the
// largest eigenvalue·dt, to make the overflow message concrete.
func growth(M [][]float64, n int) float64 {
	g := math.Inf(-1)
	for i := 0; i < n; i++ {
		g = math.Max(g, M[i][i])
	}
	return g
}

func isDiagonal(M [][]float64, n int) bool {
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if i != j && M[i][j] != 0 {
				return false
			}
		}
	}
	return true
}

// expDiagonal is exp(M) for uncoupled variables, in closed form: row i is
// x_i' = a·x_i + b·u + c, so P_ii = exp(a·dt) and the input and constant
// columns are multiplied by φ(a·dt) = expm1(a·dt)/(a·dt) (1 for a = 0).
// Only the first n rows are filled.
func expDiagonal(M [][]float64, n int) [][]float64 {
	E := make([][]float64, n)
	for i := range E {
		a := M[i][i]
		phi := 1.0
		if a != 0 {
			phi = math.Expm1(a) / a
		}
		E[i] = make([]float64, len(M))
		E[i][i] = math.Exp(a)
		for j := n; j < len(M); j++ {
			E[i][j] = M[i][j] * phi
		}
	}
	return E
}

// expAffine returns the first n rows of exp(M), computed from the
// exponential of M extended by n identity columns, [[Z, …, I], [0, …, 0]]
// with Z = A·dt, whose last block is φ(Z) = Σ Z^k/(k+1)!. P is then
// I + Z·φ(Z) instead of exp(Z) itself: Padé returns exp(Z) = I + O(dt)
// with an absolute error of some ulp of 1, which is a relative error of
// 1e-14 in P - I and in the fixed point (I - P)⁻¹·r; the product keeps
// P - I relatively accurate and rounds it onto 1 only once.
//
// Before the exponential, M is balanced: D⁻¹·M·D with D from balance is
// exact (powers of two) and leaves a norm close to the largest diagonal
// entry, so Padé needs few or no squarings.
func expAffine(M [][]float64, n int) [][]float64 {
	N := len(M) + n
	X := make([][]float64, N)
	for i := range X {
		X[i] = make([]float64, N)
		if i < len(M) {
			copy(X[i], M[i])
		}
		if i < n {
			X[i][len(M)+i] = 1
		}
	}
	d := balance(X)
	S := mat.NewDense(N, N, nil)
	for i := range X {
		for j, v := range X[i] {
			S.Set(i, j, v*d[j]/d[i])
		}
	}
	var e mat.Dense
	e.Exp(S)
	exp := func(i, j int) float64 { return e.At(i, j) * d[i] / d[j] }

	E := make([][]float64, n)
	for i := range E {
		E[i] = make([]float64, len(M))
		for j := range E[i] {
			if j >= n {
				E[i][j] = exp(i, j)
				continue
			}
			f := 0.0 // (Z·φ(Z))_ij
			for k := 0; k < n; k++ {
				f += M[i][k] * exp(k, len(M)+j)
			}
			if i == j {
				f++
			}
			E[i][j] = f
		}
	}
	return E
}

// balance returns power-of-two scales d such that M̃_ij = M_ij·d_j/d_i has
// off-diagonal row and column sums not much above ρ, the largest diagonal
// entry (1 if there is none). It is Osborne's iteration (LAPACK dgebal)
// extended to variables nothing reads or that read nothing — the inputs,
// the constant, the end of every feed-forward chain — which dgebal leaves
// alone: their one non-empty side can be shrunk to ρ for free.
func balance(M [][]float64) []float64 {
	N := len(M)
	d := make([]float64, N)
	rho := 0.0
	for i := range d {
		d[i] = 1
		rho = math.Max(rho, math.Abs(M[i][i]))
	}
	if rho == 0 {
		rho = 1
	}
	for sweep := 0; sweep < 100; sweep++ {
		done := true
		for i := 0; i < N; i++ {
			var c, r float64 // column i: what reads x_i; row i: what x_i reads
			for j := 0; j < N; j++ {
				if j != i {
					c += math.Abs(M[j][i]) * d[i] / d[j]
					r += math.Abs(M[i][j]) * d[j] / d[i]
				}
			}
			// Scaling d_i by f multiplies c by f and divides r by f.
			f := 1.0
			switch {
			case c == 0 && r > rho:
				f = pow2Above(r / rho)
			case r == 0 && c > rho:
				f = 1 / pow2Above(c/rho)
			case c > 0 && r > 0:
				if g := math.Ldexp(1, int(math.Round(math.Log2(r/c)/2))); c*g+r/g < 0.95*(c+r) {
					f = g
				}
			}
			if f != 1 {
				d[i] *= f
				done = false
			}
		}
		if done {
			break
		}
	}
	return d
}

// pow2Above is the least power of two ≥ x.
func pow2Above(x float64) float64 {
	return math.Ldexp(1, int(math.Ceil(math.Log2(x))))
}

// reachable[i][j] says whether x_i depends on x_j through a chain of
// couplings of A (i reaches i).
func reachable(M [][]float64, n int) [][]bool {
	R := make([][]bool, n)
	for i := range R {
		R[i] = make([]bool, n)
		R[i][i] = true
		for j := 0; j < n; j++ {
			R[i][j] = R[i][j] || M[i][j] != 0
		}
	}
	for k := 0; k < n; k++ { // Warshall
		for i := 0; i < n; i++ {
			if R[i][k] {
				for j := 0; j < n; j++ {
					R[i][j] = R[i][j] || R[k][j]
				}
			}
		}
	}
	return R
}

// hasCycle reports whether two different variables reach each other.
func hasCycle(R [][]bool) bool {
	for i := range R {
		for j := range R {
			if i != j && R[i][j] && R[j][i] {
				return true
			}
		}
	}
	return false
}

// Step applies a propagator (for tests and the interpreter): returns
// P·x + Q·u + r, summed left to right over P's row, then Q's, then r, each
// product rounded on its own (the float64 conversions forbid fused
// multiply-adds) so that generated code can reproduce it bit for bit.
func Step(P, Q [][]float64, r, x, u []float64) []float64 {
	out := make([]float64, len(P))
	for i := range P {
		s := 0.0
		for j, p := range P[i] {
			s += float64(p * x[j])
		}
		for k, q := range Q[i] {
			s += float64(q * u[k])
		}
		out[i] = s + r[i]
	}
	return out
}
