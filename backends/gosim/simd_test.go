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
// check's error) write byte-identical files, or the same error, with the
// scalar loops and with every vector width the CPU has (4 lanes with AVX2,
// 8 with AVX-512). Without any, only the scalar run is made.
func TestSIMDSameOutputs(t *testing.T) {
	widths := append([]int{0}, gosim.Lanes()...)
	if len(widths) < 3 {
		t.Logf("vector widths in this build and CPU (GOEXPERIMENT=simd, AVX2, AVX-512): %v, not all checked", widths[1:])
	}
	defer gosim.SetLanes(gosim.SetLanes(0))
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
			dirs := make([]string, len(widths))
			errs := make([]string, len(widths))
			for k, w := range widths {
				gosim.SetLanes(w)
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
			for k := 1; k < len(widths); k++ {
				if errs[k] != errs[0] {
					t.Fatalf("scalar: %v\n%d lanes: %v", errs[0], widths[k], errs[k])
				}
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
				for k := 1; k < len(widths); k++ {
					b, err := os.ReadFile(filepath.Join(dirs[k], filepath.Base(f)))
					if err != nil || !bytes.Equal(a, b) {
						t.Errorf("%s differs with %d lanes (%v)", filepath.Base(f), widths[k], err)
					}
				}
			}
		})
	}
}

// BenchmarkNeuronUpdate: the neuron work of one step (update, finite
// check, threshold, reset; no inputs, no delivery) of CUBA and COBA at
// N = 4000 and 40000, with the vector kernels off and on (the width
// SNNC_SIMD selects, as `snnc run` does: 8 lanes with AVX-512, 4 with AVX2
// or SNNC_SIMD=avx2; none with SNNC_SIMD=off). Reports ns per neuron and
// step.
func BenchmarkNeuronUpdate(b *testing.B) {
	defer gosim.SetLanes(gosim.SetLanes(0))
	for _, m := range []struct{ name, path string }{
		{"cuba4k", "../../examples/cuba.snn"},
		{"coba4k", "../../examples/coba.snn"},
		{"cuba40k", "../../bench/models/cuba40k.snn"},
		{"coba40k", "../../bench/models/coba40k.snn"},
	} {
		p := compile(b, m.path)
		for _, mode := range []string{"scalar", "simd"} {
			b.Run(m.name+"/"+mode, func(b *testing.B) {
				w := 0
				if mode == "simd" {
					if w = gosim.EnvLanes(); w == 0 {
						b.Skip("no vector kernels in this build or CPU, or SNNC_SIMD=off")
					}
				}
				gosim.SetLanes(w)
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
