package gosim_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snnc/snnc/backends/gosim"
)

// TestSIMDSameOutputs: the vector kernels change nothing. CUBA (exact rows,
// fused threshold and reset), COBA (Euler through fused operators),
// features.snn (RK4 with clamped variables, conditionals, refractoriness
// and resets), lif_step.snn (recorded membrane) and blowup.snn (the finite
// check's error) write byte-identical files, or the same error, with SIMD
// on and off. With SIMD unavailable both runs are scalar.
func TestSIMDSameOutputs(t *testing.T) {
	if !gosim.SIMDAvailable() {
		t.Log("no vector kernels in this build or CPU (GOEXPERIMENT=simd, AVX-512): both runs are scalar")
	}
	defer gosim.SetSIMD(gosim.SetSIMD(true))
	cases := []struct {
		model string
		opt   gosim.Options
	}{
		{"../../examples/cuba.snn", gosim.Options{Duration: 0.3}},
		{"../../examples/coba.snn", gosim.Options{Duration: 0.3}},
		{"../../examples/coba.snn", gosim.Options{Duration: 0.1, Threads: 2}},
		{"../../testdata/gocode/features.snn", gosim.Options{}},
		{"../../testdata/run/lif_step.snn", gosim.Options{}},
		{"../../testdata/run/blowup.snn", gosim.Options{}},
	}
	// CUBA and COBA with blocks and populations that are not multiples of
	// the vector width, membranes recorded
	for _, m := range []string{"cuba", "coba"} {
		src, err := os.ReadFile("../../examples/" + m + ".snn")
		if err != nil {
			t.Fatal(err)
		}
		odd := strings.NewReplacer("LIF[3200]", "LIF[2403]", "LIF[800]", "LIF[597]",
			"record spikes(E, I)", "record spikes(E, I)\n    record E.v[2390:2403], I.v[0:9] every 1 ms").Replace(string(src))
		path := filepath.Join(t.TempDir(), m+"_odd.snn")
		if err := os.WriteFile(path, []byte(odd), 0o644); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, struct {
			model string
			opt   gosim.Options
		}{path, gosim.Options{Duration: 0.3}})
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.model), func(t *testing.T) {
			var dirs [2]string
			var errs [2]string
			for k, on := range []bool{false, true} {
				gosim.SetSIMD(on)
				res, err := gosim.Run(compile(t, c.model), c.opt)
				if err != nil {
					errs[k] = err.Error()
				}
				if res == nil {
					continue
				}
				dirs[k] = t.TempDir()
				if _, err := res.Write(dirs[k], false); err != nil {
					t.Fatal(err)
				}
			}
			if errs[0] != errs[1] {
				t.Fatalf("scalar: %v\nsimd:   %v", errs[0], errs[1])
			}
			if dirs[0] == "" {
				return
			}
			files, _ := filepath.Glob(filepath.Join(dirs[0], "*"))
			if len(files) == 0 {
				t.Fatal("no outputs written")
			}
			for _, f := range files {
				if filepath.Base(f) == "summary.json" {
					continue // wall-clock times
				}
				a, _ := os.ReadFile(f)
				b, err := os.ReadFile(filepath.Join(dirs[1], filepath.Base(f)))
				if err != nil || !bytes.Equal(a, b) {
					t.Errorf("%s differs with SIMD on (%v)", filepath.Base(f), err)
				}
			}
		})
	}
}

// BenchmarkNeuronUpdate: the neuron work of one step (update, finite
// check, threshold, reset; no inputs, no delivery) of CUBA and COBA at
// N = 4000 and 40000, with the vector kernels off and on. Reports ns per
// neuron and step.
func BenchmarkNeuronUpdate(b *testing.B) {
	defer gosim.SetSIMD(gosim.SetSIMD(true))
	for _, m := range []struct{ name, path string }{
		{"cuba4k", "../../examples/cuba.snn"},
		{"coba4k", "../../examples/coba.snn"},
		{"cuba40k", "../../bench/models/cuba40k.snn"},
		{"coba40k", "../../bench/models/coba40k.snn"},
	} {
		p := compile(b, m.path)
		for _, mode := range []string{"scalar", "simd"} {
			b.Run(m.name+"/"+mode, func(b *testing.B) {
				if mode == "simd" && !gosim.SIMDAvailable() {
					b.Skip("no vector kernels in this build or CPU")
				}
				gosim.SetSIMD(mode == "simd")
				step, n, err := gosim.NeuronStep(p)
				if err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					if err := step(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/neuron-step")
			})
		}
	}
}
