package ir

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/snnc/snnc/lang/units"
)

// TestQuantityExtremes: a finite SI value whose display unit would overflow
// (-1e306 V in mV) or underflow is printed finitely, in SI base units, and
// reads back as the same number; ordinary values keep their display unit.
func TestQuantityExtremes(t *testing.T) {
	volt := units.MustParse("mV").Dim
	ohm := units.MustParse("Mohm").Dim
	for _, c := range []struct {
		v    float64
		d    units.Dim
		unit string
		want string
	}{
		{-1e306, volt, "", "-1e+306 kg*m^2*s^-3*A^-1"},
		{1e306, volt, "mV", "1e+306 kg*m^2*s^-3*A^-1"},
		{5e-324, ohm, "", "4.94065645841e-324 kg*m^2*s^-3*A^-2"},
		{-0.065, volt, "", "-65 mV"},
		{math.Inf(-1), volt, "", "-Inf mV"}, // a true infinity stays one
	} {
		got := Quantity(c.v, c.d, c.unit)
		if got != c.want {
			t.Errorf("Quantity(%g, %s): %q, want %q", c.v, c.unit, got, c.want)
		}
		if f, err := strconv.ParseFloat(strings.Fields(got)[0], 64); err != nil || (f != c.v && !strings.Contains(got, "mV")) {
			t.Errorf("Quantity(%g): %q does not read back (%v, %v)", c.v, got, f, err)
		}
	}
}
