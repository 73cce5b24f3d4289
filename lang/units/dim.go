// Package units is snnc's physical unit system: dimensions as exponent
// vectors over the SI base dimensions, unit atoms with SI prefixes, unit
// expressions, and the neuroscience display units used to print values
// back. The type checker uses Dim to check every expression; the IR uses
// Unit.Scale to normalise constants to SI float64.
package units

import (
	"strconv"
	"strings"
)

// Indices into Dim. The order is fixed because Dim values are compared
// and used as map keys.
const (
	Time        = iota // second, s
	Length             // metre, m
	Mass               // kilogram, kg
	Current            // ampere, A
	Temperature        // kelvin, K
	Amount             // mole, mol
	Luminous           // candela, cd
	// HalfTime is 1 for a half power of the second (s^-1/2 of white
	// noise, sqrt(1/tau)): the time exponent is Time + HalfTime/2. Every
	// Dim keeps it 0 or 1 (norm), so == still tests equality.
	HalfTime
	numBase
)

// Dim is a vector of exponents over the SI base dimensions
// (time s, length m, mass kg, current A, temperature K, amount mol,
// luminous intensity cd), indexed by Time, Length, ... Luminous, and
// HalfTime for half powers of the second.
// It is comparable, so == tests dimensional equality.
//
// Exponents are int8: Mul, Div and Pow wrap silently outside
// [-128, 127], so callers raising to user-supplied powers should bound
// the exponent first (ParseExpr does).
type Dim [numBase]int8

// Dimensionless is the zero Dim (pure numbers, Hz*s, mV/V ...).
var Dimensionless Dim

// base returns the Dim of a single base dimension.
func base(i int) Dim {
	var d Dim
	d[i] = 1
	return d
}

// Mul is the dimension of a product.
func (d Dim) Mul(e Dim) Dim {
	r, _ := d.add(e, 1)
	return r
}

// Div is the dimension of a quotient.
func (d Dim) Div(e Dim) Dim {
	r, _ := d.add(e, -1)
	return r
}

// Pow is the dimension of d raised to the integer power n.
func (d Dim) Pow(n int) Dim {
	r, _ := d.pow(n)
	return r
}

// Root is the dimension of the n-th root of d. It reports false when
// n < 1 or an exponent is not divisible by n (sqrt of mV has no
// dimension in this system).
func (d Dim) Root(n int) (Dim, bool) {
	if n < 1 {
		return Dim{}, false
	}
	var r Dim
	for i, x := range d {
		if i == Time || i == HalfTime {
			continue
		}
		if int(x)%n != 0 {
			return Dim{}, false
		}
		r[i] = int8(int(x) / n)
	}
	// the time exponent in halves: a square root of s^-1 is s^-1/2
	h := d.halves()
	if h%n != 0 {
		return Dim{}, false
	}
	r.setHalves(h / n)
	return r, true
}

// halves is the exponent of the second, in halves.
func (d Dim) halves() int { return 2*int(d[Time]) + int(d[HalfTime]) }

// setHalves sets the exponent of the second from halves (HalfTime 0 or 1).
func (d *Dim) setHalves(h int) {
	d[HalfTime] = int8(h & 1)
	d[Time] = int8((h - h&1) / 2)
}

// IsDimensionless reports whether all exponents are zero.
func (d Dim) IsDimensionless() bool { return d == Dimensionless }

// add returns d + k*e and whether every exponent stayed in int8 range.
func (d Dim) add(e Dim, k int) (Dim, bool) {
	var r Dim
	ok := true
	for i := range d {
		v := int(d[i]) + k*int(e[i])
		ok = ok && fitsInt8(v)
		r[i] = int8(v)
	}
	if r[HalfTime] != 0 || d[HalfTime] != 0 || e[HalfTime] != 0 {
		h := d.halves() + k*e.halves()
		r.setHalves(h)
		ok = ok && fitsInt8((h-h&1)/2)
	}
	return r, ok
}

// pow returns n*d and whether every exponent stayed in int8 range.
func (d Dim) pow(n int) (Dim, bool) {
	var r Dim
	ok := fitsInt8(n) || d.IsDimensionless()
	for i, x := range d {
		v := int(x) * n
		ok = ok && fitsInt8(v)
		r[i] = int8(v)
	}
	if d[HalfTime] != 0 {
		h := d.halves() * n
		r.setHalves(h)
		ok = ok && fitsInt8((h-h&1)/2)
	}
	return r, ok
}

func fitsInt8(v int) bool { return v >= -128 && v <= 127 }

// stringOrder is the conventional order for derived SI units
// (kg*m^2*s^-3*A^-1 for the volt), not the index order.
var stringOrder = [numBase]struct {
	idx int
	sym string
}{
	{Mass, "kg"}, {Length, "m"}, {Time, "s"}, {Current, "A"},
	{Temperature, "K"}, {Amount, "mol"}, {Luminous, "cd"}, {HalfTime, ""},
}

// String renders d in SI base units, e.g. "kg*m^2*s^-3*A^-1";
// "1" for dimensionless.
func (d Dim) String() string {
	if d.IsDimensionless() {
		return "1"
	}
	var b strings.Builder
	for _, o := range stringOrder {
		x := d[o.idx]
		half := o.idx == Time && d[HalfTime] != 0
		if x == 0 && !half || o.idx == HalfTime {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('*')
		}
		b.WriteString(o.sym)
		if half {
			b.WriteByte('^')
			b.WriteString(halfString(d.halves()))
			continue
		}
		if x != 1 {
			b.WriteByte('^')
			b.WriteString(strconv.Itoa(int(x)))
		}
	}
	return b.String()
}

// halfString is an odd number of halves as an exponent: "-1/2", "3/2".
func halfString(h int) string { return strconv.Itoa(h) + "/2" }

// MulChecked is Mul that also reports whether every exponent stayed in range
// (the checker turns an overflow into an error instead of a wrong unit).
func (d Dim) MulChecked(e Dim) (Dim, bool) { return d.add(e, 1) }

// DivChecked is Div with the range report of MulChecked.
func (d Dim) DivChecked(e Dim) (Dim, bool) { return d.add(e, -1) }

// PowChecked is Pow with the range report of MulChecked.
func (d Dim) PowChecked(n int) (Dim, bool) { return d.pow(n) }
