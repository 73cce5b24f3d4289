//go:build amd64 && !goexperiment.simd && !purego

package gosim

import (
	"testing"

	"golang.org/x/sys/cpu"
)

// TestKernAsmDefaultBuild: a plain `go build` runs the kernels' assembly
// (kern_amd64.s), 8 lanes with AVX-512F and 4 with AVX2, not only the
// scalar loops; TestKernelsSIMDBitIdentical and TestSIMDSameOutputs then
// compare every width with the scalar loops bit for bit.
func TestKernAsmDefaultBuild(t *testing.T) {
	want := 0
	for _, c := range []struct {
		w   int
		has bool
	}{{4, cpu.X86.HasAVX2}, {8, cpu.X86.HasAVX512F}} {
		if !c.has {
			t.Logf("no %d-lane assembly on this CPU", c.w)
			continue
		}
		want = c.w
		if k := kernels(c.w); k.w != c.w || k.lifBlock == nil || k.eulerQMM == nil {
			t.Errorf("kernels(%d) = width %d: the assembly is not used", c.w, k.w)
		}
	}
	if got := vecLanes(""); got != want {
		t.Errorf("default width %d, want %d", got, want)
	}
	if got := vecLanes("off"); got != 0 {
		t.Errorf("SNNC_SIMD=off: width %d, want 0", got)
	}
}
