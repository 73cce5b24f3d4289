package rt

import (
	"syscall"
	"unsafe"
)

// hugeBytes is the size from which BigSlice asks for huge pages.
const hugeBytes = 8 << 20

// BigSlice makes a slice of n zero values for one of construction's
// per-synapse arrays (hundreds of megabytes at the microcircuit's scale)
// and asks the kernel to back it with transparent huge pages
// (madvise(MADV_HUGEPAGE): the machine's default is "madvise"): filling it
// then faults once per 2 MB instead of once per 4 kB page, which on the
// microcircuit's 2 GB saves seconds of CPU. Only the 2 MB-aligned pages
// inside the slice are marked, and every element is written, so the
// resident size is the same. Without huge pages it is a plain make.
func BigSlice[T any](n int64) []T {
	s := make([]T, n)
	size := uintptr(n) * unsafe.Sizeof(*new(T))
	if size < hugeBytes {
		return s
	}
	const huge = 2 << 20
	p := uintptr(unsafe.Pointer(unsafe.SliceData(s)))
	lo, hi := (p+huge-1)&^(huge-1), (p+size)&^(huge-1)
	b := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), size)
	_ = syscall.Madvise(b[lo-p:hi-p], madvHugepage) // only advice: ignore a kernel without it
	return s
}

const madvHugepage = 14 // MADV_HUGEPAGE
