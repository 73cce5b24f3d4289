//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package rt

// Without flock(2) the output directory is not locked: the temporary
// directory and the renames still keep every file whole.
type lockFile struct{}

type busyError struct{ pid int }

func (e *busyError) Error() string { return "locked" }

func acquireLock(path string) (*lockFile, error) { return &lockFile{}, nil }

func (l *lockFile) release() {}

func isEINVAL(err error) bool { return false }

func isEROFS(err error) bool { return false }
