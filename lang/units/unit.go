package units

import (
	"math"
	"strconv"
	"strings"
)

// Unit is a unit of measure: its dimension and the factor that converts
// a value in this unit to SI (value_SI = value * Scale).
type Unit struct {
	Symbol string  // as written, e.g. "mV", "mV/ms", "nS"
	Dim    Dim     // physical dimension
	Scale  float64 // factor to SI: 1 mV -> 1e-3
}

// String returns the symbol.
func (u Unit) String() string { return u.Symbol }

// One is the dimensionless unit with scale 1, written "1" (as in "1/ms").
var One = Unit{Symbol: "1", Scale: 1}

// Mul is the product unit; the symbol is joined with '*'.
func (u Unit) Mul(v Unit) Unit {
	return Unit{Symbol: joinSymbol(u.Symbol, "*", v.Symbol), Dim: u.Dim.Mul(v.Dim), Scale: u.Scale * v.Scale}
}

// Div is the quotient unit; the symbol is joined with '/'.
func (u Unit) Div(v Unit) Unit {
	return Unit{Symbol: joinSymbol(u.Symbol, "/", v.Symbol), Dim: u.Dim.Div(v.Dim), Scale: u.Scale / v.Scale}
}

// Pow raises u to the integer power n.
func (u Unit) Pow(n int) Unit {
	switch n {
	case 0:
		return One
	case 1:
		return u
	}
	return Unit{Symbol: powSymbol(u.Symbol, n), Dim: u.Dim.Pow(n), Scale: math.Pow(u.Scale, float64(n))}
}

// joinSymbol writes a op b so that it re-parses (left-associatively) to
// the same unit: only a compound right operand of '/' needs parentheses.
func joinSymbol(a, op, b string) string {
	switch {
	case b == "1" || b == "":
		if a == "" {
			return "1"
		}
		return a
	case (a == "1" || a == "") && op == "*":
		return b
	}
	if a == "" {
		a = "1"
	}
	if op == "/" && !isAtomSymbol(b) {
		b = "(" + b + ")"
	}
	return a + op + b
}

func powSymbol(s string, n int) string {
	if s == "" || s == "1" {
		return "1"
	}
	if !isAtomSymbol(s) {
		s = "(" + s + ")"
	}
	return s + "^" + strconv.Itoa(n)
}

// isAtomSymbol reports whether s needs no parentheses as an operand.
func isAtomSymbol(s string) bool {
	return !strings.ContainsAny(s, "*/^() ")
}

// atom is an unprefixed unit symbol.
type atom struct {
	dim      Dim
	scale    float64
	prefixOK bool // whether SI prefixes may be attached (not to min, h)
}

// Derived dimensions, spelt out once from the base dimensions.
var (
	dimTime      = base(Time)
	dimLength    = base(Length)
	dimMass      = base(Mass)
	dimCurrent   = base(Current)
	dimFrequency = Dimensionless.Div(dimTime)
	dimForce     = dimMass.Mul(dimLength).Div(dimTime.Pow(2))
	dimEnergy    = dimForce.Mul(dimLength)
	dimPower     = dimEnergy.Div(dimTime)
	dimCharge    = dimCurrent.Mul(dimTime)
	dimVoltage   = dimPower.Div(dimCurrent)
	dimResist    = dimVoltage.Div(dimCurrent)
	dimConduct   = dimCurrent.Div(dimVoltage)
	dimCapacit   = dimCharge.Div(dimVoltage)
	dimVolume    = dimLength.Pow(3)
	dimConc      = base(Amount).Div(dimVolume)
)

// atoms maps every unprefixed symbol to its definition. Symbols are case
// sensitive: "S" is siemens, "s" second; "M" molar, "m" metre.
var atoms = map[string]atom{
	"s":   {dimTime, 1, true},
	"m":   {dimLength, 1, true},
	"g":   {dimMass, 1e-3, true}, // kg is k+g
	"A":   {dimCurrent, 1, true},
	"K":   {base(Temperature), 1, true},
	"mol": {base(Amount), 1, true},
	"cd":  {base(Luminous), 1, true},

	"Hz":     {dimFrequency, 1, true},
	"N":      {dimForce, 1, true},
	"Pa":     {dimMass.Div(dimLength).Div(dimTime.Pow(2)), 1, true},
	"J":      {dimEnergy, 1, true},
	"W":      {dimPower, 1, true},
	"C":      {dimCharge, 1, true},
	"V":      {dimVoltage, 1, true},
	"F":      {dimCapacit, 1, true},
	"S":      {dimConduct, 1, true},
	"ohm":    {dimResist, 1, true},
	"Ohm":    {dimResist, 1, true},
	"\u03a9": {dimResist, 1, true}, // Ω Greek capital omega
	"\u2126": {dimResist, 1, true}, // Ω ohm sign
	"L":      {dimVolume, 1e-3, true},
	"l":      {dimVolume, 1e-3, true},
	"M":      {dimConc, 1e3, true}, // molar = mol/L = 1000 mol/m^3

	"min": {dimTime, 60, false},
	"h":   {dimTime, 3600, false},
}

// prefixes are the accepted SI prefixes. "µ" (micro sign) and "μ" (Greek
// mu) are both accepted next to the ASCII "u".
var prefixes = map[string]float64{
	"y": 1e-24, "z": 1e-21, "a": 1e-18, "f": 1e-15, "p": 1e-12, "n": 1e-9,
	"u": 1e-6, "\u00b5": 1e-6, "\u03bc": 1e-6, // µ micro sign, μ Greek mu
	"m": 1e-3, "c": 1e-2, "d": 1e-1,
	"k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12,
}

// Lookup resolves one unit atom with an optional SI prefix ("ms", "nS",
// "Mohm", "mM"). An exact unprefixed symbol wins over a prefix split
// ("m" is metre, "min" minute, "mol" mole, "cd" candela); otherwise the
// symbol must be exactly one prefix followed by a prefixable atom, so
// stacked prefixes ("mmV") and prefixed compounds ("kms") are rejected.
func Lookup(sym string) (Unit, bool) {
	if a, ok := atoms[sym]; ok {
		return Unit{Symbol: sym, Dim: a.dim, Scale: a.scale}, true
	}
	for p, f := range prefixes {
		rest, found := strings.CutPrefix(sym, p)
		if !found {
			continue
		}
		if a, ok := atoms[rest]; ok && a.prefixOK {
			return Unit{Symbol: sym, Dim: a.dim, Scale: f * a.scale}, true
		}
	}
	return Unit{}, false
}

// IsUnitName reports whether sym is a unit atom, so the parser can tell
// whether an identifier after '*' or '/' continues a unit expression
// following a number literal.
func IsUnitName(sym string) bool {
	_, ok := Lookup(sym)
	return ok
}
