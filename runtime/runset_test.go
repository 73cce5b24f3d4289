package rt

import (
	"strings"
	"testing"
)

// TestApplySets: values with units land in SI at their variable (unit
// factor by unit factor, as the compiler converts a literal: 2.5 mV is
// 2.5 * 1e-3); PRE->POST without the port finds the one projection; a name
// compiled into the code, a wrong dimension or a negative rate is refused.
func TestApplySets(t *testing.T) {
	var rate, w, g float64
	list := []RunSet{
		{Name: "P.rate", Unit: "Hz", NonNeg: true, Default: 15, Ptr: &rate},
		{Name: "E->I:exc.weight", Unit: "mV", Default: 1e-3, Ptr: &w},
		{Name: "C.g", Unit: "nS/um^2", Default: 1, Ptr: &g},
	}
	if err := ApplySets(list, []string{"P.rate=40Hz", "E->I.weight = -2.5 mV", "C.g=3 nS/um^2"}); err != nil {
		t.Fatal(err)
	}
	two, nano, micro := 2.5, 1e-9, 1e-6
	if rate != 40 || w != -two*1e-3 || g != 3*nano/(micro*micro) {
		t.Errorf("rate %v, w %v, g %v", rate, w, g)
	}
	for _, c := range []struct{ set, want string }{
		{"E.tau_m=5ms", "--set E.tau_m: not settable at run time: the compiler folded it into this program's code as a constant (settable at run time: C.g, E->I:exc.weight, P.rate); rebuild with snnc build --set 'E.tau_m=5ms'"},
		{"P.rate=4mV", "--set P.rate: 4mV is voltage (mV), not frequency (Hz) (the model's value: 15Hz)"},
		{"P.rate=-1Hz", "out of range"},
		{"P.rate=fast", `cannot read "fast" as a number`},
		{"P.rate=3 Hx", `unknown unit "Hx"`},
		{"P.rate", "expected NAME.PARAM=VALUE"},
	} {
		err := ApplySets(list, []string{c.set})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("--set %s: %v, want %q", c.set, err, c.want)
		}
	}
}
