//go:build !unix

package runtime

func addressSpaceLeft() (int64, bool) { return 0, false }
