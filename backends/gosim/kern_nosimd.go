//go:build !amd64 || (purego && !goexperiment.simd)

package gosim

// On other architectures than amd64, and with the build tag purego (unless
// GOEXPERIMENT=simd), the kernels of kern.go and kern_ops.go run their
// scalar loops only: there are no vector bodies.

func simdCPU(w int) bool { return false }

func kernels(w int) vecKernels { return vecKernels{} }
