package iir

// Sqrt is ⌊√x⌋ for x > 0 and 0 otherwise (the lowering emits a square root
// only of a value whose range is non-negative; the definition keeps every
// executor's result the same anyway). It is the restoring digit-by-digit
// method the Verilog unrolls: one result bit per pair of input bits, from
// the top, each a compare and a subtract.
func Sqrt(x int64) int64 {
	if x <= 0 {
		return 0
	}
	rem, root := uint64(x), uint64(0)
	for bit := uint64(1) << 62; bit != 0; bit >>= 2 {
		if t := root + bit; rem >= t {
			rem -= t
			root = root>>1 + bit
		} else {
			root >>= 1
		}
	}
	return int64(root)
}
