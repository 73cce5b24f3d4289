package ir

// Row is one row of an exact propagator with its nonzero entries only:
// x_i(t+dt) = Σ Xc[k]·x[Xi[k]] + Σ Uc[k]·u[Ui[k]] + R. Both Go backends
// evaluate rows in this form, in the same order, so they round alike.
type Row struct {
	Xi []int
	Xc []float64
	Ui []int
	Uc []float64
	R  float64
}

// Rows compiles a propagator (P, Q, r) into rows.
func Rows(P, Q [][]float64, r []float64) []Row {
	rows := make([]Row, len(P))
	for i := range P {
		for j, c := range P[i] {
			if c != 0 {
				rows[i].Xi, rows[i].Xc = append(rows[i].Xi, j), append(rows[i].Xc, c)
			}
		}
		for k, c := range Q[i] {
			if c != 0 {
				rows[i].Ui, rows[i].Uc = append(rows[i].Ui, k), append(rows[i].Uc, c)
			}
		}
		rows[i].R = r[i]
	}
	return rows
}

// SameRow reports whether two rows are identical.
func SameRow(a, b Row) bool {
	if len(a.Xc) != len(b.Xc) || len(a.Uc) != len(b.Uc) || a.R != b.R {
		return false
	}
	for k := range a.Xc {
		if a.Xi[k] != b.Xi[k] || a.Xc[k] != b.Xc[k] {
			return false
		}
	}
	for k := range a.Uc {
		if a.Ui[k] != b.Ui[k] || a.Uc[k] != b.Uc[k] {
			return false
		}
	}
	return true
}

// InPlaceOrder finds an order of an exact system's rows in which each row
// is computed before any other variable it reads is overwritten, so the
// rows can be updated in place as loops over a population (CUBA: v first,
// then ge and gi). It returns nil when the reads form a cycle, or when
// refractoriness changes a row other than a clamped variable's own (a
// clamped row just skips refractory neurons).
func InPlaceOrder(sys *System) []int {
	rows := Rows(sys.P, sys.Q, sys.R)
	n := len(rows)
	if sys.PRef != nil {
		ref := Rows(sys.PRef, sys.QRef, sys.RRef)
		for j := 0; j < n; j++ {
			if !sys.Clamped[j] && !SameRow(rows[j], ref[j]) {
				return nil
			}
		}
	}
	indeg := make([]int, n) // row j must come before every k != j it reads
	for j := 0; j < n; j++ {
		for _, k := range rows[j].Xi {
			if k != j {
				indeg[k]++
			}
		}
	}
	var order, ready []int
	for j := 0; j < n; j++ {
		if indeg[j] == 0 {
			ready = append(ready, j)
		}
	}
	for len(ready) > 0 {
		j := ready[0]
		ready = ready[1:]
		order = append(order, j)
		for _, k := range rows[j].Xi {
			if k != j {
				if indeg[k]--; indeg[k] == 0 {
					ready = append(ready, k)
				}
			}
		}
	}
	if len(order) != n {
		return nil
	}
	return order
}
