package gosim

import (
	"go/format"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/snnc/snnc/internal/golden"
)

// TestKernSIMD4 keeps kern_simd4.go, the 4-lane (AVX2) kernels, generated
// from the 8-lane ones of kern_simd.go: the lane count is the only change
// (types, kernel names, array sizes, multiples and masks of 8), so the two
// widths cannot drift apart. After editing kern_simd.go run
// `go test ./backends/gosim -run KernSIMD4 -update` and review `git diff`.
func TestKernSIMD4(t *testing.T) {
	src, err := os.ReadFile("kern_simd.go")
	if err != nil {
		t.Fatal(err)
	}
	got, err := simd4From(string(src))
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "kern_simd4.go", got)
}

const simd4Header = `// Code generated from kern_simd.go by TestKernSIMD4 (go test
// ./backends/gosim -run KernSIMD4 -update); DO NOT EDIT.

//go:build goexperiment.simd && amd64

package gosim

import (
	bits2 "math/bits"
	"simd/archsimd"
)

// The 4-lane (AVX2) twins of the 8-lane bodies of kern_simd.go, for CPUs
// without AVX-512 or with SNNC_SIMD=avx2. Each is its twin with 8 lanes
// replaced by 4 (Float64x8 by Float64x4, Int32x8 by Int32x4, Mask64x8 by
// Mask64x4, multiples of 8 by multiples of 4) and nothing else: the same
// operations in the same order, so the same bits.

`

var (
	lanes8Type = regexp.MustCompile(`(Float64|Int32|Mask64|Uint64|Int64|Uint32|Mask32)x8\b`)
	ident8     = regexp.MustCompile(`\b(\w+)8\b`)
	func8      = regexp.MustCompile(`(?m)^func (\w+8)\(`)
	const8     = regexp.MustCompile(`([+\-<>=:\[ ])8\b`)
)

// simd4From rewrites the 8-lane kernels (from "// neg8" on) for 4 lanes.
func simd4From(src string) ([]byte, error) {
	i := strings.Index(src, "// neg8")
	if i < 0 {
		return nil, os.ErrNotExist
	}
	body := src[i:]
	names := map[string]bool{}
	for _, m := range func8.FindAllStringSubmatch(body, -1) {
		names[m[1]] = true
	}
	body = lanes8Type.ReplaceAllString(body, "${1}x4")
	body = ident8.ReplaceAllStringFunc(body, func(s string) string {
		if names[s] {
			return strings.TrimSuffix(s, "8") + "4"
		}
		return s
	})
	body = strings.NewReplacer("[8]", "[4]", "&^ 7", "&^ 3", "&^7", "&^3", "0xff", "0xf").Replace(body)
	body = const8.ReplaceAllString(body, "${1}4")
	return format.Source([]byte(simd4Header + body))
}
