//go:build !goexperiment.simd || !amd64

package gosim

// Without GOEXPERIMENT=simd (or on another architecture than amd64) the
// kernels of kern.go run their scalar loops only: these vector bodies do
// nothing.

func simdCPU() bool { return false }

func addVV8(o, x, y []float64) int                          { return 0 }
func addVK8(o, x []float64, k float64) int                  { return 0 }
func addKV8(o, x []float64, k float64) int                  { return 0 }
func subVV8(o, x, y []float64) int                          { return 0 }
func subVK8(o, x []float64, k float64) int                  { return 0 }
func subKV8(o, x []float64, k float64) int                  { return 0 }
func mulVV8(o, x, y []float64) int                          { return 0 }
func mulVK8(o, x []float64, k float64) int                  { return 0 }
func mulKV8(o, x []float64, k float64) int                  { return 0 }
func divVV8(o, x, y []float64) int                          { return 0 }
func divVK8(o, x []float64, k float64) int                  { return 0 }
func divKV8(o, x []float64, k float64) int                  { return 0 }
func subKVMulV8(o, x, y []float64, k float64) int           { return 0 }
func mulVSubKV8(o, x, y []float64, k float64) int           { return 0 }
func mulKSubKV8(o, x []float64, c, k float64) int           { return 0 }
func mulKVAddV8(o, x, y []float64, c float64) int           { return 0 }
func addVMulKV8(o, x, y []float64, c float64) int           { return 0 }
func negMulK8(o, x []float64, k float64) int                { return 0 }
func negV8(o, x []float64) int                              { return 0 }
func row18(o, a []float64, c0, r float64) int               { return 0 }
func row28(o, a, b []float64, c0, c1, r float64) int        { return 0 }
func row38(o, a, b, c []float64, c0, c1, c2, r float64) int { return 0 }
func addVMulVSubKV8(o, a, x, y []float64, k float64) int    { return 0 }
func mulVSubKVAddV8(o, a, x, y []float64, k float64) int    { return 0 }
func qPlusM8(o, x, y, z []float64, c, k, k2 float64) int    { return 0 }
func eulerAddM8(o, a, x, y []float64, k, c float64, ref []int32, n int32, dt float64) (int, bool) {
	return 0, false
}
func eulerQMM8(o, x, y, z, x2, y2 []float64, c, k1, k2, k3, s float64, ref []int32, n int32, dt float64) (int, bool) {
	return 0, false
}
func row3Held8(o, a, b, c []float64, ref []int32, n int32, c0, c1, c2, r float64) int { return 0 }
func euler8(o, k []float64, ref []int32, n int32, dt float64) (int, bool)             { return 0, false }
func eulerScaled8(o, x []float64, c float64, neg bool, ref []int32, n int32, dt float64) (int, bool) {
	return 0, false
}
func nonFinite8(x []float64) bool { return false }
func crossings8(spikes []int32, op string, vals []float64, ref []int32, n int32, c float64, lo int) ([]int32, int) {
	return spikes, 0
}
func lifBlock8(spikes []int32, k *lifRows, v, g1, g2 []float64, ref []int32, n int32, lo int) ([]int32, int) {
	return spikes, 0
}
