//go:build !unix

package rt

func addressSpaceLeft() (int64, bool) { return 0, false }
