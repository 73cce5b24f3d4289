//go:build !amd64 || (purego && !goexperiment.simd)

package gosim

// Without GOEXPERIMENT=simd (or on another architecture than amd64) the
// kernels of kern.go run their scalar loops only: there are no vector
// bodies.

func simdCPU(w int) bool { return false }

func kernels(w int) vecKernels { return vecKernels{} }
