//go:build amd64 && !goexperiment.simd && !purego

package gosim

import (
	"testing"

	"golang.org/x/sys/cpu"
)

// TestKernAsmDefaultBuild: a plain `go build` on an AVX2 CPU runs the
// kernels' AVX2 assembly (kern_amd64.s), not only the scalar loops;
// TestKernelsSIMDBitIdentical and TestSIMDSameOutputs then compare it with
// the scalar loops bit for bit.
func TestKernAsmDefaultBuild(t *testing.T) {
	if !cpu.X86.HasAVX2 {
		t.Log("no AVX2 on this CPU: the scalar loops run")
		return
	}
	if k := kernels(4); k.w != 4 || k.lifBlock == nil || k.eulerQMM == nil {
		t.Fatalf("kernels(4) = width %d: the AVX2 assembly is not used", k.w)
	}
	if got := vecLanes(""); got != 4 {
		t.Errorf("default width %d, want 4", got)
	}
	if got := vecLanes("off"); got != 0 {
		t.Errorf("SNNC_SIMD=off: width %d, want 0", got)
	}
}
