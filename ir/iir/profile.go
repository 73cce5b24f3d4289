package iir

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

// Rounding says how a right shift (a division by a power of two) rounds.
type Rounding string

const (
	Trunc      Rounding = "trunc"      // toward zero: sign(x)·(|x| >> n), Loihi's decays
	Floor      Rounding = "floor"      // toward −∞: the arithmetic shift x >> n
	Nearest    Rounding = "nearest"    // to nearest, ties toward +∞: (x + 2^(n−1)) >> n
	Stochastic Rounding = "stochastic" // (x + r) >> n, r uniform in [0, 2^n) from the neuron's LFSR
)

// Overflow says what happens to a value outside its format.
type Overflow string

const (
	Wrap     Overflow = "wrap"     // two's complement: keep the low bits
	Saturate Overflow = "saturate" // clamp to the range
	// Modulo keeps the sign and takes |x| modulo 2^(w−1) (signed w bits):
	// 2^(w−1) + k becomes k, −(2^(w−1) + k) becomes −k. Lava's
	// PyLifModelBitAcc wraps u so (np.mod(u, sign(u)·2^23)); two's
	// complement would make 2^23 + k negative.
	Modulo Overflow = "modulo"
	Proved Overflow = "proved" // range analysis proved the value always fits: no hardware needed
)

// Decay is how a linear decay x·P (0 ≤ P < 1) is computed.
type Decay struct {
	// Form: "mac" (general: the propagator row is a multiply-accumulate
	// with ConstBits constants and one rounding), "multiply" (Loihi:
	// x·(2^Bits − d) >> Bits with Rounding), "shift" (Xylo:
	// x − (x >> dash), at least 1 for positive x when MinStep).
	Form     string   `json:"form"`
	Bits     int      `json:"bits,omitempty"`      // multiply: 12 for Loihi's du, dv
	Rounding Rounding `json:"rounding,omitempty"`  // multiply: trunc for Loihi
	MinStep  bool     `json:"min_step,omitempty"`  // shift: a positive value decays by at least 1
	MaxShift int      `json:"max_shift,omitempty"` // shift: largest dash (4-bit registers: 15)
	// multiply: the effective decay constants d a current and the membrane
	// can have (default 0..2^Bits). Lava adds ds_offset = 1 to du and
	// dm_offset = 0 to dv: d_u is 1..4096, d_v is 0..4095.
	Current  [2]int `json:"current,omitempty"`
	Membrane [2]int `json:"membrane,omitempty"`
}

// LFSR is the pseudo-random source of stochastic rounding: one Galois LFSR
// of Bits bits per neuron (part of its state), seeded from the run's seed,
// stepped once per stochastic rounding in kernel order.
type LFSR struct {
	Bits int    `json:"bits"`
	Taps string `json:"taps"` // feedback mask, e.g. "0x80200003" (x^32 + x^22 + x^2 + x + 1)
}

// Profile is a numeric target. Everything the lowering and the simulator
// need to know about a target is here, so a new target is a JSON file.
type Profile struct {
	Name string `json:"name"`
	Doc  string `json:"doc,omitempty"`

	// Structure: "general" lowers any exact linear system (propagator rows
	// become multiply-accumulates) and, with Nonlinear, polynomial RK4 and
	// Euler systems; "compartment" is a neuromorphic core's fixed neuron: up
	// to Currents synaptic currents that decay and add into one membrane
	// potential, with a threshold and a reset.
	Structure string `json:"structure"`

	StateBits int            `json:"state_bits"`     // (maximum) width of a state variable
	Narrow    bool           `json:"narrow"`         // a proven variable gets the narrowest width that holds it
	Frac      map[string]int `json:"frac,omitempty"` // general: fixed fractional bits (LSB 2^-frac in SI) by "var" or "Model.var"; others chosen
	Headroom  float64        `json:"headroom"`       // general: a variable holds Headroom × the largest constant it meets (threshold, reset, initial value, fixed point)
	// general: a variable that a port adds weights to holds this many of
	// the largest weight (the LSB is chosen from it; range analysis then
	// proves the bound or saturation is inserted)
	WeightHeadroom float64 `json:"weight_headroom"`

	ConstBits int `json:"const_bits"` // general: signed mantissa of a multiplier constant (it has its own power-of-two exponent)
	AccumBits int `json:"accum_bits"` // widest intermediate value (multiply-accumulate)

	WeightBits     int    `json:"weight_bits"`      // signed mantissa of a synaptic weight
	WeightShiftMin int    `json:"weight_shift_min"` // per projection (synapse) or port (input) exponent of the weights
	WeightShiftMax int    `json:"weight_shift_max"`
	WeightShiftAt  string `json:"weight_shift_at"` // "synapse": w << shift as delivered (Xylo); "input": the port's accumulated input is shifted in the update (Loihi's weight exponent)

	Rounding        Rounding `json:"rounding"`                   // every rounding the profile does not say otherwise about
	Overflow        Overflow `json:"overflow"`                   // state variables: wrap or saturate
	CurrentOverflow Overflow `json:"current_overflow,omitempty"` // compartment: the synaptic currents (Loihi's u wraps)
	SymmetricClip   bool     `json:"symmetric_clip,omitempty"`   // saturation stops at ±(2^(w−1)−1) (Loihi's v)

	Decay Decay `json:"decay"`

	InputBits  int `json:"input_bits,omitempty"`  // compartment: per-port input accumulator read by the next update (Loihi's a_in); 0: spikes add into the current
	InputShift int `json:"input_shift,omitempty"` // compartment: the input is shifted left by this into the current (Loihi: 6)

	ThresholdBits  int    `json:"threshold_bits,omitempty"`  // compartment: bits of the threshold mantissa (Loihi's vth: 17 unsigned; Xylo: 16 signed)
	ThresholdShift int    `json:"threshold_shift,omitempty"` // compartment: the threshold is mantissa << shift (Loihi: 6)
	ThresholdOp    string `json:"threshold_op,omitempty"`    // compartment: the hardware comparison, ">" (Loihi) or ">=" (Xylo)

	BiasBits   int `json:"bias_bits,omitempty"`    // compartment: signed bias mantissa; 0 = no bias
	BiasExpMax int `json:"bias_exp_max,omitempty"` // compartment: bias = mantissa << exp, 0 ≤ exp ≤ this

	Currents   int    `json:"currents,omitempty"`    // compartment: synaptic currents per neuron
	Reset      string `json:"reset,omitempty"`       // compartment: "zero" (v = 0, the reset value) or "subtract" (v −= threshold)
	Refractory bool   `json:"refractory"`            // refractory periods can be expressed
	NoLearning bool   `json:"no_learning,omitempty"` // plastic synapses (STDP) cannot be expressed: no on-chip learning in the modelled reference
	ZeroInit   bool   `json:"zero_init,omitempty"`   // compartment: every neuron starts at 0 (nonzero initial values are refused)
	// SignModes: the weights onto a port that all have one sign are an
	// unsigned weight_bits mantissa (Lava Dense's sign_mode excitatory or
	// inhibitory: 0..255 for 8 bits); mixed signs are signed (−128..127)
	SignModes bool `json:"sign_modes,omitempty"`
	// compartment, subtract reset: the spikes a neuron with outgoing
	// synapses emits in one step (XyloSim's hidden neurons: while v >= θ
	// and fewer than this, v −= θ and one more spike); a neuron no
	// projection leaves (a readout) emits one. 0 or 1: one spike.
	MaxSpikes int `json:"max_spikes,omitempty"`
	// compartment: the membrane's change −decay(v) + Σ currents (then
	// + bias) saturates to the state width before it is added to v
	// (XyloSim v2); false: v − decay(v) + Σ currents + bias saturates once
	// (XyloSim v1)
	SaturateDelta bool `json:"saturate_delta,omitempty"`
	Nonlinear     bool `json:"nonlinear"` // general: RK4/Euler systems of polynomials can be expressed

	LFSR LFSR `json:"lfsr"`
}

var builtin = map[string]string{
	"q16": `{
  "name": "q16",
  "doc": "generic Q-format: 16-bit state with per-variable fractional bits, 16-bit weights and constants, 48-bit accumulator, round to nearest, saturate",
  "structure": "general",
  "state_bits": 16, "narrow": true, "headroom": 2, "weight_headroom": 16,
  "const_bits": 16, "accum_bits": 48,
  "weight_bits": 16, "weight_shift_min": 0, "weight_shift_max": 15, "weight_shift_at": "synapse",
  "rounding": "nearest", "overflow": "saturate",
  "decay": {"form": "mac"},
  "refractory": true, "nonlinear": true,
  "lfsr": {"bits": 32, "taps": "0x80200003"}
}`,
	"loihi": `{
  "name": "loihi",
  "doc": "Loihi bit-accurate LIF as in Lava's PyLifModelBitAcc: 24-bit u and v, 12-bit decays x·(4096−d)>>12 toward zero, input a_in<<6, threshold vth<<6, u wraps as Lava does (sign kept, |u| modulo 2^23: 2^23 + k becomes k), v clipped to ±(2^23−1), v = 0 on a spike, u not reset; 8-bit weights with an exponent (a port whose weights have one sign: 0..255, Lava's sign modes), a_in = Σ mantissas << exponent within 16 bits; no refractory period and no learning (the reference has neither)",
  "structure": "compartment",
  "state_bits": 24, "narrow": false,
  "const_bits": 13, "accum_bits": 40,
  "weight_bits": 8, "weight_shift_min": -8, "weight_shift_max": 7, "weight_shift_at": "input",
  "rounding": "trunc", "overflow": "saturate", "current_overflow": "modulo", "symmetric_clip": true,
  "decay": {"form": "multiply", "bits": 12, "rounding": "trunc", "current": [1, 4096], "membrane": [0, 4095]},
  "input_bits": 16, "input_shift": 6,
  "threshold_bits": 17, "threshold_shift": 6, "threshold_op": ">",
  "bias_bits": 13, "bias_exp_max": 7,
  "currents": 1, "reset": "zero", "refractory": false, "no_learning": true, "nonlinear": false, "sign_modes": true,
  "lfsr": {"bits": 32, "taps": "0x80200003"}
}`,
	"xylo": `{
  "name": "xylo",
  "doc": "Xylo (XyloSim v2, xylosim.v2) IAF neuron: int16 saturating state, int8 weights << a per-projection shift, bitshift decays x −= x>>dash (at least 1 for positive x), two synaptic currents, bias; dv = sat16(sat16(−decay(v) + Σ i_syn) + bias), v = sat16(v + dv); while v >= threshold (at most 31 spikes a step; readouts one) subtract the threshold",
  "structure": "compartment",
  "state_bits": 16, "narrow": false,
  "const_bits": 16, "accum_bits": 40,
  "weight_bits": 8, "weight_shift_min": 0, "weight_shift_max": 7, "weight_shift_at": "synapse",
  "rounding": "floor", "overflow": "saturate", "current_overflow": "saturate",
  "decay": {"form": "shift", "min_step": true, "max_shift": 15},
  "threshold_bits": 16, "threshold_op": ">=",
  "bias_bits": 16,
  "currents": 2, "reset": "subtract", "refractory": false, "zero_init": true, "nonlinear": false,
  "max_spikes": 31, "saturate_delta": true,
  "lfsr": {"bits": 32, "taps": "0x80200003"}
}`,
	"xylo1": `{
  "name": "xylo1",
  "doc": "Xylo (XyloSim v1, xylosim.v1) IAF neuron: int16 saturating state, int8 weights << a per-projection shift, bitshift decays x −= x>>dash (at least 1 for positive x), two synaptic currents, no bias; v = sat16(v − decay(v) + Σ i_syn); while v >= threshold (at most 31 spikes a step; readouts one) subtract the threshold",
  "structure": "compartment",
  "state_bits": 16, "narrow": false,
  "const_bits": 16, "accum_bits": 40,
  "weight_bits": 8, "weight_shift_min": 0, "weight_shift_max": 7, "weight_shift_at": "synapse",
  "rounding": "floor", "overflow": "saturate", "current_overflow": "saturate",
  "decay": {"form": "shift", "min_step": true, "max_shift": 15},
  "threshold_bits": 16, "threshold_op": ">=",
  "currents": 2, "reset": "subtract", "refractory": false, "zero_init": true, "nonlinear": false,
  "max_spikes": 31,
  "lfsr": {"bits": 32, "taps": "0x80200003"}
}`,
}

// Profiles lists the built-in profile names.
func Profiles() []string {
	var ns []string
	for n := range builtin {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}

// LoadProfile returns a built-in profile by name, or reads a JSON profile
// from a file (any name ending in .json or containing a path separator).
func LoadProfile(name string) (*Profile, error) {
	if src, ok := builtin[name]; ok {
		return ParseProfile([]byte(src))
	}
	if strings.HasSuffix(name, ".json") || strings.ContainsRune(name, os.PathSeparator) {
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		p, err := ParseProfile(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return p, nil
	}
	return nil, fmt.Errorf("unknown profile %q: the profiles are %s, or a JSON profile file", name, strings.Join(Profiles(), ", "))
}

// ParseProfile reads a JSON profile (unknown fields are errors) and
// validates it.
func ParseProfile(b []byte) (*Profile, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var p Profile
	if err := dec.Decode(&p); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// JSON returns the profile as indented JSON (loadable by ParseProfile).
func (p *Profile) JSON() []byte {
	b, _ := json.MarshalIndent(p, "", "  ")
	return append(b, '\n')
}

// Validate checks that the fields are consistent.
func (p *Profile) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("profile %s: %s", p.Name, fmt.Sprintf(format, args...))
	}
	if p.Name == "" {
		return fmt.Errorf("profile without a name")
	}
	switch p.Structure {
	case "general", "compartment":
	default:
		return bad("structure %q: want general or compartment", p.Structure)
	}
	if p.StateBits < 2 || p.StateBits > 48 {
		return bad("state_bits %d: want 2..48", p.StateBits)
	}
	if p.StateBits+p.ConstBits > 62 {
		return bad("state_bits + const_bits = %d: products must fit 62 bits", p.StateBits+p.ConstBits)
	}
	if p.AccumBits < p.StateBits || p.AccumBits > 62 {
		return bad("accum_bits %d: want state_bits..62", p.AccumBits)
	}
	if p.WeightBits < 2 || p.WeightBits > 32 {
		return bad("weight_bits %d: want 2..32", p.WeightBits)
	}
	if p.WeightShiftMin > p.WeightShiftMax {
		return bad("weight_shift_min %d > weight_shift_max %d", p.WeightShiftMin, p.WeightShiftMax)
	}
	switch p.WeightShiftAt {
	case "synapse":
		if p.WeightShiftMin < 0 {
			return bad("weight_shift_min %d: a synapse shift is a left shift (>= 0)", p.WeightShiftMin)
		}
	case "input":
		if p.Structure != "compartment" || p.InputBits == 0 {
			return bad("weight_shift_at input needs a compartment with an input accumulator (input_bits)")
		}
	default:
		return bad("weight_shift_at %q: want synapse or input", p.WeightShiftAt)
	}
	for _, r := range []Rounding{p.Rounding, p.Decay.Rounding} {
		switch r {
		case Trunc, Floor, Nearest, Stochastic, "":
		default:
			return bad("rounding %q: want trunc, floor, nearest or stochastic", r)
		}
	}
	if p.Rounding == "" {
		return bad("no rounding")
	}
	for _, o := range []Overflow{p.Overflow, p.CurrentOverflow} {
		switch o {
		case Wrap, Saturate, Modulo, "":
		default:
			return bad("overflow %q: want wrap, saturate or modulo", o)
		}
	}
	if p.Overflow == "" {
		return bad("no overflow")
	}
	if p.LFSR.Bits < 2 || p.LFSR.Bits > 62 {
		return bad("lfsr bits %d: want 2..62", p.LFSR.Bits)
	}
	if _, err := p.Taps(); err != nil {
		return bad("lfsr taps %q: %v", p.LFSR.Taps, err)
	}
	switch p.Structure {
	case "general":
		if p.Decay.Form != "mac" {
			return bad("decay form %q: a general profile multiplies and accumulates (mac)", p.Decay.Form)
		}
		if p.ConstBits < 2 || p.ConstBits > 32 {
			return bad("const_bits %d: want 2..32", p.ConstBits)
		}
		if !(p.Headroom >= 1) || !(p.WeightHeadroom >= 1) {
			return bad("headroom and weight_headroom must be at least 1")
		}
	case "compartment":
		switch p.Decay.Form {
		case "multiply":
			if p.Decay.Bits < 1 || p.Decay.Bits > 24 {
				return bad("decay bits %d: want 1..24", p.Decay.Bits)
			}
			if p.Decay.Rounding == "" {
				return bad("decay rounding missing")
			}
		case "shift":
			if p.Decay.MaxShift < 1 || p.Decay.MaxShift > 30 {
				return bad("decay max_shift %d: want 1..30", p.Decay.MaxShift)
			}
		default:
			return bad("decay form %q: a compartment decays by multiply or shift", p.Decay.Form)
		}
		if p.Currents < 1 {
			return bad("currents %d: a compartment has at least one synaptic current", p.Currents)
		}
		if p.ThresholdOp != ">" && p.ThresholdOp != ">=" {
			return bad("threshold_op %q: want > or >=", p.ThresholdOp)
		}
		if p.ThresholdBits < 2 || p.ThresholdBits+p.ThresholdShift > p.StateBits {
			return bad("threshold_bits %d << %d does not fit the %d-bit state", p.ThresholdBits, p.ThresholdShift, p.StateBits)
		}
		if p.Reset != "zero" && p.Reset != "subtract" {
			return bad("reset %q: want zero or subtract", p.Reset)
		}
		if p.Nonlinear {
			return bad("a compartment integrates linear decays only (nonlinear must be false)")
		}
		if p.InputBits < 0 || p.InputBits > p.AccumBits {
			return bad("input_bits %d", p.InputBits)
		}
		if p.MaxSpikes < 0 || p.MaxSpikes > 1 && p.Reset != "subtract" {
			return bad("max_spikes %d: several spikes a step need reset subtract (a zero reset ends below the threshold)", p.MaxSpikes)
		}
	}
	if p.Structure != "compartment" && (p.MaxSpikes > 1 || p.SaturateDelta) {
		return bad("max_spikes and saturate_delta describe a compartment's neuron")
	}
	return nil
}

// Taps is the LFSR feedback polynomial as a Galois mask.
func (p *Profile) Taps() (uint64, error) {
	t, err := strconv.ParseUint(p.LFSR.Taps, 0, 64)
	if err != nil {
		return 0, err
	}
	if t == 0 || (p.LFSR.Bits < 64 && t>>uint(p.LFSR.Bits) != 0) {
		return 0, fmt.Errorf("mask does not fit %d bits", p.LFSR.Bits)
	}
	return t, nil
}

// CurrentsOverflow is the overflow of a compartment's synaptic currents.
func (p *Profile) CurrentsOverflow() Overflow {
	if p.CurrentOverflow != "" {
		return p.CurrentOverflow
	}
	return p.Overflow
}

// DecayRounding is the rounding of a multiply decay.
func (p *Profile) DecayRounding() Rounding {
	if p.Decay.Rounding != "" {
		return p.Decay.Rounding
	}
	return p.Rounding
}
