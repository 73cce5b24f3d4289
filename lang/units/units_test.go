package units

import (
	"errors"
	_ "github.com/snnc/snnc/internal/golden" // defines -update for go test ./... -update
	"math"
	"strings"
	"testing"
)

// Dimensions written out independently of the package's own tables.
var (
	tVoltage     = Dim{Time: -3, Length: 2, Mass: 1, Current: -1}
	tCurrent     = Dim{Current: 1}
	tConductance = Dim{Time: 3, Length: -2, Mass: -1, Current: 2}
	tResistance  = Dim{Time: -3, Length: 2, Mass: 1, Current: -2}
	tCapacitance = Dim{Time: 4, Length: -2, Mass: -1, Current: 2}
	tCharge      = Dim{Time: 1, Current: 1}
	tFrequency   = Dim{Time: -1}
	tTime        = Dim{Time: 1}
	tConc        = Dim{Length: -3, Amount: 1}
	tVolume      = Dim{Length: 3}
)

func approx(a, b float64) bool {
	if a == b {
		return true
	}
	return math.Abs(a-b) <= 1e-12*math.Max(math.Abs(a), math.Abs(b))
}

func TestDimArithmetic(t *testing.T) {
	if got := tCurrent.Mul(tResistance); got != tVoltage {
		t.Errorf("A*ohm = %v, want %v", got, tVoltage)
	}
	if got := tCurrent.Div(tVoltage); got != tConductance {
		t.Errorf("A/V = %v, want %v", got, tConductance)
	}
	if got := tCharge.Div(tVoltage); got != tCapacitance {
		t.Errorf("C/V = %v, want %v", got, tCapacitance)
	}
	if got := tFrequency.Mul(tTime); !got.IsDimensionless() {
		t.Errorf("Hz*s = %v, want dimensionless", got)
	}
	if got := tVoltage.Pow(2).Div(tVoltage); got != tVoltage {
		t.Errorf("V^2/V = %v", got)
	}
	if got := tVoltage.Pow(0); got != Dimensionless {
		t.Errorf("V^0 = %v", got)
	}
	if got := tTime.Pow(-2); got != (Dim{Time: -2}) {
		t.Errorf("s^-2 = %v", got)
	}
	if tVoltage.IsDimensionless() || !Dimensionless.IsDimensionless() {
		t.Error("IsDimensionless wrong")
	}
}

func TestDimRoot(t *testing.T) {
	tests := []struct {
		d    Dim
		n    int
		want Dim
		ok   bool
	}{
		{tVoltage.Pow(2), 2, tVoltage, true},
		{Dim{Length: 6}, 3, Dim{Length: 2}, true},
		{Dim{Length: -4, Time: 2}, 2, Dim{Length: -2, Time: 1}, true},
		{Dimensionless, 2, Dimensionless, true},
		{tVoltage, 1, tVoltage, true},
		{tVoltage, 2, Dim{}, false},                              // sqrt of mV
		{tFrequency, 2, Dim{Time: -1, HalfTime: 1}, true},        // sqrt(1/tau): s^-1/2
		{Dim{Time: -1, HalfTime: 1}.Pow(2), 1, tFrequency, true}, // (s^-1/2)^2
		{Dim{Time: -1, HalfTime: 1}.Mul(Dim{Time: -1, HalfTime: 1}), 1, tFrequency, true},
		{Dim{Time: -1, HalfTime: 1}, 2, Dim{}, false}, // s^-1/4
		{Dim{Length: 3}, 2, Dim{}, false},
		{tVoltage, 0, Dim{}, false},
		{tVoltage, -2, Dim{}, false},
	}
	for _, tt := range tests {
		got, ok := tt.d.Root(tt.n)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("%v.Root(%d) = %v, %v; want %v, %v", tt.d, tt.n, got, ok, tt.want, tt.ok)
		}
	}
}

func TestDimString(t *testing.T) {
	tests := []struct {
		d    Dim
		want string
	}{
		{Dimensionless, "1"},
		{tVoltage, "kg*m^2*s^-3*A^-1"},
		{tFrequency, "s^-1"},
		{tTime, "s"},
		{tConc, "m^-3*mol"},
		{Dim{Temperature: 1, Luminous: -2}, "K*cd^-2"},
		{tConductance, "kg^-1*m^-2*s^3*A^2"},
		{Dim{Time: -1, HalfTime: 1}, "s^-1/2"},
		{Dim{HalfTime: 1}, "s^1/2"},
		{tVoltage.Mul(Dim{Time: -1, HalfTime: 1}), "kg*m^2*s^-7/2*A^-1"},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("String(%v) = %q, want %q", [numBase]int8(tt.d), got, tt.want)
		}
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		sym   string
		dim   Dim
		scale float64
	}{
		{"s", tTime, 1},
		{"ms", tTime, 1e-3},
		{"us", tTime, 1e-6},
		{"µs", tTime, 1e-6},
		{"\u03bcs", tTime, 1e-6}, // Greek mu
		{"ns", tTime, 1e-9},
		{"min", tTime, 60},
		{"h", tTime, 3600},
		{"m", Dim{Length: 1}, 1},
		{"mm", Dim{Length: 1}, 1e-3},
		{"cm", Dim{Length: 1}, 1e-2},
		{"um", Dim{Length: 1}, 1e-6},
		{"Mm", Dim{Length: 1}, 1e6},
		{"g", Dim{Mass: 1}, 1e-3},
		{"kg", Dim{Mass: 1}, 1},
		{"mg", Dim{Mass: 1}, 1e-6},
		{"A", tCurrent, 1},
		{"pA", tCurrent, 1e-12},
		{"nA", tCurrent, 1e-9},
		{"V", tVoltage, 1},
		{"mV", tVoltage, 1e-3},
		{"MV", tVoltage, 1e6},
		{"S", tConductance, 1},
		{"nS", tConductance, 1e-9},
		{"uS", tConductance, 1e-6},
		{"µS", tConductance, 1e-6},
		{"mS", tConductance, 1e-3},
		{"F", tCapacitance, 1},
		{"pF", tCapacitance, 1e-12},
		{"C", tCharge, 1},
		{"pC", tCharge, 1e-12},
		{"ohm", tResistance, 1},
		{"Ohm", tResistance, 1},
		{"\u03a9", tResistance, 1},
		{"\u2126", tResistance, 1},
		{"Mohm", tResistance, 1e6},
		{"MOhm", tResistance, 1e6},
		{"M\u03a9", tResistance, 1e6},
		{"kohm", tResistance, 1e3},
		{"GOhm", tResistance, 1e9},
		{"Hz", tFrequency, 1},
		{"kHz", tFrequency, 1e3},
		{"K", Dim{Temperature: 1}, 1},
		{"mK", Dim{Temperature: 1}, 1e-3},
		{"mol", Dim{Amount: 1}, 1},
		{"mmol", Dim{Amount: 1}, 1e-3},
		{"cd", Dim{Luminous: 1}, 1},
		{"L", tVolume, 1e-3},
		{"l", tVolume, 1e-3},
		{"mL", tVolume, 1e-6},
		{"ul", tVolume, 1e-9},
		{"M", tConc, 1e3},
		{"mM", tConc, 1},
		{"uM", tConc, 1e-3},
		{"nM", tConc, 1e-6},
		{"W", Dim{Mass: 1, Length: 2, Time: -3}, 1},
		{"J", Dim{Mass: 1, Length: 2, Time: -2}, 1},
		{"N", Dim{Mass: 1, Length: 1, Time: -2}, 1},
		{"Pa", Dim{Mass: 1, Length: -1, Time: -2}, 1},
		{"ys", tTime, 1e-24},
		{"zs", tTime, 1e-21},
		{"as", tTime, 1e-18},
		{"fs", tTime, 1e-15},
		{"ps", tTime, 1e-12},
		{"ds", tTime, 1e-1},
		{"ks", tTime, 1e3},
		{"Ms", tTime, 1e6},
		{"Gs", tTime, 1e9},
		{"Ts", tTime, 1e12},
	}
	for _, tt := range tests {
		u, ok := Lookup(tt.sym)
		if !ok {
			t.Errorf("Lookup(%q) failed", tt.sym)
			continue
		}
		if u.Dim != tt.dim || !approx(u.Scale, tt.scale) || u.Symbol != tt.sym {
			t.Errorf("Lookup(%q) = {%q %v %g}, want {%q %v %g}", tt.sym, u.Symbol, u.Dim, u.Scale, tt.sym, tt.dim, tt.scale)
		}
		if !IsUnitName(tt.sym) {
			t.Errorf("IsUnitName(%q) = false", tt.sym)
		}
	}
}

func TestLookupRejects(t *testing.T) {
	for _, sym := range []string{
		"", "kms", "mmV", "mv", "MOHM", "Kohm", "kkg", "mkg", "kmin", "mh",
		"mins", "sec", "hz", "µ", "u", "k", "1", "m2", "m^2", "mV/ms",
		"ms ", " ms", "x", "V2", "da", "d", "Ohms", "ohms", "mho", "pa",
		"msec", "e", "Mmin", "hh", "cdd",
	} {
		if u, ok := Lookup(sym); ok {
			t.Errorf("Lookup(%q) = %+v, want failure", sym, u)
		}
		if IsUnitName(sym) {
			t.Errorf("IsUnitName(%q) = true", sym)
		}
	}
}

// TestSIIdentities checks conversions against the SI definitions:
// 1 a = ratio b.
func TestSIIdentities(t *testing.T) {
	tests := []struct {
		a, b  string
		ratio float64
	}{
		{"mV/ms", "V/s", 1},
		{"nS*mV", "pA", 1},
		{"Mohm*nA", "mV", 1},
		{"pA/pF", "V/s", 1},
		{"pA/pF", "mV/ms", 1},
		{"nA/nF", "mV/ms", 1},
		{"Hz", "1/s", 1},
		{"kHz", "1/ms", 1},
		{"pF*mV", "fC", 1},
		{"nS*ms", "pF", 1},
		{"Mohm*pF", "us", 1},
		{"Mohm*nF", "ms", 1},
		{"kg*m^2/s^2", "J", 1},
		{"J/s", "W", 1},
		{"N/m^2", "Pa", 1},
		{"V*A", "W", 1},
		{"C/s", "A", 1},
		{"1/ohm", "S", 1},
		{"A/V", "S", 1},
		{"C/V", "F", 1},
		{"mM", "mol/m^3", 1},
		{"M", "mol/L", 1},
		{"M", "mol/dm^3", 1},
		{"L", "dm^3", 1},
		{"mL", "cm^3", 1},
		{"uF/cm^2", "mF/m^2", 10},
		{"mS/cm^2", "S/m^2", 10},
		{"uA/cm^2", "mA/m^2", 10},
		{"ohm*cm", "ohm*m", 0.01},
		{"min", "s", 60},
		{"h", "min", 60},
		{"ms", "s", 1e-3},
		{"mV^2", "V^2", 1e-6},
		{"(mV)^2", "mV*mV", 1},
		{"um^2", "m^2", 1e-12},
		{"cm^-2", "m^-2", 1e4},
		{"m^(-2)", "1/m^2", 1},
		{"mol/(L*s)", "M/s", 1},
		{"mV/ms/ms", "mV/ms^2", 1},
		{"Hz*s", "1", 1},
		{"mV/V", "1", 1e-3},
		{"k\u2126*mA", "V", 1},
		{"µm^+2", "um^2", 1},
	}
	for _, tt := range tests {
		a, err := ParseExpr(tt.a)
		if err != nil {
			t.Errorf("ParseExpr(%q): %v", tt.a, err)
			continue
		}
		b, err := ParseExpr(tt.b)
		if err != nil {
			t.Errorf("ParseExpr(%q): %v", tt.b, err)
			continue
		}
		if a.Dim != b.Dim || !approx(a.Scale, tt.ratio*b.Scale) {
			t.Errorf("1 %s = {%v %g}, 1 %s = {%v %g}; want ratio %g", tt.a, a.Dim, a.Scale, tt.b, b.Dim, b.Scale, tt.ratio)
		}
	}
}

// TestUnitMethods checks Mul/Div/Pow against the same SI facts, and that
// their symbols re-parse to the same unit.
func TestUnitMethods(t *testing.T) {
	mv, ms, ns, pa, pf, mohm, na := MustParse("mV"), MustParse("ms"), MustParse("nS"), MustParse("pA"), MustParse("pF"), MustParse("Mohm"), MustParse("nA")
	tests := []struct {
		got       Unit
		dim       Dim
		scale     float64
		symbol    string
		checkName string
	}{
		{mv.Div(ms), tVoltage.Div(tTime), 1, "mV/ms", "voltage/time"},
		{ns.Mul(mv), tCurrent, 1e-12, "nS*mV", "current"},
		{pa.Div(pf), tVoltage.Div(tTime), 1, "pA/pF", "voltage/time"},
		{mohm.Mul(na), tVoltage, 1e-3, "Mohm*nA", "voltage"},
		{MustParse("Hz").Mul(MustParse("s")), Dimensionless, 1, "Hz*s", "dimensionless"},
		{mv.Pow(2), tVoltage.Pow(2), 1e-6, "mV^2", ""},
		{mv.Div(ms).Pow(2), tVoltage.Div(tTime).Pow(2), 1, "(mV/ms)^2", ""},
		{mv.Div(ms.Mul(ms)), tVoltage.Div(tTime.Pow(2)), 1e3, "mV/(ms*ms)", ""},
		{One.Div(ms), tFrequency, 1e3, "1/ms", "frequency"},
		{One.Mul(mv), tVoltage, 1e-3, "mV", "voltage"},
		{mv.Div(One), tVoltage, 1e-3, "mV", "voltage"},
		{mv.Pow(0), Dimensionless, 1, "1", "dimensionless"},
		{mv.Pow(1), tVoltage, 1e-3, "mV", "voltage"},
		{ms.Pow(-1), tFrequency, 1e3, "ms^-1", "frequency"},
	}
	for _, tt := range tests {
		u := tt.got
		if u.Dim != tt.dim || !approx(u.Scale, tt.scale) || u.Symbol != tt.symbol || u.Dim.Name() != tt.checkName {
			t.Errorf("got {%q %v %g %q}, want {%q %v %g %q}", u.Symbol, u.Dim, u.Scale, u.Dim.Name(), tt.symbol, tt.dim, tt.scale, tt.checkName)
		}
		r, err := ParseExpr(u.Symbol)
		if err != nil || r.Dim != u.Dim || !approx(r.Scale, u.Scale) {
			t.Errorf("re-parse %q = %+v, %v; want %+v", u.Symbol, r, err, u)
		}
	}
	if _, ok := mv.Pow(2).Dim.Root(2); !ok {
		t.Error("Root of mV^2 failed")
	}
	if _, ok := mv.Dim.Root(2); ok {
		t.Error("Root of mV succeeded")
	}
}

func TestParseExpr(t *testing.T) {
	u, err := ParseExpr(" mV / ms ")
	if err != nil || u.Symbol != "mV/ms" || u.Dim != tVoltage.Div(tTime) {
		t.Errorf("ParseExpr with blanks = %+v, %v", u, err)
	}
	u, err = ParseExpr("1")
	if err != nil || u.Dim != Dimensionless || u.Scale != 1 {
		t.Errorf("ParseExpr(1) = %+v, %v", u, err)
	}
}

func TestParseExprErrors(t *testing.T) {
	tests := []struct {
		in, atom, msg string
	}{
		{"mv/ms", "mv", `unknown unit "mv" (did you mean "mV"?)`},
		{"mV/xyzzy", "xyzzy", `unknown unit "xyzzy"`},
		{"kms", "kms", `unknown unit "kms"`},
		{"mmV", "mmV", `unknown unit "mmV"`},
		{"", "", "missing unit"},
		{"mV/", "", "missing unit"},
		{"mV*", "", "missing unit"},
		{"2/ms", "", "only the number 1"},
		{"mV^", "", "expected integer exponent"},
		{"mV^x", "", "expected integer exponent"},
		{"mV^1.5", "", "unexpected"},
		{"(mV", "", "missing ')'"},
		{"mV)", "", "unexpected"},
		{"mV ms", "", "unexpected"},
		{"m^(2", "", "missing ')'"},
		{"m^200", "", "exponent out of range"},
		{"m^99999999999999999999", "", "expected integer exponent"},
		{"m^100*m^100", "", "exponent out of range"},
		{"mV+ms", "", "unexpected"},
	}
	for _, tt := range tests {
		_, err := ParseExpr(tt.in)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("ParseExpr(%q) err = %v, want *ParseError", tt.in, err)
			continue
		}
		if pe.Atom != tt.atom || !strings.Contains(pe.Error(), tt.msg) {
			t.Errorf("ParseExpr(%q) = %q (atom %q), want %q (atom %q)", tt.in, pe.Error(), pe.Atom, tt.msg, tt.atom)
		}
		if tt.atom != "" && !strings.HasPrefix(tt.in[pe.Offset:], tt.atom) {
			t.Errorf("ParseExpr(%q) offset %d does not point at %q", tt.in, pe.Offset, tt.atom)
		}
	}
}

func TestNameAndDescribe(t *testing.T) {
	tests := []struct {
		d          Dim
		name, desc string
	}{
		{Dimensionless, "dimensionless", "dimensionless"},
		{tTime, "time", "time (ms)"},
		{tVoltage, "voltage", "voltage (mV)"},
		{tCurrent, "current", "current (pA)"},
		{tConductance, "conductance", "conductance (nS)"},
		{tCapacitance, "capacitance", "capacitance (pF)"},
		{tResistance, "resistance", "resistance (Mohm)"},
		{tFrequency, "frequency", "frequency (Hz)"},
		{tCharge, "charge", "charge (pC)"},
		{Dim{Length: 1}, "length", "length (um)"},
		{Dim{Mass: 1}, "mass", "mass (kg)"},
		{tConc, "concentration", "concentration (mM)"},
		{tVoltage.Div(tTime), "voltage/time", "voltage/time (mV/ms)"},
		{tCurrent.Div(tTime), "current/time", "current/time (pA/ms)"},
		{tConductance.Div(tTime), "conductance/time", "conductance/time (nS/ms)"},
		{tCapacitance.Div(Dim{Length: 2}), "specific capacitance", "specific capacitance (uF/cm^2)"},
		{tConductance.Div(Dim{Length: 2}), "conductance density", "conductance density (mS/cm^2)"},
		{tVoltage.Pow(2), "", "kg^2*m^4*s^-6*A^-2"},
		{Dim{Time: 7}, "", "s^7"},
	}
	for _, tt := range tests {
		if got := tt.d.Name(); got != tt.name {
			t.Errorf("%v.Name() = %q, want %q", tt.d, got, tt.name)
		}
		if got := Describe(tt.d); got != tt.desc {
			t.Errorf("Describe(%v) = %q, want %q", tt.d, got, tt.desc)
		}
	}
}

// TestPreferredRoundTrip converts user values to SI and back through the
// preferred unit for the dimension.
func TestPreferredRoundTrip(t *testing.T) {
	tests := []struct {
		value   float64
		unit    string
		want    float64 // value in the preferred unit
		wantSym string
	}{
		{-65, "mV", -65, "mV"},
		{0.02, "V", 20, "mV"},
		{20, "ms", 20, "ms"},
		{0.5, "s", 500, "ms"},
		{1, "min", 60000, "ms"},
		{2, "nA", 2000, "pA"},
		{10, "uS", 10000, "nS"},
		{1, "nF", 1000, "pF"},
		{100, "kohm", 0.1, "Mohm"},
		{0.01, "kHz", 10, "Hz"},
		{1, "uM", 1e-3, "mM"},
		{1, "nC", 1000, "pC"},
		{1, "mV/s", 1e-3, "mV/ms"},
		{1, "pA/pF", 1, "mV/ms"},
		{1, "uF/cm^2", 1, "uF/cm^2"},
		{1, "1/ms", 1000, "Hz"},
		{3, "1", 3, "1"},
	}
	for _, tt := range tests {
		u := MustParse(tt.unit)
		p, ok := Preferred(u.Dim)
		if !ok {
			t.Errorf("Preferred(%v) for %s: none", u.Dim, tt.unit)
			continue
		}
		si := tt.value * u.Scale
		if got := si / p.Scale; p.Symbol != tt.wantSym || !approx(got, tt.want) {
			t.Errorf("%g %s -> %g %s, want %g %s", tt.value, tt.unit, got, p.Symbol, tt.want, tt.wantSym)
		}
		if p.Dim != u.Dim {
			t.Errorf("Preferred(%v).Dim = %v", u.Dim, p.Dim)
		}
	}
	if _, ok := Preferred(tVoltage.Pow(2)); ok {
		t.Error("Preferred(V^2) should not exist")
	}
	// Every named dimension has a preferred unit with that dimension.
	for _, q := range quantities {
		u := MustParse(q.unit)
		p, ok := Preferred(u.Dim)
		if !ok || p.Dim != u.Dim || p.Symbol != q.unit || u.Dim.Name() != q.name {
			t.Errorf("quantity %s: Preferred = %+v, %v; Name = %q", q.name, p, ok, u.Dim.Name())
		}
	}
}

func TestSuggest(t *testing.T) {
	tests := []struct{ in, want string }{
		{"mv", "mV"},
		{"hz", "Hz"},
		{"khz", "kHz"},
		{"KHZ", "kHz"},
		{"ns", ""}, // valid: nanosecond
		{"mV", ""},
		{"NS", "nS"},
		{"PA", "pA"},
		{"pf", "pF"},
		{"mohm", ""}, // valid: milliohm
		{"MOHM", "Mohm"},
		{"Kohm", "kohm"},
		{"msec", "ms"},
		{"sec", "s"},
		{"secs", "s"},
		{"millivolts", "mV"},
		{"millisecond", "ms"},
		{"nanosiemens", "nS"},
		{"Mohms", "Mohm"},
		{"ohms", "ohm"},
		{"volt", "V"},
		{"hertz", "Hz"},
		{"hr", "h"},
		{"minutes", "min"},
		{"Mhom", "Mohm"}, // transposition
		{"mVV", "mV"},
		{"Hzz", "Hz"},
		{"x", ""},
		{"q", ""},
		{"banana", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got := Suggest(tt.in)
		if got != tt.want {
			t.Errorf("Suggest(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got != "" && !IsUnitName(got) {
			t.Errorf("Suggest(%q) = %q is not a unit", tt.in, got)
		}
	}
}

func TestPowOverflowBounded(t *testing.T) {
	// Dim.pow reports overflow instead of silently wrapping in ParseExpr.
	if _, ok := (Dim{Length: 1}).pow(128); ok {
		t.Error("m^128 should overflow int8")
	}
	if _, ok := (Dim{Length: 1}).pow(-128); !ok {
		t.Error("m^-128 fits int8")
	}
	if _, ok := Dimensionless.pow(1 << 40); !ok {
		t.Error("1^huge is fine")
	}
}

// TestUnambiguousSpellings guards the atom table: every valid spelling
// must parse exactly one way (exact atom or one prefix + atom), so adding
// e.g. "d" for day would be caught here because "cd" would become
// ambiguous with centi-day.
func TestUnambiguousSpellings(t *testing.T) {
	for _, c := range candidates {
		n := 0
		if _, ok := atoms[c]; ok {
			n++
		}
		for p := range prefixes {
			if rest, ok := strings.CutPrefix(c, p); ok {
				if a, ok := atoms[rest]; ok && a.prefixOK {
					n++
				}
			}
		}
		if n != 1 {
			t.Errorf("%q parses %d ways", c, n)
		}
	}
}
