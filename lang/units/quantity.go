package units

// quantities names the common dimensions and gives each its preferred
// neuroscience display unit. Dims are derived by parsing the unit, so a
// name can never disagree with its unit; init panics on a duplicate Dim.
var quantities = []struct{ name, unit string }{
	{"time", "ms"},
	{"length", "um"},
	{"mass", "kg"},
	{"current", "pA"},
	{"temperature", "K"},
	{"amount", "mol"},
	{"luminous intensity", "cd"},
	{"frequency", "Hz"},
	{"voltage", "mV"},
	{"conductance", "nS"},
	{"resistance", "Mohm"},
	{"capacitance", "pF"},
	{"charge", "pC"},
	{"concentration", "mM"},
	{"energy", "J"},
	{"power", "W"},
	{"force", "N"},
	{"pressure", "Pa"},
	{"area", "um^2"},
	{"volume", "um^3"},
	{"velocity", "m/s"},
	{"voltage/time", "mV/ms"},
	{"current/time", "pA/ms"},
	{"conductance/time", "nS/ms"},
	{"concentration/time", "mM/ms"},
	{"1/voltage", "1/mV"},
	{"specific capacitance", "uF/cm^2"},
	{"conductance density", "mS/cm^2"},
	{"current density", "uA/cm^2"},
	{"resistivity", "ohm*cm"},
}

type quantity struct {
	name string
	unit Unit
}

var byDim = map[Dim]quantity{}

func init() {
	for _, q := range quantities {
		u := MustParse(q.unit)
		if old, dup := byDim[u.Dim]; dup {
			panic("units: " + q.name + " and " + old.name + " share a dimension")
		}
		byDim[u.Dim] = quantity{q.name, u}
	}
}

// Name gives the physical quantity name for common dimensions ("time",
// "voltage", "conductance", "voltage/time", "dimensionless" ...), or ""
// when the dimension has no common name.
func (d Dim) Name() string {
	if d.IsDimensionless() {
		return "dimensionless"
	}
	return byDim[d].name
}

// Preferred returns the neuroscience display unit for d (time -> ms,
// voltage -> mV, current -> pA, conductance -> nS, ...) and whether one
// exists; the IR divides SI values by its Scale to print them back. The
// dimensionless display unit is One ("1").
func Preferred(d Dim) (Unit, bool) {
	if d.IsDimensionless() {
		return One, true
	}
	q, ok := byDim[d]
	return q.unit, ok
}

// Describe is how error messages show a dimension: "voltage (mV)",
// "dimensionless", or the SI form ("kg^2*m^4*s^-6*A^-2") when the
// dimension has no common name.
func Describe(d Dim) string {
	if d.IsDimensionless() {
		return "dimensionless"
	}
	if q, ok := byDim[d]; ok {
		return q.name + " (" + q.unit.Symbol + ")"
	}
	if d[HalfTime] != 0 { // white noise's s^-1/2 and what it multiplies
		base := d.Mul(Dim{HalfTime: 1})
		if base.IsDimensionless() {
			return "1/sqrt(time) (s^-1/2)"
		}
		return Describe(base) + " × s^-1/2"
	}
	return d.String()
}
