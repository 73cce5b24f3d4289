//go:build !linux

package rt

// BigSlice is make([]T, n) (bigslice_linux.go asks for huge pages).
func BigSlice[T any](n int64) []T { return make([]T, n) }
