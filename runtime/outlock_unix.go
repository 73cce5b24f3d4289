//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package rt

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// lockFile is an flock(2)ed file holding its owner's pid. The kernel drops
// the lock when the process ends, however it ends, so a killed run never
// leaves the directory locked.
type lockFile struct {
	f    *os.File
	path string
}

// busyError: another process holds the lock (pid 0: not known yet).
type busyError struct{ pid int }

func (e *busyError) Error() string { return "locked by pid " + strconv.Itoa(e.pid) }

func acquireLock(path string) (*lockFile, error) {
	for {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, err
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			b := make([]byte, 32)
			n, _ := f.ReadAt(b, 0)
			f.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				pid, _ := strconv.Atoi(strings.TrimSpace(string(b[:n])))
				return nil, &busyError{pid: pid}
			}
			return nil, err
		}
		// the holder before us may have removed the file between our open
		// and our flock: then we hold a lock nobody else can see; retry
		fi, err1 := f.Stat()
		cur, err2 := os.Stat(path)
		if err1 != nil || err2 != nil || !os.SameFile(fi, cur) {
			f.Close()
			continue
		}
		f.Truncate(0)
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
		return &lockFile{f: f, path: path}, nil
	}
}

// release removes the file (while still holding the lock, so no other run
// can be holding it) and unlocks it.
func (l *lockFile) release() {
	os.Remove(l.path)
	l.f.Close()
}

func isEINVAL(err error) bool { return errors.Is(err, syscall.EINVAL) }

func isEROFS(err error) bool { return errors.Is(err, syscall.EROFS) }
