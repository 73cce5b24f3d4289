package iir_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/snnc/snnc/ir/iir"
)

func TestBuiltinProfilesRoundTrip(t *testing.T) {
	for _, name := range iir.Profiles() {
		p, err := iir.LoadProfile(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		back, err := iir.ParseProfile(p.JSON())
		if err != nil {
			t.Fatalf("%s: its JSON does not load back: %v", name, err)
		}
		if !reflect.DeepEqual(p, back) {
			t.Errorf("%s changes through JSON:\n%+v\n%+v", name, p, back)
		}
	}
	if got := iir.Profiles(); !reflect.DeepEqual(got, []string{"loihi", "q16", "xylo", "xylo1"}) {
		t.Errorf("profiles %v", got)
	}
}

func TestProfileErrors(t *testing.T) {
	q16, _ := iir.LoadProfile("q16")
	base := string(q16.JSON())
	for _, c := range []struct{ edit, want string }{
		{`"rounding": "nearest"`, `unknown field`},
		{`"rounding": "banker"`, `rounding "banker"`},
		{`"overflow": "clip"`, `overflow "clip"`},
		{`"structure": "dsp"`, `structure "dsp"`},
		{`"state_bits": 80`, `state_bits 80`},
		{`"weight_shift_at": "input"`, `input accumulator`},
	} {
		src := base
		if c.want == "unknown field" {
			src = strings.Replace(base, `"rounding": "nearest"`, `"rounding": "nearest", "colour": "red"`, 1)
		} else {
			key := c.edit[:strings.Index(c.edit, ":")]
			lines := strings.Split(src, "\n")
			for i, l := range lines {
				if strings.HasPrefix(strings.TrimSpace(l), key+":") {
					comma := strings.HasSuffix(l, ",")
					lines[i] = "  " + c.edit
					if comma {
						lines[i] += ","
					}
				}
			}
			src = strings.Join(lines, "\n")
		}
		_, err := iir.ParseProfile([]byte(src))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.edit, err, c.want)
		}
	}
	if _, err := iir.LoadProfile("loihi2"); err == nil || !strings.Contains(err.Error(), "loihi, q16, xylo") {
		t.Errorf("unknown target: %v", err)
	}
}

func TestShiftRight(t *testing.T) {
	for _, c := range []struct {
		x    int64
		n    int
		mode iir.Rounding
		want int64
	}{
		{7, 1, iir.Trunc, 3}, {-7, 1, iir.Trunc, -3},
		{7, 1, iir.Floor, 3}, {-7, 1, iir.Floor, -4},
		{7, 1, iir.Nearest, 4}, {-7, 1, iir.Nearest, -3}, // ties toward +∞
		{5, 2, iir.Nearest, 1}, {6, 2, iir.Nearest, 2}, {-6, 2, iir.Nearest, -1},
		{-5, 0, iir.Trunc, -5},
		// Loihi's decay: -1000·3706 >> 12 toward zero is −904 (floor: −905)
		{-1000 * 3706, 12, iir.Trunc, -904}, {-1000 * 3706, 12, iir.Floor, -905},
	} {
		if got := iir.ShiftRight(c.x, c.n, c.mode, nil); got != c.want {
			t.Errorf("ShiftRight(%d, %d, %s) = %d, want %d", c.x, c.n, c.mode, got, c.want)
		}
	}
	// stochastic: (x + r) >> n with the given bits
	if got := iir.ShiftRight(5, 2, iir.Stochastic, func(int) int64 { return 3 }); got != 2 {
		t.Errorf("stochastic with r = 3: %d, want 2", got)
	}
	if got := iir.ShiftRight(5, 2, iir.Stochastic, func(int) int64 { return 2 }); got != 1 {
		t.Errorf("stochastic with r = 2: %d, want 1", got)
	}
}

func TestOverflow(t *testing.T) {
	// Loihi's u wraps in 24 bits, v saturates at ±(2^23 − 1)
	lim := int64(1)<<23 - 1
	for _, c := range []struct {
		x    int64
		ovf  iir.Overflow
		want int64
	}{
		{lim + 1, iir.Wrap, -lim - 1},
		{lim + 5, iir.Wrap, -lim + 3},
		{-lim - 2, iir.Wrap, lim},
		{lim + 5, iir.Saturate, lim},
		{-lim - 5, iir.Saturate, -lim},
		{123, iir.Saturate, 123},
	} {
		if got := iir.Resize(c.x, 24, true, c.ovf, -lim, lim); got != c.want {
			t.Errorf("Resize(%d, s24, %s) = %d, want %d", c.x, c.ovf, got, c.want)
		}
	}
	if got := iir.Resize(40000, 16, true, iir.Saturate, -32768, 32767); got != 32767 {
		t.Errorf("int16 saturation: %d", got)
	}
}

func TestShiftDecay(t *testing.T) {
	// Xylo: x − (x >> dash), at least 1 for positive x
	for _, c := range []struct {
		x    int64
		dash int
		want int64
	}{
		{1000, 3, 875}, {7, 3, 6}, {1, 3, 0}, {0, 3, 0}, {-1, 3, 0}, {-7, 3, -6}, {-1000, 3, -875}, {-9, 3, -7},
	} {
		if got := iir.ShiftDecay(c.x, c.dash, true); got != c.want {
			t.Errorf("ShiftDecay(%d, %d) = %d, want %d", c.x, c.dash, got, c.want)
		}
	}
	if got := iir.ShiftDecay(7, 3, false); got != 7 {
		t.Errorf("without the minimum step 7 stays 7, got %d", got)
	}
}

func TestLFSR(t *testing.T) {
	// x^16 + x^14 + x^13 + x^11 + 1 (Galois mask 0xB400) is maximal: period 2^16 − 1
	s, n := uint64(1), 0
	for {
		s = iir.LFSRNext(s, 0xB400)
		n++
		if s == 1 || n > 1<<17 {
			break
		}
	}
	if n != 1<<16-1 {
		t.Errorf("period %d, want 65535", n)
	}
	// the first steps by hand: 1 → 0xB400 → 0x5A00 → 0x2D00
	s = 1
	for _, want := range []uint64{0xB400, 0x5A00, 0x2D00} {
		if s = iir.LFSRNext(s, 0xB400); s != want {
			t.Errorf("LFSR %#x, want %#x", s, want)
		}
	}
}

// TestMultiSpikeProfileErrors: several spikes a step need a subtractive
// reset, and both Xylo generation fields describe a compartment.
func TestMultiSpikeProfileErrors(t *testing.T) {
	lo, _ := iir.LoadProfile("loihi")
	lo.MaxSpikes = 31
	if err := lo.Validate(); err == nil || !strings.Contains(err.Error(), "need reset subtract") {
		t.Errorf("loihi with max_spikes 31: %v", err)
	}
	q, _ := iir.LoadProfile("q16")
	q.SaturateDelta = true
	if err := q.Validate(); err == nil || !strings.Contains(err.Error(), "compartment") {
		t.Errorf("q16 with saturate_delta: %v", err)
	}
	for _, name := range []string{"xylo", "xylo1"} {
		x, _ := iir.LoadProfile(name)
		if x.MaxSpikes != 31 || x.SaturateDelta != (name == "xylo") {
			t.Errorf("%s: max_spikes %d, saturate_delta %v", name, x.MaxSpikes, x.SaturateDelta)
		}
	}
}
